"""Provisioning policy versions (贷款损失准备计提政策版本): storing a bank's or the platform's policy from a date.

Policies are versioned data (``ProvisionPolicyVersion``): the platform's default (``bank_id`` null; before any is
stored, ``model.DEFAULT_POLICY``) and each bank's own versions, which win over the default from their
effective date. A new version closes the open-ended one before it on the previous day; a version from the same
day or later than an existing one is refused (``lending.provision_version_overlap``). A bank's admin or approver
sets its bank's versions; the platform's admin or operator sets the default. ``queries.policies_on`` reads the
versions in force on a date.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ippledge.access import audit
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.kernel.errors import not_found
from ippledge.lending.errors import PROVISION_VERSION_OVERLAP
from ippledge.lending.provisioning import model as pm
from ippledge.lending.provisioning.tables import ProvisionPolicyVersion


def _owner(principal: Principal, bank_id: int | None) -> int | None:
    if bank_id is None:
        principal.require_kind(PartyKind.PLATFORM)
        principal.require(Role.ADMIN, Role.OPERATOR)
        return None
    principal.require_kind(PartyKind.BANK)
    principal.require(Role.ADMIN, Role.APPROVER)
    if principal.party_id != bank_id:
        raise not_found("银行", "bank", id=bank_id)
    return bank_id


def add_policy_version(
    session: Session, principal: Principal, bank_id: int | None, doc: dict[str, Any]
) -> ProvisionPolicyVersion:
    """Store a policy version for ``bank_id`` (``None``: the platform default), validated as a whole first."""
    owner = _owner(principal, bank_id)
    policy = pm.from_dict(doc)
    v = ProvisionPolicyVersion
    same_owner = v.bank_id.is_(None) if owner is None else v.bank_id == owner
    previous = list(session.scalars(select(v).where(same_owner).order_by(v.effective_from)))
    for row in previous:
        if row.effective_from >= policy.effective_from:
            raise PROVISION_VERSION_OVERLAP(effective_from=row.effective_from.isoformat())
    for row in previous:
        if row.effective_to is None:
            row.effective_to = policy.effective_from - dt.timedelta(days=1)
    number = (session.scalar(select(func.max(v.version_no)).where(same_owner)) or 0) + 1
    row = ProvisionPolicyVersion(
        bank_id=owner,
        version_no=number,
        effective_from=policy.effective_from,
        body=json.dumps(pm.to_dict(policy), ensure_ascii=False, sort_keys=True),
        created_by=principal.actor,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        principal,
        "lending.provision_policy_added",
        "provision_policy_version",
        row.id,
        {"bank_id": owner, "version_no": number, **pm.to_dict(policy)},
    )
    return row
