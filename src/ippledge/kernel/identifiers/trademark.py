"""Chinese trademark registration number (商标注册号) and Nice class (尼斯分类).

Registration numbers are sequential digits with no known check digit; 1-9 digits are accepted.
The printed form ``第12345678号`` is accepted and reduced to the digits; leading zeros (database padding)
are dropped so that one mark has one compact form.
Nice classes run from 1 to 45 (34 for goods, 11 for services).
"""

from __future__ import annotations

from ippledge.kernel.identifiers._text import clean, is_ascii_digits
from ippledge.kernel.identifiers.errors import (
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    validity,
)

NICE_CLASSES = range(1, 46)


def compact(number: str) -> str:
    """Strip spaces, the ``第…号`` wrapper, a ``TM`` prefix and leading zeros; fold full-width characters."""
    text = clean(number, " -")
    text = text.removeprefix("TM").removeprefix("第").removesuffix("号")
    stripped = text.lstrip("0")
    return stripped if stripped or not text else "0"


def validate(number: str) -> str:
    """Return the digits of the registration number, or raise."""
    code = compact(number)
    if code and not is_ascii_digits(code):
        raise InvalidFormat(
            f"商标注册号只能由数字组成：{code}",
            f"a trademark registration number has only digits: {code}",
            code="id.trademark.format",
            details={"number": code},
        )
    if code in ("", "0") or len(code) > 9:
        raise InvalidLength(
            f"商标注册号应为1-9位非零数字，实际为“{code}”",
            f"a trademark registration number has 1-9 digits and is not zero, got '{code}'",
            code="id.trademark.length",
            details={"number": code, "length": len(code)},
        )
    return code


is_valid = validity(validate)


def format(number: str) -> str:
    """Display form ``第12345678号``."""
    return f"第{validate(number)}号"


def validate_nice_class(n: int) -> int:
    """Return the Nice class ``n`` (1-45) or raise ``InvalidComponent``."""
    if isinstance(n, bool) or not isinstance(n, int) or n not in NICE_CLASSES:
        raise InvalidComponent(
            f"尼斯分类应为1-45类，实际为{n!r}",
            f"a Nice class is 1-45, got {n!r}",
            code="id.trademark.nice_class",
            details={"nice_class": repr(n)},
        )
    return n
