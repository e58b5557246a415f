"""Disposal accounts and journal templates (处置科目与分录). Pure: every draft balances.

The custody holder ``H`` (the disposal agent, or the bank when it appointed none) keeps, per lot ``L``:

==================  =================================  ==================================
entry kind          debit (借)                          credit (贷)
==================  =================================  ==================================
disposal.deposit    PH:disposal:L:custody              PH:disposal:L:deposits (保证金入托管)
disposal.refund     PH:disposal:L:deposits             PH:disposal:L:custody (退还保证金)
disposal.apply      PH:disposal:L:deposits             PH:disposal:L:proceeds (保证金抵作价款)
disposal.forfeit    PH:disposal:L:deposits             PH:disposal:L:proceeds (悔拍保证金不予退还)
disposal.payment    PH:disposal:L:custody              PH:disposal:L:proceeds (买受人付余款)
disposal.costs      PH:disposal:L:proceeds             PH:disposal:L:custody (处置费用)
disposal.debt       PH:disposal:L:proceeds             PH:disposal:L:custody (清偿担保债权, paid to the bank)
disposal.surplus    PH:disposal:L:proceeds             PH:disposal:L:custody (余款退出质人)
==================  =================================  ==================================

以物抵债 (the bank takes the IP at the reserve) is the bank buying it: ``disposal.satisfaction`` debits the bank's
``PB:disposal:L:foreclosed`` (抵债资产, asset) and credits its cash, and the same price enters custody as a payment;
the waterfall then pays the debt back to the bank, so the bank's net cash is what it paid over the debt (补交差价).

So custody always equals deposits held plus proceeds not yet paid out, and all three are zero once a lot is
settled. The bank's side of the debt payment is lending's recovery entry (Dr cash / Cr recovery income).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ippledge.ledger.accounts import AccountKind, AccountType, account_code, register_kind
from ippledge.ledger.model import EntryDraft, Posting

CUSTODY = AccountKind("disposal_custody", "disposal:{subject}:custody", AccountType.ASSET, "处置托管资金", "custody")
DEPOSITS = AccountKind(
    "disposal_deposits", "disposal:{subject}:deposits", AccountType.LIABILITY, "竞买保证金", "bidders' deposits"
)
PROCEEDS = AccountKind(
    "disposal_proceeds", "disposal:{subject}:proceeds", AccountType.LIABILITY, "待分配处置款", "proceeds to distribute"
)
FORECLOSED = AccountKind(
    "disposal_foreclosed", "disposal:{subject}:foreclosed", AccountType.ASSET, "抵债资产", "asset taken in satisfaction"
)
CHART = (CUSTODY, DEPOSITS, PROCEEDS)

_MOVES: dict[str, tuple[AccountKind, AccountKind, str]] = {
    "disposal.deposit": (CUSTODY, DEPOSITS, "竞买保证金 deposit paid into custody"),
    "disposal.refund": (DEPOSITS, CUSTODY, "退还保证金 deposit refunded"),
    "disposal.apply": (DEPOSITS, PROCEEDS, "保证金抵作价款 deposit applied to the price"),
    "disposal.forfeit": (DEPOSITS, PROCEEDS, "悔拍保证金不予退还 deposit forfeited"),
    "disposal.payment": (CUSTODY, PROCEEDS, "买受人付款 buyer pays the balance"),
    "disposal.costs": (PROCEEDS, CUSTODY, "处置费用 disposal costs"),
    "disposal.debt": (PROCEEDS, CUSTODY, "清偿担保债权 secured debt paid to the bank"),
    "disposal.surplus": (PROCEEDS, CUSTODY, "余款退还出质人 surplus to the pledgor"),
}


def register_rules() -> None:
    """Add the disposal accounts to the chart (called by ``bootstrap.wire``)."""
    for kind in (*CHART, FORECLOSED):
        register_kind(kind)


def account(holder: int, kind: AccountKind, lot_id: int) -> str:
    return account_code(holder, kind, str(lot_id))


def move(
    kind: str, holder: int, lot_id: int, amount: Decimal, day: dt.date, ref: tuple[str, int], key: str
) -> EntryDraft:
    """One disposal entry of ``kind`` (see the table above) for ``amount`` > 0."""
    debit, credit, memo = _MOVES[kind]
    lines = (Posting(account(holder, debit, lot_id), amount), Posting(account(holder, credit, lot_id), -amount))
    return EntryDraft(day, kind, lines, ref_type=ref[0], ref_id=str(ref[1]), memo=memo, idempotency_key=key)


def satisfaction(bank: int, lot_id: int, amount: Decimal, day: dt.date, key: str) -> EntryDraft:
    """以物抵债: the bank's foreclosed asset at the reserve, paid from its cash (into the lot's custody)."""
    lines = (Posting(account(bank, FORECLOSED, lot_id), amount), Posting(account_code(bank, "cash"), -amount))
    memo = "以物抵债 asset taken in satisfaction at the reserve"
    return EntryDraft(
        day, "disposal.satisfaction", lines, ref_type="disposal_lot", ref_id=str(lot_id), memo=memo, idempotency_key=key
    )
