"""Event errors (对接活动错误): refusals of events, sign-ups, attendance and follow-ups, as ``outreach.*`` codes."""

from __future__ import annotations

from ippledge.kernel.errors import ConflictError, ErrorCode, NotFoundError, PermissionDeniedError, ValidationError

EVENT_NOT_FOUND = ErrorCode("outreach.event_not_found", NotFoundError, "活动{id}不存在", "event {id} not found")
ORGANISER_ONLY = ErrorCode(
    "outreach.organiser_only",
    PermissionDeniedError,
    "只有平台运营方或监管部门可以发布和管理活动",
    "only the platform operator or the regulator announces and runs events",
)
EVENT_INVALID = ErrorCode(
    "outreach.event_invalid", ValidationError, "活动信息有误：{why_zh}", "the event is not valid: {why_en}"
)
BANKS_INVALID = ErrorCode(
    "outreach.banks_invalid",
    ValidationError,
    "受邀方须为在册银行：{party_ids}",
    "invitees must be active banks: {party_ids}",
)
UNKNOWN_FIRM = ErrorCode(
    "outreach.unknown_firm", NotFoundError, "企业{party_id}未在平台登记", "firm {party_id} is not on the platform"
)
WHO_SIGNS_UP = ErrorCode(
    "outreach.who_signs_up",
    PermissionDeniedError,
    "企业本身报名，或由平台运营方代为报名",
    "a firm signs itself up, or the platform operator signs it up",
)
EVENT_FULL = ErrorCode(
    "outreach.event_full", ConflictError, "活动名额（{capacity}）已满", "the event is full ({capacity} places)"
)
SIGNUP_CLOSED = ErrorCode(
    "outreach.signup_closed",
    ConflictError,
    "活动已于{held_on}举行，报名已截止",
    "the event took place on {held_on}: sign-ups are closed",
)
ALREADY_SIGNED_UP = ErrorCode(
    "outreach.already_signed_up", ConflictError, "企业已报名该活动", "the firm has already signed up for the event"
)
NOT_HELD = ErrorCode(
    "outreach.not_held",
    ConflictError,
    "活动将于{held_on}举行，举行后才能登记签到和安排对接",
    "the event is on {held_on}: attendance and follow-ups come after it",
)
NOT_SIGNED_UP = ErrorCode(
    "outreach.not_signed_up",
    ConflictError,
    "这些企业未报名该活动：{party_ids}",
    "these firms did not sign up for the event: {party_ids}",
)
NO_ATTENDEES = ErrorCode(
    "outreach.no_attendees",
    ConflictError,
    "尚无签到企业，无法安排银行对接",
    "no firm attended yet: there is nothing for the banks to follow up",
)
FOLLOW_UPS_DONE = ErrorCode(
    "outreach.follow_ups_done",
    ConflictError,
    "该活动已于{on}安排银行对接",
    "the banks' follow-ups of this event were opened on {on}",
)
FILE_FORMAT = ErrorCode(
    "outreach.file_format",
    ValidationError,
    "报名表应为UTF-8编码的CSV或Excel（.xlsx）文件，首行为表头，含uscc列",
    "a sign-up file is CSV (UTF-8) or Excel (.xlsx) with a header row holding a uscc column",
)
