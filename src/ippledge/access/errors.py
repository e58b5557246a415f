"""Access errors (认证与权限错误): every refusal of the platform's access layer as a named code: authentication
(``auth.*``), roles and party kinds (``access.*``), parties, users and maker-checker approvals. Raised as
``raise USERNAME_TAKEN(username="li")``; the messages' ``{placeholders}`` are filled from the details, which travel in
the response too.
"""

from __future__ import annotations

from ippledge.kernel.errors import (
    AuthenticationError,
    ConflictError,
    ErrorCode,
    IppledgeError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)


class TooManyAttemptsError(IppledgeError):
    """Logins from this account or address are paused for a while (登录尝试过多，稍后再试)."""

    status = 429
    default_code = "auth.locked"


class SelfApprovalError(PermissionDeniedError):
    """The proposer of a decision tried to approve it (双人复核: never the same person)."""

    default_code = "access.self_approval"


# Authentication (认证)
AUTH_REQUIRED = ErrorCode("auth.required", AuthenticationError, "需要登录", "authentication required")
BAD_CREDENTIALS = ErrorCode(
    "auth.bad_credentials", AuthenticationError, "用户名或密码错误", "wrong username or password"
)
BAD_TOKEN = ErrorCode("auth.bad_token", AuthenticationError, "登录已失效，请重新登录", "token invalid or expired")
USER_DISABLED = ErrorCode("auth.user_disabled", AuthenticationError, "用户已停用", "user is disabled")
PARTY_DISABLED = ErrorCode("auth.party_disabled", AuthenticationError, "机构已停用", "party is disabled")
BAD_API_KEY = ErrorCode("auth.bad_api_key", AuthenticationError, "接口密钥无效", "invalid API key")
API_KEY_EXPIRED = ErrorCode("auth.api_key_expired", AuthenticationError, "接口密钥已过期", "API key expired")
LOGIN_LOCKED = ErrorCode(
    "auth.locked",
    TooManyAttemptsError,
    "登录失败次数过多，请 {retry_after} 秒后再试",
    "too many failed logins; try again in {retry_after} seconds",
)
WRONG_PASSWORD = ErrorCode("auth.wrong_password", AuthenticationError, "原密码不正确", "the current password is wrong")
HUMAN_REQUIRED = ErrorCode(
    "access.human_required",
    PermissionDeniedError,
    "此操作须由登录的用户进行，接口密钥不能管理用户和密钥",
    "this needs a signed-in person: an API key cannot manage users or keys",
)

# Roles and party kinds (角色与机构类型)
ROLE_NOT_ALLOWED = ErrorCode(
    "access.role_not_allowed",
    PermissionDeniedError,
    "{party_kind_zh}不能拥有角色：{listed}",
    "a {party_kind} cannot hold role(s): {listed}",
)
ROLE_REQUIRED = ErrorCode(
    "access.role_required", PermissionDeniedError, "需要以下角色之一：{wanted}", "requires one of the roles: {wanted}"
)
PARTY_KIND = ErrorCode(
    "access.party_kind", PermissionDeniedError, "此操作只能由以下机构进行：{wanted_zh}", "only a {wanted} may do this"
)

# Parties and users (机构与用户)
PARTY_NAME_REQUIRED = ErrorCode("party.name_required", ValidationError, "机构名称不能为空", "party name is required")
USCC_TAKEN = ErrorCode(
    "party.uscc_taken", ConflictError, "统一社会信用代码已登记：{uscc}", "USCC already registered: {uscc}"
)
PASSWORD_TOO_SHORT = ErrorCode(
    "user.password_too_short",
    ValidationError,
    "密码至少 {min_length} 位",
    "password must have at least {min_length} characters",
)
PASSWORD_TOO_LONG = ErrorCode(
    "user.password_too_long",
    ValidationError,
    "密码最多 {max_length} 位",
    "password must have at most {max_length} characters",
)
PASSWORD_HAS_USERNAME = ErrorCode(
    "user.password_has_username", ValidationError, "密码不能包含用户名", "password must not contain the username"
)
PASSWORD_COMMON = ErrorCode(
    "user.password_common",
    ValidationError,
    "密码过于常见，容易被猜中",
    "password is too common and easily guessed",
)
PASSWORD_UNCHANGED = ErrorCode(
    "user.password_unchanged",
    ValidationError,
    "新密码不能与原密码相同",
    "the new password must differ from the old one",
)
USER_NOT_IN_PARTY = ErrorCode("user.not_found", NotFoundError, "用户不存在", "user not found")
SELF_DEACTIVATION = ErrorCode(
    "user.self_deactivation", ConflictError, "不能停用自己的账户", "you cannot deactivate your own account"
)
FIRST_ADMIN_ONLY = ErrorCode(
    "access.first_admin_only",
    PermissionDeniedError,
    "平台只能为尚无用户的新机构开设第一个管理员；其余用户由该机构管理员管理",
    "the platform may only create the first admin of a party that has no users; the party's own admin manages the rest",
)
ROLE_NOT_HELD = ErrorCode(
    "access.role_not_held",
    PermissionDeniedError,
    "不能授予自己没有的角色：{listed}",
    "you cannot grant role(s) you do not hold: {listed}",
)
API_KEY_EXPIRY = ErrorCode(
    "api_key.expiry",
    ValidationError,
    "接口密钥的到期时间须在未来 {max_days} 天之内",
    "an API key must expire in the future, within {max_days} days",
)
USERNAME_TAKEN = ErrorCode(
    "user.username_taken", ConflictError, "用户名已存在：{username}", "username taken: {username}"
)

# Maker-checker (双人复核)
APPROVAL_ANONYMOUS = ErrorCode(
    "approval.anonymous", ValidationError, "提议必须由具名用户提出", "a proposal needs a named user"
)
APPROVAL_DECIDED = ErrorCode("approval.decided", ConflictError, "该事项已处理", "approval already decided")
APPROVAL_DECIDED_ELSEWHERE = ErrorCode(
    "approval.decided_elsewhere",
    ConflictError,
    "该事项须在其业务环节审批，审批即执行：{route}",
    "this approval is decided where it acts: {route}",
)
APPROVAL_REASON_REQUIRED = ErrorCode(
    "approval.reason_required", ValidationError, "驳回必须说明理由", "a rejection needs a reason"
)
ANONYMOUS_APPROVAL = ErrorCode(
    "access.anonymous_approval",
    PermissionDeniedError,
    "双人复核必须由具名用户提出和审批",
    "maker-checker needs a named user on both sides",
)
SELF_APPROVAL = ErrorCode(
    "access.self_approval",
    SelfApprovalError,
    "提出人不能审批自己的提议",
    "the proposer cannot approve their own proposal",
)


# -- bank organisation (银行机构: head office, branches, sub-branches) ---------------------------------------------
BRANCH_PARENT = ErrorCode(
    "access.branch_parent",
    ValidationError,
    "{level}的上级机构须为{wanted}（收到{parent}）",
    "a {level} must sit under a {wanted} of the same bank (got {parent})",
)
HEAD_OFFICE_EXISTS = ErrorCode(
    "access.head_office_exists",
    ConflictError,
    "银行{bank_id}已有总行",
    "bank {bank_id} already has a head office",
)
BRANCH_REGION = ErrorCode(
    "access.branch_region",
    ValidationError,
    "未知的区县行政区划代码{region_code}",
    "unknown county-level division code {region_code}",
)
BRANCH_UNKNOWN = ErrorCode(
    "access.branch_unknown",
    NotFoundError,
    "机构{branch_id}不存在",
    "no branch {branch_id}",
)
NOT_BANK_STAFF = ErrorCode(
    "access.not_bank_staff",
    ValidationError,
    "用户{user_id}不属于该银行",
    "user {user_id} does not work for the branch's bank",
)
BRANCH_LEVEL = ErrorCode(
    "access.branch_level",
    ValidationError,
    "未知的机构层级或类型{value}（可选：{known}）",
    "unknown branch level or type {value} (known: {known})",
)
