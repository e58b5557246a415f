"""Ledger routes (账务查询接口): an account's balance and the entries about one business record.

A party reads the accounts it owns and the entries that touch them (``ledger.scope_rules``); the regulator and the
platform read everything. An account outside the caller's scope is 404, like one that does not exist.
"""

from __future__ import annotations

from fastapi import APIRouter, Query
from sqlalchemy import select

from ippledge.access import scope
from ippledge.ledger import store
from ippledge.ledger.schemas import BalanceOut, EntryOut, PostingOut
from ippledge.ledger.tables import JournalEntry, LedgerAccount
from ippledge.web.dates import BusinessDate
from ippledge.web.deps import PrincipalDep, SessionDep

router = APIRouter(prefix="/ledger", tags=["ledger"])


@router.get("/accounts/{code}/balance", response_model=BalanceOut)
def account_balance(
    code: str,
    session: SessionDep,
    principal: PrincipalDep,
    as_of: BusinessDate | None = Query(None, description="entries dated on or before this day (default: all)"),
) -> BalanceOut:
    account = scope.one_visible(
        session, select(LedgerAccount).where(LedgerAccount.code == code), LedgerAccount, principal
    )
    amount = store.balance(session, code, as_of)
    return BalanceOut(
        code=code,
        owner_party_id=account.owner_party_id,
        type=account.type,
        currency=account.currency,
        as_of=as_of,
        balance=amount,
    )


@router.get("/entries", response_model=list[EntryOut])
def entries(
    session: SessionDep,
    principal: PrincipalDep,
    ref_type: str = Query(..., min_length=1, max_length=40),
    ref_id: str = Query(..., min_length=1, max_length=64),
) -> list[EntryOut]:
    stmt = (
        scope.scoped(JournalEntry, principal)
        .where(JournalEntry.ref_type == ref_type, JournalEntry.ref_id == ref_id)
        .order_by(JournalEntry.id)
    )
    out: list[EntryOut] = []
    for entry in session.scalars(stmt):
        v = store.view(entry)
        out.append(
            EntryOut(
                id=v.id,
                entry_date=v.entry_date,
                kind=v.kind,
                ref_type=v.ref_type,
                ref_id=v.ref_id,
                memo=v.memo,
                created_by=v.created_by,
                created_at=v.created_at,
                postings=[PostingOut(account=p.account, amount=p.amount) for p in v.postings],
            )
        )
    return out
