"""Pledge registration rules (质押登记规则), pure: no database, no framework, no I/O. Where each rule lives:

- ``filings``: filing kinds and states, who confirms (双方共同申请, or one party with proof for a release), which
  action each state allows, the debt amount as stored terms hold it;
- ``grounds``: the refusal grounds (不予登记的情形) of DOMAIN.md §3, what a refusal and a warning say (the forfeiture
  clause, Civil Code art. 428, is a warning, not a ground), and the errors an officer gets;
- ``prechecks``: ``precheck`` and ``asset_precheck``, *every* refusal that applies, never only the first, so the
  parties can fix a filing in one round; similar marks pledged together;
- ``time_limits``: the registry's time limit to decide and its registration numbers.

A pledge of IP exists from registration (Civil Code art. 444). The names other capabilities use are re-exported here.
"""

from __future__ import annotations

from ippledge.pledge.model.filings import (
    Action,
    FilingKind,
    FilingStatus,
    Side,
    check_action,
    required_sides,
    status_after_confirmation,
    sufficient,
    terms_amount,
    terms_fen,
)
from ippledge.pledge.model.grounds import (
    CURED_IN_FILING,
    FORFEITURE_WARNING,
    FilingFacts,
    FilingWarning,
    Refusal,
    RefusalGround,
    already_pledged_error,
    blocking,
    refusal_error,
    warnings,
)
from ippledge.pledge.model.prechecks import asset_precheck, marks_apart, precheck, similar_marks
from ippledge.pledge.model.time_limits import (
    DEFAULT_OFFICE_CODE,
    DEFAULT_TIME_LIMIT_WORKING_DAYS,
    DayBasis,
    decision_due,
    registration_number,
    validate_day_basis,
    validate_office_code,
    validate_time_limit,
)

__all__ = [
    "CURED_IN_FILING",
    "DEFAULT_OFFICE_CODE",
    "DEFAULT_TIME_LIMIT_WORKING_DAYS",
    "FORFEITURE_WARNING",
    "Action",
    "DayBasis",
    "FilingFacts",
    "FilingKind",
    "FilingStatus",
    "FilingWarning",
    "Refusal",
    "RefusalGround",
    "Side",
    "already_pledged_error",
    "asset_precheck",
    "blocking",
    "check_action",
    "decision_due",
    "marks_apart",
    "precheck",
    "refusal_error",
    "registration_number",
    "required_sides",
    "similar_marks",
    "status_after_confirmation",
    "sufficient",
    "terms_amount",
    "terms_fen",
    "validate_day_basis",
    "validate_office_code",
    "validate_time_limit",
    "warnings",
]
