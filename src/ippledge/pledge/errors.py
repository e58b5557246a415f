"""Pledge registration errors (质押登记错误): every refusal of the capability as a named ``pledge.*`` code.

Raised as ``raise NO_CHANGE()`` or ``raise PARTY_UNKNOWN(role_zh=..., role_en=..., party_id=7)``: the messages'
``{placeholders}`` are filled from the details, which travel in the response too. The refusal grounds
(不予登记的情形, ``model.RefusalGround``) are codes too: a registration refused on one ground carries that ground's
code, on several ``pledge.precheck_failed``; their messages list every refusal found, so those errors are built
by ``model.refusal_error`` with the code of the constant and ``details.reasons``. Where one code has a second
wording, that site raises ``CODE.kind(zh, en, code=CODE.code)``.
"""

from __future__ import annotations

from ippledge.kernel.errors import ConflictError, ErrorCode, PermissionDeniedError, ValidationError

# Filings (登记申请)
NOT_A_PARTY = ErrorCode(
    "pledge.not_a_party",
    PermissionDeniedError,
    "只有出质人（企业经办人）或质权人（信贷人员）可以办理此事项",
    "only the pledgor (an enterprise user) or the pledgee (a credit officer) may do this",
)
NOT_PLEDGEE = ErrorCode(
    "pledge.not_pledgee",
    PermissionDeniedError,
    "只有质权人可以因债务清偿申请注销",
    "only the pledgee may apply for release on repayment",
)
PARTY_UNKNOWN = ErrorCode(
    "pledge.party_unknown", ValidationError, "{role_zh}不存在：{party_id}", "{role_en} not found: {party_id}"
)
REGISTRY_KIND = ErrorCode(
    "pledge.registry_kind", ValidationError, "登记机关的机构类型不符：{kind}", "the registry cannot be a {kind}"
)
PLEDGOR_KIND = ErrorCode(
    "pledge.pledgor_kind", ValidationError, "出质人的机构类型不符：{kind}", "the pledgor cannot be a {kind}"
)
PLEDGEE_KIND = ErrorCode(
    "pledge.pledgee_kind", ValidationError, "质权人的机构类型不符：{kind}", "the pledgee cannot be a {kind}"
)
IP_NUMBER_KIND = ErrorCode(
    "pledge.ip_number_kind", ValidationError, "不能作为质押物的编号：{number}", "not an IP right number: {number}"
)
IP_NOT_FOUND = ErrorCode(
    "pledge.ip_not_found",
    ValidationError,
    "登记簿中没有该知识产权：{number}",
    "no such IP in the register: {number}",
)  # unknown ids: 登记簿中没有该知识产权 (details ``ids``)
NO_IP = ErrorCode("pledge.no_ip", ValidationError, "至少要有一项知识产权", "at least one IP is required")
TOO_MANY_IP = ErrorCode("pledge.too_many_ip", ValidationError, "一次最多{limit}项", "at most {limit} IPs per filing")
DUPLICATE_IP = ErrorCode("pledge.duplicate_ip", ValidationError, "同一知识产权重复列出", "an IP is listed twice")
DEBT_DATES = ErrorCode(
    "pledge.debt_dates", ValidationError, "债务履行期限早于起始日", "the debt ends before it starts"
)  # a change: 债务履行期限早于质押生效日
NO_CHANGE = ErrorCode("pledge.no_change", ValidationError, "没有需要变更的内容", "nothing to change")
ALREADY_UNDER_PLEDGE = ErrorCode(
    "pledge.already_under_pledge",
    ConflictError,
    "知识产权{asset_ids}已是本质押的质物，无需补充质押",
    "IP {asset_ids} is already under this pledge: nothing to add",
)
NOT_CONFIRMED = ErrorCode(
    "pledge.not_confirmed",
    ConflictError,
    "出质人和质权人均确认后才能提交登记申请",
    "a filing can be submitted only after both pledgor and pledgee have confirmed it",
)
BAD_STATUS = ErrorCode(
    "pledge.bad_status",
    ConflictError,
    "登记申请当前状态（{status}）下不能执行「{action}」",
    "cannot {action} a filing that is {status}",
)

# Registered pledges (已登记质权)
NOT_IN_FORCE = ErrorCode(
    "pledge.not_in_force",
    ConflictError,
    "质押登记{registration_no}已注销",
    "pledge {registration_no} is no longer in force",
)
STALE_FILING = ErrorCode(
    "pledge.stale_filing",
    ConflictError,
    "质押登记在申请后已变更，请重新申请",
    "the pledge changed after this filing was made; file again",
)

# Decisions (审查决定)
DECISION_BEFORE_SUBMISSION = ErrorCode(
    "pledge.decision_before_submission",
    ValidationError,
    "决定日期不能早于提交日期",
    "the decision date cannot precede the submission",
)
BAD_CODE = ErrorCode("pledge.bad_code", ValidationError, "未知的驳回理由：{codes}", "unknown refusal code in: {codes}")
NO_GROUND = ErrorCode("pledge.no_ground", ValidationError, "至少给出一项驳回理由", "give at least one refusal ground")
GROUND_NOT_FOUND = ErrorCode(
    "pledge.ground_not_found",
    ValidationError,
    "预审未发现以下情形：{listed}",
    "the pre-check does not find: {listed}",
)
NOTE_REQUIRED = ErrorCode(
    "pledge.note_required",
    ValidationError,
    "以「其他」理由驳回须写明理由",
    "refusing on 'other' grounds needs a written reason",
)

# Refusal grounds (不予登记的情形, DOMAIN.md §3), with their titles; a refusal's messages list every reason found
NOT_OWNER = ErrorCode(
    "pledge.not_owner",
    ConflictError,
    "不予登记：出质人不是登记的权利人",
    "cannot register: pledgor is not the registered owner",
)
RIGHT_NOT_ALIVE = ErrorCode(
    "pledge.right_not_alive",
    ConflictError,
    "不予登记：权利已终止或被宣告无效",
    "cannot register: the right has terminated or been invalidated",
)
NOT_GRANTED = ErrorCode(
    "pledge.not_granted",
    ConflictError,
    "不予登记：专利申请尚未被授权",
    "cannot register: the application has not been granted",
)
ANNUITY_UNPAID = ErrorCode(
    "pledge.annuity_unpaid", ConflictError, "不予登记：年费未按期缴纳", "cannot register: annuity unpaid"
)
PRESERVED = ErrorCode(
    "pledge.preserved",
    ConflictError,
    "不予登记：因权属纠纷中止或被采取保全措施",
    "cannot register: suspended for an ownership dispute or preserved",
)
DEBT_PAST_EXPIRY = ErrorCode(
    "pledge.debt_past_expiry",
    ConflictError,
    "不予登记：债务履行期限超过权利有效期",
    "cannot register: debt term runs past the right's expiry",
)
CONTRACT_INCOMPLETE = ErrorCode(
    "pledge.contract_incomplete",
    ConflictError,
    "不予登记：质押合同缺少必备内容",
    "cannot register: contract lacks mandatory content",
)
COOWNER_CONSENT_MISSING = ErrorCode(
    "pledge.coowner_consent_missing",
    ConflictError,
    "不予登记：共有权利未经全体共有人同意",
    "cannot register: co-owned without every co-owner's consent",
)
ALREADY_PLEDGED = ErrorCode(
    "pledge.already_pledged",
    ConflictError,
    "不予登记：{numbers} 已被质押，质押尚未注销（禁止重复质押）",
    "cannot register: {numbers} already pledged with a pledge in force (no double pledging)",
)
SAME_DAY_DUAL = ErrorCode(
    "pledge.same_day_dual",
    ConflictError,
    "不予登记：同日申请的发明与实用新型",
    "cannot register: same-day invention and utility model",
)
INVALIDATION_PENDING = ErrorCode(
    "pledge.invalidation_pending",
    ConflictError,
    "不予登记：无效宣告请求正在审查",
    "cannot register: invalidation request pending",
)
OTHER = ErrorCode("pledge.other", ConflictError, "不予登记：其他不符合规定的情形", "cannot register: other ground")
# Trademark grounds (商标专用权质权登记程序, 2020): the mark's own states, and marks that must be pledged together
MARK_REVOKED = ErrorCode(
    "pledge.mark_revoked", ConflictError, "不予登记：注册商标已被撤销", "cannot register: the mark has been revoked"
)
MARK_CANCELLED = ErrorCode(
    "pledge.mark_cancelled", ConflictError, "不予登记：注册商标已被注销", "cannot register: the mark has been cancelled"
)
MARK_EXPIRED = ErrorCode(
    "pledge.mark_expired",
    ConflictError,
    "不予登记：注册商标有效期已满且未续展",
    "cannot register: the mark's term has expired and it was not renewed",
)
MARK_SEALED = ErrorCode(
    "pledge.mark_sealed",
    ConflictError,
    "不予登记：注册商标已被查封、冻结",
    "cannot register: the mark is sealed or frozen by a court",
)
SIMILAR_MARKS_APART = ErrorCode(
    "pledge.similar_marks_apart",
    ConflictError,
    "不予登记：在同一种或类似商品上注册的相同或近似商标未一并出质",
    "cannot register: identical or similar marks on identical or similar goods are not pledged together",
)
PRECHECK_FAILED = ErrorCode(
    "pledge.precheck_failed", ConflictError, "不予登记：{reasons}", "cannot register: {reasons}"
)

# Release (注销登记): filed jointly, or by one party with proof the debt is extinguished
RELEASE_PROOF_REQUIRED = ErrorCode(
    "pledge.release_proof_required",
    ConflictError,
    "一方单独申请注销须提供主债权消灭的证明（如结清证明、还款凭证）",
    "a release filed by one party alone needs proof that the debt is extinguished (settlement letter, receipt)",
)

# Registry settings (登记机关设置)
TIME_LIMIT_RANGE = ErrorCode(
    "pledge.time_limit_range",
    ValidationError,
    "登记时限必须在 1 到 60 日之间：{days}",
    "time limit must be 1-60 days: {days}",
)
OFFICE_CODE = ErrorCode(
    "pledge.office_code",
    ValidationError,
    "登记号机关代码必须是两位数字：{office_code!r}",
    "registration office code must be two digits: {office_code!r}",
)
DAY_BASIS = ErrorCode(
    "pledge.day_basis",
    ValidationError,
    "时限计算方式只能是 working（工作日）或 calendar（自然日）：{basis}",
    "the time limit counts working or calendar days, not {basis}",
)
IP_KIND = ErrorCode(
    "pledge.ip_kind", ValidationError, "未知的知识产权类型：{kinds}", "unknown IP kind in: {kinds}"
)  # none given: 至少办理一类知识产权
