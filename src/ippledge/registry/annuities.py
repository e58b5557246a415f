"""Annuities (年费): the schedule of patent years and fee payments with the late surcharge (滞纳金); a term adjustment
or extension (专利权期限补偿, TG01/TP01) adds years past the 20th, each at the 20th year's fee."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit, scope
from ippledge.access.model import Principal
from ippledge.kernel.money import round_fen, to_fen
from ippledge.registry import errors, model
from ippledge.registry.guards import require_registry_writer
from ippledge.registry.model import IpKind, LegalState, Subtype
from ippledge.registry.tables import Annuity, IpAsset


def schedule_annuities(
    session: Session, asset: IpAsset, as_of: dt.date, paid_through: int | None = None
) -> list[Annuity]:
    """Add missing annuity rows for the years already started and the next one.

    ``paid_through``: years up to it are recorded as paid on their due date. When not given for a right in force,
    every year already due on ``as_of`` is taken as paid — the register says the right is alive, so its fees were
    paid; a fee in grace must be recorded with an explicit ``paid_through``.
    """
    if asset.kind != IpKind.PATENT.value or asset.grant_date is None:
        return []
    subtype = Subtype(asset.subtype)
    years = model.annuity_years(subtype, asset.filing_date, asset.grant_date, as_of, asset.expiry_date)
    statutory = model.patent_term_years(subtype, asset.filing_date)
    have = set(session.scalars(select(Annuity.year_no).where(Annuity.ip_asset_id == asset.id)))
    added: list[Annuity] = []
    for year in years:
        if year in have:
            continue
        due = model.annuity_due(asset.filing_date, year)
        fee = model.annuity_fee(subtype, year, extended_term=year > statutory)  # 补偿期: the last year's fee
        paid = year <= paid_through if paid_through is not None else due <= as_of
        row = Annuity(
            ip_asset_id=asset.id,
            year_no=year,
            due_date=due,
            amount=fee,
            paid_on=due if paid else None,
            paid=fee if paid else None,
        )
        session.add(row)
        added.append(row)
    session.flush()
    return added


def extend_for_term(session: Session, asset_ids: list[int], as_of: dt.date) -> int:
    """After a term adjustment or extension (TG01/TP01) moved the expiry date of ``asset_ids``: schedule the years
    the longer term adds that have started or come next on ``as_of`` (each at the last year's fee); the rows added."""
    added = 0
    for asset in session.scalars(select(IpAsset).where(IpAsset.id.in_(sorted(set(asset_ids))))):
        added += len(schedule_annuities(session, asset, as_of))
    return added


def _settle(session: Session, asset: IpAsset, year_no: int, paid_on: dt.date) -> tuple[Annuity, Decimal, Decimal]:
    """Mark one year paid on ``paid_on`` with its surcharge and schedule the next years: ``(row, paid, rate)``. The
    refusals are the same whoever pays: unknown or paid year, right not in force, grace over."""
    row = session.get(Annuity, (asset.id, year_no))
    if row is None:
        raise errors.ANNUITY_NOT_FOUND(year_no=year_no)
    if row.paid_on is not None:
        raise errors.ANNUITY_ALREADY_PAID(year_no=year_no, paid_on=row.paid_on.isoformat())
    if asset.status != LegalState.IN_FORCE.value:
        raise errors.ANNUITY_NOT_IN_FORCE(status=asset.status, status_zh=model.LEGAL_STATE_ZH[LegalState(asset.status)])
    rate = model.surcharge_rate(row.due_date, paid_on)
    row.paid_on = paid_on
    row.paid = paid = round_fen(row.amount * (1 + rate))
    schedule_annuities(session, asset, max(paid_on, row.due_date) + dt.timedelta(days=1), paid_through=year_no)
    return row, paid, rate


def pay_annuity(session: Session, principal: Principal, asset_id: int, year_no: int, paid_on: dt.date) -> Annuity:
    """Record a fee payment; late payments in grace carry the surcharge (滞纳金), after grace they are refused."""
    require_registry_writer(principal)
    asset = scope.get_visible(session, IpAsset, asset_id, principal)
    row, paid, rate = _settle(session, asset, year_no, paid_on)
    audit.record(
        session,
        principal,
        "annuity.paid",
        "ip_asset",
        asset.id,
        {"year": year_no, "paid_on": paid_on.isoformat(), "paid_fen": to_fen(paid), "surcharge_rate": str(rate)},
    )
    return row


def pay_on_behalf(
    session: Session, payer_party_id: int, asset_id: int, year_no: int, paid_on: dt.date, reference: str
) -> Annuity:
    """A fee paid for the owner by a third party (代缴年费: the pledgee keeps its security alive), recorded on the
    register like the owner's own payment: the same refusals (unknown or paid year, right not in force, grace
    over) and the surcharge of ``paid_on``. Called by the capability that decided the payment (maker-checker)."""
    asset = session.get(IpAsset, asset_id)
    if asset is None:
        raise errors.ANNUITY_NOT_FOUND(year_no=year_no)
    row, paid, rate = _settle(session, asset, year_no, paid_on)
    audit.record(
        session,
        f"party:{payer_party_id}",
        "annuity.paid_on_behalf",
        "ip_asset",
        asset.id,
        {
            "year": year_no,
            "paid_on": paid_on.isoformat(),
            "paid_fen": to_fen(paid),
            "surcharge_rate": str(rate),
            "payer_party_id": payer_party_id,
            "reference": reference,
        },
    )
    return row
