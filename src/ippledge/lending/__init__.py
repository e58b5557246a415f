"""Loans (贷款): contracts, disbursement, repayments, prepayment, default, five-tier classification and write-off.

The pure rules live in ``model`` (schedules, interest, repayment order, classification, delinquency, prepayment,
the journal entry templates); the daily close in ``close``; loan-loss provisioning in ``provisioning``. Other
capabilities use ``service`` (commands), ``queries`` (reads), ``model`` and ``errors``.
"""
