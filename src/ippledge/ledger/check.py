"""The ledger check (账务核对): every entry balances, all postings sum to zero, named accounts hold what they should.

The proofs are SQL aggregates over the whole journal (``GROUP BY entry_id HAVING SUM(amount_fen) <> 0``), so the
check reads what is stored, not what the application believes it wrote. Expected balances come from *expectation
providers*: callables ``session -> {account code: expected natural balance}``. The lending service registers one
that returns each loan's outstanding principal from its own tables (``register_expectations("lending", fn)``), so
``ippledge ledger check`` proves that the loan book and the ledger agree.

With ``as_of`` (the business date; the CLI's default) no entry may be dated after it: money booked ahead of the
business date (a repayment value-dated years ahead, a close run into the future) is a problem, listed by entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ippledge.kernel.errors import IppledgeError
from ippledge.ledger.store import balances_of
from ippledge.ledger.tables import JournalEntry, JournalPosting, LedgerAccount

ExpectationProvider = Callable[[Session], Mapping[str, Decimal]]

_PROVIDERS: dict[str, ExpectationProvider] = {}


def register_expectations(name: str, provider: ExpectationProvider) -> None:
    """Add (or replace) a named provider that ``ippledge ledger check`` runs."""
    _PROVIDERS[name] = provider


def unregister_expectations(name: str) -> None:
    _PROVIDERS.pop(name, None)


def registered_expectations() -> dict[str, ExpectationProvider]:
    return dict(_PROVIDERS)


@dataclass(frozen=True)
class UnbalancedEntry:
    entry_id: int
    difference: Decimal  # sum of the entry's postings (debits minus credits)


@dataclass(frozen=True)
class AccountMismatch:
    account: str
    expected: Decimal
    actual: Decimal
    source: str  # the provider's name, or "outstanding"


@dataclass(frozen=True)
class ProviderFailure:
    source: str
    message: str


@dataclass
class LedgerCheckReport:
    entries: int = 0
    postings: int = 0
    accounts: int = 0
    total: Decimal = Decimal("0.00")  # sum of every posting; zero in a sound ledger
    unbalanced: list[UnbalancedEntry] = field(default_factory=list)
    empty_entries: list[int] = field(default_factory=list)
    mismatches: list[AccountMismatch] = field(default_factory=list)
    provider_failures: list[ProviderFailure] = field(default_factory=list)
    expectations_checked: int = 0
    as_of: dt.date | None = None  # the business date the entries were held against (None: not checked)
    future_entries: list[tuple[int, dt.date]] = field(default_factory=list)  # (entry id, date) dated after as_of

    @property
    def problem_count(self) -> int:
        return (
            len(self.unbalanced)
            + len(self.empty_entries)
            + len(self.mismatches)
            + len(self.provider_failures)
            + len(self.future_entries)
            + (self.total != 0)
        )

    @property
    def ok(self) -> bool:
        return self.problem_count == 0


def _compare(session: Session, source: str, expected: Mapping[str, Decimal], report: LedgerCheckReport) -> None:
    actual = balances_of(session, expected.keys())
    for code in sorted(expected):
        report.expectations_checked += 1
        if actual[code] != expected[code]:
            report.mismatches.append(AccountMismatch(code, expected[code], actual[code], source))


def check_ledger(
    session: Session,
    outstanding: Mapping[str, Decimal] | None = None,
    providers: Mapping[str, ExpectationProvider] | None = None,
    as_of: dt.date | None = None,
) -> LedgerCheckReport:
    """Check the whole journal; ``providers=None`` runs the registered providers (pass ``{}`` for none); with
    ``as_of`` also that no entry is dated after that business date."""
    report = LedgerCheckReport(as_of=as_of)
    report.entries = session.scalar(select(func.count()).select_from(JournalEntry)) or 0
    report.postings = session.scalar(select(func.count()).select_from(JournalPosting)) or 0
    report.accounts = session.scalar(select(func.count()).select_from(LedgerAccount)) or 0
    everything = session.scalar(select(func.coalesce(func.sum(JournalPosting.amount), 0)))
    report.total = Decimal("0.00") if everything is None else everything
    total = func.sum(JournalPosting.amount)
    unbalanced = (
        select(JournalPosting.entry_id, total)
        .group_by(JournalPosting.entry_id)
        .having(total != 0)
        .order_by(JournalPosting.entry_id)
    )
    report.unbalanced = [UnbalancedEntry(int(i), s) for i, s in session.execute(unbalanced)]
    empty = (
        select(JournalEntry.id)
        .outerjoin(JournalPosting, JournalPosting.entry_id == JournalEntry.id)
        .where(JournalPosting.id.is_(None))
        .order_by(JournalEntry.id)
    )
    report.empty_entries = list(session.scalars(empty))
    if as_of is not None:
        ahead = select(JournalEntry.id, JournalEntry.entry_date).where(JournalEntry.entry_date > as_of)
        report.future_entries = [(int(i), d) for i, d in session.execute(ahead.order_by(JournalEntry.id))]
    if outstanding:
        _compare(session, "outstanding", outstanding, report)
    chosen = registered_expectations() if providers is None else dict(providers)
    for name, provider in sorted(chosen.items()):
        try:
            expected = provider(session)
        except IppledgeError as exc:  # one failing provider is reported; the others still run
            report.provider_failures.append(ProviderFailure(name, f"{exc.code}: {exc.message_en}"))
            continue
        _compare(session, name, expected, report)
    return report
