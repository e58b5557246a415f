"""Ports of a renewal (续贷端口): what a higher capability does for the new loan a renewal makes.

Risk sharing (风险分担, ``ippledge.risk_sharing``) sits above lending: the old loan's scheme enrolment (the fund's and
insurer's share) must follow it to the new loan, in the renewal's own transaction, or the renewal must say why it
could not. Lending never imports risk sharing; the composition root (``ippledge.bootstrap.wire``) plugs the step here
(decision records 0005 and 0042).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy.orm import Session

from ippledge.access.model import Principal


@dataclass(frozen=True)
class SchemeCarry:
    """What became of the old loan's scheme enrolment on the renewal: the new loan enrolled in ``scheme_code``, or
    refused with the scheme's reasons (the renewal itself stands: the bank may lend without the scheme's share)."""

    scheme_code: str
    enrolled: bool
    code: str | None = None  # the refusal's error code (``risk.enrol.ineligible`` ...)
    reason_zh: str | None = None
    reason_en: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "scheme_code": self.scheme_code,
            "enrolled": self.enrolled,
            "code": self.code,
            "reason_zh": self.reason_zh,
            "reason_en": self.reason_en,
        }


class AfterRenewal(Protocol):
    """Carry the old loan's enrolment to the new one (flushes only); ``None`` when the old loan had none."""

    def __call__(
        self, session: Session, approver: Principal, old_loan_id: int, new_loan_id: int, today: dt.date
    ) -> SchemeCarry | None: ...


_after_renewal: AfterRenewal | None = None


def plug_after_renewal(step: AfterRenewal) -> None:
    """Called by the composition root with ``risk_sharing.service.carry_enrolment``."""
    global _after_renewal
    _after_renewal = step


def after_renewal(
    session: Session, approver: Principal, old_loan_id: int, new_loan_id: int, today: dt.date
) -> SchemeCarry | None:
    """Run the plugged step; unplugged is a wiring bug (the new loan would silently lose its scheme share)."""
    if _after_renewal is None:
        raise LookupError("lending.renewal_ports.after_renewal is not plugged: call ippledge.bootstrap.wire() first")
    return _after_renewal(session, approver, old_loan_id, new_loan_id, today)
