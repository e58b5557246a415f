"""A simulated year of IP pledge lending (模拟一年): many firms apply to several banks through the one-stop desk;
valuers report, banks decide (maker-checker), pledges are registered, loans disbursed and repaid monthly; some
borrowers pay late and slide through the five tiers, one defaults and is written off, and money comes back later.

Each firm's story is a generator that acts on the current business date and yields the next date it wants to act;
the scheduler runs the stories day by day and closes every day through ``POST /close``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import heapq
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from typing import Any

import numpy as np
from fastapi import FastAPI
from rich.progress import Progress
from sqlalchemy.orm import Session

from ippledge.access import queries as parties
from ippledge.demo import registry_desk, servicing, watch_review
from ippledge.demo.appraisal import Appraiser
from ippledge.demo.desk import Desk
from ippledge.kernel.calendar import WorkingCalendar

Story = Iterator[dt.date]
VALUE_PER_PATENT = 3_000_000  # without stored truth: median appraised value of a pledged invention, CNY (assumption)
INVENTION_LTV = Decimal("0.25")  # DOMAIN.md §4 default


@dataclass
class Firm:
    party_id: int
    user: str
    assets: list[int]
    profile: str  # good | late | default
    banks: list[int]


@dataclass
class LoanTrack:
    firm: Firm
    bank_id: int
    application_id: int
    decision_id: int | None = None
    loan_id: int | None = None
    amount: Decimal = Decimal(0)
    term: int = 12
    disbursed_on: dt.date | None = None
    repaid_on: dt.date | None = None
    written_off_on: dt.date | None = None
    recovered: Decimal = Decimal(0)
    late_payments: int = 0
    declined_by: list[int] = field(default_factory=list)  # banks that declined on credit grounds (授信拒绝)
    chose_other: list[int] = field(default_factory=list)  # banks the firm passed over for another (客户选择他行)
    annuities_paid: list[str] = field(default_factory=list)  # 代缴年费: the annuities the bank paid (asset:year)
    extended_on: dt.date | None = None  # 展期
    extension_filings: list[int] = field(default_factory=list)  # the pledge change filings it lodged
    withdrawn_from: list[int] = field(default_factory=list)  # banks left when the firm withdrew (客户撤回)
    valuer_id: int | None = None  # the external valuer the bank instructed; None for its own valuation
    restructured_on: dt.date | None = None  # 贷款重组 (demo.servicing), with the officer's watch-list entry
    restructure_grade: str | None = None
    watch_entry_id: int | None = None
    watch_cured_on: dt.date | None = None


@dataclass
class Cast:
    """Who is who: usernames of the demo users by party."""

    users: dict[int, str]  # party id -> username prefix (``bank3``, ``ent0001``, ``registry.patent``)
    banks: list[int]
    valuers: list[int]
    patent_registry: int

    def officer(self, bank: int) -> str:
        return f"{self.users[bank]}.officer"

    def approver(self, bank: int) -> str:
        return f"{self.users[bank]}.approver"

    def valuer(self, party: int) -> str:
        return f"{self.users[party]}.valuer"


def cast_of(session: Session) -> Cast:
    users: dict[int, str] = {}
    for party_id, username in parties.usernames_with_suffix(session, "admin"):
        users[party_id] = username.rsplit(".", 1)[0]
    kinds = parties.party_kinds(session)
    banks = sorted(p for p, k in kinds.items() if k == "bank")
    valuers = sorted(p for p, k in kinds.items() if k == "valuer")
    registry = next(p for p, u in users.items() if u == "registry.patent")
    return Cast(users, banks, valuers, registry)


class Scheduler:
    def __init__(self) -> None:
        self._heap: list[tuple[dt.date, int, Story]] = []
        self._seq = itertools.count()

    def add(self, day: dt.date, story: Story) -> None:
        heapq.heappush(self._heap, (day, next(self._seq), story))

    def run_day(self, day: dt.date) -> None:
        while self._heap and self._heap[0][0] <= day:
            _, _, story = heapq.heappop(self._heap)
            with contextlib.suppress(StopIteration):  # the story has ended
                self.add(max(next(story), day), story)


def _to_10k(x: Decimal) -> Decimal:
    return (x / 10_000).to_integral_value(rounding=ROUND_DOWN) * 10_000


@dataclass
class Year:
    desk: Desk
    cast: Cast
    calendar: WorkingCalendar
    rng: np.random.Generator
    products: dict[int, int] = field(default_factory=dict)  # bank -> product version id
    tracks: list[LoanTrack] = field(default_factory=list)
    on_loan: Callable[[LoanTrack], Story] | None = None
    on_event: Callable[[str, LoanTrack], None] | None = None  # "disbursed" | "written_off" | "recovered"
    appraiser: Appraiser | None = None  # plays the valuers from the hidden truth (demo.appraisal)
    extensions: int = 0  # loans extended so far (the demo extends one)
    restructurings: int = 0  # loans restructured so far (the demo restructures one late payer's)

    def appraise(self, assets: list[int], valuer: int | None) -> list[Decimal]:
        """The report's value per IP: from the hidden truth when the demo stored it (``demo.appraisal``), else a
        lognormal around ``VALUE_PER_PATENT``."""
        if self.appraiser is not None:
            return self.appraiser.appraise(assets, valuer, self.rng)
        return [Decimal(int(self.rng.lognormal(np.log(VALUE_PER_PATENT), 0.6) // 10_000 * 10_000)) for _ in assets]

    def notify(self, event: str, track: LoanTrack) -> None:
        if self.on_event is not None:
            self.on_event(event, track)

    def later(self, working_days: int) -> dt.date:
        return self.calendar.add_working_days(self.desk.today, working_days)

    def setup_products(self, start: dt.date) -> None:
        # The centre's promise for a bank's review covers the valuation in between: 15 working days (assumption).
        body = {
            "task_kind": "bank_review",
            "working_days": 15,
            "effective_from": (start - dt.timedelta(days=30)).isoformat(),
        }
        self.desk.post("platform.operator", "/task-time-limits", body)
        for i, bank in enumerate(self.cast.banks):
            approver = self.cast.approver(bank)
            kind = "credit_plus_ip" if i % 3 == 2 else "pure_ip_pledge"
            product = self.desk.post(
                approver, "/credit-products", {"code": f"IPL{i + 1}", "name": "知识产权质押贷", "kind": kind}
            )
            body = {
                "effective_from": (start - dt.timedelta(days=30)).isoformat(),
                "min_amount": "100000",  # micro firms with little IP borrow from 100k (the appraisal scale)
                "max_amount": "30000000",
                "max_term_months": 36,
                "rate_cap_lpr_multiple": "1.4",
                "penalty_uplift_bp": 5000,
            }
            if kind == "credit_plus_ip":
                body["ip_required_above"] = "1000000"
            version = self.desk.post(approver, f"/credit-products/{product['id']}/versions", body)
            self.products[bank] = int(version["id"])

    def originate(self, firm: Firm, until: str | None = None) -> Story:
        """Apply to two banks; the first bank values, decides, registers the pledge and lends; the other declines.

        ``until`` stops the story part-way, leaving the next step to whoever owns it (``demo.today``): ``applied``,
        ``valuing`` (an external valuer's task not yet accepted), ``valued``, ``decided`` (awaiting approval) or
        ``filed`` (the pledge filing awaiting the registry)."""
        d, rng, cast = self.desk, self.rng, self.cast
        wish = _to_10k(Decimal(float(rng.lognormal(np.log(2_500_000), 0.5))))
        term = int(rng.choice([6, 12, 12, 24, 36]))
        app = d.post(
            firm.user,
            "/applications",
            {
                "amount": str(wish),
                "term_months": term,
                "purpose": "研发投入与流动资金",
                "ip_asset_ids": firm.assets,
                "banks": firm.banks,
                "consent_party_ids": firm.banks,
            },
        )
        bank = firm.banks[0]
        track = LoanTrack(firm, bank, int(app["id"]), term=term)
        self.tracks.append(track)
        if until == "applied":
            return
        yield self.later(int(rng.integers(1, 3)))
        # valuation: internal under the threshold for half the banks, an external valuer otherwise
        external = bank % 2 == 0 or wish >= 10_000_000 or until == "valuing"
        valuer = int(cast.valuers[int(rng.integers(len(cast.valuers)))]) if external else None
        track.valuer_id = valuer
        if valuer is not None:  # the firm lets the valuer the bank picked see its file
            d.post(firm.user, f"/applications/{track.application_id}/consents", {"party_id": valuer})
        task = d.post(cast.officer(bank), f"/applications/{track.application_id}/valuation", {"valuer_id": valuer})
        worker = cast.valuer(valuer) if valuer is not None else cast.officer(bank)
        if until == "valuing":
            return
        yield self.later(int(rng.choice([0, 0, 1, 1, 2])))
        d.post(worker, f"/tasks/{task['id']}/accept")
        # external valuers take a few days (limit 7); the bank's own valuation is quicker (limit 3), now and then late
        yield self.later(int(rng.integers(2, 6)) if external else int(rng.choice([1, 1, 2, 2, 3])))
        values = self.appraise(firm.assets, valuer)
        supported = _to_10k(sum(values, Decimal(0)) * INVENTION_LTV)
        d.post(
            worker,
            f"/tasks/{task['id']}/valuation-report",
            {
                "items": [{"ip_asset_id": a, "value": str(v)} for a, v in zip(firm.assets, values, strict=True)],
                "method": "income" if external else "market",
                "assumptions": {"royalty_rate": "0.04", "discount_rate": "0.14", "remaining_life_years": 8},
                "valuation_date": d.today.isoformat(),
            },
        )
        if until == "valued":
            return
        yield self.later(int(rng.integers(1, 4)))
        amount = max(Decimal(100_000), min(wish, supported))
        track.amount = amount
        decision = d.post(
            cast.officer(bank),
            "/credit-decisions",
            {
                "application_id": track.application_id,
                "product_version_id": self.products[bank],
                "amount": str(amount),
                "term_months": term,
                "repayment_method": "equal_installment" if term >= 12 else "interest_first",
                "spread_bp": int(rng.choice([20, 35, 50, 80])),
            },
        )
        track.decision_id = int(decision["id"])
        if until == "decided":
            return
        if decision["failures"]:
            # the bank that assessed declines with the failed rules; the firm then withdraws from the others,
            # which never assessed it: only the first is a credit decline
            reason = "授信未通过 credit declined: " + ", ".join(decision["failures"])
            d.post(cast.officer(bank), f"/applications/{track.application_id}/decline", {"reason": reason})
            track.declined_by.append(bank)
            d.post(firm.user, f"/applications/{track.application_id}/withdraw", {"reason": "首选银行婉拒"})
            track.withdrawn_from.extend(firm.banks[1:])
            return
        yield self.later(1)
        d.post(cast.approver(bank), f"/credit-decisions/{track.decision_id}/approve")
        for other in firm.banks[1:]:
            d.post(cast.officer(other), f"/applications/{track.application_id}/decline", {"reason": "客户已选择他行"})
            track.chose_other.append(other)
        if decision["ip_required"]:
            yield self.later(1)
            tasks = d.get(cast.officer(bank), "/tasks")
            pledge_task = next(
                t for t in tasks if t["application_id"] == track.application_id and t["kind"] == "pledge_registration"
            )
            body = {"registry_id": cast.patent_registry}
            filing = d.post(cast.officer(bank), f"/tasks/{pledge_task['id']}/pledge-filing", body)
            fid = filing["filing_id"]
            d.post(firm.user, f"/pledge-filings/{fid}/confirm")
            d.post(cast.officer(bank), f"/pledge-filings/{fid}/confirm")
            d.post(cast.officer(bank), f"/pledge-filings/{fid}/submit")
            if until == "filed":
                return
            yield self.later(int(rng.choice([0, 1, 1, 2])))
            d.post("registry.patent.officer", f"/pledge-filings/{fid}/register")
        yield self.later(1)
        if self.on_loan is not None:
            yield from self.on_loan(track)


def pick_firms(
    session: Session,
    cast: Cast,
    rng: np.random.Generator,
    count: int,
    start: dt.date,
    end: dt.date,
    annuity_clear_days: int = 200,  # the year's firms register within ~5 months
) -> list[Firm]:
    """Firms with 2-5 clean invention patents of their own (no annuity due soon), each with a profile."""
    from ippledge.demo.scenario import Picker  # the same notion of a clean patent as the filing batch

    picker = Picker(session, rng, start, end)
    clean = picker.clean(annuity_clear_until=start + dt.timedelta(days=annuity_clear_days))
    firms: list[Firm] = []
    for _ in range(count * 3):
        if len(firms) == count:
            break
        assets = picker.portfolio(clean, int(rng.integers(2, 6)))
        if not assets:
            continue
        owner = picker.owner[assets[0]]
        if owner not in cast.users:
            continue
        profile = str(rng.choice(["good", "late", "default"], p=[0.72, 0.18, 0.10]))
        banks = [int(b) for b in rng.choice(cast.banks, size=2, replace=False)]
        firms.append(Firm(owner, f"{cast.users[owner]}.admin", assets, profile, banks))
    # A year without a write-off shows a fund nothing: one of the first firms (which borrow early enough for a default
    # to run its course within the year) defaults whatever the draw.
    if len(firms) > 1 and not any(f.profile == "default" for f in firms[:3]):
        firms[1].profile = "default"
    return firms


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def lend(year: Year, track: LoanTrack) -> Story:
    """Contract, disbursement, then the borrower's year: on-time, late, or a default that ends in write-off."""
    d, cast, rng = year.desk, year.cast, year.rng
    officer, approver = cast.officer(track.bank_id), cast.approver(track.bank_id)
    loan = d.post(officer, "/loans", {"decision_id": track.decision_id})
    track.loan_id = lid = int(loan["id"])
    d.post(officer, f"/loans/{lid}/disbursement", {"value_date": d.today.isoformat()}, money=True)
    track.disbursed_on = d.today
    year.notify("disbursed", track)
    schedule = d.get(officer, f"/loans/{lid}")["schedule"]
    stop_after = int(rng.integers(1, 5)) if track.firm.profile == "default" else len(schedule)
    paid = 0
    while paid < min(stop_after, len(schedule)):
        inst = schedule[paid]
        paid += 1
        late = track.firm.profile == "late" and rng.random() < 0.5
        delay = int(rng.integers(3, 45)) if late else 0
        yield _d(inst["due_date"]) + dt.timedelta(days=delay)
        track.late_payments += int(delay > 0)
        pay_annuities_in_grace(year, track)  # 代缴年费 before the repayment: the borrower owes the advance first
        inspect(year, track)  # 贷后检查 the pass has opened for the loan
        due = amount_due(d.get(officer, f"/loans/{lid}"), d.today)
        if due > 0:  # (a late payment may already have covered this instalment too)
            body = {"borrower_id": track.firm.party_id, "amount": str(due), "value_date": d.today.isoformat()}
            d.post(officer, "/deposits", body, money=True)
            repay = {"amount": str(due), "value_date": d.today.isoformat()}
            d.post(officer, f"/loans/{lid}/repayments", repay, money=True)
        if delay:  # 贷款重组 of the first late payer, with a watch-list entry its officer cures later
            servicing.restructure_late_payer(year, track, len(schedule) - paid)
        else:
            servicing.cure_on_time(year, track, delay)
        if (
            track.firm.profile == "good"
            and year.extensions == 0
            and len(schedule) >= 12
            and paid == len(schedule) - 3
            and d.get(officer, f"/loans/{lid}")["pledge_ids"]  # a pledge loan: the extension files its change
        ):
            extend(year, track)
            schedule = d.get(officer, f"/loans/{lid}")["schedule"]
            stop_after = len(schedule)
    if track.firm.profile != "default":
        track.repaid_on = d.today if d.get(officer, f"/loans/{lid}")["status"] == "repaid" else None
        servicing.close_when_repaid(year, track)
        return
    first_missed = _d(schedule[stop_after]["due_date"])
    yield first_missed + dt.timedelta(days=95)  # past 90 days: the floor is 次级 (substandard)
    d.post(officer, f"/loans/{lid}/default", {"reason": "借款人停止经营，连续逾期超过90天"})
    yield first_missed + dt.timedelta(days=125)
    d.post(officer, f"/loans/{lid}/grade", {"grade": "loss", "reason": "企业已停业，质押专利处置预计回收有限"})
    write_off = d.post(officer, f"/loans/{lid}/write-off", {"reason": "符合核销条件：损失类，已采取追偿措施"})
    yield year.later(2)
    d.post(approver, f"/loan-write-offs/{write_off['id']}/decision", {"approve": True, "reason": "同意核销"})
    track.written_off_on = d.today
    year.notify("written_off", track)
    yield d.today + dt.timedelta(days=30)
    # the pledged patents are sold by the IP operations institution; the proceeds come back to the bank
    recovered = _to_10k(track.amount * Decimal("0.3"))
    d.post(
        officer, f"/loans/{lid}/recoveries", {"amount": str(recovered), "value_date": d.today.isoformat()}, money=True
    )
    track.recovered = recovered
    year.notify("recovered", track)


def pay_annuities_in_grace(year: Year, track: LoanTrack) -> None:
    """代缴年费: the bank pays, on the pledgor's behalf, every annuity of the loan's pledged patents that monitoring
    announced in its grace period (officer proposes, approver decides); the borrower owes it on the loan."""
    d, cast = year.desk, year.cast
    officer, approver = cast.officer(track.bank_id), cast.approver(track.bank_id)
    for alert in d.get(officer, "/monitoring/alerts", {"loan_id": track.loan_id}):
        if alert["finding"] != "annuity_grace" or alert["subject"] in track.annuities_paid:
            continue
        payload = alert["payload"]
        body = {"loan_id": track.loan_id, "asset_id": payload["asset_id"], "year_no": payload["details"]["year_no"]}
        status, action = d.try_post(officer, "/monitoring/actions/annuity-payments", body)
        if status != 201:  # paid meanwhile, or the grace is over: nothing to pay
            continue
        reason = "出质人未缴年费，质权人代缴以保全质物"
        d.post(approver, f"/monitoring/actions/{action['id']}/decision", {"approve": True, "reason": reason})
        track.annuities_paid.append(alert["subject"])


def inspect(year: Year, track: LoanTrack) -> None:
    """贷后检查: the officer carries out the loan's open inspections and records the findings."""
    d = year.desk
    officer = year.cast.officer(track.bank_id)
    for action in d.get(officer, "/monitoring/actions", {"loan_id": track.loan_id, "state": "proposed"}):
        if action["kind"] != "inspection":
            continue
        n = action["details"]["number"]
        body = {
            "findings": "借款人生产经营正常，质押专利仍在使用，未发现影响还款的重大事项",
            "evidence": [f"贷后检查记录-{track.loan_id}-{n}.pdf"],
        }
        d.post(officer, f"/monitoring/actions/{action['id']}/findings", body)


def extend(year: Year, track: LoanTrack) -> None:
    """展期 by three months before maturity (the borrower's orders pay late): the officer proposes, the approver
    approves; the pledgor confirms and files the pledge change extending the registered debt term, which the
    registry registers that day (``decide_filings``)."""
    d, cast = year.desk, year.cast
    body = {"months": 3, "reason": "借款人主要客户回款周期延长，申请展期三个月"}
    proposed = d.post(cast.officer(track.bank_id), f"/loans/{track.loan_id}/extension", body)
    decision = {"approve": True, "reason": "同意展期"}  # maker-checker: another person of the bank approves
    url = f"/loans/{track.loan_id}/extensions/{proposed['id']}/decision"
    ext = d.post(cast.approver(track.bank_id), url, decision)
    for fid in ext["pledge_change_filings"]:
        d.post(track.firm.user, f"/pledge-filings/{fid}/confirm")
        d.post(track.firm.user, f"/pledge-filings/{fid}/submit")
    track.extended_on = d.today
    track.extension_filings = list(ext["pledge_change_filings"])
    year.extensions += 1


def amount_due(loan: dict[str, Any], today: dt.date) -> Decimal:
    """Everything due today: unpaid principal and interest of instalments due, plus the penalty interest accrued
    and any advance the bank made (代垫费用, e.g. an annuity paid on the borrower's behalf)."""
    due = Decimal(str(loan["balances"]["penalty"])) + Decimal(str(loan["balances"].get("advance", 0)))
    for row in loan["schedule"]:
        if _d(row["due_date"]) <= today:
            due += Decimal(row["principal"]) - Decimal(row["paid_principal"])
            due += Decimal(row["interest"]) - Decimal(row["paid_interest"])
    return due


def run_year(
    app: FastAPI,
    session: Session,
    start: dt.date,
    days: int,
    seed: int,
    calendar: WorkingCalendar,
    firms_wanted: int = 40,
    progress: Progress | None = None,
    on_event: Callable[[Desk, str, LoanTrack], None] | None = None,
    appraiser: Appraiser | None = None,
    played: list[Year] | None = None,
) -> list[LoanTrack]:
    """Play ``days`` business days from ``start``: every story acts on its dates, and every day is closed.
    ``played`` receives the year (its cast, products and random stream) for work after the reports (``demo.today``)."""
    rng = np.random.default_rng(seed + 11)
    cast = cast_of(session)
    firms = pick_firms(session, cast, rng, firms_wanted, start, start + dt.timedelta(days=days))
    desk = Desk(app, start)
    year = Year(desk, cast, calendar, rng, appraiser=appraiser)
    year.on_loan = lambda track: lend(year, track)
    if on_event is not None:
        year.on_event = lambda event, track: on_event(desk, event, track)
    try:
        year.setup_products(start)
        scheduler = Scheduler()
        for i, firm in enumerate(firms):
            scheduler.add(start + dt.timedelta(days=2 * i), year.originate(firm))
        task = progress.add_task("模拟一年 a year of lending", total=days) if progress else None
        for n in range(days):
            day = start + dt.timedelta(days=n)
            desk.today = day
            scheduler.run_day(day)
            watch_review.review(year, day, pay_annuities_in_grace)  # Mondays: entries due within the week
            registry_desk.decide_filings(desk)  # releases (repayments) and changes (extensions), decided that day
            desk.post("platform.operator", "/close", {"date": day.isoformat()})
            if progress is not None and task is not None:
                progress.advance(task)
        if played is not None:
            played.append(year)
    finally:
        desk.close()
    return year.tracks
