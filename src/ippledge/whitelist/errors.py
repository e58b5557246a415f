"""Whitelist errors (白名单错误): refusals of criteria, lists, pushes, feedback and the reverse push, as
``whitelist.*`` codes."""

from __future__ import annotations

from ippledge.kernel.errors import ConflictError, ErrorCode, NotFoundError, PermissionDeniedError, ValidationError

CRITERIA_INVALID = ErrorCode(
    "whitelist.criteria_invalid",
    ValidationError,
    "白名单标准无效：{summary}",
    "the whitelist criteria are not a rule: {summary}",
)
CRITERIA_NOT_FOUND = ErrorCode(
    "whitelist.criteria_not_found", NotFoundError, "白名单标准不存在", "whitelist criteria not found"
)
LIST_NOT_FOUND = ErrorCode("whitelist.list_not_found", NotFoundError, "白名单不存在", "whitelist not found")
LIST_DATES = ErrorCode(
    "whitelist.list_dates",
    ValidationError,
    "名单有效期截止日{valid_to}早于起始日{valid_from}",
    "the list ends on {valid_to}, before it starts on {valid_from}",
)
LIST_STATE = ErrorCode(
    "whitelist.list_state",
    ConflictError,
    "白名单状态为{status}，不能{action}",
    "the whitelist is {status}: it cannot be {action}",
)
LIST_EMPTY = ErrorCode(
    "whitelist.list_empty",
    ConflictError,
    "没有企业符合该标准（{unknown}家因缺少数据待定），不能生成空名单",
    "no enterprise meets the criteria ({unknown} held back by a missing fact): an empty list is not built",
)
OPERATOR_ONLY = ErrorCode(
    "whitelist.operator_only",
    PermissionDeniedError,
    "只有平台运营方可以管理白名单",
    "only the platform operator manages whitelists",
)
OVERSEER_ONLY = ErrorCode(
    "whitelist.overseer_only",
    PermissionDeniedError,
    "只有平台运营方和监管部门可以查看白名单",
    "only the platform operator and the regulator read whitelists",
)
REVIEW_DECISION = ErrorCode(
    "whitelist.review_decision",
    ValidationError,
    "复核结论应为approve或reject",
    "the review decision is approve or reject",
)
PUSH_BANKS = ErrorCode(
    "whitelist.push_banks",
    ValidationError,
    "推送对象{party_ids}不是有效的银行",
    "push targets {party_ids} are not active banks",
)
PUSH_LIMITS = ErrorCode(
    "whitelist.push_limits",
    ValidationError,
    "跟进时限应为1至60个工作日，推送数量应为1至{max}家",
    "time limits are 1 to 60 working days and the number pushed 1 to {max}",
)
PUSH_NOT_FOUND = ErrorCode("whitelist.push_not_found", NotFoundError, "推送不存在", "push not found")
ITEM_NOT_FOUND = ErrorCode("whitelist.item_not_found", NotFoundError, "推送企业不存在", "pushed firm not found")
FEEDBACK_MOVE = ErrorCode(
    "whitelist.feedback_move",
    ConflictError,
    "对接状态为{state}，不能改为{to}",
    "the engagement is {state}: it cannot move to {to}",
)
FEEDBACK_STATE = ErrorCode(
    "whitelist.feedback_state",
    ValidationError,
    "反馈状态{to}无效（应为{allowed}）",
    "unknown feedback state {to} (one of {allowed})",
)
DECLINE_REASON = ErrorCode(
    "whitelist.decline_reason",
    ValidationError,
    "未通过须给出原因代码（{allowed}），原因为other时须说明",
    "a decline needs a reason code ({allowed}); 'other' needs a note",
)
FEEDBACK_BANK_ONLY = ErrorCode(
    "whitelist.feedback_bank_only",
    PermissionDeniedError,
    "只有被推送的银行可以反馈对接情况",
    "only the bank the firm was pushed to reports on it",
)
REVERSE_BANK_ONLY = ErrorCode(
    "whitelist.reverse_bank_only",
    PermissionDeniedError,
    "反向推送查询仅限银行",
    "the reverse push is for banks",
)
REVERSE_BATCH = ErrorCode(
    "whitelist.reverse_batch",
    ValidationError,
    "一次反向推送查询1至{max}个统一社会信用代码，实际{count}个",
    "a reverse push asks about 1 to {max} USCCs, got {count}",
)
PUSH_AGAIN = ErrorCode(
    "whitelist.push_again",
    ConflictError,
    "该名单已推送给银行{party_ids}",
    "the list was already pushed to banks {party_ids}",
)
