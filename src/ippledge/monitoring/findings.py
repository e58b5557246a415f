"""The pass's findings (监测发现): what one day's monitoring pass notices about the book, as drafts to raise.

``book`` reads the loans secured by pledges in force on the date and the facts of their pledged IP once; each
finder then turns one source into drafts for every loan the subject touches: the legal-status events since the
watermark, the annuity watch (due within 60 days, or in grace with the surcharge of the date), the term check, the
revaluation's LTV breaches (with the LTV against the appraisal of record beside the model's) and borrower signals.
Raising them (once per loan, finding and subject) is ``monitoring.alerts``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ippledge.kernel.calendar import add_months
from ippledge.kernel.money import to_fen
from ippledge.lending import queries as lending_queries
from ippledge.monitoring import model, ports
from ippledge.monitoring.alerts import Draft
from ippledge.monitoring.model import Finding
from ippledge.pledge import queries as pledge_queries
from ippledge.registry import queries as registry_queries
from ippledge.registry.model import ANNUITY_GRACE_MONTHS, grace_end, surcharge_rate
from ippledge.valuation import queries as valuation_queries
from ippledge.valuation import revaluation


@dataclass(frozen=True)
class Book:
    """The active loans under pledges in force on ``day`` and their pledged IP, read once for every finder."""

    day: dt.date
    by_pledge: dict[int, list[int]]  # pledge -> open loans it secures
    loans_of_asset: dict[int, list[tuple[int, int]]]  # asset -> [(pledge, loan)]
    loan_ids: list[int]
    loans: dict[int, lending_queries.LoanSummary]
    pledged: list[int]  # assets securing at least one open loan
    facts: dict[int, registry_queries.PledgedAssetFacts]


def book(session: Session, day: dt.date) -> Book:
    holdings = pledge_queries.pledges_in_force_on(session, day)
    by_pledge = lending_queries.open_loans_by_pledge(session, [h.pledge_id for h in holdings])
    loans_of_asset: dict[int, list[tuple[int, int]]] = {}
    for h in holdings:
        for aid in h.ip_asset_ids:
            loans_of_asset.setdefault(aid, []).extend((h.pledge_id, lid) for lid in by_pledge.get(h.pledge_id, []))
    loan_ids = sorted({lid for lids in by_pledge.values() for lid in lids})
    loans = lending_queries.loan_summaries(session, loan_ids)
    pledged = sorted(aid for aid, pl in loans_of_asset.items() if pl)
    facts = registry_queries.pledged_asset_facts(session, pledged)
    return Book(day, by_pledge, loans_of_asset, loan_ids, loans, pledged, facts)


def _num(b: Book, aid: int) -> str:
    f = b.facts.get(aid)
    return f.number if f is not None else str(aid)


def legal_events(session: Session, b: Book, mark: int, since: dt.date | None) -> tuple[list[Draft], int]:
    """Drafts for the legal-status events recorded after ``mark`` (on or after ``since`` when given); the new mark."""
    drafts: list[Draft] = []
    for ev in registry_queries.status_events_after(session, mark, b.day, since):
        mark = max(mark, ev.id)
        if model.quiet_event(ev.code):
            continue
        finding = model.finding_for_event(ev.code)
        for pledge_id, lid in b.loans_of_asset.get(ev.asset_id, []):
            name = model.EVENT_ZH.get(ev.code, ev.code)
            num = _num(b, ev.asset_id)
            what = model.Text(f"质物{num}发生{ev.code}（{name}）", f"{ev.code} on {num}")
            details = {"code": ev.code, "effective_date": ev.effective_date.isoformat(), "pledge_id": pledge_id}
            details["feed_batch_id"] = ev.batch_id
            drafts.append(Draft(lid, finding, f"event:{ev.id}", what, details, ev.asset_id, ev.code))
    return drafts, mark


def annuities(session: Session, b: Book) -> list[Draft]:
    """The annuity watch: unpaid annuities due within the watch window or in their grace, with today's surcharge."""
    day = b.day
    since = add_months(day, -ANNUITY_GRACE_MONTHS)
    until = day + dt.timedelta(days=model.ANNUITY_WATCH_DAYS)
    drafts: list[Draft] = []
    for a in registry_queries.open_annuities(session, b.pledged, since, until):
        stage = model.annuity_stage(a.due_date, day)
        if stage is None:
            continue
        rate = surcharge_rate(a.due_date, day)
        owed = model.amount_due(a.amount, a.due_date, day)
        num = _num(b, a.asset_id)
        if stage is Finding.ANNUITY_DUE:
            what = model.Text(
                f"质物{num}第{a.year_no}年度年费将于{a.due_date}到期", f"{num}: year {a.year_no} fee due {a.due_date}"
            )
        else:
            end = grace_end(a.due_date)
            what = model.Text(
                f"质物{num}第{a.year_no}年度年费已逾期，宽限期至{end}，现缴滞纳金{rate:.0%}",
                f"{num}: year {a.year_no} fee unpaid, grace ends {end}, surcharge now {rate:.0%}",
            )
        details = {
            "year_no": a.year_no,
            "due_date": a.due_date.isoformat(),
            "grace_ends": grace_end(a.due_date).isoformat(),
            "fee_fen": to_fen(a.amount),
            "surcharge_rate": str(rate),
            "amount_due_fen": to_fen(owed),
        }
        for pledge_id, lid in b.loans_of_asset[a.asset_id]:
            subject = f"annuity:{a.asset_id}:{a.year_no}"
            drafts.append(Draft(lid, stage, subject, what, {**details, "pledge_id": pledge_id}, a.asset_id))
    return drafts


def term_short(b: Book) -> list[Draft]:
    """Pledged IP whose protection ends before the loan it secures matures."""
    drafts: list[Draft] = []
    for aid in b.pledged:
        f = b.facts.get(aid)
        if f is None:
            continue
        for pledge_id, lid in b.loans_of_asset[aid]:
            loan = b.loans[lid]
            if model.term_short(f.expiry_date, loan.maturity_date):
                what = model.Text(
                    f"质物{f.number}保护期{f.expiry_date}届满，早于贷款到期日{loan.maturity_date}",
                    f"{f.number} expires {f.expiry_date}, before the loan matures {loan.maturity_date}",
                )
                details = {"expiry_date": str(f.expiry_date), "maturity_date": str(loan.maturity_date)}
                subject = f"term:{aid}:{loan.maturity_date}"  # a maturity moved (展期) is a new finding
                drafts.append(Draft(lid, Finding.TERM_SHORT, subject, what, {**details, "pledge_id": pledge_id}, aid))
    return drafts


def borrower_signals(session: Session, b: Book) -> list[Draft]:
    """Signals about the borrowers (``monitoring.ports``), each to the loans its consent covers."""
    borrowers = sorted({b.loans[lid].borrower_id for lid in b.loan_ids})
    by_borrower: dict[int, list[int]] = {}
    for lid in b.loan_ids:
        by_borrower.setdefault(b.loans[lid].borrower_id, []).append(lid)
    drafts: list[Draft] = []
    for s in ports.borrower_signals(session, borrowers, b.day):
        what = model.Text(f"借款人预警信号：{s.kind}（{s.detail}）", f"borrower signal: {s.kind} ({s.detail})")
        for lid in by_borrower.get(s.borrower_id, []):
            if s.bank_id is not None and b.loans[lid].bank_id != s.bank_id:
                continue  # read under one bank's consent: another lender does not hear it
            drafts.append(Draft(lid, Finding.BORROWER_SIGNAL, f"signal:{s.kind}:{s.ref}", what, {"kind": s.kind}))
    return drafts


def ltv_breaches(session: Session, b: Book) -> list[Draft]:
    """Revalue pledged IP (valuation's own pass) and turn its breaches into findings, with the LTV against the
    appraisal of record (the valid report the loan was granted on) beside the model's. The breached pledges' assets
    are read in one query, not one per breach (decision 0033)."""
    day, loans = b.day, b.loans
    summary = revaluation.revalue_pledged(session, day)
    out: list[Draft] = []
    assets_of = pledge_queries.pledge_asset_ids_of(session, summary.breaches)
    for pid in summary.breaches:
        assets = assets_of.get(pid, [])
        for lid in b.by_pledge.get(pid, []):
            loan = loans[lid]
            appraised = 0
            if loan.application_id is not None:
                for aid in assets:
                    item = valuation_queries.latest_valid(session, loan.application_id, aid, day)
                    appraised += 0 if item is None else to_fen(item.value)
            owed = to_fen(loan.outstanding_principal)
            record_bp = round(owed * 10_000 / appraised) if appraised else None
            model_bp = summary.ltv_bp.get(pid)
            what = model.Text(
                f"重估后质押率{_pct(model_bp)}（按评估值{_pct(record_bp)}）超过触发线",
                f"after revaluation the LTV is {_pct(model_bp)} (against the appraisal {_pct(record_bp)})",
            )
            details = {
                "pledge_id": pid,
                "model_ltv_bp": model_bp,
                "appraisal_ltv_bp": record_bp,
                "appraised_fen": appraised,
            }
            out.append(Draft(lid, Finding.LTV_BREACH, f"ltv:{pid}:{day.isoformat()}", what, details))
    return out


def _pct(bp: int | None) -> str:
    return "-" if bp is None else f"{bp / 100:.2f}%"
