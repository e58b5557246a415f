"""Chinese patent publication number (公开号 / 公告号): ``CN`` + 9 digits + kind code, e.g. ``CN103606972A``.

First digit: 1 invention (发明), 2 utility model (实用新型), 3 design (外观设计).
Kind codes (CNIPA since 2010): A invention publication,
B granted invention, C1-C7 invention after partial invalidation; U utility model,
Y1-Y7 utility model after partial invalidation; S design. A kind code must agree with the first digit.
"""

from __future__ import annotations

import re

from ippledge.kernel.identifiers._text import clean
from ippledge.kernel.identifiers.errors import (
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    validity,
)
from ippledge.kernel.identifiers.patent_application import PatentKind

_SHAPE = re.compile(r"CN(\d+)([A-Z]\d?)", re.ASCII)
_KINDS: dict[str, tuple[str, ...]] = {
    "1": ("A", "B", *(f"C{i}" for i in range(1, 8))),
    "2": ("U", *(f"Y{i}" for i in range(1, 8))),
    "3": ("S",),
}
_PATENT_KIND = {"1": PatentKind.INVENTION, "2": PatentKind.UTILITY_MODEL, "3": PatentKind.DESIGN}


def compact(number: str) -> str:
    """Strip spaces and dashes, upper-case, fold full-width characters."""
    return clean(number, " -")


def validate(number: str) -> str:
    """Return the compact number (``CN103606972A``) or raise."""
    code = compact(number)
    match = _SHAPE.fullmatch(code)
    if match is None:
        raise InvalidFormat(
            f"公开（公告）号应为“CN”+9位数字+文献类型代码（如CN103606972A）：{code}",
            f"a publication number is 'CN' + 9 digits + kind code (e.g. CN103606972A): {code}",
            code="id.publication_number.format",
            details={"number": code},
        )
    digits, kind_code = match.groups()
    if len(digits) != 9:
        raise InvalidLength(
            f"公开（公告）号的数字部分应为9位，实际为{len(digits)}位",
            f"a publication number has 9 digits, got {len(digits)}",
            code="id.publication_number.length",
            details={"number": code, "length": len(digits)},
        )
    allowed = _KINDS.get(digits[0])
    if allowed is None:
        raise InvalidComponent(
            f"公开（公告）号首位数字“{digits[0]}”无效（应为1发明、2实用新型、3外观设计）",
            f"publication number first digit '{digits[0]}' is not 1 invention, 2 utility model or 3 design",
            code="id.publication_number.type",
            details={"number": code, "type_digit": digits[0]},
        )
    if kind_code not in allowed:
        label = _PATENT_KIND[digits[0]]
        raise InvalidComponent(
            f"文献类型代码“{kind_code}”与{label.label_zh}专利（首位{digits[0]}）不符，应为{'、'.join(allowed)}之一",
            f"kind code '{kind_code}' does not fit patent type {label.value} (first digit {digits[0]}); "
            f"expected one of {', '.join(allowed)}",
            code="id.publication_number.kind_code",
            details={"number": code, "kind_code": kind_code, "allowed": list(allowed)},
        )
    return code


is_valid = validity(validate)


def format(number: str) -> str:
    """Display form ``CN 103606972 A``."""
    code = validate(number)
    return f"CN {code[2:11]} {code[11:]}"


def kind(number: str) -> PatentKind:
    """Invention, utility model or design, from the first digit."""
    return _PATENT_KIND[validate(number)[2]]


def kind_code(number: str) -> str:
    """The document kind code (``A``, ``B``, ``C1`` ... ``S``)."""
    return validate(number)[11:]


def is_grant(number: str) -> bool:
    """True for documents announcing a granted right (everything except ``A``, the invention publication)."""
    return kind_code(number) != "A"
