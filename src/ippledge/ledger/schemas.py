"""Ledger response bodies (账务接口数据). Amounts are decimal strings in yuan, never floats."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel

from ippledge.web.money import Yuan


class BalanceOut(BaseModel):
    code: str
    owner_party_id: int
    type: str
    currency: str
    as_of: dt.date | None
    balance: Yuan  # natural balance (positive on the account type's normal side)


class PostingOut(BaseModel):
    account: str
    amount: Yuan  # debit positive, credit negative


class EntryOut(BaseModel):
    id: int
    entry_date: dt.date
    kind: str
    ref_type: str | None
    ref_id: str | None
    memo: str
    created_by: str
    created_at: dt.datetime
    postings: list[PostingOut]
