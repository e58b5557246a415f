"""Loans (贷款): repayment schedules, allocation, prepayment, delinquency and classification."""
