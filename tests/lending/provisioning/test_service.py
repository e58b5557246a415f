"""Loan-loss provisioning on a database (both backends): the close books each loan's allowance, repayments and
repaid loans release it, a bank's own policy applies from its date, a write-off uses the allowance, the report and
its scope, the CLI; ``ledger check`` (with the lending expectation on every allowance account) after every step."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from ippledge.access.model import PartyKind, Principal, Role
from ippledge.cli import app as cli_app
from ippledge.kernel.errors import ConflictError
from ippledge.ledger import service as ledger
from ippledge.ledger.accounts import account_code
from ippledge.ledger.check import check_ledger
from ippledge.ledger.model import EntryDraft, Posting
from ippledge.ledger.store import balance
from ippledge.ledger.tables import JournalEntry
from ippledge.lending.close.service import close_day
from ippledge.lending.provisioning.service import add_policy_version
from ippledge.lending.tables import Loan, LoanWriteOff
from tests.lending.close.factories import active_loan, ledger_counts, parties
from tests.lending.factories import LoanDesk

D = dt.date
START = D(2025, 1, 15)
runner = CliRunner()


def _close(factory: sessionmaker[Session], day: dt.date):  # type: ignore[no-untyped-def]
    with factory.begin() as s:
        return close_day(s, "test:close", day)


def _ok(factory: sessionmaker[Session]) -> None:
    with factory() as s:
        report = check_ledger(s)
    assert report.ok, report


def _held(factory: sessionmaker[Session], bank: int, loan_id: int) -> tuple[Decimal, Decimal]:
    """The allowance account's balance and the loan row's mirror of it."""
    with factory() as s:
        loan = s.get(Loan, loan_id)
        assert loan is not None
        return balance(s, account_code(bank, "loan_allowance", loan_id)), loan.allowance


def _repay_principal(factory: sessionmaker[Session], bank: int, firm: int, loan_id: int, amount: str) -> None:
    """Principal repaid from the firm's settlement account (the ledger and the loan row, as the service does)."""
    value = Decimal(amount)
    with factory.begin() as s:
        loan = s.get(Loan, loan_id)
        assert loan is not None
        loan.outstanding_principal -= value
        if loan.outstanding_principal == 0:
            loan.status, loan.closed_on = "repaid", START
        lines = (
            Posting(account_code(firm, "settlement"), value),
            Posting(account_code(bank, "loan_principal", loan_id), -value),
        )
        n = s.scalar(select(func.count()).select_from(JournalEntry))
        ledger.post(s, "test", EntryDraft(START, "loan.repayment", lines, "loan", str(loan_id), "还款", f"rp:{n}"))


def test_a_loan_downgraded_to_substandard_holds_25_percent_after_the_next_close(
    session_factory: sessionmaker[Session],
) -> None:
    bank, firm = parties(session_factory)
    with session_factory.begin() as s:
        loan_id = active_loan(s, bank, firm, principal="1000000.00", start=START)
    first = _close(session_factory, START)
    # normal: no allowance (the general 1.5% is a reserve in equity, appropriated at year end)
    assert _held(session_factory, bank, loan_id) == (Decimal("0.00"), Decimal("0.00"))
    assert first.provision_charge_fen == 0 and first.provision_release_fen == 0
    _ok(session_factory)
    with session_factory.begin() as s:
        loan = s.get(Loan, loan_id)
        assert loan is not None
        loan.grade, loan.grade_reason = "substandard", "主要质押专利被宣告无效"
    second = _close(session_factory, START + dt.timedelta(days=1))
    assert _held(session_factory, bank, loan_id) == (Decimal("250000.00"), Decimal("250000.00"))  # 25%
    assert second.provision_charge_fen == 25_000_000
    with session_factory() as s:
        assert balance(s, f"P{bank}:loss:provision") == Decimal("250000.00")
        entry = s.scalars(select(JournalEntry).where(JournalEntry.kind == "loan.provision")).all()
        assert [e.idempotency_key for e in entry] == [f"provision:{bank}:2025-01-16"]
    _ok(session_factory)
    # the close stays idempotent per date: nothing more is booked
    with session_factory() as s:
        before = ledger_counts(s)
    again = _close(session_factory, START + dt.timedelta(days=1))
    assert again.already_closed and again.provision_charge_fen == second.provision_charge_fen
    with session_factory() as s:
        assert ledger_counts(s) == before
    assert _held(session_factory, bank, loan_id) == (Decimal("250000.00"), Decimal("250000.00"))
    _ok(session_factory)


def test_repayments_release_allowance_and_a_repaid_loan_releases_the_rest(
    session_factory: sessionmaker[Session],
) -> None:
    bank, firm = parties(session_factory)
    with session_factory.begin() as s:
        loan_id = active_loan(s, bank, firm, principal="1000000.00", start=START)
        other = active_loan(s, bank, firm, principal="200000.00", start=START)
        for i in (loan_id, other):
            s.get(Loan, i).grade = "special_mention"  # type: ignore[union-attr]  # 2%
    _close(session_factory, START)
    _repay_principal(session_factory, bank, firm, loan_id, "400000.00")
    _ok(session_factory)
    report = _close(session_factory, D(2025, 1, 16))
    assert _held(session_factory, bank, loan_id) == (Decimal("12000.00"), Decimal("12000.00"))  # 2% of 600,000
    assert report.provision_release_fen == 800_000 and report.provision_charge_fen == 0
    _ok(session_factory)
    _repay_principal(session_factory, bank, firm, loan_id, "600000.00")  # repaid: no longer active
    report = _close(session_factory, D(2025, 1, 17))
    assert report.loans == 1 and report.provision_release_fen == 1_200_000
    assert _held(session_factory, bank, loan_id) == (Decimal("0.00"), Decimal("0.00"))
    assert _held(session_factory, bank, other) == (Decimal("4000.00"), Decimal("4000.00"))
    with session_factory() as s:
        assert balance(s, f"P{bank}:loss:provision") == Decimal("4000.00")
    _ok(session_factory)
    assert _close(session_factory, D(2025, 1, 18)).provision_release_fen == 0  # released once


def test_a_banks_own_policy_applies_from_its_date(session_factory: sessionmaker[Session]) -> None:
    bank, firm = parties(session_factory)
    _, firm2 = parties(session_factory)  # a second debtor: the first one's NPL would make its loans NPL too (art. 7)
    admin = Principal(bank, PartyKind.BANK, frozenset({Role.ADMIN}), name="bank admin")
    with session_factory.begin() as s:
        loan_id = active_loan(s, bank, firm, principal="1000000.00", start=START)
        s.get(Loan, loan_id).grade = "substandard"  # type: ignore[union-attr]
        doc = {"version": "b-2025", "effective_from": "2025-01-16", "specific_bp": {"substandard": 3000}}
        row = add_policy_version(s, admin, bank, doc)
        assert row.version_no == 1 and row.effective_to is None
    _close(session_factory, START)
    assert _held(session_factory, bank, loan_id)[1] == Decimal(
        "250000.00"
    )  # the default until the bank's version starts
    _close(session_factory, D(2025, 1, 16))
    assert _held(session_factory, bank, loan_id)[1] == Decimal("300000.00")
    _ok(session_factory)
    operator = Principal(1, PartyKind.PLATFORM, frozenset({Role.OPERATOR}), name="platform operator")
    with session_factory.begin() as s:
        with pytest.raises(ConflictError) as err:
            add_policy_version(s, admin, bank, {**doc, "version": "b-again"})  # not after the one in force
        assert err.value.code == "lending.provision_version_overlap"
        later = add_policy_version(s, admin, bank, {**doc, "version": "b-2", "effective_from": "2025-02-01"})
        assert later.version_no == 2
        assert s.get(type(row), row.id).effective_to == D(2025, 1, 31)  # type: ignore[union-attr]
        # the platform's default (here a lower substandard rate) applies to banks without their own version
        body = {"version": "p-1", "effective_from": "2025-01-17", "specific_bp": {"substandard": 2000}}
        default = add_policy_version(s, operator, None, body)
        assert default.bank_id is None
        mine = active_loan(s, bank, firm2, principal="500000.00", start=D(2025, 1, 17))
        s.get(Loan, mine).grade = "substandard"  # type: ignore[union-attr]
    other_bank, other_firm = parties(session_factory)
    with session_factory.begin() as s:
        theirs = active_loan(s, other_bank, other_firm, principal="500000.00", start=D(2025, 1, 17))
        s.get(Loan, theirs).grade = "substandard"  # type: ignore[union-attr]
    _close(session_factory, D(2025, 1, 17))
    assert _held(session_factory, bank, mine)[1] == Decimal("150000.00")  # the bank's own version: 30%
    assert _held(session_factory, other_bank, theirs)[1] == Decimal("100000.00")  # the platform default: 20%
    _ok(session_factory)


def test_write_off_consumes_the_allowance_and_only_the_shortfall_is_expense(world, app, session_factory) -> None:
    d = LoanDesk(world, app)
    lid = d.active_loan(amount="600000", months=6)
    regulator = world.actor(PartyKind.REGULATOR, Role.ANALYST)
    bank_admin = world.user(d.bank.party, Role.ADMIN)
    d.post(d.operator, "/close", {"date": str(d.clock.today)}, 200)
    _ok(session_factory)

    # a bank may float substandard within 20%-30%: outside is refused with a clear error, inside is stored
    body = {"version": "v1", "effective_from": "2025-07-01", "specific_bp": {"substandard": 3100}}
    bad = d.post(bank_admin, f"/banks/{d.bank.id}/provision-policies", body, 422).json()
    assert bad["code"] == "lending.provision_policy_invalid"
    assert bad["details"]["problems"][0]["code"] == "lending.provision.rate_out_of_band"
    assert "（20%–30%）" in bad["message_zh"] and "outside 25% ± 20% (20%–30%)" in bad["message_en"]
    assert d.post(d.bank.officer, f"/banks/{d.bank.id}/provision-policies", body, 403).status_code == 403
    assert d.post(d.bank2.approver, f"/banks/{d.bank.id}/provision-policies", body, 404).status_code == 404

    d.clock.today = d.clock.today + dt.timedelta(days=1)
    reason = {"grade": "substandard", "reason": "企业停产"}
    d.post(d.bank.approver2, f"/loans/{lid}/grade", reason, 200)
    d.post(d.operator, "/close", {"date": str(d.clock.today)}, 200)
    _ok(session_factory)
    outstanding = Decimal(d.get(d.bank.officer, f"/loans/{lid}").json()["outstanding_principal"])
    allowance = (outstanding * Decimal("0.25")).quantize(Decimal("0.01"))
    mine = d.get(d.bank.officer, f"/banks/{d.bank.id}/provisions").json()
    sub = next(g for g in mine["grades"] if g["grade"] == "substandard")
    assert (sub["loans"], sub["rate"], Decimal(sub["held_allowance"])) == (1, "0.25", allowance)
    assert Decimal(sub["required_allowance"]) == allowance
    assert mine["ratios"]["npl_ratio"] == "1.0000" and mine["ratios"]["provision_coverage"] == "0.2500"
    assert mine["ratios"]["provision_coverage_breach"] is True  # 25% of the NPL < 150%
    assert mine["ratios"]["loan_provision_ratio_breach"] is False  # 25% of the loans >= 2.5%
    as_of = d.get(d.bank.officer, f"/banks/{d.bank.id}/provisions?as_of={d.clock.today}").json()
    assert as_of["grades"] == mine["grades"]
    before = d.get(d.bank.officer, f"/banks/{d.bank.id}/provisions?as_of=2025-01-01").json()
    assert before["totals"]["loans"] == 0
    # scope: another bank gets 404, the borrower is refused, the regulator sees every bank
    assert d.get(d.bank2.officer, f"/banks/{d.bank.id}/provisions", 404).status_code == 404
    assert d.get(d.firm, f"/banks/{d.bank.id}/provisions", None).status_code in (403, 404)
    assert [b["bank_id"] for b in d.get(d.bank2.officer, "/provisions").json()["banks"]] == [d.bank2.id]
    seen = d.get(regulator, "/provisions").json()
    assert {d.bank.id, d.bank2.id} <= {b["bank_id"] for b in seen["banks"]}
    assert Decimal(seen["total"]["totals"]["held_allowance"]) == allowance
    assert d.get(regulator, f"/banks/{d.bank.id}/provisions").json()["bank_id"] == d.bank.id

    wo = d.post(d.bank.approver2, f"/loans/{lid}/write-off", {"reason": "处置无果"}, 201).json()
    done = d.post(d.bank.approver, f"/loan-write-offs/{wo['id']}/decision", {"approve": True}, 200).json()
    assert Decimal(done["allowance_used"]) == allowance and done["allowance_released"] == "0.00"
    with session_factory() as s:
        receivables = Decimal(done["principal"]) + Decimal(done["interest"]) + Decimal(done["penalty"])
        assert balance(s, account_code(d.bank.id, "loan_allowance", lid)) == Decimal("0.00")
        assert balance(s, f"P{d.bank.id}:loss:writeoff") == receivables - allowance  # only the shortfall
        # the general 1.5% booked at the first close became part of the 25% when the loan turned substandard
        assert balance(s, f"P{d.bank.id}:loss:provision") == allowance
        row = s.scalars(select(LoanWriteOff).where(LoanWriteOff.loan_id == lid)).one()
        assert row.allowance_used == allowance
    _ok(session_factory)
    d.post_key(d.bank.officer, f"/loans/{lid}/recoveries", {"amount": "50000"}, 201)
    with session_factory() as s:
        assert balance(s, f"P{d.bank.id}:income:recovery") == Decimal("50000.00")  # recoveries stay income
    _ok(session_factory)
    d.clock.today = d.clock.today + dt.timedelta(days=1)
    d.post(d.operator, "/close", {"date": str(d.clock.today)}, 200)  # nothing left to provide for
    _ok(session_factory)
    assert d.get(d.bank.officer, f"/banks/{d.bank.id}/provisions").json()["totals"]["loans"] == 0


def test_cli_prints_the_report_and_its_json(database_url: str, session_factory: sessionmaker[Session]) -> None:
    bank, firm = parties(session_factory)
    with session_factory.begin() as s:
        loan_id = active_loan(s, bank, firm, principal="1000000.00", start=START)
        s.get(Loan, loan_id).grade = "doubtful"  # type: ignore[union-attr]
    _close(session_factory, START)
    url = database_url
    r = runner.invoke(cli_app, ["loan", "provisions", "--bank", str(bank), "--json", "--database-url", url])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    [mine] = out["banks"]
    doubtful = next(g for g in mine["grades"] if g["grade"] == "doubtful")
    assert doubtful["held_allowance"] == "500000.00" and doubtful["rate"] == "0.5"
    assert mine["ratios"]["provision_coverage"] == "0.5000" and mine["ratios"]["provision_coverage_breach"]
    r = runner.invoke(cli_app, ["loan", "provisions", "--as-of", "2025-01-15", "--database-url", url])
    assert r.exit_code == 0, r.output
    assert "拨备覆盖率" in r.output and "breach" in r.output and "可疑" in r.output
    bad = runner.invoke(cli_app, ["loan", "provisions", "--as-of", "15/01/2025", "--database-url", url])
    assert bad.exit_code == 2 and "lending.date" in bad.output


def test_the_general_reserve_is_appropriated_into_equity_at_year_end(session_factory: sessionmaker[Session]) -> None:
    bank, firm = parties(session_factory)
    with session_factory.begin() as s:
        loan_id = active_loan(s, bank, firm, principal="1000000.00", start=D(2024, 12, 15))
    before = _close(session_factory, D(2024, 12, 30))
    assert before.general_reserve_fen == 0
    year_end = _close(session_factory, D(2024, 12, 31))
    assert year_end.general_reserve_fen == 1_500_000  # 1.5% of the 1,000,000 outstanding
    with session_factory() as s:
        assert balance(s, f"P{bank}:equity:general_reserve") == Decimal("15000.00")
        assert balance(s, f"P{bank}:equity:retained") == Decimal("-15000.00")  # appropriated out of profit
        assert balance(s, f"P{bank}:loss:provision") == Decimal("0.00")  # not a loan-loss allowance
        [entry] = s.scalars(select(JournalEntry).where(JournalEntry.kind == "bank.general_reserve")).all()
        assert entry.entry_date == D(2024, 12, 31) and entry.idempotency_key == f"general_reserve:{bank}:2024"
    assert _held(session_factory, bank, loan_id) == (Decimal("0.00"), Decimal("0.00"))
    assert _close(session_factory, D(2025, 1, 1)).general_reserve_fen == 0
    _ok(session_factory)
