"""One-stop application errors (受理业务错误): every refusal of intake as a named ``intake.*`` code.

Raised as ``raise NO_BANK()`` or ``raise TASK_STATE(status="done", action="accept")``; the details fill the
messages and travel in the response. ``ippledge errors`` and docs/errors.md list them with every other capability's.
"""

from __future__ import annotations

from ippledge.kernel.errors import ConflictError, ErrorCode, PermissionDeniedError, ValidationError

# -- applying --------------------------------------------------------------------------------------------------------
BANKS = ErrorCode(
    "intake.banks", ValidationError, 'banks 须为银行编号列表或 "any"', 'banks must be a list of ids or "any"'
)
BANKS_AMBIGUOUS = ErrorCode(
    "intake.banks_ambiguous", ValidationError, "不能同时选择具体银行和任意银行", "choose banks or any bank, not both"
)
NO_BANK = ErrorCode("intake.no_bank", ValidationError, "没有可受理的银行", "no bank to apply to")
CONSENT_MISSING = ErrorCode(
    "intake.consent_missing",
    ValidationError,
    "选择的银行须获得数据共享授权",
    "each chosen bank needs the applicant's consent to share data",
)
PURPOSE_REQUIRED = ErrorCode(
    "intake.purpose_required", ValidationError, "必须填写贷款用途", "the loan purpose is required"
)
TERM = ErrorCode(
    "intake.term", ValidationError, "期限须在 1 至 {max_months} 个月之间", "term must be 1 to {max_months} months"
)
IP_NOT_OWNED = ErrorCode(
    "intake.ip_not_owned", ValidationError, "申请人不是该知识产权的权利人", "the applicant does not own this IP"
)
IP_NOT_IN_FORCE = ErrorCode("intake.ip_not_in_force", ValidationError, "知识产权不在有效状态", "the IP is not in force")

# -- parties named by the applicant or the bank (details: party_ids, allowed) ----------------------------------------
_PARTY_ZH = "机构不存在或类型不符：{party_ids}"
_PARTY_EN = "unknown party or not a {allowed}: {party_ids}"
CONSENT_PARTY = ErrorCode("intake.consent_party", ValidationError, _PARTY_ZH, _PARTY_EN)
BANK_UNKNOWN = ErrorCode("intake.bank_unknown", ValidationError, _PARTY_ZH, _PARTY_EN)
VALUER_UNKNOWN = ErrorCode("intake.valuer_unknown", ValidationError, _PARTY_ZH, _PARTY_EN)
UNDERWRITER_UNKNOWN = ErrorCode("intake.underwriter_unknown", ValidationError, _PARTY_ZH, _PARTY_EN)
IP_REVIEWER_UNKNOWN = ErrorCode("intake.ip_reviewer_unknown", ValidationError, _PARTY_ZH, _PARTY_EN)

# -- the applicant's acts --------------------------------------------------------------------------------------------
NOT_APPLICANT = ErrorCode(
    "intake.not_applicant", PermissionDeniedError, "只有申请企业可以办理此事项", "only the applicant may do this"
)
WITHDRAWN = ErrorCode("intake.withdrawn", ConflictError, "申请已撤回", "the application is already withdrawn")
NO_CONSENT = ErrorCode(
    "intake.no_consent",
    ConflictError,
    "申请企业未授权向该机构共享数据",
    "the applicant has not consented to share its data with this party",
)

# -- the bank's requests ---------------------------------------------------------------------------------------------
VALUATION_ACTIVE = ErrorCode(
    "intake.valuation_active", ConflictError, "已有进行中的评估任务", "a valuation task is already open"
)
UNDERWRITING_ACTIVE = ErrorCode(
    "intake.underwriting_active", ConflictError, "已有进行中的审核任务", "an underwriting task is already open"
)
IP_REVIEW_ACTIVE = ErrorCode(
    "intake.ip_review_active", ConflictError, "已有进行中的知识产权审查任务", "an IP review task is already open"
)
INTERNAL_VALUATION_THRESHOLD = ErrorCode(
    "intake.internal_valuation_threshold",
    ValidationError,
    "申请金额不低于 {threshold} 元，须委托外部评估机构",
    "an amount of {threshold} CNY or more needs an external valuer",
)
REVIEW_CLOSED = ErrorCode(
    "intake.review_closed",
    ConflictError,
    "本行对该申请的审查已结束或不存在",
    "this bank has no open review of the application",
)

# -- tasks -----------------------------------------------------------------------------------------------------------
REASON_REQUIRED = ErrorCode("intake.reason_required", ValidationError, "必须说明理由", "a reason is required")
TASK_STATE = ErrorCode(
    "intake.task_state",
    ConflictError,
    "任务当前状态为「{status}」，不能执行「{action}」",
    "a task that is {status} cannot be {action}ed",
)
NOT_ASSIGNEE = ErrorCode(
    "intake.not_assignee",
    PermissionDeniedError,
    "只有任务承办方可以办理此任务",
    "only the task's assignee may do this",
)

# -- intake parameters (受理参数) -------------------------------------------------------------------------------------
TASK_KIND = ErrorCode("intake.task_kind", ValidationError, "取值无效：{value}", "invalid value: {value}")
CHANNEL = ErrorCode("intake.channel", ValidationError, "取值无效：{value}", "invalid value: {value}")
LIMIT_DAYS = ErrorCode(
    "intake.limit_days",
    ValidationError,
    "办理时限须在 1 至 60 个工作日之间",
    "a time limit must be 1 to 60 working days",
)
LIMIT_EXISTS = ErrorCode("intake.limit_exists", ConflictError, "该日期已有时限记录", "a limit from this date exists")
GREEN_PARTY = ErrorCode(
    "intake.green_party", ValidationError, "企业不存在：{party_id}", "no such enterprise: {party_id}"
)
GREEN_DATES = ErrorCode("intake.green_dates", ValidationError, "截止日早于起始日", "until is before since")
THRESHOLD_EXISTS = ErrorCode(
    "intake.threshold_exists", ConflictError, "该日期已有门槛记录", "a threshold from this date exists"
)

# -- the centre's window (窗口受理与一次性告知) --------------------------------------------------------------------
WINDOW_DOCUMENT = ErrorCode(
    "intake.window_document",
    ValidationError,
    "材料清单中没有这些材料：{codes}",
    "these documents are not on the checklist: {codes}",
)
DOCUMENTS_MISSING = ErrorCode(
    "intake.documents_missing",
    ValidationError,
    "材料不全，不能受理：{missing}；请退回并一次性告知",
    "documents missing, the application cannot be accepted: {missing}; return it and tell the firm once",
)
WINDOW_DECIDED = ErrorCode(
    "intake.window_decided",
    ConflictError,
    "窗口已对该申请作出处理（{outcome}）",
    "the window has already dealt with this application ({outcome})",
)
WINDOW_CLOSED = ErrorCode(
    "intake.window_closed",
    ConflictError,
    "申请已{status}，窗口不能再受理或退回",
    "the application is {status}; the window can no longer accept or return it",
)
