"""Register errors (登记簿错误): every refusal of the registry as a named ``registry.*`` code.

Raised as ``raise ASSET_EXISTS(number=..., id=...)``: the messages' ``{placeholders}`` are filled from the details,
which travel in the response too. Where one code has more than one wording (the same refusal reached from two
places), the constant holds the usual wording and the other site raises ``CODE.kind(zh, en, code=CODE.code)``.
"""

from __future__ import annotations

from ippledge.kernel.errors import ConflictError, ErrorCode, NotFoundError, ValidationError

# Numbers (编号)
NUMBER_REQUIRED = ErrorCode("registry.number_required", ValidationError, "编号不能为空", "the number is required")
PUBLICATION_NUMBER = ErrorCode(
    "registry.publication_number",
    ValidationError,
    "公开（公告）号不是登记簿编号，请使用申请号或专利号：{number}",
    "a publication number is not a register number; use the application or patent number: {number}",
)
NOT_AN_IP_NUMBER = ErrorCode(
    "registry.not_an_ip_number",
    ValidationError,
    "不是专利、商标或版权登记编号：{number}",
    "not a patent, trademark or copyright number: {number}",
)  # details: ``looks_like``
NUMBER_SUBTYPE_MISMATCH = ErrorCode(
    "registry.number_subtype_mismatch",
    ValidationError,
    "申请号的类型位表示{label_zh}，与专利类型不符",
    "the application number's type digit says {actual}, not {subtype}",
)  # copyright numbers: 登记号类型（作品/软件）与版权类型不符
FILING_YEAR_MISMATCH = ErrorCode(
    "registry.filing_year_mismatch",
    ValidationError,
    "申请号中的年份{year}与申请日{filing_date}不符",
    "the application number's year {year} does not match the filing date {filing_date}",
)

# Recording an asset (知识产权登记)
SUBTYPE_MISMATCH = ErrorCode(
    "registry.subtype_mismatch", ValidationError, "{kind} 不能有子类型 {subtype}", "a {kind} cannot be a {subtype}"
)
TITLE_REQUIRED = ErrorCode("registry.title_required", ValidationError, "名称不能为空", "the title is required")
GRANT_BEFORE_FILING = ErrorCode(
    "registry.grant_before_filing",
    ValidationError,
    "授权（注册）日不能早于申请日",
    "the grant date cannot precede the filing date",
)
STATUS_PENDING = ErrorCode(
    "registry.status_pending", ValidationError, "已授权的权利不能为审中状态", "a granted right cannot be pending"
)
GRANT_DATE_REQUIRED = ErrorCode(
    "registry.grant_date_required",
    ValidationError,
    "未授权（注册）的专利或商标只能为审中状态",
    "a patent or trademark without a grant date can only be pending",
)
EXPIRY_BEFORE_FILING = ErrorCode(
    "registry.expiry_before_filing", ValidationError, "届满日不能早于申请日", "expiry cannot precede filing"
)
EXPIRED_IN_FORCE = ErrorCode(
    "registry.expired_in_force",
    ValidationError,
    "保护期已于{expiry_date}届满，不能登记为有效",
    "the term ended on {expiry_date}: the right cannot be in force",
)
NICE_CLASSES_REQUIRED = ErrorCode(
    "registry.nice_classes_required", ValidationError, "商标须指定尼斯分类", "a trademark needs its Nice classes"
)
NICE_CLASSES_NOT_ALLOWED = ErrorCode(
    "registry.nice_classes_not_allowed", ValidationError, "只有商标有尼斯分类", "only trademarks have Nice classes"
)
CLAIMS_NEGATIVE = ErrorCode(
    "registry.claims_negative", ValidationError, "权利要求数不能为负", "claims cannot be negative"
)
ASSET_EXISTS = ErrorCode(
    "registry.asset_exists", ConflictError, "该编号已登记：{number}", "already on the register: {number}"
)

# Owners (权利人)
OWNERS_REQUIRED = ErrorCode(
    "registry.owners_required", ValidationError, "至少需要一个权利人", "at least one owner is required"
)
OWNER_DUPLICATE = ErrorCode("registry.owner_duplicate", ValidationError, "权利人重复", "an owner appears twice")
OWNER_SHARES = ErrorCode(
    "registry.owner_shares",
    ValidationError,
    "共有份额须为正数且合计 10000 个基点（100%）",
    "owner shares must be positive and sum to 10,000 basis points (100%)",
)
OWNER_UNKNOWN = ErrorCode(
    "registry.owner_unknown", ValidationError, "权利人不存在：{party_ids}", "unknown owner party: {party_ids}"
)

# Enterprises (企业登记)
USCC_REQUIRED = ErrorCode(
    "registry.uscc_required", ValidationError, "企业必须提供统一社会信用代码", "an enterprise needs a USCC"
)
REGION_CODE = ErrorCode(
    "registry.region_code",
    ValidationError,
    "行政区划代码应为6位数字：{region_code}",
    "the region code has 6 digits: {region_code}",
)
INDUSTRY_CODE = ErrorCode(
    "registry.industry_code",
    ValidationError,
    "行业代码应为国民经济行业分类（GB/T 4754）代码，如 I65：{industry}",
    "the industry is a GB/T 4754 code such as I65: {industry}",
)
ENTERPRISE_SIZE = ErrorCode(
    "registry.enterprise_size",
    ValidationError,
    "企业规模应为 micro/small/medium/large 之一：{size}",
    "size is one of micro, small, medium, large: {size}",
)
REVENUE_NEGATIVE = ErrorCode(
    "registry.revenue_negative", ValidationError, "营业收入不能为负", "revenue cannot be negative"
)
EMPLOYEES_NEGATIVE = ErrorCode(
    "registry.employees_negative", ValidationError, "从业人数不能为负", "employees cannot be negative"
)

# Legal-status events (法律状态事件)
EVENT_CODE = ErrorCode(
    "registry.event_code", ValidationError, "未知的法律状态事件代码：{code}", "unknown legal-status event code: {code}"
)
EFFECTIVE_DATE = ErrorCode(
    "registry.effective_date",
    ValidationError,
    "生效日应为 YYYY-MM-DD：{text}",
    "effective_date must be YYYY-MM-DD: {text}",
)  # a missing date in a request: 缺少生效日
EVENT_IN_FUTURE = ErrorCode(
    "registry.event_in_future",
    ValidationError,
    "生效日{effective_date}晚于今天{as_of}",
    "the effective date {effective_date} is in the future (today is {as_of})",
)
EVENT_DUPLICATE = ErrorCode(
    "registry.event_duplicate",
    ConflictError,
    "该事件已登记：{event} {effective_date}",
    "event already recorded: {event} on {effective_date}",
)
EVENT_BACKDATED = ErrorCode(
    "registry.event_backdated",
    ConflictError,
    "事件{event}的生效日{effective_date}早于最近一次状态变化日{status_date}",
    "event {event} dated {effective_date} precedes the last status change on {status_date}",
)
EVENT_OUT_OF_ORDER = ErrorCode(
    "registry.event_out_of_order",
    ConflictError,
    "{state_zh}状态下不能发生「{event_zh}」（{event}）",
    "event {event} ({event_en}) cannot happen while the right is {state}",
)  # also: (未)处于保全状态，不能发生…; 只能对有效的权利提出无效宣告请求
ASSET_PRESERVED = ErrorCode(
    "registry.asset_preserved",
    ConflictError,
    "专利权处于保全状态，不能发生「{event_zh}」（{event}）",
    "event {event} ({event_en}) is not allowed while the right is preserved",
)  # a transfer: 该知识产权处于保全状态，不能转让
INVALIDATION_UNCHANGED = ErrorCode(
    "registry.invalidation_unchanged",
    ConflictError,
    "无效宣告请求状态未变化",
    "an invalidation request is already pending",
)  # clearing none: 没有待审的无效宣告请求
PLEDGEE_CONSENT_REQUIRED = ErrorCode(
    "registry.pledgee_consent_required",
    ConflictError,
    "该知识产权已出质，转让或许可须经质权人同意",
    "the IP is pledged: a transfer or licence needs the consent of the pledgee",
)

# Annuities (年费)
ANNUITY_NOT_FOUND = ErrorCode(
    "registry.annuity_not_found", NotFoundError, "第{year_no}年度年费不存在", "no annuity for year {year_no}"
)
ANNUITY_ALREADY_PAID = ErrorCode(
    "registry.annuity_already_paid",
    ConflictError,
    "第{year_no}年度年费已于{paid_on}缴纳",
    "the year {year_no} annuity was paid on {paid_on}",
)
ANNUITY_NOT_IN_FORCE = ErrorCode(
    "registry.annuity_not_in_force",
    ConflictError,
    "权利状态为{status_zh}，不能缴纳年费",
    "the right is {status}: no annuity can be paid",
)
ANNUITY_LAPSED = ErrorCode(
    "registry.annuity_lapsed",
    ConflictError,
    "已超过年费滞纳期，专利权已终止",
    "paid after the 6-month grace period: the right has lapsed",
)

# Licences (许可备案)
LICENCE_EXCLUSIVITY = ErrorCode(
    "registry.licence_exclusivity",
    ValidationError,
    "许可类型应为 exclusive/sole/ordinary 之一：{exclusivity}",
    "exclusivity is one of exclusive, sole, ordinary: {exclusivity}",
)
LICENCE_TERM = ErrorCode(
    "registry.licence_term", ValidationError, "许可期限结束日早于开始日", "the licence ends before it starts"
)  # a change or cancellation dated before the recording is the same code as a 409 conflict
LICENSEE_REQUIRED = ErrorCode(
    "registry.licensee_required", ValidationError, "被许可人不能为空", "the licensee is required"
)
LICENSOR_NOT_OWNER = ErrorCode(
    "registry.licensor_not_owner", ValidationError, "许可人必须是权利人", "the licensor must be an owner"
)
LICENCE_CANCELLED = ErrorCode(
    "registry.licence_cancelled",
    ConflictError,
    "许可备案已于{cancelled_on}注销",
    "the licence was cancelled on {cancelled_on}",
)

# Bulk feeds and batch queries (批量导入与批量查询)
FEED_FORMAT = ErrorCode(
    "registry.feed_format", ValidationError, "格式应为 csv 或 jsonl：{fmt}", "format must be csv or jsonl: {fmt}"
)
FEED_FILE = ErrorCode("registry.feed_file", ValidationError, "缺少上传文件 file", "multipart field 'file' is missing")
FEED_HEADER = ErrorCode(
    "registry.feed_header",
    ValidationError,
    "CSV 表头缺少列：{missing}（应为 number,code,effective_date[,details]）",
    "CSV header lacks column(s): {missing} (expected number,code,effective_date[,details])",
)
FEED_COLUMNS = ErrorCode(
    "registry.feed_columns", ValidationError, "列数过多：{count} > {expected}", "too many columns: {count} > {expected}"
)
FEED_CSV_QUOTE = ErrorCode(
    "registry.feed_csv_quote",
    ValidationError,
    "CSV 行格式错误（引号未闭合或多余）：{why}；每条记录须在一行内",
    "malformed CSV line (an unterminated or stray quote): {why}; each record must be on one line",
)
FEED_JSON = ErrorCode(
    "registry.feed_json", ValidationError, "不是有效的 JSON", "not valid JSON"
)  # a line that is JSON but no object: 每行应为一个 JSON 对象
FEED_FIELD_MISSING = ErrorCode(
    "registry.feed_field_missing", ValidationError, "缺少字段 {field}", "missing field {field}"
)
ASSET_NOT_FOUND = ErrorCode(
    "registry.asset_not_found", ValidationError, "登记簿中没有该编号", "number not on the register"
)
FEED_CONCURRENT_CHANGE = ErrorCode(
    "registry.feed_concurrent_change",
    ConflictError,
    "导入期间有资产状态被其他操作修改，请重新导入",
    "some assets changed while the feed was loading; load it again",
)
BATCH_TOO_LARGE = ErrorCode(
    "registry.batch_too_large",
    ValidationError,
    "一次最多查询{limit}个编号，实际{count}个",
    "at most {limit} numbers per request, got {count}",
)

# -- trademark renewal (商标续展) -------------------------------------------------------------------------------------
RENEWAL_TOO_EARLY = ErrorCode(
    "registry.renewal_too_early",
    ConflictError,
    "续展申请过早：注册商标{expiry}期满，{opens}起方可申请续展",
    "too early to renew: the mark expires on {expiry}; renewal opens on {opens}",
)
RENEWAL_TOO_LATE = ErrorCode(
    "registry.renewal_too_late",
    ConflictError,
    "宽展期已过（{grace_end}），注册商标期满未续展，不能再续展",
    "the renewal grace period ended on {grace_end}: the mark expired unrenewed and cannot be renewed",
)
# Register changes that are not a change of state (decision 0031)
TERM_CHANGE_SUBTYPE = ErrorCode(
    "registry.term_change_subtype",
    ConflictError,
    "只有发明专利可以补偿专利权期限（{event}），此为{subtype}",
    "only an invention patent's term can be adjusted or extended ({event}); this is a {subtype}",
)
TERM_CHANGE_DATE = ErrorCode(
    "registry.term_change_date",
    ValidationError,
    "期限补偿（{event}）须给出补偿后的届满日 details.expiry_after（YYYY-MM-DD）或补偿天数 details.days",
    "a term change ({event}) needs the new last day details.expiry_after (YYYY-MM-DD) or details.days",
)
TERM_CHANGE_SHORTER = ErrorCode(
    "registry.term_change_shorter",
    ConflictError,
    "期限补偿（{event}）后的届满日{expiry_after}须晚于现届满日{expiry}",
    "after a term change ({event}) the last day {expiry_after} must be later than the current {expiry}",
)
TERM_EXTENSION_TOO_LONG = ErrorCode(
    "registry.term_extension_too_long",
    ConflictError,
    "药品专利权期限补偿不超过五年：届满日{expiry}最迟补偿至{limit}，而非{expiry_after}",
    "a pharmaceutical term extension adds at most five years: from {expiry} to {limit} at most, not {expiry_after}",
)
HOLDER_DETAILS = ErrorCode(
    "registry.holder_details",
    ValidationError,
    "权利人信息变更（{event}）的 details.{field} 应为不超过{limit}字的文字",
    "a holder change ({event}) needs details.{field} as text of at most {limit} characters",
)
FEED_RENEWAL = ErrorCode(
    "registry.feed_renewal",
    ValidationError,
    "商标续展改变有效期，须逐件登记（POST /ip-assets/{{id}}/events），不能批量导入",
    "a trademark renewal moves the mark's term: record it one at a time (POST /ip-assets/{{id}}/events), not in a feed",
)
NOT_A_MARK = ErrorCode(
    "registry.not_a_mark",
    ValidationError,
    "只有注册商标可以续展、撤销或注销（该知识产权为{kind}）",
    "only a registered trademark can be renewed, revoked or cancelled (this IP is a {kind})",
)
DESIGNATION_KIND = ErrorCode(
    "registry.designation_kind",
    ValidationError,
    "企业认定类型{kind}无效（应为{allowed}）",
    "unknown designation {kind} (one of {allowed})",
)
DESIGNATION_DATES = ErrorCode(
    "registry.designation_dates",
    ValidationError,
    "认定有效期截止日{valid_to}早于起始日{valid_from}",
    "the designation ends on {valid_to}, before it starts on {valid_from}",
)
DESIGNATION_PARK = ErrorCode(
    "registry.designation_park", ValidationError, "园区认定须写明园区名称", "a park designation needs the park's name"
)
NOT_AN_ENTERPRISE = ErrorCode(
    "registry.not_an_enterprise", NotFoundError, "企业{party_id}未登记", "enterprise {party_id} is not on the register"
)
ABNORMAL_NOT_PATENT = ErrorCode(
    "registry.abnormal_not_patent",
    ValidationError,
    "非正常申请标记只适用于专利（该知识产权为{kind}）",
    "an abnormal-application flag applies to patents only (this IP is a {kind})",
)
ABNORMAL_NOT_FOUND = ErrorCode(
    "registry.abnormal_not_found",
    NotFoundError,
    "该专利没有未撤销的非正常申请标记",
    "this patent has no open abnormal-application flag",
)
ABNORMAL_DUPLICATE = ErrorCode(
    "registry.abnormal_duplicate",
    ConflictError,
    "该专利在{flagged_on}已有非正常申请标记",
    "this patent was already flagged as an abnormal application on {flagged_on}",
)
ABNORMAL_ASSET = ErrorCode(
    "registry.abnormal_asset", NotFoundError, "知识产权{asset_id}不存在", "IP asset {asset_id} not found"
)
