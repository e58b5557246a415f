"""Ports of valuation (估值端口): what valuation needs from capabilities above it, plugged at start-up.

The daily revaluation of pledged IP (``valuation.revaluation``) computes each pledge's loan-to-value ratio, so it
needs the principal outstanding on the loans each pledge secures. The loan book belongs to lending, which sits above
valuation (intake < valuation < credit < lending): valuation never imports it. ``ippledge.bootstrap.wire()`` plugs
``lending.queries.outstanding_by_pledge`` in here. See docs/decisions/0005-reactions-between-capabilities.md.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

from sqlalchemy.orm import Session

SecuredOutstanding = Callable[[Session, Sequence[int]], dict[int, Decimal]]
"""Principal outstanding (yuan) on the loans not closed that each of these pledges secures, by pledge id; a pledge
securing no such loan may be left out (it owes nothing)."""

_secured_outstanding: SecuredOutstanding | None = None


def plug_secured_outstanding(source: SecuredOutstanding) -> None:
    """Called by the composition root (``ippledge.bootstrap``) with lending's read."""
    global _secured_outstanding
    _secured_outstanding = source


def secured_outstanding(session: Session, pledge_ids: Sequence[int]) -> dict[int, Decimal]:
    """Principal outstanding per pledge on the loans it secures (see :data:`SecuredOutstanding`)."""
    if _secured_outstanding is None:
        raise RuntimeError("valuation.ports.secured_outstanding is not plugged: call ippledge.bootstrap.wire() first")
    return _secured_outstanding(session, pledge_ids)


LtvCaps = Callable[[Session, Sequence[int]], dict[int, int]]
"""The LTV cap (bp) each pledge's open loans were lent at (the credit decision's), by pledge id; others left out."""

_ltv_caps: LtvCaps | None = None


def plug_ltv_caps(source: LtvCaps) -> None:
    """Called by the composition root with lending's read (which asks credit for the decisions' caps)."""
    global _ltv_caps
    _ltv_caps = source


def ltv_caps(session: Session, pledge_ids: Sequence[int]) -> dict[int, int]:
    """The LTV cap per pledge (see :data:`LtvCaps`); empty when nothing is plugged (the threshold then applies)."""
    return {} if _ltv_caps is None else _ltv_caps(session, pledge_ids)
