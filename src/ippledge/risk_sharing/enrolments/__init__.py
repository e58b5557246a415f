"""Enrolment (纳入风险补偿): a loan checked against a scheme's eligibility and recorded under its version."""
