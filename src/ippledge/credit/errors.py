"""Credit errors (授信业务错误): every refusal of credit as a named ``credit.*`` code.

Raised as ``raise NOT_APPROVED()`` or ``raise NO_LPR(as_of="2025-06-30", tenor="1y")``; the details fill the
messages and travel in the response. The rule checks of a decision (``credit.model.evaluate``) are not errors: they
are listed in the decision itself. ``ippledge errors`` and docs/errors.md list these with every other capability's.
"""

from __future__ import annotations

from ippledge.kernel.errors import ConflictError, ErrorCode, PermissionDeniedError, ValidationError

# -- products and versions (信贷产品) ---------------------------------------------------------------------------------
PRODUCT_KIND = ErrorCode("credit.product_kind", ValidationError, "取值无效：{value}", "invalid value: {value}")
UNDERWRITING_KIND = ErrorCode(
    "credit.underwriting_kind", ValidationError, "取值无效：{value}", "invalid value: {value}"
)
METHOD_UNKNOWN = ErrorCode(
    "credit.method_unknown", ValidationError, "还款方式无效：{value}", "unknown repayment method: {value}"
)
PRODUCT_NAME = ErrorCode(
    "credit.product_name", ValidationError, "产品代码和名称不能为空", "product code and name are required"
)
PRODUCT_EXISTS = ErrorCode(
    "credit.product_exists", ConflictError, "产品代码已存在：{product_code}", "product code exists: {product_code}"
)
PRODUCT_INVALID = ErrorCode(
    "credit.product_invalid", ValidationError, "产品参数无效：{summary}", "invalid product terms: {summary}"
)
VERSION_DATES = ErrorCode(
    "credit.version_dates", ValidationError, "失效日早于生效日", "effective_to is before effective_from"
)
VERSION_OVERLAP = ErrorCode(
    "credit.version_overlap",
    ConflictError,
    "已有同日或更晚生效的版本",
    "a version from this date or later exists",
)

# -- LPR fixings (贷款市场报价利率) ------------------------------------------------------------------------------------
NO_LPR = ErrorCode("credit.no_lpr", ConflictError, "{as_of} 没有适用的 LPR", "no LPR fixing in force on {as_of}")
LPR_INVALID = ErrorCode(
    "credit.lpr_invalid",
    ValidationError,
    "LPR 期限须为 1y 或 5y，利率须在 0.01% 至 20% 之间",
    "tenor must be 1y or 5y and the rate 1 to 2000 bp",
)
LPR_EXISTS = ErrorCode("credit.lpr_exists", ConflictError, "该日期已有 LPR", "a fixing for this date and tenor exists")

# -- decisions (授信决定) ---------------------------------------------------------------------------------------------
ANONYMOUS = ErrorCode(
    "credit.anonymous", PermissionDeniedError, "须由具名信贷员提出", "a named credit officer must propose"
)
TERM = ErrorCode("credit.term", ValidationError, "期限须为正整数", "term must be a positive number of months")
DECISION_PENDING = ErrorCode(
    "credit.decision_pending",
    ConflictError,
    "已有待审批或已批准的授信决定",
    "a decision is already pending or approved",
)
DECISION_NOT_PENDING = ErrorCode(
    "credit.decision_not_pending",
    ConflictError,
    "只有无规则失败的待审批决定可以审批",
    "only a pending decision without rule failures can be decided",
)
NOT_APPROVED = ErrorCode("credit.not_approved", ConflictError, "没有已批准的授信决定", "no approved credit decision")

# -- the bank's attestation (银行报送信息) ---------------------------------------------------------------------------
ATTESTATION_EMPTY = ErrorCode(
    "credit.attestation_empty",
    ValidationError,
    "报送信息至少须包含银行债务、信用记录或其他担保之一",
    "an attestation states the borrower's bank debt, credit record or other security",
)
SECURITY_KIND = ErrorCode(
    "credit.security_kind", ValidationError, "担保方式无效：{value}", "unknown kind of security: {value}"
)
ATTESTATION_DEBT = ErrorCode(
    "credit.attestation_debt", ValidationError, "银行债务不能为负：{amount}", "bank debt must not be negative: {amount}"
)
# -- collateral the registry would refuse (登记预审) -------------------------------------------------------------------
COLLATERAL_NOT_REGISTRABLE = ErrorCode(
    "credit.collateral_not_registrable",
    ConflictError,
    "质押物无法办理质押登记，不能授信：{reasons_zh}",
    "the IP offered cannot be registered as a pledge, so no credit can be decided on it: {reasons}",
)
