"""``ippledge disposal offer create | withdraw`` (知识产权转让与许可挂牌): an owner's transfer or licence offer, as the
user ``--as`` names; bad input exits 2 with the catalogued error."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from ippledge.cmd.options import AsOf, AsUser, DbUrl, business_day, fail, principal_named, session_scope
from ippledge.kernel.errors import IppledgeError, not_found

offer_app = typer.Typer(no_args_is_help=True, help="Transfer and licence offers of IP you own (挂牌)")


def _view(row: object) -> dict[str, object]:
    from ippledge.disposal.tables import DisposalOffer

    assert isinstance(row, DisposalOffer)
    return {
        "id": row.id,
        "owner_id": row.owner_id,
        "asset_ids": json.loads(row.asset_ids),
        "deal": row.deal,
        "title": row.title,
        "price": str(row.price),
        "region": row.region,
        "status": row.status,
        "created_on": row.created_on.isoformat(),
        "withdrawn_on": None if row.withdrawn_on is None else row.withdrawn_on.isoformat(),
    }


@offer_app.command("create")
def create(
    who: AsUser,
    assets: Annotated[list[str], typer.Option("--asset", help="an IP number or id you own (repeat for several)")],
    deal: Annotated[str, typer.Option("--deal", help="transfer | exclusive_licence | ordinary_licence | open_licence")],
    price: Annotated[str, typer.Option("--price", help="asking price (a licence: its fee), yuan")],
    region: Annotated[str | None, typer.Option("--region", help="GB/T 2260 code (default: yours)")] = None,
    title: Annotated[str | None, typer.Option("--title")] = None,
    as_of: AsOf = None,
    database_url: DbUrl = None,
) -> None:
    """挂牌: offer IP the register names your organisation owner of; prints the offer (JSON)."""
    from ippledge.disposal import offers
    from ippledge.registry import queries as registry

    try:
        with session_scope(database_url) as session:
            ids: list[int] = []
            for a in assets:
                found = int(a) if a.isdigit() else registry.find_asset_id(session, a)
                if found is None:
                    raise not_found("知识产权", "IP asset", number=a)
                ids.append(found)
            principal = principal_named(session, who)
            row = offers.create_offer(session, principal, ids, deal, price, business_day(as_of), region, title)
            typer.echo(json.dumps(_view(row), ensure_ascii=False, indent=2))
    except IppledgeError as exc:
        raise fail(exc) from None


@offer_app.command("withdraw")
def withdraw(
    who: AsUser,
    offer_id: Annotated[int, typer.Argument(help="the offer's id")],
    as_of: AsOf = None,
    database_url: DbUrl = None,
) -> None:
    """撤回: withdraw your open offer."""
    from ippledge.disposal import offers

    try:
        with session_scope(database_url) as session:
            row = offers.withdraw_offer(session, principal_named(session, who), offer_id, business_day(as_of))
            typer.echo(json.dumps(_view(row), ensure_ascii=False, indent=2))
    except IppledgeError as exc:
        raise fail(exc) from None
