"""Errors (错误): one base type carrying a machine code and a Chinese and English message.

Every capability raises subclasses of :class:`IppledgeError`; the API maps ``status`` to the HTTP status
and returns ``{"code", "message_zh", "message_en", "details"}``.
Batch jobs collect these per record instead of aborting.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any, ClassVar


class IppledgeError(Exception):
    """Base error: ``code`` is stable and machine-readable; messages are for people."""

    status: ClassVar[int] = 400
    default_code: ClassVar[str] = "error"

    def __init__(
        self,
        message_zh: str,
        message_en: str,
        *,
        code: str | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        self.code = code or self.default_code
        self.message_zh = message_zh
        self.message_en = message_en
        self.details: dict[str, Any] = dict(details or {})
        super().__init__(f"[{self.code}] {message_en}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "details": self.details,
        }


class ValidationError(IppledgeError):
    """Malformed or missing input (输入无效)."""

    status = 422
    default_code = "invalid_input"


class NotFoundError(IppledgeError):
    """The record does not exist, or the caller may not know that it exists (记录不存在)."""

    status = 404
    default_code = "not_found"


class PermissionDeniedError(IppledgeError):
    """The caller is known but its role does not allow the action (无权操作)."""

    status = 403
    default_code = "forbidden"


class AuthenticationError(IppledgeError):
    """No valid credential (未认证)."""

    status = 401
    default_code = "unauthenticated"


class ConflictError(IppledgeError):
    """The action conflicts with the current state (状态冲突): out-of-order steps, duplicates."""

    status = 409
    default_code = "conflict"


class UnavailableError(IppledgeError):
    """The platform cannot serve now (暂不可用): its database is down or its schema is not the code's."""

    status = 503
    default_code = "unavailable"


def not_found(what_zh: str, what_en: str, **details: Any) -> NotFoundError:
    """A uniform 404 that never says whether the record exists for someone else."""
    return NotFoundError(f"{what_zh}不存在", f"{what_en} not found", details=details)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: a stable code, a path into the document and a bilingual message.

    Validators of versioned data (risk-sharing schemes, provisioning policies) collect every problem, then raise one
    error that lists them in ``details["problems"]``.
    """

    code: str
    path: str
    message_zh: str
    message_en: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "path": self.path, "message_zh": self.message_zh, "message_en": self.message_en}


@dataclass(frozen=True)
class ErrorCode:
    """One entry of the error catalogue (错误目录): a stable code, the error class that sets the HTTP status, and the
    Chinese and English messages. Messages may name ``{placeholders}`` filled from the details given when raised.

    Each capability lists its codes as named constants in its ``errors.py``; ``ippledge errors`` prints them all and
    ``docs/errors.md`` is generated from them::

        LOAN_NOT_FOUND = ErrorCode("loan.not_found", NotFoundError, "贷款不存在", "loan not found")
        raise LOAN_NOT_FOUND(loan_id=7)
    """

    code: str
    kind: type[IppledgeError]
    zh: str
    en: str

    @property
    def status(self) -> int:
        return self.kind.status

    def __call__(self, **details: Any) -> IppledgeError:
        """The error to raise, its messages filled from ``details`` (which also travel in the response)."""
        return self.kind(self.zh.format(**details), self.en.format(**details), code=self.code, details=details)


def catalogue(modules: Iterable[ModuleType]) -> list[ErrorCode]:
    """Every ``ErrorCode`` constant defined in ``modules``, sorted by code.

    A code defined twice must read the same to the caller -- the same HTTP status and messages -- or it is a bug
    (``ValueError``). Two constants may share a code and differ only in the error class below that status (e.g.
    ``id.ipc.group`` is an ``InvalidComponent`` for group 0 and an ``InvalidLength`` for five digits); the catalogue
    lists the code once.
    """
    found: dict[str, ErrorCode] = {}
    for module in modules:
        for value in vars(module).values():
            if isinstance(value, ErrorCode):
                seen = found.setdefault(value.code, value)
                if (seen.status, seen.zh, seen.en) != (value.status, value.zh, value.en):
                    raise ValueError(f"error code {value.code} defined twice with different messages")
    return [found[c] for c in sorted(found)]


# ---- the kernel's own codes: money and the working-day calendar ----------------------------------------------------
# Raised as ``raise MONEY_CURRENCY(currency=currency)``. Where one code has several wordings, the wording travels in
# ``why_zh`` / ``why_en``.

MONEY_CURRENCY = ErrorCode(
    "money.currency", ValidationError, "不支持的币种：{currency}", "unsupported currency: {currency}"
)
MONEY_TYPE = ErrorCode(
    "money.type",
    ValidationError,
    "金额必须是十进制数或整数，不能是浮点数",
    "amount must be a decimal or an integer, never a float",
)
# A malformed amount ("金额格式无效：'abc'") or a non-finite one ("金额必须是有限数").
MONEY_FORMAT = ErrorCode("money.format", ValidationError, "{why_zh}", "{why_en}")
MONEY_NOT_POSITIVE = ErrorCode(
    "money.not_positive", ValidationError, "金额必须大于零：{amount}", "amount must be positive: {amount}"
)
MONEY_PRECISION = ErrorCode(
    "money.precision", ValidationError, "金额精度超过分：{amount}", "amount has digits below the fen: {amount}"
)
MONEY_NEGATIVE = ErrorCode(
    "money.negative", ValidationError, "金额不能为负：{amount}", "amount must not be negative: {amount}"
)
MONEY_LIMIT = ErrorCode(
    "money.limit",
    ValidationError,
    "金额 {amount} 超过该字段上限 {limit} 元",
    "amount {amount} is above this field's limit of {limit} yuan",
)
RATE_FORMAT = ErrorCode(
    "rate.format",
    ValidationError,
    '费率或倍数须为半角十进制字符串（如 "0.05"）：{rate}',
    'a rate or multiple is a plain decimal string such as "0.05": {rate}',
)
RATE_LIMIT = ErrorCode(
    "rate.limit", ValidationError, "{rate} 超过该字段上限 {limit}", "{rate} is above this field's limit of {limit}"
)
DATE_INVALID = ErrorCode(
    "date.invalid",
    ValidationError,
    "日期须为存在的公历日期，格式 YYYY-MM-DD：{value}",
    "a date is a real calendar day written YYYY-MM-DD: {value}",
)
DATE_RANGE = ErrorCode(
    "date.range",
    ValidationError,
    "日期 {value} 不在 {first} 至 {last} 之间",
    "date {value} is not within {first} to {last}",
)
CALENDAR_CONFLICT = ErrorCode(
    "calendar.conflict",
    ValidationError,
    "同一天不能既是节假日又是工作日：{days}",
    "a day cannot be both an extra holiday and an extra working day: {days}",
)
CALENDAR_NOT_COVERED = ErrorCode(
    "calendar.not_covered",
    ValidationError,
    "{year}年不在节假日数据覆盖范围内（{first}-{last}年）",
    "year {year} is outside the holiday data ({first}-{last})",
)

# ---- display text (names) -----------------------------------------------------------------------------------------
TEXT_UNSAFE = ErrorCode(
    "text.unsafe_char",
    ValidationError,
    "{field} 含有不允许的控制、方向或不可见字符：{char}（第 {position} 个字符）",
    "{field} contains a control, bidirectional or invisible character: {char} (at position {position})",
)
TEXT_EMPTY = ErrorCode("text.empty", ValidationError, "{field} 不能为空", "{field} must not be empty")
