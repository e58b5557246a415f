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
from ippledge.kernel.errors import not_found
from ippledge.kernel.money import from_fen
from ippledge.ledger.accounts import account_code
from ippledge.ledger.queries import balances_of
from ippledge.lending.errors import DATE
from ippledge.lending.model.classification import grade_of
from ippledge.lending.provisioning import model as pm
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


def _holdings_now(session: Session, principal: Principal, banks: list[int]) -> dict[int, list[pm.Holding]]:
    stmt = select(Loan.bank_id, Loan.grade, Loan.outstanding_principal_fen, Loan.allowance_fen).where(
        Loan.status == "active", _loans_of(principal, banks)
    )
    out: dict[int, list[pm.Holding]] = defaultdict(list)
    for bank, grade, outstanding, held in session.execute(stmt):
        out[int(bank)].append(pm.Holding(grade_of(grade), int(outstanding), int(held)))
    return out


def _holdings_as_of(
    session: Session, principal: Principal, banks: list[int], as_of: dt.date
) -> dict[int, list[pm.Holding]]:
    """Loans on the books on ``as_of``: disbursed by then and not closed (repaid, written off) by then."""
    stmt = select(Loan.id, Loan.bank_id, Loan.grade).where(
        _loans_of(principal, banks),
        Loan.disbursed_on <= as_of,
        or_(Loan.closed_on.is_(None), Loan.closed_on > as_of),
    )
    loans = [(int(i), int(b), str(g)) for i, b, g in session.execute(stmt)]
    if not loans:
        return {}
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
        outstanding = int(bal[account_code(bank, "loan_principal", loan_id)] * 100)
        held = int(bal[account_code(bank, "loan_allowance", loan_id)] * 100)
        out[bank].append(pm.Holding(grade_of(grade), outstanding, held))
    return out


def _pct(bp: int | None) -> str | None:
    return None if bp is None else f"{bp / 100:g}%"


def _ratio(value: Any) -> str | None:
    return None if value is None else str(value)


def summary_view(summary: pm.ProvisionSummary) -> dict[str, Any]:
    """The JSON form shared by the API and the CLI: money as yuan strings, rates and ratios as decimal strings."""
    return {
        "grades": [
            {
                "grade": x.grade.code,
                "grade_zh": x.grade.zh,
                "loans": x.loans,
                "outstanding": str(from_fen(x.outstanding_fen)),
                "rate": None if x.rate_bp is None else str(Decimal(x.rate_bp) / pm.BP),
                "required_allowance": str(from_fen(x.required_fen)),
                "held_allowance": str(from_fen(x.held_fen)),
            }
            for x in summary.lines
        ],
        "totals": {
            "loans": summary.loans,
            "outstanding": str(from_fen(summary.outstanding_fen)),
            "npl": str(from_fen(summary.npl_fen)),
            "required_allowance": str(from_fen(summary.required_fen)),
            "held_allowance": str(from_fen(summary.held_fen)),
        },
        "ratios": {
            "npl_ratio": _ratio(summary.npl_ratio),
            "provision_coverage": _ratio(summary.coverage_ratio),
            "provision_coverage_min": str(Decimal(summary.coverage_min_bp) / pm.BP),
            "provision_coverage_breach": summary.coverage_breach,
            "loan_provision_ratio": _ratio(summary.loan_provision_ratio),
            "loan_provision_ratio_min": str(Decimal(summary.loan_ratio_min_bp) / pm.BP),
            "loan_provision_ratio_breach": summary.loan_ratio_breach,
        },
    }


def report(
    session: Session,
    principal: Principal,
    today: dt.date,
    bank_id: int | None = None,
    as_of: dt.date | None = None,
) -> dict[str, Any]:
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
            {
                "bank_id": bank,
                "bank": names.get(bank, ""),
                "policy": {"version": policy.version, "effective_from": policy.effective_from.isoformat()},
                **summary_view(s),
            }
        )
    total = pm.combine(summaries, book.default)
    return {
        "as_of": None if as_of is None else as_of.isoformat(),
        "policy_date": on.isoformat(),
        "banks": per_bank,
        "total": summary_view(total),
    }
