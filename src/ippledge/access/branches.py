"""Bank organisation (银行机构): a bank's head office, branches and sub-branches, and the posting of its officers to a
branch and team with the history of their spells. Published through ``service``.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit, errors
from ippledge.access.model import (
    BranchLevel,
    PartyKind,
    Principal,
    Role,
    branch_level,
    check_parent,
    region_name,
)
from ippledge.access.model import branch_type as branch_type_of
from ippledge.access.queries import PartyView, principal_for_user  # noqa: F401  (published here too)
from ippledge.access.tables import (
    BankBranch,
    BranchPosting,
    BranchPostingSpell,
    Party,
    User,
)
from ippledge.kernel.clock import business_date
from ippledge.kernel.errors import not_found
from ippledge.kernel.text import check_name

# -- bank organisation (银行机构) -----------------------------------------------------------------------------------


def _authorize_bank_admin(actor: Principal | str, bank_id: int) -> None:
    """The bank's own admin, or the system (a string actor: bootstrap, the simulator)."""
    if isinstance(actor, str):
        return
    if actor.party_id != bank_id:
        raise not_found("机构", "party", id=bank_id)
    actor.require(Role.ADMIN)


def create_branch(
    session: Session,
    actor: Principal | str,
    bank_id: int,
    name: str,
    level: str,
    branch_type: str,
    region_code: str,
    opened_on: dt.date,
    parent_id: int | None = None,
) -> BankBranch:
    """Open a unit of ``bank_id``: its head office (one per bank), a branch under it or a sub-branch under a branch,
    in a known county-level division; nothing is written when a rule refuses."""
    _authorize_bank_admin(actor, bank_id)
    bank = session.get(Party, bank_id)
    if bank is None or bank.kind != PartyKind.BANK.value:
        raise not_found("银行", "bank", id=bank_id)
    lvl, kind = branch_level(level), branch_type_of(branch_type)
    region_name(region_code)
    name = check_name(name, "branch name")
    parent = None if parent_id is None else session.get(BankBranch, parent_id)
    if parent_id is not None and parent is None:
        raise errors.BRANCH_UNKNOWN(branch_id=parent_id)
    check_parent(
        lvl,
        None if parent is None else BranchLevel(parent.level),
        parent is None or parent.bank_id == bank_id,
    )
    if lvl is BranchLevel.HEAD_OFFICE:
        session.scalars(select(Party.id).where(Party.id == bank_id).with_for_update()).one()
        head = select(BankBranch.id).where(BankBranch.bank_id == bank_id, BankBranch.level == lvl.value)
        if session.scalar(head) is not None:
            raise errors.HEAD_OFFICE_EXISTS(bank_id=bank_id)
    row = BankBranch(
        bank_id=bank_id,
        parent_id=parent_id,
        level=lvl.value,
        branch_type=kind.value,
        name=name,
        region_code=region_code,
        opened_on=opened_on,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "bank.branch_opened",
        "bank_branch",
        row.id,
        {"bank_id": bank_id, "level": lvl.value, "type": kind.value, "region": region_code, "parent": parent_id},
    )
    return row


def post_officer(
    session: Session,
    actor: Principal | str,
    user_id: int,
    branch_id: int,
    team: str = "",
    on: dt.date | None = None,
) -> None:
    """Post one of the bank's people to one of its branches and a team from ``on`` (default: today in China). The
    new posting replaces the current one, and the history keeps both spells: the open one ends on ``on`` (a second
    posting on the same day replaces that day's spell)."""
    row = session.get(BankBranch, branch_id)
    if row is None:
        raise errors.BRANCH_UNKNOWN(branch_id=branch_id)
    _authorize_bank_admin(actor, row.bank_id)
    user = session.get(User, user_id)
    if user is None or user.party_id != row.bank_id:
        raise errors.NOT_BANK_STAFF(user_id=user_id)
    team = check_name(team, "team") if team.strip() else ""
    posting = session.get(BranchPosting, user_id)
    before = None if posting is None else {"branch_id": posting.branch_id, "team": posting.team}
    if posting is None:
        session.add(BranchPosting(user_id=user_id, branch_id=branch_id, team=team))
    else:
        posting.branch_id, posting.team = branch_id, team
    _open_spell(session, user_id, branch_id, team, on or business_date())
    session.flush()
    audit.record(
        session,
        actor,
        "bank.officer_posted",
        "app_user",
        user_id,
        {"branch_id": branch_id, "team": team, "was": before},
    )


def _open_spell(session: Session, user_id: int, branch_id: int, team: str, on: dt.date) -> None:
    s = BranchPostingSpell
    current = session.scalars(select(s).where(s.user_id == user_id, s.valid_until.is_(None))).first()
    if current is not None and current.valid_from >= on:  # re-posted the same day: that day's spell is replaced
        current.branch_id, current.team = branch_id, team
        return
    if current is not None:
        current.valid_until = on
    session.add(BranchPostingSpell(user_id=user_id, branch_id=branch_id, team=team, valid_from=on, valid_until=None))
