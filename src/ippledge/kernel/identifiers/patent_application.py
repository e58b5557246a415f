"""Chinese patent application number (专利申请号), CNIPA standard ZC 0006-2003 and its predecessor.

From 1 October 2003: 12 digits = filing year (4) + type (1) + serial (7), then ``.`` and a check character.
Before that: 8 digits = year (2) + type (1) + serial (5), then ``.`` and a check character.
Type digits: 1 invention (发明), 2 utility model (实用新型), 3 design (外观设计),
8 PCT invention entering China, 9 PCT utility model entering China.
Check: digits weighted 2,3,4,5,6,7,8,9,2,3,4,5, sum mod 11, 10 -> ``X``. Because 11 is prime and no weight
(nor difference of neighbouring weights) is 0 mod 11, every single-digit error and every adjacent
transposition is caught.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from ippledge.kernel.errors import ErrorCode
from ippledge.kernel.identifiers import errors
from ippledge.kernel.identifiers._text import clean, is_ascii_digits
from ippledge.kernel.identifiers.errors import validity

_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_PCT_TYPES = frozenset("89")


class PatentKind(StrEnum):
    """Patent type (专利类型); PCT national-phase entries are inventions or utility models."""

    INVENTION = "invention"
    UTILITY_MODEL = "utility_model"
    DESIGN = "design"

    @property
    def label_zh(self) -> str:
        return {"invention": "发明", "utility_model": "实用新型", "design": "外观设计"}[self.value]


_TYPES = {
    "1": PatentKind.INVENTION,
    "2": PatentKind.UTILITY_MODEL,
    "3": PatentKind.DESIGN,
    "8": PatentKind.INVENTION,
    "9": PatentKind.UTILITY_MODEL,
}


def compact(number: str) -> str:
    """Strip spaces, the dot before the check character and a ``CN`` prefix; fold full-width characters."""
    return _strip_prefix(clean(number)).replace(".", "")


def _strip_prefix(text: str) -> str:
    return text[2:] if text.startswith("CN") else text


def calc_check_digit(body: str) -> str:
    """Check character for a 12-digit (2003 on) or 8-digit (earlier) body."""
    total = sum(int(d) * w for d, w in zip(body, _WEIGHTS, strict=False))
    check = total % 11
    return "X" if check == 10 else str(check)


def _year(body: str) -> int:
    if len(body) == 12:
        return int(body[:4])
    yy = int(body[:2])
    return 1900 + yy if yy >= 85 else 2000 + yy


Ident = Literal["patent_application", "patent_number"]


@dataclass(frozen=True)
class _Codes:
    """The name and the error codes of one identifier that follows the application number rules."""

    name_zh: str
    name_en: str
    format: ErrorCode
    length: ErrorCode
    year: ErrorCode
    type: ErrorCode
    checksum: ErrorCode


_CODES: dict[Ident, _Codes] = {
    "patent_application": _Codes(
        "专利申请号",
        "patent application number",
        errors.PATENT_APPLICATION_FORMAT,
        errors.PATENT_APPLICATION_LENGTH,
        errors.PATENT_APPLICATION_YEAR,
        errors.PATENT_APPLICATION_TYPE,
        errors.PATENT_APPLICATION_CHECKSUM,
    ),
    "patent_number": _Codes(
        "专利号",
        "patent number",
        errors.PATENT_NUMBER_FORMAT,
        errors.PATENT_NUMBER_LENGTH,
        errors.PATENT_NUMBER_YEAR,
        errors.PATENT_NUMBER_TYPE,
        errors.PATENT_NUMBER_CHECKSUM,
    ),
}


def validate_as(number: str, ident: Ident) -> str:
    """Validate an application number, raising the error codes of ``ident`` (reused by ``patent_number``)."""
    codes = _CODES[ident]
    text = _strip_prefix(clean(number))
    dots = text.count(".")
    if dots > 1 or (dots == 1 and text.index(".") != len(text) - 2):
        raise codes.format(
            number=text,
            why_zh=f"{codes.name_zh}中的“.”只能出现在校验位之前",
            why_en=f"a '.' may only stand before the check character of a {codes.name_en}",
        )
    code = text.replace(".", "")
    if code.endswith("X") or len(code) in (9, 13) or dots:
        body, check = code[:-1], code[-1:]
    else:
        body, check = code, ""
    if (body and not is_ascii_digits(body)) or not (is_ascii_digits(check) or check in ("X", "")):
        raise codes.format(
            number=code,
            why_zh=f"{codes.name_zh}只能由数字和校验位（数字或X）组成",
            why_en=f"a {codes.name_en} has only digits plus a check character (digit or X)",
        )
    if len(body) not in (8, 12):
        raise codes.length(number=code, length=len(body))
    year = _year(body)
    if not (2003 <= year <= 2099 if len(body) == 12 else 1985 <= year <= 2003):
        raise codes.year(number=code, year=year)
    type_digit = body[4] if len(body) == 12 else body[2]
    if type_digit not in _TYPES:
        raise codes.type(number=code, type_digit=type_digit)
    expected = calc_check_digit(body)
    if check and check != expected:
        raise codes.checksum(number=code, expected=expected, found=check)
    return body + expected


def validate(number: str) -> str:
    """Return the compact number with its check character (``2013106997442``) or raise."""
    return validate_as(number, "patent_application")


is_valid = validity(validate)


def format(number: str) -> str:
    """Display form ``201310699744.2``."""
    code = validate(number)
    return f"{code[:-1]}.{code[-1]}"


def _type_digit(code: str) -> str:
    return code[4] if len(code) == 13 else code[2]


def kind(number: str) -> PatentKind:
    """Invention, utility model or design; PCT entries map to invention / utility model."""
    return _TYPES[_type_digit(validate(number))]


def is_pct(number: str) -> bool:
    """True for PCT national-phase entries (type digit 8 or 9)."""
    return _type_digit(validate(number)) in _PCT_TYPES


def filing_year(number: str) -> int:
    """Filing year encoded in the number (four digits, also for the 8-digit form)."""
    return _year(validate(number)[:-1])


def make(year: int, type_digit: int, serial: int) -> str:
    """Build a valid compact number: the 12-digit form from 2003, the 8-digit form for 1985-2002."""
    if year >= 2003:
        body = f"{year:04d}{type_digit}{serial:07d}"
    else:
        body = f"{year % 100:02d}{type_digit}{serial:05d}"
    return validate(body)
