"""Demand errors (融资需求错误): refusals of demands, survey imports, matching and the funnel, as ``demand.*`` codes."""

from __future__ import annotations

from ippledge.kernel.errors import ErrorCode, NotFoundError, PermissionDeniedError, ValidationError

DEMAND_NOT_FOUND = ErrorCode("demand.not_found", NotFoundError, "融资需求不存在", "demand not found")
NOT_AN_ENTERPRISE = ErrorCode(
    "demand.not_an_enterprise", ValidationError, "企业{party_id}未登记", "enterprise {party_id} is not on the register"
)
WHO_SUBMITS = ErrorCode(
    "demand.who_submits",
    PermissionDeniedError,
    "融资需求由企业本身或平台运营方（调查、活动）登记",
    "a demand is entered by the firm itself or by the platform operator (surveys, events)",
)
INVALID = ErrorCode("demand.invalid", ValidationError, "{message_zh}", "{message_en}")
IP_NOT_OWNED = ErrorCode(
    "demand.ip_not_owned",
    ValidationError,
    "知识产权{asset_ids}不属于该企业",
    "IP {asset_ids} is not the firm's",
)
FILE_FORMAT = ErrorCode(
    "demand.file_format",
    ValidationError,
    "调查表应为CSV（UTF-8）或Excel（.xlsx），首行为表头：{columns}",
    "a survey is CSV (UTF-8) or Excel (.xlsx) with a header row: {columns}",
)
FILE_SIZE = ErrorCode(
    "demand.file_size", ValidationError, "调查表超过{max_mb}MB", "the survey file is larger than {max_mb} MB"
)
OVERSEER_ONLY = ErrorCode(
    "demand.overseer_only",
    PermissionDeniedError,
    "只有平台运营方、监管部门和银行（本行数据）可以查看转化漏斗",
    "the funnel is for the platform, the regulator and banks (their own rows)",
)
PERIOD = ErrorCode(
    "demand.period", ValidationError, "统计期止日{end}早于起日{start}", "the period ends on {end}, before {start}"
)
