"""Published read face (查询接口) of credit: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

from sqlalchemy.orm import Session

from ippledge.access import scope
from ippledge.access.model import Principal
from ippledge.credit.tables import CreditDecision

# -- decisions as lending reads them: the contract is made from an approved one -------------------------------------


def visible_decision_id(session: Session, principal: Principal, decision_id: int) -> int:
    """The id of a credit decision (授信决定) the caller may see; 404 (``not_found``) when it may not, or none exists.

    The terms of an approved decision are ``credit.service.approved_terms``."""
    return scope.get_visible(session, CreditDecision, decision_id, principal).id
