"""Chinese copyright registration numbers (作品登记号 / 计算机软件著作权登记号).

Forms as printed by 中国版权保护中心 (CPCC).

Three printed forms, two kinds:

* work (作品): ``国作登字-2021-F-00012345`` = issuer + 作登字 + year + category letter + 8-digit serial;
  provincial copyright bureaus print their abbreviation instead of 国 (e.g. ``渝作登字-…``);
* software (软件): the registration number ``2021SR0123456`` (year + ``SR`` + serial, 7 digits now, 6 in older
  certificates) and the certificate number ``软著登字第1234567号``.

None of them carries a check digit, so validation is about shape, year and category letter.
"""

from __future__ import annotations

import re
from enum import StrEnum

from ippledge.kernel.identifiers._text import clean
from ippledge.kernel.identifiers.errors import (
    COPYRIGHT_FORMAT,
    COPYRIGHT_LENGTH,
    COPYRIGHT_YEAR,
    validity,
)

# Issuers: 国 (national) and provincial abbreviations.
_ISSUERS = "国京津沪渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤琼川蜀贵黔云滇陕秦甘陇青蒙桂藏宁新"
_WORK = re.compile(rf"([{_ISSUERS}])作登字(\d{{4}})([A-Z])(\d+)", re.ASCII)
_SOFTWARE_REG = re.compile(r"(\d{4})SR(\d+)", re.ASCII)
_SERIAL_LENGTHS = {"work": (8,), "software": (6, 7)}
_SOFTWARE_CERT = re.compile(r"软著登字第(\d{1,8})号", re.ASCII)
_YEARS = range(1992, 2100)  # software registration began in 1992

# Assumption: category letters as commonly read off CPCC certificates; not confirmed against a CPCC code list,
# so any capital letter is accepted and unknown letters just have no name.
WORK_CATEGORIES: dict[str, str] = {
    "A": "文字",
    "B": "口述",
    "C": "音乐",
    "D": "戏剧",
    "E": "曲艺",
    "F": "美术",
    "G": "摄影",
    "H": "电影",
    "I": "图形",
    "J": "模型",
    "L": "其他",
}


class CopyrightKind(StrEnum):
    """Registered work (作品) or computer software (计算机软件)."""

    WORK = "work"
    SOFTWARE = "software"


def compact(number: str) -> str:
    """Strip spaces and dashes, upper-case, fold full-width characters."""
    return clean(number, " -")


def validate(number: str) -> str:
    """Return the compact number or raise."""
    code = compact(number)
    for pattern, label in ((_WORK, "work"), (_SOFTWARE_REG, "software")):
        match = pattern.fullmatch(code)
        if match is None:
            continue
        serial = match.group(match.lastindex or 0)
        if len(serial) not in _SERIAL_LENGTHS[label]:
            expected = "/".join(str(n) for n in _SERIAL_LENGTHS[label])
            raise COPYRIGHT_LENGTH(number=code, length=len(serial), label=label, expected=expected)
        registered = int(match.group(2) if pattern is _WORK else match.group(1))
        if registered not in _YEARS:
            raise COPYRIGHT_YEAR(number=code, year=registered)
        return code
    if _SOFTWARE_CERT.fullmatch(code):
        return code
    raise COPYRIGHT_FORMAT(number=code)


is_valid = validity(validate)


def format(number: str) -> str:
    """Display form: works with dashes (``国作登字-2021-F-00012345``), software forms as compacted."""
    code = validate(number)
    match = _WORK.fullmatch(code)
    if match is None:
        return code
    issuer, year, letter, serial = match.groups()
    return f"{issuer}作登字-{year}-{letter}-{serial}"


def kind(number: str) -> CopyrightKind:
    """Work or software."""
    return CopyrightKind.WORK if _WORK.fullmatch(validate(number)) else CopyrightKind.SOFTWARE


def year(number: str) -> int | None:
    """Registration year; ``None`` for the software certificate number, which does not carry one."""
    code = validate(number)
    match = _WORK.fullmatch(code) or _SOFTWARE_REG.fullmatch(code)
    if match is None:
        return None
    return int(match.group(2) if match.re is _WORK else match.group(1))


def category(number: str) -> str | None:
    """Chinese name of a work's category letter, ``None`` for software or unknown letters."""
    match = _WORK.fullmatch(validate(number))
    return WORK_CATEGORIES.get(match.group(3)) if match else None
