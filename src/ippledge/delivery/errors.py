"""Event delivery errors (事件投递错误): every refusal of webhooks, deliveries, the pull feed and the relay's
command line as a named ``delivery.*`` code, raised as ``raise NOT_DEAD(id=7, status="pending")``; the messages'
``{placeholders}`` are filled from the details, which travel in the response too.
"""

from __future__ import annotations

from ippledge.kernel.errors import ConflictError, ErrorCode, PermissionDeniedError, ValidationError

# Subscriptions (订阅)
TOPIC_PATTERN = ErrorCode(
    "delivery.topic_pattern",
    ValidationError,
    "主题模式 {pattern!r} 无效：{why_zh}",
    "topic pattern {pattern!r} is invalid: {why_en}",
)  # also: none given (至少需要一个主题模式), too many (主题模式最多 N 个)
URL = ErrorCode("delivery.url", ValidationError, "回调地址无效：{why_zh}", "invalid webhook URL: {why_en}")
NETWORK = ErrorCode("delivery.network", ValidationError, "网络地址无效：{item}", "not a network (CIDR): {item}")
SCOPE = ErrorCode(
    "delivery.scope", ValidationError, "范围应为 own 或 all：{value!r}", "scope must be own or all: {value!r}"
)
SCOPE_ALL = ErrorCode(
    "delivery.scope_all",
    PermissionDeniedError,
    "只有监管机构和平台运营方可以订阅全部事件",
    "only a regulator or the platform operator may receive all events",
)
NAME = ErrorCode("delivery.name", ValidationError, "名称应为 1 到 100 个字符", "name must be 1 to 100 characters")
INACTIVE = ErrorCode("delivery.inactive", ConflictError, "订阅已停用", "the subscription is deactivated")
OVERLAP = ErrorCode(
    "delivery.overlap",
    ValidationError,
    "新旧密钥并行期应在 0 到 {max_hours} 小时之间",
    "the overlap window must be 0 to {max_hours} hours",
)

# Sealing the signing secrets (签名密钥加密存储)
SECRET_KEY_MISSING = ErrorCode(
    "delivery.secret_key_missing",
    ConflictError,
    "平台未配置 IPPLEDGE_SECRET_KEY，无法保存回调签名密钥（用 ippledge events new-key 生成）",
    "IPPLEDGE_SECRET_KEY is not set, so webhook signing secrets cannot be stored (make one: ippledge events new-key)",
)
SECRET_KEY_BAD = ErrorCode(
    "delivery.secret_key_bad",
    ValidationError,
    "IPPLEDGE_SECRET_KEY 无效：应为逗号分隔的 Fernet 密钥（32 字节，URL 安全 base64）",
    "IPPLEDGE_SECRET_KEY is invalid: it must be comma-separated Fernet keys (32 bytes, URL-safe base64)",
)

# Deliveries and the pull feed (投递与事件拉取)
STATUS = ErrorCode("delivery.status", ValidationError, "状态应为 {wanted} 之一", "status must be one of {wanted}")
NOT_DEAD = ErrorCode(
    "delivery.not_dead",
    ConflictError,
    "只能重投失败（dead）的投递，当前状态：{status}",
    "only a dead delivery can be retried; this one is {status}",
)
FEED_WINDOW = ErrorCode(
    "delivery.feed_window",
    ValidationError,
    "after 不能为负，limit 应在 1 到 {max_limit} 之间",
    "after must be >= 0 and limit 1 to {max_limit}",
)

# The relay's command line (ippledge events deliver)
CLI_MODE = ErrorCode(
    "delivery.cli.mode", ValidationError, "--once 与 --loop 只能选一个", "choose --once or --loop, not both"
)
CLI_BATCH = ErrorCode("delivery.cli.batch", ValidationError, "--batch 应在 1 到 1000 之间", "--batch must be 1 to 1000")
CLI_INTERVAL = ErrorCode(
    "delivery.cli.interval", ValidationError, "--interval 应在 0.1 到 3600 秒之间", "--interval must be 0.1-3600 s"
)
CLI_TIMEOUT = ErrorCode(
    "delivery.cli.timeout", ValidationError, "--timeout 应在 0.1 到 120 秒之间", "--timeout must be 0.1-120 s"
)
