"""Fees as charges on a loan (贷款费用): valuation, insurance, guarantee and registration fees. Pure.

A charge is either owed on the loan (``collect="receivable"``: the borrower owes it and the next repayment settles
it) or paid by the borrower at once from its settlement account (``collect="paid"``). Its other side says who is
paid: a third party the bank paid for the borrower (``payee="third_party"``: valuer, insurer, guarantor, registry;
Cr the bank's cash) or the bank's own fee (``payee="bank"``: Cr fee income).

Where a charge sits in the repayment order: with the advances, first (``repayment_order.Bucket.ADVANCE``), ahead of
penalty, interest and principal. Civil Code art. 561 applies a payment, unless agreed otherwise, first to the costs
of realising the claim (实现债权的有关费用), then to interest, then to the principal; the fees a loan carries are
such costs (the valuation, registration and insurance of the security, the guarantee of the debt), and loan
contracts put the borrower's fees first too. One receivable account (``loan_advance``, 代垫费用及应收费用) holds
advances and charges, so a payoff, a write-off and the repaid check include them without a new bucket.
"""

from __future__ import annotations

from enum import StrEnum


class ChargeKind(StrEnum):
    VALUATION = "valuation"  # 评估费
    INSURANCE = "insurance"  # 保险费
    GUARANTEE = "guarantee"  # 担保费
    REGISTRATION = "registration"  # 登记费

    @property
    def zh(self) -> str:
        return _ZH[self.value]


_ZH = {"valuation": "评估费", "insurance": "保险费", "guarantee": "担保费", "registration": "登记费"}


class Collect(StrEnum):
    RECEIVABLE = "receivable"  # owed on the loan, settled first by the next repayment
    PAID = "paid"  # paid by the borrower at once


class Payee(StrEnum):
    THIRD_PARTY = "third_party"  # the bank paid a valuer, insurer, guarantor or registry for the borrower
    BANK = "bank"  # the bank's own fee


def lines(kind_codes: tuple[str, str, str, str], collect: Collect, payee: Payee) -> tuple[str, str]:
    """The (debit, credit) account codes of a charge, from the loan's receivable, the borrower's settlement account,
    the bank's cash and its fee income (in that order in ``kind_codes``)."""
    receivable, settlement, cash, fee_income = kind_codes
    debit = receivable if collect is Collect.RECEIVABLE else settlement
    credit = cash if payee is Payee.THIRD_PARTY else fee_income
    return debit, credit
