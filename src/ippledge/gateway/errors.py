"""Gateway errors (数据网关错误): refusals of consents and reads, as ``gateway.*`` codes."""

from __future__ import annotations

from ippledge.kernel.errors import (
    ConflictError,
    ErrorCode,
    NotFoundError,
    PermissionDeniedError,
    UnavailableError,
    ValidationError,
)

CONSENT_INVALID = ErrorCode(
    "gateway.consent_invalid", ValidationError, "授权内容有误：{why_zh}", "the consent is not valid: {why_en}"
)
GRANTEE_NOT_BANK = ErrorCode(
    "gateway.grantee_not_bank",
    ValidationError,
    "被授权方须为银行，或用途为白名单时的平台运营方（{grantee_id}）",
    "the grantee must be a bank, or the platform operator for the purpose whitelist ({grantee_id})",
)
NOT_THE_FIRM = ErrorCode(
    "gateway.not_the_firm",
    PermissionDeniedError,
    "只有企业本身可以授权或撤回授权",
    "only the firm itself grants or revokes a consent",
)
CONSENT_REVOKED = ErrorCode(
    "gateway.consent_revoked", ConflictError, "该授权已于{revoked_at}撤回", "the consent was revoked at {revoked_at}"
)
NO_CONSENT = ErrorCode(
    "gateway.no_consent",
    NotFoundError,
    "没有该企业的此项数据，或未获企业授权",
    "no such data of this firm, or no consent of the firm to read it",
)
UNKNOWN_SOURCE = ErrorCode(
    "gateway.unknown_source", ValidationError, "未知的数据来源或字段：{what}", "unknown source or field: {what}"
)
SOURCE_UNAVAILABLE = ErrorCode(
    "gateway.source_unavailable",
    UnavailableError,
    "外部数据源{source}暂不可用",
    "the outside source {source} did not answer",
)
NO_USCC = ErrorCode(
    "gateway.no_uscc",
    ConflictError,
    "企业未登记统一社会信用代码，无法查询外部数据",
    "the firm has no USCC on record: outside sources cannot be asked",
)
