"""The demo's disposal (演示：押品处置): a written-off loan's pledged patents go to auction under the SPC 2016 online
rules; the first and second auctions fail (流拍), the sale stage (变卖) sells at the last start price; the bank
settles through the waterfall and the recovery is shared back to the fund and insurer; ``ledger check`` after.

The rounds' times are server instants chosen for the story; the settlement is dated the business date, so the demo
picks the earliest written-off loan with a paid claim whose whole disposal fits before it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from rich.console import Console
from sqlalchemy.orm import Session, sessionmaker

from ippledge.access import queries as parties
from ippledge.access.model import PartyKind, Principal
from ippledge.demo.year import Cast, LoanTrack
from ippledge.disposal import model
from ippledge.disposal import service as disposal
from ippledge.kernel.identifiers import uscc
from ippledge.kernel.money import format_yuan
from ippledge.ledger.queries import check_books

STORY_DAYS = 140  # 30 + 15 + 15 days' notice, two 1-day auctions, a sale stage of 60 days, and slack
SALE_PREMIUM = Decimal("1.00")  # the buyer pays the sale price itself


def _bidders(session: Session, exclude: int, n: int) -> list[int]:
    out: list[int] = []
    for pid in parties.party_ids(session, PartyKind.ENTERPRISE):
        p = parties.party(session, pid)
        if pid == exclude or p is None or p.uscc is None:
            continue
        try:
            uscc.validate(p.uscc)
        except Exception:
            continue
        out.append(pid)
        if len(out) == n:
            break
    return out


def _check(factory: sessionmaker[Session], console: Console, step: str) -> None:
    """``ledger check`` after a step: the demo stops on a failure rather than telling a story the books deny."""
    with factory() as s:
        report = check_books(s)
    if not report.ok:
        raise RuntimeError(f"ledger check failed after {step}: {report}")
    console.print(f"    总账核对 ledger check OK after {step} ({report.entries:,} entries)")


def run(
    factory: sessionmaker[Session],
    console: Console,
    cast: Cast,
    claims: dict[int, int],
    tracks: list[LoanTrack],
    today: dt.date,
) -> None:
    """Take one written-off, claimed loan's patents through two failed auctions and a sale; print what came back."""
    console.rule("[bold]押品处置 disposal: two failed auctions and a sale[/bold]")
    candidates = sorted(
        (t for t in tracks if t.loan_id in claims and t.written_off_on is not None),
        key=lambda t: t.written_off_on or today,
    )
    track = next((t for t in candidates if (t.written_off_on or today) + dt.timedelta(days=STORY_DAYS) <= today), None)
    if track is None or track.loan_id is None:
        console.print("没有可在营业日前完成处置的核销贷款 no written-off loan whose disposal fits before today")
        return
    lid, claim_id = track.loan_id, claims[track.loan_id]
    with factory() as s:
        officer = parties.principal_of(s, cast.officer(track.bank_id))
    assert officer is not None
    day = (track.written_off_on or today) + dt.timedelta(days=31)  # after the recovery the year recorded
    with factory.begin() as s:
        lot = disposal.open_lot(s, officer, lid, day)
        lot_id, pledgor = lot.id, lot.pledgor_id
        appraisal, forced = lot.appraisal, lot.forced_sale_value
    p = model.plan(model.load_rules(), appraisal)
    console.print(
        f"标的 lot {lot_id}: loan {lid}, appraisal of record {format_yuan(appraisal)}, "
        f"model forced-sale value {format_yuan(forced) if forced is not None else 'n/a'}; rules {p.rules.name}"
    )
    _check(factory, console, "opening the lot")
    with factory() as s:
        bidder_ids = _bidders(s, pledgor, 2)
    buyers = [Principal(party_id=b, party_kind=PartyKind.ENTERPRISE, roles=frozenset()) for b in bidder_ids]
    for number in (1, 2):  # nobody bids: 流拍
        with factory.begin() as s:
            r = disposal.schedule_round(s, officer, lot_id, day)
            rid, ends, price = r.id, r.ends_at, r.start_price
        with factory.begin() as s:
            disposal.close_round(s, officer, rid, ends)
        console.print(
            f"  {'一拍' if number == 1 else '二拍'} start {format_yuan(price)}: no bid, 流拍 on {ends.date()}"
        )
        _check(factory, console, f"round {number}")
        day = ends.date()
    with factory.begin() as s:
        r = disposal.schedule_round(s, officer, lot_id, day)
        rid, opens, ends, price = r.id, r.opens_at, r.ends_at, r.start_price
        for b in bidder_ids:
            disposal.register_bidder(s, officer, rid, b, opens)
    with factory.begin() as s:
        disposal.place_bid(s, buyers[0], rid, price * SALE_PREMIUM, opens + dt.timedelta(days=3))
    with factory.begin() as s:
        disposal.close_round(s, officer, rid, ends)
        disposal.pay(s, officer, rid, ends.date())
    console.print(f"  变卖 sale stage at {format_yuan(price)}: sold to party {bidder_ids[0]} on {ends.date()}")
    _check(factory, console, "the sale and payment")
    with factory.begin() as s:
        done = disposal.settle(s, officer, lot_id, (price * Decimal("0.02")).quantize(model.FEN), today)
    w = done.waterfall
    console.print(
        f"  清偿 proceeds {format_yuan(w.proceeds)}: costs {format_yuan(w.costs)}, secured debt {format_yuan(w.debt)}, "
        f"surplus to the pledgor {format_yuan(w.surplus)}"
    )
    back = ", ".join(f"{k} {format_yuan(v)}" for k, v in sorted(done.clawed_back.items())) or "nothing"
    console.print(f"  追偿返还 clawed back on claim {claim_id}: {back}")
    console.print(
        f"  解押与过户 release filings {done.release_filings} submitted; TR01 transfers filed {done.transfer_filings}"
    )
    _check(factory, console, "settlement, clawback and filings")
    with factory() as s:
        registrar = parties.principal_of(s, "registry.patent.officer")
    assert registrar is not None
    with factory.begin() as s:
        for filing_id in done.transfer_filings:
            disposal.record_transfer(s, registrar, filing_id, today)
    console.print(
        f"  过户登记 the patent office recorded {len(done.transfer_filings)} TR01 transfers to party {bidder_ids[0]}"
    )
    _check(factory, console, "the transfers")
