"""Who reads which ledger rows (账务数据隔离).

An account is its owner's: a bank sees its loans, cash and income; a firm sees its settlement account. An entry is
visible to every party that owns one of its accounts (an entry is one business fact shared by the parties to it, so
a firm sees how its repayment was split between principal and interest). Regulators and the platform read all.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ippledge.access import scope
from ippledge.access.model import PartyKind, Principal
from ippledge.ledger.tables import JournalEntry, JournalPosting, LedgerAccount

LEDGER_READERS = frozenset({PartyKind.REGULATOR, PartyKind.PLATFORM})


def _entries_of_party(principal: Principal) -> Any:
    owned = (
        select(JournalPosting.entry_id)
        .join(LedgerAccount, LedgerAccount.id == JournalPosting.account_id)
        .where(LedgerAccount.owner_party_id == principal.party_id)
    )
    return JournalEntry.id.in_(owned)


def register_rules() -> None:
    """Called by the composition root (``ippledge.bootstrap``), never on import."""
    scope.register(
        LedgerAccount,
        scope.ScopeRule(party_columns=("owner_party_id",), readers=LEDGER_READERS, what_zh="账户", what_en="account"),
    )
    scope.register(
        JournalEntry,
        scope.ScopeRule(
            party_columns=(),
            readers=LEDGER_READERS,
            what_zh="记账分录",
            what_en="journal entry",
            custom=_entries_of_party,
        ),
    )
