"""International Patent Classification symbol (国际专利分类号, IPC), e.g. ``A61K 31/495``.

Section A-H, class (2 digits), subclass (letter), main group (1-4 digits), ``/``, subgroup (2-6 digits).
Also accepted: the compact ``A61K31/495``, a trailing version ``(2006.01)`` and WIPO's 14-character form
(subclass + 4-digit group + 6-digit subgroup, zero padded: ``A61K0031495000``). Syntax never depends on the
data file; ``check_subclass`` additionally requires the subclass to exist in the packaged WIPO table.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from ippledge.kernel.identifiers._text import clean
from ippledge.kernel.identifiers.errors import (
    IPC_FORMAT,
    IPC_GROUP_LENGTH,
    IPC_GROUP_ZERO,
    IPC_SECTION,
    IPC_SUBCLASS,
    IPC_SUBGROUP,
    InvalidIdentifier,
)

_SYMBOL = re.compile(r"([A-Z])(\d{2})([A-Z])(\d+)/(\d+)", re.ASCII)
_WIPO14 = re.compile(r"([A-Z]\d{2}[A-Z])(\d{4})(\d{6})", re.ASCII)
_VERSION = re.compile(r"\(\d{4}\.\d{2}\)$", re.ASCII)
_SUBCLASS = re.compile(r"[A-H]\d{2}[A-Z]", re.ASCII)
SECTIONS = "ABCDEFGH"


def compact(number: str) -> str:
    """``A61K31/495``: spaces and version dropped, the 14-character form unpacked, group zeros dropped."""
    text = _VERSION.sub("", clean(number))
    wipo = _WIPO14.fullmatch(text)
    if wipo is not None:
        subclass_code, group, subgroup = wipo.groups()
        # Subgroups are decimal fractions padded on the right: 495000 -> 495, 000000 -> 00, 060000 -> 06.
        text = f"{subclass_code}{group}/{subgroup.rstrip('0').ljust(2, '0')}"
    symbol = _SYMBOL.fullmatch(text)
    if symbol is not None:
        section, cls, letter, group, subgroup = symbol.groups()
        text = f"{section}{cls}{letter}{group.lstrip('0') or '0'}/{subgroup}"
    return text


@cache
def subclass_titles() -> dict[str, str]:
    """Subclass code -> English title from ``ippledge/data/ipc_subclasses.tsv`` (read once)."""
    table = resources.files("ippledge").joinpath("data", "ipc_subclasses.tsv").read_text(encoding="utf-8")
    rows = (line.split("\t", 1) for line in table.splitlines())
    return {row[0]: row[1] for row in rows if len(row) == 2 and _SUBCLASS.fullmatch(row[0])}


def validate(symbol: str, check_subclass: bool = True) -> str:
    """Return the compact symbol or raise; ``check_subclass`` also looks the subclass up in the WIPO table."""
    code = compact(symbol)
    match = _SYMBOL.fullmatch(code)
    if match is None:
        raise IPC_FORMAT(symbol=code)
    section, _cls, _letter, group, subgroup = match.groups()
    if section not in SECTIONS:
        raise IPC_SECTION(symbol=code, section=section)
    if group == "0":
        raise IPC_GROUP_ZERO(symbol=code, why_zh="不能为0", why_en="cannot be 0")
    if len(group) > 4:
        raise IPC_GROUP_LENGTH(
            symbol=code,
            group=group,
            why_zh=f"应为1-4位数字，实际为{len(group)}位",
            why_en=f"has 1-4 digits, got {len(group)}",
        )
    if not 2 <= len(subgroup) <= 6:
        raise IPC_SUBGROUP(symbol=code, subgroup=subgroup, length=len(subgroup))
    if check_subclass and code[:4] not in subclass_titles():
        raise IPC_SUBCLASS(symbol=code, subclass=code[:4])
    return code


def is_valid(symbol: str, check_subclass: bool = True) -> bool:
    """True when ``validate`` would accept the symbol."""
    try:
        validate(symbol, check_subclass)
    except InvalidIdentifier:
        return False
    return True


def format(symbol: str) -> str:
    """Display form ``A61K 31/495`` (syntax checked, subclass not looked up)."""
    code = validate(symbol, check_subclass=False)
    return f"{code[:4]} {code[4:]}"


def subclass(symbol: str) -> str:
    """First 4 characters (``A61K``): the usual technology-field cohort."""
    return validate(symbol, check_subclass=False)[:4]


def ipc_class(symbol: str) -> str:
    """First 3 characters (``A61``): a coarser technology-field cohort."""
    return validate(symbol, check_subclass=False)[:3]


def to_wipo14(symbol: str) -> str:
    """WIPO's fixed-width 14-character form (``A61K0031495000``), handy for sorting and joins."""
    code = validate(symbol, check_subclass=False)
    group, subgroup = code[4:].split("/")
    return f"{code[:4]}{group.zfill(4)}{subgroup.ljust(6, '0')}"
