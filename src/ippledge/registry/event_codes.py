"""Every Chinese legal-status code (法律状态代码) and what it does to the register, the legacy pre-2015 ones included.

Data providers carry 110 INPADOC codes for China (``ippledge/data/cn_legal_event_codes.tsv``). The register knows
its own codes (``model.EventCode``); every other code of the table is either

* an **alias**: it means the same as one of the register's codes (C19 "lapse for non-payment" is CF01). The event is
  recorded under the register's code, with the code as reported kept in ``details.reported_code``, so that everything
  reading the register (monitoring, valuation's counts, ageing) sees one code per fact and a fact reported twice under
  two codes on one day is one event;
* **resolved by a rule** where the code alone is ambiguous: a generic cessation (C17, CE01, EXPY) is an expiry (CX01)
  when dated after the right's last day, otherwise a lapse for an unpaid fee (CF01), the only other way a right ends
  early without an abandonment code of its own (Patent Law art. 42-44); RINS "preservation and its discharge" is a
  preservation (PP01) of a right not preserved and a discharge (PD01) of one that is;
* or **informational**: recorded under its own code, no change to the register (publication, examination, grant,
  corrections, bibliographic changes). Grant is informational on purpose: a grant enters the register with its grant
  date, term and annuities when the register records the right, not from a gazette line.

Also here: the rules of the register changes that are not a change of state (decision 0031): a term adjustment or
extension moves the expiry date (TG01, TP01), a holder name or address change (CP01-CP03) rewrites the holder line.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any, Final

from ippledge.kernel.calendar import add_months
from ippledge.registry import errors
from ippledge.registry.model import EVENT_EN, EVENT_ZH, EventCode, Subtype


@dataclass(frozen=True)
class CodeInfo:
    """One row of the packaged code table."""

    code: str
    influence: str  # "+", "-" or "" (no effect on the right)
    description_en: str
    event_class: str  # INPADOC event class letter, "" where the table has none


@functools.cache
def table() -> dict[str, CodeInfo]:
    """The 110 codes of ``cn_legal_event_codes.tsv``, read once."""
    text = resources.files("ippledge.data").joinpath("cn_legal_event_codes.tsv").read_text(encoding="utf-8")
    rows = csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    return {
        r["code"]: CodeInfo(r["code"], r["influence"].strip(), r["description_en"], r["event_class"].strip())
        for r in rows
    }


E = EventCode
# Codes that mean the same as one of the register's own (recorded under it, reported code kept in the details).
ALIASES: Final[dict[str, EventCode]] = {
    # the right abandoned (放弃), deemed abandoned, or abandoned to avoid double patenting (避免重复授权)
    **dict.fromkeys(("AD01", "AR01", "C20", "C25", "MA1K", "RGAV"), E.AV01),
    # lapse for an unpaid annual fee (未缴年费终止)
    **dict.fromkeys(("C19", "MM1K", "MM4A"), E.CF01),
    # expiry of the term (期限届满)
    **dict.fromkeys(("MK1K", "MK4A"), E.CX01),
    # revocation under the pre-2001 procedure (撤销) had the effect of invalidation: in full, or in part
    **dict.fromkeys(("C28", "RW01"), E.IW01),
    # partial revocation, and "full or partial invalidation" (C32, C35: the code does not say which; the safe reading
    # keeps the right in force and tells the pledgee, who verifies; monitoring opens an invalidation watch entry)
    **dict.fromkeys(("C26", "RP01", "C32", "C35"), E.IP01),
    # restoration or reinstatement (恢复) of a right or an application
    **dict.fromkeys(("C49", "C52", "RA01", "REIN"), E.RR01),
    # transfer of the right (转移); owners change through the register's transfer, a feed only records the event
    **dict.fromkeys(("ASS", "C41", "C44", "C45", "C47"), E.TR01),
    "LIC": E.EE01,  # licence contract submitted for record (许可备案)
    # name or address of the holder (专利权人/申请人姓名或名称、地址变更)
    **dict.fromkeys(("C56", "CB02"), E.CP03),
    # the end of an application after publication: withdrawn, deemed withdrawn, rejected
    **dict.fromkeys(("C01", "C02", "C05"), E.WD01),
    **dict.fromkeys(("C03", "C04"), E.WW01),
    "C12": E.RJ01,
}
GENERIC_CESSATION: Final = frozenset({"C17", "CE01", "EXPY"})  # CX01 after the last day, else CF01
PRESERVATION_TOGGLE: Final = frozenset({"RINS"})  # PP01 on a right not preserved, PD01 on a preserved one
# Recorded as reported, no change to the register. Why each is not a transition: see the module docstring.
INFORMATIONAL: Final = frozenset(
    {
        "AV02",  # partial abandonment: the right stays in force
        "BB1A", "C06", "PB01", "CI01", "CU03", "DCSP",  # publications (公布)
        "C10", "SE01", "EXSB", "DE01",  # examination (实质审查)
        "C14", "FG1K", "FG4A", "GR01", "GR02", "GR03", "GRSP",  # grant: entered with the right's own record
        "C15",  # 15 -> 20 years (1993 law): the register's terms are already computed under today's law
        "C13", "C53", "C57", "C59", "C60", "C61", "C62", "OR01", "DD01", "DC01",  # decisions, notices, other
        "CB01", "CB03", "CB04", "COR", "REPR", "CGPU",  # bibliographic data, inventors, attorneys
        "CI02", "CI03", "CU01", "CU02", "ERR", "RECT", "REG",  # corrections (更正)
        "TA01",  # transfer of an application: the applicant changes through the register's transfer
        "LICC",  # licence recorded, changed or cancelled: the code does not say which
        "PLDC",  # pledge registered, changed or cancelled: the register of pledges is the pledge capability's
        "RN01",  # renewal of patent term: no such procedure for CN patents; the line carries no new date
    }
)  # fmt: skip

# Chinese names of the INPADOC event classes, for the informational codes' titles.
CLASS_ZH: Final = {
    "B": "申请终止", "C": "申请或权利恢复", "D": "检索与审查", "F": "授权", "G": "保护期延长", "H": "权利终止",
    "K": "权利恢复", "M": "权利维持", "P": "更正", "Q": "文献公布", "R": "当事人信息变更", "S": "许可与质押",
    "T": "保全", "W": "其他", "Y": "公报更正", "Z": "其他",
}  # fmt: skip


@dataclass(frozen=True)
class Resolved:
    """A reported code as the register records it: ``code`` stored, ``event`` the rule applied (None: none)."""

    reported: str
    code: str
    event: EventCode | None

    @property
    def informational(self) -> bool:
        return self.event is None


def is_known(code: str) -> bool:
    return code in table() or code in EventCode.__members__


def resolve(reported: str, effective_date: dt.date, expiry: dt.date | None, preserved: bool) -> Resolved:
    """What ``reported`` does on ``effective_date`` to a right with this expiry and preservation; an unknown code
    raises ``registry.event_code``."""
    code = reported.strip().upper()
    fixed = _FIXED.get(code)
    if fixed is not None:  # every code but the few resolved by a rule: one lookup (a feed resolves every row)
        return fixed
    event: EventCode | None
    if code in GENERIC_CESSATION:
        event = E.CX01 if expiry is not None and effective_date > expiry else E.CF01
    elif code in PRESERVATION_TOGGLE:
        event = E.PD01 if preserved else E.PP01
    else:
        raise errors.EVENT_CODE(code=reported, known=sorted(table()))
    return Resolved(code, event.value, event)


_FIXED: Final[dict[str, Resolved]] = {
    **{c.value: Resolved(c.value, c.value, c) for c in EventCode},
    **{code: Resolved(code, event.value, event) for code, event in ALIASES.items()},
    **{code: Resolved(code, code, None) for code in INFORMATIONAL},
}


@functools.cache
def stored_codes(reported: str) -> frozenset[str]:
    """Every code ``reported`` may be stored under: a line loaded again is a duplicate whichever way its rule
    resolved the first time (RINS was PP01 then, the right is preserved now)."""
    code = reported.strip().upper()
    if code in GENERIC_CESSATION:
        return frozenset({"CF01", "CX01"})
    if code in PRESERVATION_TOGGLE:
        return frozenset({"PP01", "PD01"})
    return frozenset({ALIASES[code].value if code in ALIASES else code})


def with_reported(resolved: Resolved, details: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The details to store: the reported code added where it differs from the stored one."""
    if resolved.reported == resolved.code:
        return dict(details) if details else None
    return {**(details or {}), "reported_code": resolved.reported}


def title(code: str) -> tuple[str, str]:
    """Chinese and English title of a stored code (the register's own, or an informational one)."""
    if code in EventCode.__members__:
        return EVENT_ZH[EventCode(code)], EVENT_EN[EventCode(code)]
    info = table().get(code)
    if info is None:
        return code, code
    return f"{CLASS_ZH.get(info.event_class, '其他')}（{code}）", info.description_en.capitalize()


# -- register changes that are not a change of state (登记簿事项变更) ----------------------------------------------

TERM_EVENTS: Final = frozenset({E.TG01, E.TP01})
HOLDER_EVENTS: Final = frozenset({E.CP01, E.CP02, E.CP03})
PHARMA_EXTENSION_MAX_MONTHS: Final = 60  # Patent Law art. 42(3): 药品专利权期限补偿 at most five years
HOLDER_TEXT_MAX: Final = 300


def term_change(code: EventCode, subtype: str, expiry: dt.date | None, details: Mapping[str, Any] | None) -> dt.date:
    """The new last day after a term adjustment (TG01, art. 42(2): examination delay) or a pharmaceutical term
    extension (TP01, art. 42(3)), from ``details.expiry_after`` (ISO date) or ``details.days`` (days added).

    Both exist for invention patents only; the new day must be later; TP01 adds at most five years."""
    if subtype != Subtype.INVENTION.value or expiry is None:
        raise errors.TERM_CHANGE_SUBTYPE(event=code.value, subtype=subtype)
    got = dict(details or {})
    new: dt.date | None = None
    try:
        if isinstance(got.get("expiry_after"), str):
            new = dt.date.fromisoformat(got["expiry_after"])
        elif isinstance(got.get("days"), int) and not isinstance(got.get("days"), bool):
            new = expiry + dt.timedelta(days=int(got["days"]))
    except (ValueError, OverflowError):
        new = None
    if new is None:
        raise errors.TERM_CHANGE_DATE(event=code.value)
    if new <= expiry:
        raise errors.TERM_CHANGE_SHORTER(event=code.value, expiry=expiry.isoformat(), expiry_after=new.isoformat())
    limit = add_months(expiry, PHARMA_EXTENSION_MAX_MONTHS)
    if code is E.TP01 and new > limit:
        raise errors.TERM_EXTENSION_TOO_LONG(expiry=expiry.isoformat(), expiry_after=new.isoformat(), limit=str(limit))
    return new


def holder_change(code: EventCode, details: Mapping[str, Any] | None) -> dict[str, str]:
    """The holder line's new name and/or address (columns ``holder_name``, ``holder_address``) from the details
    ``name`` / ``address``; CP01 changes only the name, CP02 only the address. Without them (a historical line)
    the event is recorded and the holder line stays as it is: ownership never changes here."""
    got = dict(details or {})
    wanted = {E.CP01: ("name",), E.CP02: ("address",)}.get(code, ("name", "address"))
    out: dict[str, str] = {}
    for key in wanted:
        value = got.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.strip() or len(value) > HOLDER_TEXT_MAX:
            raise errors.HOLDER_DETAILS(event=code.value, field=key, limit=HOLDER_TEXT_MAX)
        out[f"holder_{key}"] = value.strip()
    return out
