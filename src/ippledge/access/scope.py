"""Party scoping (数据隔离): the one place that decides which rows a caller may read.

Each capability registers, for each table a party may read, the columns that name the parties it belongs to and the
party kinds that may read every row (a registry officer reads every filing at its registry through ``registry_id``).
A row outside the caller's scope is reported as *not found*, never as forbidden, so a caller never learns that
another party's record exists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import Session

from ippledge.access.model import PartyKind, Principal
from ippledge.kernel.errors import not_found

T = TypeVar("T")


@dataclass(frozen=True)
class ScopeRule:
    party_columns: tuple[str, ...]  # a row is the caller's if any of these equals principal.party_id
    readers: frozenset[PartyKind] = field(default_factory=frozenset)  # kinds that read every row
    what_zh: str = "记录"
    what_en: str = "record"
    # extra condition for some kinds, e.g. registries only see filings lodged with them
    custom: Callable[[Principal], Any] | None = None


_RULES: dict[type, ScopeRule] = {}


def register(model: type, rule: ScopeRule) -> None:
    _RULES[model] = rule


def rule_for(model: type) -> ScopeRule:
    try:
        return _RULES[model]
    except KeyError:
        raise LookupError(f"no scope rule registered for {model.__name__}") from None


def condition(model: type, principal: Principal) -> Any:
    """The WHERE clause that limits ``model`` to what ``principal`` may see."""
    rule = rule_for(model)
    if principal.party_kind in rule.readers:
        return True
    clauses = [getattr(model, c) == principal.party_id for c in rule.party_columns]
    if rule.custom is not None:
        extra = rule.custom(principal)
        if extra is not None:
            clauses.append(extra)
    return or_(*clauses) if clauses else false()


def scoped(model: type[T], principal: Principal) -> Select[T]:
    """``select(model)`` limited to the caller's scope."""
    cond = condition(model, principal)
    stmt = select(model)
    return stmt if cond is True else stmt.where(cond)


def get_visible(session: Session, model: type[T], ident: Any, principal: Principal) -> T:
    """Load one row by primary key, or raise 404 if it is missing *or* outside the caller's scope."""
    rule = rule_for(model)
    pk = model.__mapper__.primary_key[0]  # type: ignore[attr-defined]
    stmt = scoped(model, principal).where(pk == ident)
    row = session.scalars(stmt).first()
    if row is None:
        raise not_found(rule.what_zh, rule.what_en, id=ident)
    return row


def one_visible(session: Session, stmt: Select[T], model: type[T], principal: Principal) -> T:
    """Like ``get_visible`` for any lookup (e.g. by a business number)."""
    rule = rule_for(model)
    cond = condition(model, principal)
    row = session.scalars(stmt if cond is True else stmt.where(cond)).first()
    if row is None:
        raise not_found(rule.what_zh, rule.what_en)
    return row
