"""Identifier recognition (编号识别): guess what a pasted number is, validate it, explain in two languages.

Backs ``ippledge ids check NUMBER``. The guess uses shape only: ``ZL`` prefix -> patent number;
``CN`` + digits + kind code -> publication number; 作登字 / 软著登字 / ``yyyySR`` -> copyright;
section letter + class + subclass -> IPC; 18 characters -> USCC; 12-13 digits -> application;
8-9 digits that look like a pre-2004 application (year 85-03, type 1/2/3/8/9) -> application;
other short digit strings -> trademark. Pre-2004 application numbers and 8-digit trademark numbers
overlap in principle; trademark numbers have not reached 85 million, so the rule holds for now.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ippledge.kernel.identifiers import (
    copyright,
    ipc,
    patent_application,
    patent_number,
    publication_number,
    trademark,
    uscc,
)
from ippledge.kernel.identifiers._text import clean
from ippledge.kernel.identifiers.errors import UNKNOWN, InvalidIdentifier

LABELS: dict[str, tuple[str, str]] = {
    "uscc": ("统一社会信用代码", "unified social credit code"),
    "patent_application": ("专利申请号", "patent application number"),
    "patent_number": ("专利号", "patent number"),
    "publication_number": ("专利公开（公告）号", "patent publication number"),
    "trademark": ("商标注册号", "trademark registration number"),
    "copyright": ("作品登记号", "copyright registration number"),
    "software_copyright": ("软件著作权登记号", "software copyright registration number"),
    "ipc": ("IPC分类号", "IPC symbol"),
    "unknown": ("未知编号", "unrecognised number"),
}

_PUBLICATION = re.compile(r"CN\d+[A-WYZ]\d?", re.ASCII)
_IPC = re.compile(r"[A-Z]\d{2}[A-Z](\d.*/.*|\d{10})", re.ASCII)
_OLD_APPLICATION = re.compile(r"(8[5-9]|9\d|0[0-3])[12389]\d{5}[\dX]?", re.ASCII)


@dataclass(frozen=True)
class Recognition:
    """Outcome of :func:`recognise`: ``normalised`` is the compact stored form, ``display`` the printed."""

    kind: str
    normalised: str | None
    valid: bool
    display: str | None = None
    code: str | None = None
    reason_zh: str | None = None
    reason_en: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


def guess_kind(text: str) -> str:
    """The identifier kind suggested by the shape of ``text`` (``"unknown"`` when nothing fits)."""
    t = clean(text)
    digits = t.removeprefix("CN").replace(".", "")
    if t.startswith("ZL"):
        return "patent_number"
    if _PUBLICATION.fullmatch(t):
        return "publication_number"
    if "作登字" in t:
        return "copyright"
    if "软著登字" in t or re.fullmatch(r"\d{4}SR\d*", t, re.ASCII):
        return "software_copyright"
    if _IPC.fullmatch(t.split("(")[0]):
        return "ipc"
    if len(t) == 18:
        return "uscc"
    if re.fullmatch(r"\d+X?", digits, re.ASCII):
        if len(digits) >= 10 or _OLD_APPLICATION.fullmatch(digits) or "." in t or digits.endswith("X"):
            return "patent_application"
        return "trademark"
    if re.fullmatch(r"(TM|第)?\d+号?", t, re.ASCII):
        return "trademark"
    return "unknown"


def _details(kind: str, number: str) -> dict[str, Any]:
    if kind in ("patent_application", "patent_number"):
        app = number.removeprefix("ZL")
        patent = patent_application.kind(app)
        return {
            "patent_kind": patent.value,
            "patent_kind_zh": patent.label_zh,
            "pct": patent_application.is_pct(app),
            "filing_year": patent_application.filing_year(app),
        }
    if kind == "publication_number":
        return {"patent_kind": publication_number.kind(number).value, "kind_code": number[11:]}
    if kind == "uscc":
        return {"division": uscc.division(number), "organisation_code": uscc.organisation_code(number)}
    if kind == "ipc":
        return {"subclass": ipc.subclass(number), "class": ipc.ipc_class(number)}
    if kind in ("copyright", "software_copyright"):
        return {"year": copyright.year(number), "category": copyright.category(number)}
    return {}


_VALIDATORS: dict[str, tuple[Callable[[str], str], Callable[[str], str]]] = {
    "uscc": (uscc.validate, uscc.format),
    "patent_application": (patent_application.validate, patent_application.format),
    "patent_number": (patent_number.validate, patent_number.format),
    "publication_number": (publication_number.validate, publication_number.format),
    "trademark": (trademark.validate, trademark.format),
    "copyright": (copyright.validate, copyright.format),
    "software_copyright": (copyright.validate, copyright.format),
    "ipc": (ipc.validate, ipc.format),
}


def recognise(text: str) -> Recognition:
    """Guess the kind of ``text``, validate it with the matching module and report the outcome."""
    kind = guess_kind(text)
    if kind == "unknown":
        unknown = UNKNOWN(text=text.strip())
        return Recognition(
            kind=kind,
            normalised=None,
            valid=False,
            code=unknown.code,
            reason_zh=unknown.message_zh,
            reason_en=unknown.message_en,
        )
    validate, display = _VALIDATORS[kind]
    try:
        number = validate(text)
    except InvalidIdentifier as exc:
        return Recognition(
            kind=kind,
            normalised=None,
            valid=False,
            code=exc.code,
            reason_zh=exc.message_zh,
            reason_en=exc.message_en,
            details=exc.details,
        )
    return Recognition(
        kind=kind, normalised=number, valid=True, display=display(number), details=_details(kind, number)
    )


def format_recognition(r: Recognition) -> str:
    """One bilingual line for the CLI."""
    zh, en = LABELS[r.kind]
    if r.valid:
        return f"有效 valid — {zh} {en}: {r.display} (规范形式 normalised: {r.normalised})"
    return f"无效 invalid — {zh} {en} [{r.code}]: {r.reason_zh} / {r.reason_en}"
