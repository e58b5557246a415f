"""Monitoring errors (贷后监测错误): refusals of the monitoring run and the watch list, as ``monitoring.*`` codes."""

from __future__ import annotations

from ippledge.kernel.errors import ConflictError, ErrorCode, NotFoundError, PermissionDeniedError, ValidationError

RUN_FUTURE = ErrorCode(
    "monitoring.run_future",
    ConflictError,
    "{date}尚未日终，不能监测（最近日终{last_closed}）",
    "{date} is not closed yet (last close {last_closed}): monitoring runs after the close",
)
RUN_GAP = ErrorCode(
    "monitoring.run_gap",
    ValidationError,
    "补跑{days}天超过上限{max_days}天",
    "catching up {days} days is more than {max_days}",
)
WATCH_NOT_FOUND = ErrorCode(
    "monitoring.watch_not_found", NotFoundError, "关注名单条目不存在", "watch-list entry not found"
)
LOAN_NOT_FOUND = ErrorCode("monitoring.loan_not_found", NotFoundError, "贷款不存在", "loan not found")
WATCH_MOVE = ErrorCode(
    "monitoring.watch_move",
    ConflictError,
    "关注名单条目状态为{state}，不能转为{to}",
    "the watch-list entry is {state}: it cannot move to {to}",
)
WATCH_OPEN = ErrorCode(
    "monitoring.watch_open",
    ConflictError,
    "该贷款已有同一规则的关注名单条目（{entry_id}）",
    "the loan is already on the watch list under this rule (entry {entry_id})",
)
WATCH_RULE = ErrorCode(
    "monitoring.watch_rule", ValidationError, "未知的关注规则：{rule}", "unknown watch-list rule: {rule}"
)
NOTE_REQUIRED = ErrorCode(
    "monitoring.note_required", ValidationError, "请说明处置情况", "say what was done (a note is required)"
)
NOT_THE_BANK = ErrorCode(
    "monitoring.not_the_bank",
    PermissionDeniedError,
    "只有贷款银行可以维护关注名单",
    "only the lending bank keeps its watch list",
)

ACTION_NOT_FOUND = ErrorCode(
    "monitoring.action_not_found", NotFoundError, "贷后措施不存在", "post-loan action not found"
)
ACTION_STATE = ErrorCode(
    "monitoring.action_state",
    ConflictError,
    "贷后措施状态为{state}，不能{what_zh}",
    "the action is {state}: it cannot be {what_en}",
)
ACTION_PENDING = ErrorCode(
    "monitoring.action_pending",
    ConflictError,
    "同一事项已有待复核的措施（{action_id}）",
    "an action on the same subject awaits its decision (action {action_id})",
)
LOAN_NOT_ACTIVE = ErrorCode(
    "monitoring.loan_not_active",
    ConflictError,
    "贷款状态为{status}，不能采取贷后措施",
    "the loan is {status}: no post-loan action can be taken",
)
NOT_PLEDGED = ErrorCode(
    "monitoring.not_pledged",
    ConflictError,
    "知识产权{asset_id}不是本贷款在押质物",
    "IP {asset_id} is not pledged in force for this loan",
)
ANNUITY_NOT_OPEN = ErrorCode(
    "monitoring.annuity_not_open",
    ConflictError,
    "质物{asset_id}第{year_no}年度年费不存在、已缴纳或权利已不在有效状态",
    "year {year_no} of IP {asset_id}: no such unpaid annuity of a right in force",
)
ANNUITY_LAPSED = ErrorCode(
    "monitoring.annuity_lapsed",
    ConflictError,
    "年费宽限期已于{grace_ends}届满，不能代缴",
    "the grace period ended on {grace_ends}: the annuity can no longer be paid",
)
NOT_A_DOWNGRADE = ErrorCode(
    "monitoring.not_a_downgrade",
    ConflictError,
    "贷款现为{current_zh}类，{requested_zh}类不是下调",
    "the loan is {current}: {requested} is not a downgrade",
)
REASON_REQUIRED = ErrorCode("monitoring.reason_required", ValidationError, "请说明理由", "a reason is required")
FINDINGS_REQUIRED = ErrorCode("monitoring.findings_required", ValidationError, "请填写检查发现", "record the findings")
NOT_DECIDED_HERE = ErrorCode(
    "monitoring.not_decided",
    ConflictError,
    "{kind}由客户经理执行并填写发现，无需审批",
    "a {kind} is carried out by an officer who records the findings: there is nothing to decide",
)
NEEDS_DECISION = ErrorCode(
    "monitoring.needs_decision",
    ConflictError,
    "{kind}须经审批人决定",
    "a {kind} is decided by an approver, not completed with findings",
)
NO_PLEDGE_IN_FORCE = ErrorCode(
    "monitoring.no_pledge_in_force",
    ConflictError,
    "贷款没有有效的质押登记，无法补充质押",
    "the loan has no pledge in force to add security to",
)
NOT_LOAN_PLEDGE = ErrorCode(
    "monitoring.not_loan_pledge",
    ConflictError,
    "质押{pledge_id}不是担保本贷款的有效质押",
    "pledge {pledge_id} is not a pledge in force securing this loan",
)
NOT_A_SECURITY_REQUEST = ErrorCode(
    "monitoring.not_security_request",
    ConflictError,
    "{kind}不是追加担保措施，不能登记补充质物",
    "a {kind} is not a request for additional security: no IP can be offered under it",
)
RECALL_DATE = ErrorCode(
    "monitoring.recall_date",
    ValidationError,
    "提前收回日{recall_on}不能早于营业日{today}",
    "the recall date {recall_on} cannot be before the business date {today}",
)
