"""Chinese trademark registration number (商标注册号) and Nice class (尼斯分类).

Registration numbers are sequential digits with no known check digit; 1-9 digits are accepted.
The printed form ``第12345678号`` is accepted and reduced to the digits; leading zeros (database padding)
are dropped so that one mark has one compact form.
Nice classes run from 1 to 45 (34 for goods, 11 for services).
"""

from __future__ import annotations

from ippledge.kernel.identifiers._text import clean, is_ascii_digits
from ippledge.kernel.identifiers.errors import TRADEMARK_FORMAT, TRADEMARK_LENGTH, TRADEMARK_NICE_CLASS, validity

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
        raise TRADEMARK_FORMAT(number=code)
    if code in ("", "0") or len(code) > 9:
        raise TRADEMARK_LENGTH(number=code, length=len(code))
    return code


is_valid = validity(validate)


def format(number: str) -> str:
    """Display form ``第12345678号``."""
    return f"第{validate(number)}号"


def validate_nice_class(n: int) -> int:
    """Return the Nice class ``n`` (1-45) or raise ``InvalidComponent``."""
    if isinstance(n, bool) or not isinstance(n, int) or n not in NICE_CLASSES:
        raise TRADEMARK_NICE_CLASS(nice_class=repr(n))
    return n
