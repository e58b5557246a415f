"""Unified Social Credit Code (统一社会信用代码, GB 32100-2015) with its organisation code (GB 11714-1997).

Layout of the 18 characters: 1 registration department (登记管理部门), 2 organisation type (机构类别),
3-8 administrative division (行政区划码, or ``100000`` for nationally registered firms),
9-17 organisation code (组织机构代码, whose 17th character is its own GB 11714 check),
18 the GB 32100 check character.

The GB 32100 check comes from ``stdnum.cn.uscc`` (imported, never copied). python-stdnum does not check the
embedded GB 11714 character, so a code can pass stdnum and still be impossible; such codes are rejected here.
Conversely stdnum insists that characters 1-2 are digits, but GB 32100 also has letter department codes
(A, N, Y, e.g. ``N2…`` for rural collective economic organisations), so those are accepted here.
"""

from __future__ import annotations

import re

from stdnum.cn import uscc as _stdnum_uscc

from ippledge.kernel.identifiers._text import clean, is_ascii_digits
from ippledge.kernel.identifiers.errors import (
    USCC_CHECKSUM,
    USCC_DIVISION,
    USCC_FORMAT,
    USCC_LENGTH,
    USCC_ORG_CHECKSUM,
    validity,
)

# GB 32100 alphabet: digits and upper-case letters without I, O, Z, S, V (easily confused).
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


_PLAIN = re.compile(r"[0-9A-Za-z]+")


def compact(number: str) -> str:
    """Strip spaces and dashes, fold full-width characters and upper-case."""
    if number.isascii() and _PLAIN.fullmatch(number):  # already compact (a bank's batch): NFKC would change nothing
        return number.upper()
    return clean(number, " -")


def _org_value(char: str) -> int:
    # GB 11714 values: digits as themselves, letters A=10 ... Z=35.
    return int(char) if char.isdigit() else ord(char) - ord("A") + 10


_ORG_VALUES = {c: _org_value(c) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


def calc_org_check(org_body: str) -> str:
    """GB 11714 check character for the first 8 characters of an organisation code."""
    values = _ORG_VALUES
    total = sum((values[c] if c in values else _org_value(c)) * w for c, w in zip(org_body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def calc_check_digit(first17: str) -> str:
    """GB 32100 check character (character 18) for the first 17 characters."""
    return str(_stdnum_uscc.calc_check_digit(first17))


_ALPHABET_SET = frozenset(ALPHABET)


def _check_chars(code: str) -> None:
    if _ALPHABET_SET.issuperset(code):
        return
    for pos, char in enumerate(code, start=1):
        if char not in ALPHABET:
            raise USCC_FORMAT(number=code, position=pos, char=char)


def validate(number: str) -> str:
    """Return the compact code or raise an ``InvalidIdentifier`` naming the first problem found."""
    code = compact(number)
    if len(code) != 18:
        raise USCC_LENGTH(
            number=code,
            length=len(code),
            why_zh=f"统一社会信用代码应为18位，实际为{len(code)}位",
            why_en=f"a USCC has 18 characters, got {len(code)}",
        )
    _check_chars(code)
    if not is_ascii_digits(code[2:8]):
        raise USCC_DIVISION(number=code, division=code[2:8])
    expected = calc_check_digit(code[:17])
    if code[17] != expected:
        raise USCC_CHECKSUM(number=code, expected=expected, found=code[17])
    org_expected = calc_org_check(code[8:16])
    if code[16] != org_expected:
        raise USCC_ORG_CHECKSUM(number=code, expected=org_expected, found=code[16])
    return code


is_valid = validity(validate)


def format(number: str) -> str:
    """Display form; a USCC is printed without separators."""
    return compact(number)


def division(number: str) -> str:
    """The 6-digit administrative division code (characters 3-8) of a valid code."""
    return validate(number)[2:8]


def organisation_code(number: str) -> str:
    """The 9-character organisation code (characters 9-17), displayed as ``XXXXXXXX-C``."""
    code = validate(number)
    return f"{code[8:16]}-{code[16]}"


def generate(registration_dept: str, org_type: str, division: str, org_body: str) -> str:
    """Build a valid code from its parts, computing the GB 11714 and then the GB 32100 check characters.

    ``org_body`` is the first 8 characters of the organisation code. Used by the simulator.
    """
    head = compact(registration_dept) + compact(org_type)
    div = compact(division)
    body = compact(org_body)
    if len(head) != 2 or len(div) != 6 or len(body) != 8:
        raise USCC_LENGTH(
            parts=[head, div, body],
            why_zh="生成统一社会信用代码需要1位登记管理部门、1位机构类别、6位行政区划码和8位组织机构代码本体",
            why_en="generate() needs 1 department, 1 type, 6 division and 8 organisation-body characters",
        )
    _check_chars(head + div + body)
    first17 = head + div + body + calc_org_check(body)
    # validate() still checks the division digits.
    return validate(first17 + calc_check_digit(first17))
