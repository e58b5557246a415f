"""HTTP kit errors (接口公共错误): the codes of the shared request machinery, as named constants."""

from __future__ import annotations

from ippledge.kernel.errors import ConflictError, ErrorCode, UnavailableError, ValidationError

# Idempotent requests (幂等请求)
IDEMPOTENCY_KEY_REQUIRED = ErrorCode(
    "idempotency.key_required",
    ValidationError,
    "资金类请求必须带 Idempotency-Key 请求头（8 到 100 个字符）",
    "money-moving requests need an Idempotency-Key header (8 to 100 characters)",
)
IDEMPOTENCY_MISMATCH = ErrorCode(
    "idempotency.mismatch",
    ConflictError,
    "该幂等键已用于另一笔不同的请求",
    "this idempotency key was already used for a different request",
)

# Readiness (就绪检查): why a replica should get no traffic yet
SERVICE_UNAVAILABLE_DB = ErrorCode(
    "platform.database_unreachable", UnavailableError, "数据库无法连接", "the database cannot be reached"
)
SCHEMA_OUTDATED = ErrorCode(
    "platform.schema_outdated",
    UnavailableError,
    "数据库结构版本 {current} 与程序版本 {head} 不一致，请先执行 ippledge db upgrade",
    "the database schema is at revision {current}, the code needs {head}: run `ippledge db upgrade` first",
)
