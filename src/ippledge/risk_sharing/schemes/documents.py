"""Schemes as versioned JSON documents (方案数据): ``to_dict`` / ``from_dict``. Pure.

Money and ratios are decimal strings (JSON numbers would pass through binary floats); basis points and day counts
are integers. ``from_dict`` reads the whole document and raises one ``ValidationError`` (``errors.SCHEME_INVALID``,
``risk.scheme.invalid``) whose ``details["problems"]`` lists *every* problem with its path and a bilingual message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any, TypeVar

from ippledge.risk_sharing.errors import SCHEME_INVALID
from ippledge.risk_sharing.model import (
    PARTIES,
    Eligibility,
    Jurisdiction,
    Level,
    LossBasis,
    Party,
    Problem,
    RateCap,
    RateCapKind,
    Scheme,
    Tier,
    Trigger,
    TriggerKind,
    problems,
)

FORMAT = "ippledge.scheme/1"
T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)


def _s(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def to_dict(scheme: Scheme) -> dict[str, Any]:
    """The JSON form of ``scheme`` (round-trips through :func:`from_dict`)."""
    e = scheme.eligibility
    return {
        "format": FORMAT,
        "code": scheme.code,
        "version": scheme.version,
        "effective_from": scheme.effective_from.isoformat(),
        "name_zh": scheme.name_zh,
        "name_en": scheme.name_en,
        "jurisdiction": {
            "name_zh": scheme.jurisdiction.name_zh,
            "name_en": scheme.jurisdiction.name_en,
            "level": scheme.jurisdiction.level.value,
            "area_code": scheme.jurisdiction.area_code,
        },
        "eligibility": {
            "max_firm_revenue": _s(e.max_firm_revenue),
            "min_registration_years": e.min_registration_years,
            "require_clean_credit": e.require_clean_credit,
            "require_whitelist": e.require_whitelist,
            "ip_types": None if e.ip_types is None else sorted(e.ip_types),
            "min_ip_share_bp": e.min_ip_share_bp,
            "max_loan": _s(e.max_loan),
            "max_term_months": e.max_term_months,
            "rate_cap": None if e.rate_cap is None else {"kind": e.rate_cap.kind.value, "value": str(e.rate_cap.value)},
            "max_borrower_bank_debt": _s(e.max_borrower_bank_debt),
        },
        "tiers": [
            {"max_balance": _s(t.max_balance), "shares": {p.value: t.shares[p] for p in PARTIES if p in t.shares}}
            for t in scheme.tiers
        ],
        "trigger": {"kind": scheme.trigger.kind.value, "value": scheme.trigger.value},
        "loss_basis": scheme.loss_basis.value,
        "interest_bearer": scheme.interest_bearer.value,
        "claim_window_days": scheme.claim_window_days,
        "advance_ratio_bp": scheme.advance_ratio_bp,
        "recovery_clawback": scheme.recovery_clawback,
        "compensate_ip_share_only": scheme.compensate_ip_share_only,
        "annual_budget_cap": _s(scheme.annual_budget_cap),
        "per_institution_cap": _s(scheme.per_institution_cap),
        "per_loan_caps": {p.value: str(scheme.per_loan_caps[p]) for p in PARTIES if p in scheme.per_loan_caps},
        "liability_limited_to_fund": scheme.liability_limited_to_fund,
        "max_leverage": _s(scheme.max_leverage),
        "overflow_party": scheme.overflow_party.value,
        "sources": list(scheme.sources),
        "assumptions": list(scheme.assumptions),
        "notes": scheme.notes,
    }


class _Reader:
    """Reads fields, recording a problem (and returning a harmless placeholder) instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def bad(self, path: str, zh: str, en: str, code: str = "field") -> None:
        self.problems.append(Problem(f"risk.scheme.{code}", path, f"{path}：{zh}", f"{path}: {en}"))

    def field(self, doc: Mapping[str, Any], key: str, path: str, conv: Callable[[Any], T], default: T) -> T:
        full = f"{path}.{key}" if path else key
        if key not in doc:
            self.bad(full, "缺少字段", "missing field", "missing")
            return default
        try:
            return conv(doc[key])
        except (TypeError, ValueError, InvalidOperation, KeyError) as exc:
            self.bad(full, f"值无效（{exc}）", f"invalid value ({exc})")
            return default

    def opt(self, doc: Mapping[str, Any], key: str, path: str, conv: Callable[[Any], T]) -> T | None:
        if doc.get(key) is None:
            return None
        return self.field(doc, key, path, conv, None)

    def obj(self, doc: Mapping[str, Any], key: str, path: str = "") -> Mapping[str, Any]:
        value = doc.get(key)
        if not isinstance(value, Mapping):
            self.bad(f"{path}.{key}" if path else key, "应为对象", "must be an object", "missing")
            return {}
        return value


def _text(v: Any) -> str:
    if not isinstance(v, str):
        raise TypeError("expected a string")
    return v


def _int(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise TypeError("expected an integer")
    return v


def _bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise TypeError("expected true or false")
    return v


def _dec(v: Any) -> Decimal:
    if isinstance(v, bool) or not isinstance(v, str | int):
        raise TypeError("expected a decimal string")
    d = Decimal(v)
    if not d.is_finite():
        raise ValueError("not finite")
    return d


def _enum(kind: type[E]) -> Callable[[Any], E]:
    def conv(v: Any) -> E:
        return kind(_text(v))

    return conv


def _party_map(conv: Callable[[Any], T]) -> Callable[[Any], dict[Party, T]]:
    def read(v: Any) -> dict[Party, T]:
        if not isinstance(v, Mapping):
            raise TypeError("expected an object keyed by party")
        return {Party(k): conv(x) for k, x in v.items()}

    return read


def _strings(v: Any) -> tuple[str, ...]:
    if not isinstance(v, list):
        raise TypeError("expected a list of strings")
    return tuple(_text(x) for x in v)


def _eligibility(r: _Reader, doc: Mapping[str, Any]) -> Eligibility:
    p = "eligibility"
    cap_doc = doc.get("rate_cap")
    rate_cap = None
    if cap_doc is not None:
        cap_doc = r.obj(doc, "rate_cap", p)
        rate_cap = RateCap(
            r.field(cap_doc, "kind", f"{p}.rate_cap", _enum(RateCapKind), RateCapKind.LPR_MULTIPLE),
            r.field(cap_doc, "value", f"{p}.rate_cap", _dec, Decimal(0)),
        )
    ip_types = r.opt(doc, "ip_types", p, _strings)
    return Eligibility(
        max_firm_revenue=r.opt(doc, "max_firm_revenue", p, _dec),
        min_registration_years=r.opt(doc, "min_registration_years", p, _int),
        require_clean_credit=bool(r.opt(doc, "require_clean_credit", p, _bool)),
        require_whitelist=bool(r.opt(doc, "require_whitelist", p, _bool)),
        ip_types=None if ip_types is None else frozenset(ip_types),
        min_ip_share_bp=r.opt(doc, "min_ip_share_bp", p, _int),
        max_loan=r.opt(doc, "max_loan", p, _dec),
        max_term_months=r.opt(doc, "max_term_months", p, _int),
        rate_cap=rate_cap,
        max_borrower_bank_debt=r.opt(doc, "max_borrower_bank_debt", p, _dec),
    )


def from_dict(doc: Mapping[str, Any]) -> Scheme:
    """Build a scheme from its JSON form; raise ``ValidationError`` listing every problem."""
    r = _Reader()
    if doc.get("format", FORMAT) != FORMAT:
        r.bad("format", f"应为 {FORMAT}", f"expected {FORMAT}", "format")
    j = r.obj(doc, "jurisdiction")
    tiers_doc = doc.get("tiers")
    tiers: list[Tier] = []
    if not isinstance(tiers_doc, list):
        r.bad("tiers", "应为列表", "must be a list", "missing")
    else:
        for i, t in enumerate(tiers_doc):
            t = t if isinstance(t, Mapping) else {}
            path = f"tiers[{i}]"
            tiers.append(Tier(r.opt(t, "max_balance", path, _dec), r.field(t, "shares", path, _party_map(_int), {})))
    trig = r.obj(doc, "trigger")
    scheme = Scheme(
        code=r.field(doc, "code", "", _text, ""),
        version=r.field(doc, "version", "", _text, ""),
        effective_from=r.field(doc, "effective_from", "", lambda v: dt.date.fromisoformat(_text(v)), dt.date.min),
        name_zh=r.field(doc, "name_zh", "", _text, ""),
        name_en=r.field(doc, "name_en", "", _text, ""),
        jurisdiction=Jurisdiction(
            r.field(j, "name_zh", "jurisdiction", _text, ""),
            r.field(j, "name_en", "jurisdiction", _text, ""),
            r.field(j, "level", "jurisdiction", _enum(Level), Level.CITY),
            r.opt(j, "area_code", "jurisdiction", _text),
        ),
        tiers=tuple(tiers),
        trigger=Trigger(
            r.field(trig, "kind", "trigger", _enum(TriggerKind), TriggerKind.WRITE_OFF),
            r.field(trig, "value", "trigger", _int, 0),
        ),
        eligibility=_eligibility(r, doc["eligibility"])
        if isinstance(doc.get("eligibility"), Mapping)
        else Eligibility(),
        loss_basis=r.field(doc, "loss_basis", "", _enum(LossBasis), LossBasis.PRINCIPAL),
        interest_bearer=r.field(doc, "interest_bearer", "", _enum(Party), Party.BANK),
        claim_window_days=r.opt(doc, "claim_window_days", "", _int),
        advance_ratio_bp=r.opt(doc, "advance_ratio_bp", "", _int),
        recovery_clawback=bool(r.field(doc, "recovery_clawback", "", _bool, True)),
        compensate_ip_share_only=bool(r.opt(doc, "compensate_ip_share_only", "", _bool)),
        annual_budget_cap=r.opt(doc, "annual_budget_cap", "", _dec),
        per_institution_cap=r.opt(doc, "per_institution_cap", "", _dec),
        per_loan_caps=r.opt(doc, "per_loan_caps", "", _party_map(_dec)) or {},
        liability_limited_to_fund=bool(r.opt(doc, "liability_limited_to_fund", "", _bool)),
        max_leverage=r.opt(doc, "max_leverage", "", _dec),
        overflow_party=r.opt(doc, "overflow_party", "", _enum(Party)) or Party.BANK,
        sources=r.opt(doc, "sources", "", _strings) or (),
        assumptions=r.opt(doc, "assumptions", "", _strings) or (),
        notes=r.opt(doc, "notes", "", _text) or "",
    )
    found = r.problems + problems(scheme)
    if found:
        raise SCHEME_INVALID(count=len(found), problems=[p.to_dict() for p in found])
    return scheme
