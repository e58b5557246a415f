"""Published read face (查询接口) of access: what other capabilities may read.

Typed, and party-scoped where a caller is given."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ippledge.access import scope
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.access.tables import (
    ApiKey,
    Approval,
    BankBranch,
    BranchPosting,
    BranchPostingSpell,
    Party,
    User,
    UserRole,
)
from ippledge.db import among
from ippledge.kernel.errors import not_found

# -- parties as lending reads them: borrowers, banks -----------------------------------------------------------------


def party_kind(session: Session, party_id: int) -> PartyKind | None:
    """The party's kind (机构类型), or ``None`` when there is no such party."""
    kind = session.scalar(select(Party.kind).where(Party.id == party_id))
    return None if kind is None else PartyKind(kind)


# Reads for the edges (the demo, the simulator, the benchmarks).


def party_ids(session: Session, kind: PartyKind) -> list[int]:
    """Ids of the parties of one kind, in id order."""
    return [int(i) for i in session.scalars(select(Party.id).where(Party.kind == kind.value).order_by(Party.id))]


_CHUNK = 5_000  # stay under bind-parameter limits (SQLite 32,766; PostgreSQL 65,535)


@dataclass(frozen=True)
class PartyView:
    """A party (机构) as other packages may read it: who it is, not its credentials."""

    id: int
    kind: PartyKind
    name: str
    uscc: str | None
    region_code: str | None
    active: bool


def _party_view(row: Party) -> PartyView:
    return PartyView(row.id, PartyKind(row.kind), row.name, row.uscc, row.region_code, row.active)


def party(session: Session, party_id: int) -> PartyView | None:
    """One party by id, active or not; ``None`` when there is no such party."""
    row = session.get(Party, party_id)
    return None if row is None else _party_view(row)


def parties(session: Session, party_ids: Iterable[int]) -> dict[int, PartyView]:
    """``party id -> party`` for the ids that exist (any number of ids, read in chunks)."""
    ids = sorted(set(party_ids))
    out: dict[int, PartyView] = {}
    for start in range(0, len(ids), _CHUNK):
        for row in session.scalars(select(Party).where(Party.id.in_(ids[start : start + _CHUNK]))):
            out[row.id] = _party_view(row)
    return out


def region_codes(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """``party id -> region code`` (行政区划) for the ids that name a party with one (read in chunks)."""
    wanted = sorted(set(ids))
    out: dict[int, str] = {}
    for start in range(0, len(wanted), _CHUNK):
        stmt = select(Party.id, Party.region_code).where(
            Party.id.in_(wanted[start : start + _CHUNK]), Party.region_code.is_not(None)
        )
        out.update((int(i), str(code)) for i, code in session.execute(stmt))
    return out


def names_of(session: Session, ids: Iterable[int]) -> dict[int, str]:
    """``party id -> name`` (机构名称) for the ids that name a party."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {int(i): str(n) for i, n in session.execute(select(Party.id, Party.name).where(Party.id.in_(wanted)))}


def lock_party(session: Session, party_id: int) -> None:
    """Lock the party's row for this transaction (``SELECT .. FOR UPDATE``), so that two transactions spending the
    party's money (a borrower's settlement funds) run one after the other; a missing party is ``NoResultFound``."""
    session.scalars(select(Party.id).where(Party.id == party_id).with_for_update()).one()


def party_name(session: Session, party_id: int) -> str | None:
    """The party's name (机构名称), or ``None`` when there is no such party."""
    return session.scalar(select(Party.name).where(Party.id == party_id))


@dataclass(frozen=True)
class UserView:
    """A user of a party with its roles; never its password hash."""

    id: int
    party_id: int
    username: str
    display_name: str
    roles: frozenset[Role]
    active: bool


def user_view(session: Session, user_id: int) -> UserView | None:
    """One user with its roles, or ``None``."""
    row = session.get(User, user_id)
    if row is None:
        return None
    roles = frozenset(Role(r) for r in session.scalars(select(UserRole.role).where(UserRole.user_id == row.id)))
    return UserView(row.id, row.party_id, row.username, row.display_name, roles, row.active)


def users_of(session: Session, party_id: int) -> list[UserView]:
    """The users of one party, in creation order."""
    ids = session.scalars(select(User.id).where(User.party_id == party_id).order_by(User.id))
    return [u for u in (user_view(session, i) for i in ids) if u is not None]


@dataclass(frozen=True)
class ApiKeyView:
    """A system key (接口密钥) as listed: its prefix and roles, never the key or its digest."""

    id: int
    party_id: int
    name: str
    prefix: str
    roles: tuple[Role, ...]
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    expires_at: dt.datetime | None = None


def api_keys_of(session: Session, party_id: int) -> list[ApiKeyView]:
    """The API keys of one party, in creation order (revoked ones included)."""
    rows = session.scalars(select(ApiKey).where(ApiKey.party_id == party_id).order_by(ApiKey.id))
    return [
        ApiKeyView(
            r.id,
            r.party_id,
            r.name,
            r.prefix,
            tuple(Role(x) for x in r.roles.split(",") if x),
            r.created_at,
            r.revoked_at,
            r.expires_at,
        )
        for r in rows
    ]


@dataclass(frozen=True)
class ApprovalView:
    """A maker-checker proposal (待复核事项) as listed."""

    id: int
    party_id: int
    subject_type: str
    subject_id: str
    action: str
    status: str
    proposed_by: int
    decided_by: int | None
    reason: str | None


def _approval_view(row: Approval) -> ApprovalView:
    return ApprovalView(
        row.id,
        row.party_id,
        row.subject_type,
        row.subject_id,
        row.action,
        row.status,
        row.proposed_by,
        row.decided_by,
        row.reason,
    )


def approvals_of(session: Session, party_id: int, status: str) -> list[ApprovalView]:
    """One party's maker-checker queue in one status (``pending``, ``approved``, ``rejected``), oldest first."""
    stmt = select(Approval).where(Approval.party_id == party_id, Approval.status == status).order_by(Approval.id)
    return [_approval_view(r) for r in session.scalars(stmt)]


def party_kinds(session: Session) -> dict[int, str]:
    """Every party's kind (``bank``, ``valuer`` ...) by party id."""
    return {int(p): str(k) for p, k in session.execute(select(Party.id, Party.kind))}


def party_names(session: Session, kind: PartyKind) -> dict[int, str]:
    """Names of the parties of one kind by party id."""
    return {int(p): str(n) for p, n in session.execute(select(Party.id, Party.name).where(Party.kind == kind.value))}


def party_ids_by_uscc(session: Session) -> dict[str, int]:
    """Party id by unified social credit code (统一社会信用代码), for every party that has one."""
    return {str(u): int(p) for p, u in session.execute(select(Party.id, Party.uscc).where(Party.uscc.is_not(None)))}


def has_parties(session: Session) -> bool:
    """Whether any party exists (an empty database has none)."""
    return session.scalar(select(Party.id).limit(1)) is not None


def next_party_id(session: Session) -> int:
    """The id after the highest party id (for bulk loads with explicit ids)."""
    return int(session.scalar(select(func.coalesce(func.max(Party.id), 0))) or 0) + 1


def next_user_id(session: Session) -> int:
    """The id after the highest user id (for bulk loads with explicit ids)."""
    return int(session.scalar(select(func.coalesce(func.max(User.id), 0))) or 0) + 1


def username_prefix_taken(session: Session, prefix: str) -> bool:
    """Whether some username starts with ``prefix``."""
    return session.scalar(select(User.id).where(User.username.startswith(prefix)).limit(1)) is not None


def usernames_with_suffix(session: Session, suffix: str) -> list[tuple[int, str]]:
    """(party id, username) of the users whose username ends with ``.suffix``, in user id order."""
    stmt = select(User.party_id, User.username).where(User.username.like(f"%.{suffix}")).order_by(User.id)
    return [(int(p), str(u)) for p, u in session.execute(stmt)]


def first_username_with_suffix(session: Session, party_id: int, suffix: str) -> str | None:
    """The first (by id) user of ``party_id`` whose username ends with ``.suffix``, e.g. its ``officer``."""
    stmt = select(User.username).where(User.party_id == party_id, User.username.like(f"%.{suffix}"))
    return session.scalar(stmt.order_by(User.id).limit(1))


def principal_of(session: Session, username: str) -> Principal | None:
    """The principal a user acts as (party, kind, roles), by username; ``None`` for an unknown user."""
    user = session.scalar(select(User).where(User.username == username))
    return None if user is None else principal_for_user(session, user)


def user_roles(session: Session, user_id: int) -> frozenset[Role]:
    return frozenset(Role(r) for r in session.scalars(select(UserRole.role).where(UserRole.user_id == user_id)))


def principal_for_user(session: Session, user: User) -> Principal:
    party = session.get(Party, user.party_id)
    assert party is not None
    return Principal(
        party_id=party.id,
        party_kind=PartyKind(party.kind),
        roles=user_roles(session, user.id),
        user_id=user.id,
        name=user.display_name,
    )


# -- bank organisation (银行机构) -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class BranchView:
    """A bank's unit as others read it: level, type (科技特色 / 文化特色 / ordinary), region and parent."""

    id: int
    bank_id: int
    parent_id: int | None
    level: str
    branch_type: str
    name: str
    region_code: str
    opened_on: dt.date


def _branch_view(b: BankBranch) -> BranchView:
    return BranchView(b.id, b.bank_id, b.parent_id, b.level, b.branch_type, b.name, b.region_code, b.opened_on)


def branches(session: Session, bank_ids: Iterable[int] | None = None) -> list[BranchView]:
    """Every bank unit (of ``bank_ids`` when given), by id."""
    stmt = select(BankBranch).order_by(BankBranch.id)
    if bank_ids is not None:
        stmt = stmt.where(BankBranch.bank_id.in_(sorted(set(bank_ids))))
    return [_branch_view(b) for b in session.scalars(stmt)]


def branch(session: Session, branch_id: int) -> BranchView | None:
    row = session.get(BankBranch, branch_id)
    return None if row is None else _branch_view(row)


@dataclass(frozen=True)
class Posting:
    """Where a bank's person works: the branch and the team."""

    user_id: int
    branch_id: int
    team: str


def posting_of(session: Session, user_id: int | None) -> Posting | None:
    """The user's posting, or ``None`` (an API key, a user not posted)."""
    if user_id is None:
        return None
    row = session.get(BranchPosting, user_id)
    return None if row is None else Posting(row.user_id, row.branch_id, row.team)


def postings(session: Session, user_ids: Iterable[int]) -> dict[int, Posting]:
    """``user id -> posting`` for the users who are posted."""
    wanted = sorted(set(user_ids))
    out: dict[int, Posting] = {}
    for start in range(0, len(wanted), _CHUNK):
        stmt = select(BranchPosting).where(BranchPosting.user_id.in_(wanted[start : start + _CHUNK]))
        out.update((r.user_id, Posting(r.user_id, r.branch_id, r.team)) for r in session.scalars(stmt))
    return out


def teams_on(session: Session, signed: Iterable[tuple[int, dt.date]]) -> dict[tuple[int, dt.date], str]:
    """``(user id, date) -> team`` the user was posted to on that date, from the posting history (任职期间); a
    pair no spell covers (posted before the history was kept) takes the user's current team, or none."""
    wanted = set(signed)
    users = sorted({u for u, _ in wanted})
    spells: dict[int, list[tuple[dt.date, dt.date | None, str]]] = {}
    sp = BranchPostingSpell
    for start in range(0, len(users), _CHUNK):
        stmt = select(sp.user_id, sp.valid_from, sp.valid_until, sp.team).where(
            sp.user_id.in_(users[start : start + _CHUNK])
        )
        for user_id, since, until, team in session.execute(stmt):
            spells.setdefault(int(user_id), []).append((since, until, str(team)))
    current = {u: p.team for u, p in postings(session, users).items()}
    out: dict[tuple[int, dt.date], str] = {}
    for user_id, on in wanted:
        found = next(
            (t for since, until, t in spells.get(user_id, []) if since <= on and (until is None or on < until)), None
        )
        out[(user_id, on)] = found if found is not None else current.get(user_id, "")
    return out


def visible_branches(session: Session, principal: Principal, bank_id: int) -> list[BranchView]:
    """The units of ``bank_id`` as ``principal`` may see them (``access.scope`` rule: the bank itself, the platform
    and the regulator); a bank asking for another bank's units gets 404, as for a bank that does not exist."""
    overseer = scope.condition(BankBranch, principal) is True
    if (not overseer and principal.party_id != bank_id) or party_kind(session, bank_id) is not PartyKind.BANK:
        raise not_found("银行", "bank", id=bank_id)
    stmt = scope.scoped(BankBranch, principal).where(BankBranch.bank_id == bank_id).order_by(BankBranch.id)
    return [_branch_view(b) for b in session.scalars(stmt)]


def enterprises_by_uscc(session: Session, usccs: Iterable[str]) -> dict[str, tuple[int, str]]:
    """``USCC -> (party id, name)`` of the enterprises among the given codes (one query: a bank's batch of 10,000
    codes in one parameter, ``db.among``)."""
    codes = sorted(set(usccs))
    stmt = select(Party.uscc, Party.id, Party.name).where(
        among(Party.uscc, codes), Party.kind == PartyKind.ENTERPRISE.value
    )
    return {str(u): (int(i), str(n)) for u, i, n in session.execute(stmt)}
