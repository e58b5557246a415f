"""Loan service (贷款服务): the use cases other capabilities, the daily close and the demo call.

Contract and pledges: ``create_contract``, ``attach_pledges``. Money: ``disburse``, ``deposit``, ``post_advance``
(代垫费用), ``post_charge`` and ``charges_of`` (贷款费用), ``repay`` (``prepay=True`` for a partial prepayment),
``payoff``, ``payoff_quote``. Servicing: ``propose_extension`` and ``decide_extension`` (展期, maker-checker),
``extensions_of``, ``set_floating`` and ``reprice_due`` (LPR 重定价), ``rate_changes``, ``recall`` (提前收回),
``renew`` (续贷 / 无还本续贷), ``renewal_of``. Credit risk: ``declare_default``, ``set_grade``, ``restructure``,
``propose_write_off``, ``decide_write_off``, ``record_recovery``. Proof: ``check`` runs the whole ledger check with the
``lending`` expectation (every loan's principal account equals its outstanding principal).
Services flush and never commit.
"""

from __future__ import annotations

from ippledge.lending.advances import advance_outstanding, post_advance
from ippledge.lending.charges import charges_of, post_charge
from ippledge.lending.contracts import attach_pledges, bank_system, create_contract
from ippledge.lending.disbursement import disburse, disbursement_key
from ippledge.lending.extension import decide_extension, extensions_of, propose_extension
from ippledge.lending.recall import recall
from ippledge.lending.renewal import renew, renewal_of
from ippledge.lending.repayment import current_schedule, deposit, payoff, repay
from ippledge.lending.repayment import quote as payoff_quote
from ippledge.lending.repricing import rate_changes, reprice_due, set_floating
from ippledge.lending.restructure import restructure
from ippledge.lending.store import check, expected_balances, instalments, visible_loan
from ippledge.lending.writeoff import decide_write_off, declare_default, propose_write_off, record_recovery, set_grade

__all__ = [
    "advance_outstanding",
    "attach_pledges",
    "bank_system",
    "charges_of",
    "check",
    "create_contract",
    "current_schedule",
    "decide_extension",
    "decide_write_off",
    "declare_default",
    "deposit",
    "disburse",
    "disbursement_key",
    "expected_balances",
    "extensions_of",
    "instalments",
    "payoff",
    "payoff_quote",
    "post_advance",
    "post_charge",
    "propose_extension",
    "propose_write_off",
    "rate_changes",
    "recall",
    "record_recovery",
    "renew",
    "renewal_of",
    "repay",
    "reprice_due",
    "restructure",
    "set_floating",
    "set_grade",
    "visible_loan",
]
