"""Provisioning reads (贷款损失准备查询): the policies in force on a date, and the provisions report.

The report (``report``) groups the loans on the books on ``as_of`` by five-tier grade: loans, outstanding
principal, the rate, the allowance the policy requires and the allowance held, with the NPL ratio, the provision
coverage ratio (拨备覆盖率) and the loan provision ratio (贷款拨备率) against the policy's thresholds. Without
``as_of`` it reads the loan rows as they stand; with it, outstanding and allowance come from the ledger as of that
date and the grade from the classification history. A bank sees its own; the regulator and the platform see all.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from ippledge.access import scope
from ippledge.access.model import PartyKind, Principal
from ippledge.access.queries import names_of, party_ids
from ippledge.credit import queries as credit
from ippledge.kernel.errors import not_found
from ippledge.ledger.accounts import account_code
from ippledge.ledger.queries import balances_of
from ippledge.lending.errors import DATE
from ippledge.lending.model.classification import grade_of
from ippledge.lending.provisioning import model as pm
from ippledge.lending.provisioning.schemas import BankProvisionsOut, PolicyRefOut, ProvisionsOut, summary_out
from ippledge.lending.provisioning.tables import ProvisionPolicyVersion
from ippledge.lending.tables import BusinessDay, Loan, LoanGradeChange


@dataclass(frozen=True)
class PolicyBook:
    """The policies in force on one date: the platform default and each bank's own."""

    default: pm.ProvisionPolicy
    banks: dict[int, pm.ProvisionPolicy]

    def for_bank(self, bank_id: int) -> pm.ProvisionPolicy:
        return self.banks.get(bank_id, self.default)


def _policy(row: ProvisionPolicyVersion) -> pm.ProvisionPolicy:
    return pm.from_dict(json.loads(row.body))


def policies_on(session: Session, day: dt.date) -> PolicyBook:
    """The versions in force on ``day`` (one query over a small table)."""
    v = ProvisionPolicyVersion
    stmt = (
        select(v)
        .where(v.effective_from <= day, or_(v.effective_to.is_(None), v.effective_to >= day))
        .order_by(v.effective_from, v.id)
    )
    default, banks = pm.DEFAULT_POLICY, {}
    for row in session.scalars(stmt):  # later versions overwrite earlier ones
        if row.bank_id is None:
            default = _policy(row)
        else:
            banks[row.bank_id] = _policy(row)
    return PolicyBook(default, banks)


# ---- the report ------------------------------------------------------------------------------------------------


def _visible_banks(session: Session, principal: Principal, bank_id: int | None) -> list[int]:
    """The banks whose book the caller may read: all for the loan readers (regulator, platform), else its own."""
    if principal.party_kind in scope.rule_for(Loan).readers:
        banks = party_ids(session, PartyKind.BANK)
        if bank_id is None:
            return banks
        if bank_id not in banks:
            raise not_found("银行", "bank", id=bank_id)
        return [bank_id]
    if principal.party_kind == PartyKind.BANK and bank_id in (None, principal.party_id):
        return [principal.party_id]
    if principal.party_kind != PartyKind.BANK:
        principal.require_kind(PartyKind.BANK, PartyKind.REGULATOR, PartyKind.PLATFORM)
    raise not_found("银行", "bank", id=bank_id)


def _loans_of(principal: Principal, banks: list[int]) -> Any:
    """The loans of ``banks`` that the loan scope rule (``access.scope``) lets the caller read."""
    return and_(Loan.bank_id.in_(banks), scope.condition(Loan, principal))


def _forced(values: dict[int, Decimal], decision_id: int | None) -> Decimal | None:
    """The forced-sale value the loan's credit decision recorded (LGD input), if any."""
    return None if decision_id is None else values.get(decision_id)


def _holdings_now(session: Session, principal: Principal, banks: list[int]) -> dict[int, list[pm.Holding]]:
    stmt = select(Loan.bank_id, Loan.grade, Loan.outstanding_principal, Loan.allowance, Loan.decision_id).where(
        Loan.status == "active", _loans_of(principal, banks)
    )
    rows = session.execute(stmt).all()
    forced = credit.forced_sale_values(session, [int(r[4]) for r in rows if r[4] is not None])
    out: dict[int, list[pm.Holding]] = defaultdict(list)
    for bank, grade, outstanding, held, decision in rows:
        out[int(bank)].append(pm.Holding(grade_of(grade), outstanding, held, _forced(forced, decision)))
    return out


def _holdings_as_of(
    session: Session, principal: Principal, banks: list[int], as_of: dt.date
) -> dict[int, list[pm.Holding]]:
    """Loans on the books on ``as_of``: disbursed by then and not closed (repaid, written off) by then."""
    stmt = select(Loan.id, Loan.bank_id, Loan.grade, Loan.decision_id).where(
        _loans_of(principal, banks),
        Loan.disbursed_on <= as_of,
        or_(Loan.closed_on.is_(None), Loan.closed_on > as_of),
    )
    found = session.execute(stmt).all()
    loans = [(int(i), int(b), str(g)) for i, b, g, _d in found]
    if not loans:
        return {}
    decision_of = {int(i): d for i, _b, _g, d in found}
    forced = credit.forced_sale_values(session, [d for d in decision_of.values() if d is not None])
    # the grade on as_of: the last change on or before it; before the first change, that change's from_grade
    history: dict[int, list[tuple[dt.date, str, str]]] = defaultdict(list)
    ch = LoanGradeChange
    rows = session.execute(
        select(ch.loan_id, ch.on, ch.from_grade, ch.to_grade)
        .where(ch.loan_id.in_([i for i, _b, _g in loans]))
        .order_by(ch.loan_id, ch.on, ch.id)
    )
    for loan_id, on, before, after in rows:
        history[int(loan_id)].append((on, before, after))
    codes = [account_code(b, k, i) for i, b, _g in loans for k in ("loan_principal", "loan_allowance")]
    bal = balances_of(session, codes, as_of)
    out: dict[int, list[pm.Holding]] = defaultdict(list)
    for loan_id, bank, current in loans:
        moves = history.get(loan_id, [])
        done = [after for on, _before, after in moves if on <= as_of]
        grade = done[-1] if done else (moves[0][1] if moves else current)
        outstanding = bal[account_code(bank, "loan_principal", loan_id)]
        held = bal[account_code(bank, "loan_allowance", loan_id)]
        out[bank].append(pm.Holding(grade_of(grade), outstanding, held, _forced(forced, decision_of[loan_id])))
    return out


def provisions(
    session: Session,
    principal: Principal,
    today: dt.date,
    bank_id: int | None = None,
    as_of: dt.date | None = None,
) -> ProvisionsOut:
    """Per bank and for all the banks the caller may see (see the module docstring); the policies are those in
    force on ``as_of``, else on the last closed business date, else on ``today``."""
    if as_of is not None and (not isinstance(as_of, dt.date) or isinstance(as_of, dt.datetime)):
        raise DATE(text=repr(as_of))
    banks = _visible_banks(session, principal, bank_id)
    if as_of is None:
        holdings = _holdings_now(session, principal, banks)
    else:
        holdings = _holdings_as_of(session, principal, banks, as_of)
    names = names_of(session, banks)
    on = as_of
    if on is None:
        bd = session.get(BusinessDay, 1)
        on = bd.last_closed if bd is not None and bd.last_closed is not None else today
    book = policies_on(session, on)
    per_bank = []
    summaries = []
    for bank in banks:
        policy = book.for_bank(bank)
        s = pm.summarise(holdings.get(bank, []), policy)
        summaries.append(s)
        per_bank.append(
            BankProvisionsOut(
                bank_id=bank,
                bank=names.get(bank, ""),
                policy=PolicyRefOut(version=policy.version, effective_from=policy.effective_from),
                **dict(summary_out(s)),
            )
        )
    total = pm.combine(summaries, book.default)
    return ProvisionsOut(as_of=as_of, policy_date=on, banks=per_bank, total=summary_out(total))


def report(
    session: Session,
    principal: Principal,
    today: dt.date,
    bank_id: int | None = None,
    as_of: dt.date | None = None,
) -> dict[str, Any]:
    """:func:`provisions` as JSON-ready data (money as yuan strings), as the CLI prints it."""
    return provisions(session, principal, today, bank_id, as_of).model_dump(mode="json")
