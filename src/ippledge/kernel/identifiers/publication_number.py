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
    PUBLICATION_NUMBER_FORMAT,
    PUBLICATION_NUMBER_KIND_CODE,
    PUBLICATION_NUMBER_LENGTH,
    PUBLICATION_NUMBER_TYPE,
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
        raise PUBLICATION_NUMBER_FORMAT(number=code)
    digits, kind_code = match.groups()
    if len(digits) != 9:
        raise PUBLICATION_NUMBER_LENGTH(number=code, length=len(digits))
    allowed = _KINDS.get(digits[0])
    if allowed is None:
        raise PUBLICATION_NUMBER_TYPE(number=code, type_digit=digits[0])
    if kind_code not in allowed:
        label = _PATENT_KIND[digits[0]]
        raise PUBLICATION_NUMBER_KIND_CODE(
            number=code,
            kind_code=kind_code,
            allowed=list(allowed),
            type_digit=digits[0],
            patent_kind=label.value,
            patent_kind_zh=label.label_zh,
            allowed_zh="、".join(allowed),
            allowed_en=", ".join(allowed),
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
