"""Loan request bodies (贷款接口报文). Amounts are decimal strings in yuan; dates ISO; rates decimal fractions."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ContractIn(_Body):
    decision_id: int
    contract_no: str | None = Field(default=None, max_length=40)


class AttachIn(_Body):
    pledge_ids: list[int] | None = Field(default=None, description="default: every pledge in force on the assets")


class DisburseIn(_Body):
    value_date: dt.date | None = Field(default=None, description="default: the business date")


class MoneyIn(_Body):
    amount: str | int
    currency: str = "CNY"
    value_date: dt.date | None = Field(default=None, description="default: the business date")


class RepayIn(MoneyIn):
    prepay: bool = Field(default=False, description="money beyond what is due repays principal early")
    mode: str = Field(default="reduce_payment", description="reduce_payment | reduce_term")
    fee_rate: str = Field(default="0", description="prepayment fee rate on the principal repaid early")


class PayoffIn(_Body):
    value_date: dt.date | None = None
    fee_rate: str = "0"


class DepositIn(MoneyIn):
    borrower_id: int


class ReasonIn(_Body):
    reason: str = Field(min_length=1, max_length=2000)


class GradeIn(_Body):
    grade: str = Field(description="normal | special_mention | substandard | doubtful | loss")
    reason: str | None = Field(default=None, max_length=2000)


class WriteOffDecisionIn(_Body):
    approve: bool
    reason: str | None = Field(default=None, max_length=2000)
