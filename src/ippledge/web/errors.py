"""HTTP kit errors (接口公共错误): the codes of the shared request machinery, as named constants."""

from __future__ import annotations

from ippledge.kernel.errors import (
    ConflictError,
    ErrorCode,
    IppledgeError,
    NotFoundError,
    UnavailableError,
    ValidationError,
)

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


# The HTTP edge (请求格式): requests the routes never see -- unreadable bodies, unknown routes, wrong methods -- and
# values no column can hold. Each answers in the catalogue's bilingual shape instead of the framework's bare text.
class BadRequestError(IppledgeError):
    """A request the server cannot read (请求无法解析)."""

    status = 400


class MethodNotAllowedError(IppledgeError):
    """The route exists, the method does not (请求方法不允许)."""

    status = 405


class UnsupportedMediaTypeError(IppledgeError):
    """A body in a format the route does not take (请求格式不支持)."""

    status = 415


MALFORMED_JSON = ErrorCode(
    "request.malformed_json",
    BadRequestError,
    "请求体不是有效的 JSON（第 {position} 个字符附近）",
    "the request body is not valid JSON (near character {position})",
)
JSON_TOO_DEEP = ErrorCode(
    "request.too_deep", BadRequestError, "请求内容嵌套层级过深", "the request nests too deeply to be read"
)
UNSUPPORTED_MEDIA_TYPE = ErrorCode(
    "request.unsupported_media_type",
    UnsupportedMediaTypeError,
    "请求体格式 {content_type} 不受支持，请使用 application/json",
    "the body's content type {content_type} is not accepted here: send application/json",
)
UNKNOWN_ROUTE = ErrorCode("request.unknown_route", NotFoundError, "没有这个接口：{path}", "no such route: {path}")
METHOD_NOT_ALLOWED = ErrorCode(
    "request.method_not_allowed",
    MethodNotAllowedError,
    "接口 {path} 不支持 {method} 方法",
    "{method} is not allowed on {path}",
)
# Any other status the framework raises by itself (e.g. a multipart body it cannot parse).
HTTP_ERROR = ErrorCode("request.rejected", BadRequestError, "请求被拒绝：{reason}", "request rejected: {reason}")
INTEGER_OUT_OF_RANGE = ErrorCode(
    "request.integer_out_of_range",
    ValidationError,
    "整数 {field} 超出范围（最大 9223372036854775807）",
    "integer {field} is out of range (at most 9223372036854775807)",
)
VALUE_OUT_OF_RANGE = ErrorCode(
    "request.value_out_of_range",
    ValidationError,
    "请求中的某个数值超出可存储的范围或不是有限数",
    "a value in the request is out of the range that can be stored, or not a finite number",
)
NUL_CHARACTER = ErrorCode(
    "request.nul_character",
    ValidationError,
    "文本中不能含有 NUL（\\u0000）字符",
    "text must not contain the NUL (\\u0000) character",
)
