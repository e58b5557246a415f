"""Demand use cases (融资需求): entering a demand, loading a survey file with per-line errors, and matching a demand
to the bank products in effect.

A demand is entered by the firm itself or, for surveys and events, by the platform operator. A survey file (CSV in
UTF-8 or Excel ``.xlsx``, header ``uscc, amount, term_months, use, ip_numbers, needed_by``) loads every good line and
reports each bad one with its line number, field and reason; one bad line never stops the file. Flushes only.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any, Final

from sqlalchemy.orm import Session

from ippledge.access import audit, scope
from ippledge.access import queries as access_queries
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.credit import lpr
from ippledge.credit import queries as credit_queries
from ippledge.demand import errors, model
from ippledge.demand.model import DemandFacts, Match, Offer, OfferedIp, Problem, Source, Use
from ippledge.demand.tables import Demand, DemandImport
from ippledge.kernel.errors import IppledgeError
from ippledge.kernel.identifiers import uscc as uscc_id
from ippledge.outreach import errors as outreach_errors
from ippledge.outreach import queries as outreach_queries
from ippledge.registry import queries as registry_queries
from ippledge.valuation import queries as valuation_queries

MAX_FILE_BYTES: Final = 5 * 1024 * 1024
Advance = Callable[[int], None] | None


def _is_operator(principal: Principal) -> bool:
    return principal.party_kind is PartyKind.PLATFORM and bool(principal.roles & {Role.OPERATOR, Role.ADMIN})


def _check_ip(session: Session, enterprise_id: int, asset_ids: Sequence[int]) -> None:
    owned = registry_queries.assets_owned_by(session, enterprise_id, asset_ids)
    missing = sorted(set(asset_ids) - owned)
    if missing:
        raise errors.IP_NOT_OWNED(asset_ids=missing)


def _problem(p: Problem) -> IppledgeError:
    return errors.INVALID(message_zh=p.message_zh, message_en=p.message_en, field=p.field)


def submit_demand(
    session: Session,
    principal: Principal,
    *,
    amount: Decimal,
    term_months: int,
    use: str,
    ip_asset_ids: Sequence[int] = (),
    needed_by: dt.date | None = None,
    enterprise_id: int | None = None,
    source: Source = Source.API,
    note: str = "",
    event_id: int | None = None,
) -> Demand:
    """A demand from the firm itself, or entered by the operator for a firm (``enterprise_id``); with ``event_id``
    it was collected at that event (source ``event``), so the funnel and the demand list can be cut by event."""
    if principal.party_kind is PartyKind.ENTERPRISE:
        if enterprise_id not in (None, principal.party_id):
            raise errors.WHO_SUBMITS()
        enterprise_id = principal.party_id
    elif not _is_operator(principal) or enterprise_id is None:
        raise errors.WHO_SUBMITS()
    party = access_queries.party(session, enterprise_id)
    if party is None or party.kind is not PartyKind.ENTERPRISE:
        raise errors.NOT_AN_ENTERPRISE(party_id=enterprise_id)
    if event_id is not None:
        if not outreach_queries.exists(session, event_id):
            raise outreach_errors.EVENT_NOT_FOUND(id=event_id)
        source = Source.EVENT
    amount_v, term_v, use_v = model.parse_amount(str(amount)), model.parse_term(str(term_months)), model.parse_use(use)
    for parsed in (amount_v, term_v, use_v):
        if isinstance(parsed, Problem):
            raise _problem(parsed)
    assert isinstance(amount_v, Decimal) and isinstance(term_v, int) and isinstance(use_v, Use)
    _check_ip(session, enterprise_id, ip_asset_ids)
    row = Demand(
        enterprise_id=enterprise_id,
        amount=amount_v,
        term_months=term_v,
        use=use_v.value,
        ip_offered=" ".join(str(a) for a in sorted(set(ip_asset_ids))),
        needed_by=needed_by,
        source=source.value,
        event_id=event_id,
        note=note,
        created_by=principal.actor,
    )
    session.add(row)
    session.flush()
    audit.record(session, principal, "demand.submitted", "demand", row.id, {"enterprise_id": enterprise_id})
    return row


# -- survey import -----------------------------------------------------------------------------------------------


def _rows_csv(content: bytes) -> Iterator[list[str]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise errors.FILE_FORMAT(columns=", ".join(model.SURVEY_COLUMNS)) from None
    yield from csv.reader(io.StringIO(text))


def _rows_xlsx(content: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a broken file
        raise errors.FILE_FORMAT(columns=", ".join(model.SURVEY_COLUMNS)) from None
    try:
        ws = wb.worksheets[0]
        for values in ws.iter_rows(values_only=True):
            cells: list[str] = []
            for v in values:
                if v is None:
                    cells.append("")
                elif isinstance(v, dt.datetime):
                    cells.append(v.date().isoformat())
                elif isinstance(v, float) and v.is_integer():
                    cells.append(str(int(v)))
                else:
                    cells.append(str(v))
            yield cells
    finally:
        wb.close()


def _line(
    session: Session, cells: dict[str, str], firms: dict[str, tuple[int, str]]
) -> tuple[dict[str, Any] | None, Problem | None]:
    raw = cells.get("uscc", "")
    try:
        code = uscc_id.validate(raw)
    except IppledgeError as exc:
        return None, Problem("uscc", exc.code, exc.message_zh, exc.message_en)
    firm = firms.get(code)
    if firm is None:
        return None, Problem("uscc", "demand.unknown_firm", "该企业未在平台登记", "the firm is not on the platform")
    amount = model.parse_amount(cells.get("amount", ""))
    term = model.parse_term(cells.get("term_months", ""))
    use = model.parse_use(cells.get("use", ""))
    needed = model.parse_date(cells.get("needed_by", ""))
    for parsed in (amount, term, use, needed):
        if isinstance(parsed, Problem):
            return None, parsed
    asset_ids: list[int] = []
    for number in cells.get("ip_numbers", "").replace(";", " ").replace("；", " ").split():
        try:
            aid = registry_queries.find_asset_id(session, number)
        except IppledgeError as exc:
            return None, Problem("ip_numbers", exc.code, exc.message_zh, exc.message_en)
        if aid is None:
            return None, Problem(
                "ip_numbers", "demand.ip_unknown", f"{number}不在登记簿", f"{number} is not registered"
            )
        asset_ids.append(aid)
    missing = set(asset_ids) - registry_queries.assets_owned_by(session, firm[0], asset_ids)
    if missing:
        return None, Problem("ip_numbers", "demand.ip_not_owned", "知识产权不属于该企业", "the IP is not the firm's")
    return {
        "enterprise_id": firm[0],
        "amount": amount,
        "term_months": term,
        "use": use,
        "ip_offered": " ".join(str(a) for a in sorted(set(asset_ids))),
        "needed_by": needed,
    }, None


def import_survey(
    session: Session, principal: Principal, filename: str, content: bytes, advance: Advance = None
) -> DemandImport:
    """Load a survey (需求调查) file: every good line becomes a demand; each bad line is listed with its reason."""
    if not _is_operator(principal):
        raise errors.WHO_SUBMITS()
    if len(content) > MAX_FILE_BYTES:
        raise errors.FILE_SIZE(max_mb=MAX_FILE_BYTES // (1024 * 1024))
    fmt = "xlsx" if content[:2] == b"PK" else "csv"
    rows = list(_rows_xlsx(content) if fmt == "xlsx" else _rows_csv(content))
    header = [h.strip().lower() for h in rows[0]] if rows else []
    if not set(model.SURVEY_COLUMNS) - {"ip_numbers", "needed_by"} <= set(header):
        raise errors.FILE_FORMAT(columns=", ".join(model.SURVEY_COLUMNS))
    batch = DemandImport(
        filename=filename[:200], fmt=fmt, submitted_by=principal.actor, sha256=hashlib.sha256(content).hexdigest()
    )
    session.add(batch)
    session.flush()
    body = [(n, r) for n, r in enumerate(rows[1:], start=2) if any(c.strip() for c in r)]
    codes = []
    for _, r in body:
        cells = dict(zip(header, r, strict=False))
        if uscc_id.is_valid(cells.get("uscc", "")):
            codes.append(uscc_id.compact(cells["uscc"]))
    firms = access_queries.enterprises_by_uscc(session, codes)
    problems: list[dict[str, Any]] = []
    loaded = 0
    for n, r in body:
        cells = {k: (v or "").strip() for k, v in zip(header, r, strict=False)}
        values, problem = _line(session, cells, firms)
        if problem is not None:
            problems.append({"line": n, **problem.__dict__})
        elif values is not None:
            session.add(
                Demand(**values, source=Source.SURVEY.value, import_id=batch.id, line_no=n, created_by=principal.actor)
            )
            loaded += 1
        if advance is not None:
            advance(1)
    batch.total = len(body)
    batch.loaded = loaded
    batch.rejected = len(problems)
    batch.errors = json.dumps(problems, ensure_ascii=False)
    session.flush()
    audit.record(
        session,
        principal,
        "demand.survey_imported",
        "demand_import",
        batch.id,
        {"loaded": loaded, "bad": len(problems)},
    )
    return batch


# -- matching ----------------------------------------------------------------------------------------------------


def visible_demand(session: Session, principal: Principal, demand_id: int) -> Demand:
    return scope.get_visible(session, Demand, demand_id, principal)


def offers(session: Session, amount: Decimal, on: dt.date) -> list[Offer]:
    """The product versions in effect on ``on`` as matching reads them, with the day's price caps."""
    found = credit_queries.product_offers(session, on)
    banks = access_queries.parties(session, {o.bank_id for o in found})
    lpr_bp = lpr.lpr_on(session, on).rate_bp
    return [
        Offer(
            bank_id=o.bank_id,
            bank_region=banks[o.bank_id].region_code,
            product_id=o.product_id,
            code=o.code,
            name=o.name,
            min_amount=o.rules.min_amount,
            max_amount=o.rules.max_amount,
            max_term_months=o.rules.max_term_months,
            ltv_bp=dict(o.rules.ltv_bp),
            ip_required=o.rules.ip_required(amount),
            rate_cap_bp=o.rules.rate_cap.cap_bp(lpr_bp),
        )
        for o in found
        if banks[o.bank_id].active
    ]


def matches(session: Session, principal: Principal, demand_id: int, on: dt.date) -> tuple[Demand, list[Match]]:
    """The demand matched to every product in effect on ``on``, ranked and explained (对接推荐)."""
    d = visible_demand(session, principal, demand_id)
    ids = [int(a) for a in d.ip_offered.split()]
    summaries = registry_queries.asset_summaries(session, ids)
    ip = []
    for aid in ids:
        mv = valuation_queries.model_values(session, aid, on)
        ip.append(OfferedIp(aid, summaries[aid].subtype.value, mv.p50 if mv is not None else None))
    firm = access_queries.party(session, d.enterprise_id)
    facts = DemandFacts(d.amount, d.term_months, firm.region_code if firm else None, ip)
    return d, model.match(facts, offers(session, d.amount, on))
