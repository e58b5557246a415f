"""Disposal rules (押品处置规则): rule sets as versioned data, the round plan, and the English auction's bid rules.

A rule set (处置规则) is a JSON document under ``rules/``; the default is the Supreme People's Court's 2016
provisions on online judicial auctions (网络司法拍卖, DOMAIN.md §7): first start price at least 70% of the
appraisal, each re-auction lowering it by at most 20% of the previous start price, notice of 30 days (15 on
re-auction) for other property rights such as IP, deposits of 5-20% of the start price, a 5-minute extension
when a bid lands in the last 5 minutes, a sale stage (变卖) at the last start price after the failed re-auction,
the creditor taking the asset at the reserve (以物抵债), and co-owners' pre-emption at an equal price (优先购买权).

Pure: no database and no framework; the service applies these rules under a row lock.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from importlib import resources
from typing import Any

from ippledge.disposal import errors

FEN = Decimal("0.01")
YUAN = Decimal("1")
ZERO = Decimal("0.00")
DEFAULT_RULES = "spc-online-2016"
FORMAT = "ippledge.disposal-rules/1"


@dataclass(frozen=True)
class RuleSet:
    """One named, versioned rule set (shares as fractions; days, hours and minutes as integers)."""

    name: str
    version: str
    effective_from: dt.date
    title_zh: str
    title_en: str
    channel: str
    start_share_min: Decimal  # 起拍价不得低于评估价的比例
    step_down_max: Decimal  # 再次拍卖降价不得超过前次起拍价的比例
    notice_days_first: int  # 首次拍卖公告期
    notice_days_again: int  # 再次拍卖公告期
    reauction_within_days: int  # 流拍后再次拍卖的期限
    deposit_share_min: Decimal  # 保证金下限（起拍价的比例）
    deposit_share_max: Decimal
    increment_share: Decimal  # 加价幅度（起拍价的比例）
    increment_min: Decimal
    bidding_hours_min: int  # 竞价时间不少于
    extension_window_minutes: int  # 竞价结束前…分钟内出价
    extension_minutes: int  # 自动延时
    auction_rounds: int  # 拍卖轮次（首次 + 再次），之后进入变卖
    sale_days: int  # 变卖期
    sale_at_last_start_price: bool
    satisfaction_at_reserve: bool  # 以物抵债：按保留价
    preemption_at_equal_price: bool  # 优先购买权人同价优先
    notes: str = ""


_SHARES = ("start_share_min", "step_down_max", "deposit_share_min", "deposit_share_max", "increment_share")
_COUNTS = (
    "notice_days_first",
    "notice_days_again",
    "reauction_within_days",
    "bidding_hours_min",
    "extension_window_minutes",
    "extension_minutes",
    "auction_rounds",
    "sale_days",
)
_FLAGS = ("sale_at_last_start_price", "satisfaction_at_reserve", "preemption_at_equal_price")


def _bad(reason: str) -> Exception:
    return errors.RULES_INVALID(reason=reason)


def parse_rules(doc: dict[str, Any]) -> RuleSet:
    """A rule-set document checked field by field (``disposal.rules_invalid`` names the first bad one)."""
    if doc.get("format") != FORMAT:
        raise _bad(f"format must be {FORMAT}")
    try:
        shares = {k: Decimal(str(doc[k])) for k in _SHARES}
        counts = {k: doc[k] for k in _COUNTS}
        flags = {k: doc[k] for k in _FLAGS}
        increment_min = Decimal(str(doc["increment_min"]))
        effective = dt.date.fromisoformat(str(doc["effective_from"]))
        text = {k: str(doc[k]) for k in ("name", "version", "title_zh", "title_en", "channel")}
    except KeyError as e:
        raise _bad(f"missing field {e.args[0]}") from None
    except (InvalidOperation, ValueError):
        raise _bad("a share, amount or date does not parse") from None
    for k, v in shares.items():
        if not (v.is_finite() and Decimal(0) <= v <= Decimal(1)):
            raise _bad(f"{k} must be a share between 0 and 1")
    for k, n in counts.items():
        if not isinstance(n, int) or isinstance(n, bool) or n < 0:
            raise _bad(f"{k} must be a whole number >= 0")
    for k, f in flags.items():
        if not isinstance(f, bool):
            raise _bad(f"{k} must be true or false")
    if shares["deposit_share_min"] > shares["deposit_share_max"]:
        raise _bad("deposit_share_min is above deposit_share_max")
    if counts["auction_rounds"] < 1 or not increment_min.is_finite() or increment_min <= 0:
        raise _bad("auction_rounds must be >= 1 and increment_min > 0")
    fields: dict[str, Any] = {**text, **shares, **counts, **flags}
    return RuleSet(effective_from=effective, increment_min=increment_min, notes=str(doc.get("notes", "")), **fields)


def rule_set_names() -> list[str]:
    """The names of the rule sets shipped as data, sorted."""
    files = resources.files("ippledge.disposal") / "rules"
    return sorted(p.name.removesuffix(".json") for p in files.iterdir() if p.name.endswith(".json"))


def load_rules(name: str | None = None) -> RuleSet:
    """The rule set ``name`` (the default when ``None``); ``disposal.rules_unknown`` lists the known ones. Read and
    checked once per process (a bid judges under its round's lock: no file read there)."""
    return _load_rules(name or DEFAULT_RULES)


@functools.lru_cache(maxsize=64)
def _load_rules(wanted: str) -> RuleSet:
    known = rule_set_names()
    if wanted not in known:
        raise errors.RULES_UNKNOWN(name=wanted, known=known)
    text = (resources.files("ippledge.disposal") / "rules" / f"{wanted}.json").read_text(encoding="utf-8")
    return parse_rules(json.loads(text))


# -- the plan of rounds --------------------------------------------------------------------------------------------


def appraisal_amount(value: Decimal | str | int) -> Decimal:
    """A positive appraisal in yuan to the fen (``disposal.appraisal`` otherwise)."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise errors.APPRAISAL(value=str(value)) from None
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(FEN) or amount >= Decimal("1e14"):
        raise errors.APPRAISAL(value=str(value))
    return amount.quantize(FEN)


def ceil_fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_CEILING)


def floor_fen(value: Decimal) -> Decimal:
    return value.quantize(FEN, rounding=ROUND_FLOOR)


def min_start_price(rules: RuleSet, appraisal: Decimal, previous_start: Decimal | None) -> Decimal:
    """The lowest start price the rules allow: a share of the appraisal in the first round, and at most the step-down
    below the previous start price after that (rounded up to the fen, so the rule holds exactly)."""
    if previous_start is None:
        return ceil_fen(appraisal * rules.start_share_min)
    return ceil_fen(previous_start * (1 - rules.step_down_max))


def deposit_range(rules: RuleSet, start_price: Decimal) -> tuple[Decimal, Decimal]:
    """The deposits the rules allow for ``start_price``: (lowest, highest), inside the shares exactly."""
    return ceil_fen(start_price * rules.deposit_share_min), floor_fen(start_price * rules.deposit_share_max)


def increment(rules: RuleSet, start_price: Decimal) -> Decimal:
    """The bid increment (加价幅度): a share of the start price in whole yuan, never below the floor."""
    step = (start_price * rules.increment_share).quantize(YUAN, rounding=ROUND_CEILING)
    return max(rules.increment_min, step).quantize(FEN)


@dataclass(frozen=True)
class Round:
    """One auction round of the plan: its start price (the reserve), deposits, increment and notice."""

    number: int
    label_zh: str
    start_price: Decimal
    deposit_min: Decimal
    deposit_max: Decimal
    increment: Decimal
    notice_days: int
    bidding_hours: int
    within_days_of_failure: int | None


@dataclass(frozen=True)
class Plan:
    """The disposal plan for an appraisal under a rule set: the auction rounds at their lowest start prices, then the
    sale stage (变卖) and the price at which the creditor may take the asset (以物抵债)."""

    rules: RuleSet
    appraisal: Decimal
    rounds: tuple[Round, ...]
    sale_price: Decimal | None
    sale_days: int
    satisfaction_price: Decimal | None


def plan(rules: RuleSet, appraisal: Decimal | str | int) -> Plan:
    """Each round's start price at the lowest the rules allow (a court may set it higher), then the sale stage."""
    value = appraisal_amount(appraisal)
    rounds: list[Round] = []
    previous: Decimal | None = None
    for n in range(1, rules.auction_rounds + 1):
        start = min_start_price(rules, value, previous)
        low, high = deposit_range(rules, start)
        rounds.append(
            Round(
                number=n,
                label_zh="一拍" if n == 1 else ("二拍" if n == 2 else f"{n}拍"),
                start_price=start,
                deposit_min=low,
                deposit_max=high,
                increment=increment(rules, start),
                notice_days=rules.notice_days_first if n == 1 else rules.notice_days_again,
                bidding_hours=rules.bidding_hours_min,
                within_days_of_failure=None if n == 1 else rules.reauction_within_days,
            )
        )
        previous = start
    last = rounds[-1].start_price
    return Plan(
        rules=rules,
        appraisal=value,
        rounds=tuple(rounds),
        sale_price=last if rules.sale_at_last_start_price else None,
        sale_days=rules.sale_days,
        satisfaction_price=last if rules.satisfaction_at_reserve else None,
    )


def satisfaction_price(stage: str, start_price: Decimal) -> Decimal:
    """以物抵债 price after a failed round: a failed auction's reserve (its start price), or after a failed sale stage
    (变卖不成) the sale stage's price (the last auction's start price, at which it was offered). The creditor takes the
    asset at the price nobody would pay, never below it."""
    if stage not in ("auction", "sale"):
        raise ValueError(f"unknown stage {stage!r}")
    return start_price


def plan_dict(p: Plan) -> dict[str, Any]:
    """The plan as JSON-ready data (amounts as strings)."""
    return {
        "rules": {"name": p.rules.name, "version": p.rules.version, "title_zh": p.rules.title_zh},
        "appraisal": str(p.appraisal),
        "rounds": [
            {
                "round": r.number,
                "label_zh": r.label_zh,
                "start_price": str(r.start_price),
                "deposit": [str(r.deposit_min), str(r.deposit_max)],
                "increment": str(r.increment),
                "notice_days": r.notice_days,
                "bidding_hours": r.bidding_hours,
                "within_days_of_failure": r.within_days_of_failure,
            }
            for r in p.rounds
        ],
        "sale": None if p.sale_price is None else {"price": str(p.sale_price), "days": p.sale_days},
        "satisfaction_price": None if p.satisfaction_price is None else str(p.satisfaction_price),
        "extension": {"window_minutes": p.rules.extension_window_minutes, "minutes": p.rules.extension_minutes},
        "preemption_at_equal_price": p.rules.preemption_at_equal_price,
    }


# -- the English auction -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuctionState:
    """What a bid is judged against: the round's times and prices and the current leader (none before a bid)."""

    opens_at: dt.datetime
    ends_at: dt.datetime
    start_price: Decimal
    increment: Decimal
    price: Decimal | None
    leader_preemptive: bool


@dataclass(frozen=True)
class BidderStanding:
    """The bidder as the rules see it: registered with its deposit paid, barred after 悔拍, a pre-emption holder."""

    registered: bool
    barred: bool
    preemptive: bool


@dataclass(frozen=True)
class Accepted:
    """An accepted bid: the end time after it (moved by the extension rule when the bid lands in the window)."""

    amount: Decimal
    ends_at: dt.datetime
    extended: bool


def minimum_bid(state: AuctionState, preemptive: bool, rules: RuleSet) -> Decimal:
    """The lowest acceptable bid: the start price first; then the price plus the increment, or the price itself for a
    pre-emption holder outbidding a leader who holds no such right (同等条件下优先)."""
    if state.price is None:
        return state.start_price
    if preemptive and rules.preemption_at_equal_price and not state.leader_preemptive:
        return state.price
    return state.price + state.increment


def judge_bid(
    rules: RuleSet, state: AuctionState, bidder: BidderStanding, amount: Decimal, at: dt.datetime
) -> Accepted:
    """Accept a bid or raise the reason (each a 409): barred, unregistered, in notice, closed, too low."""
    if bidder.barred:
        raise errors.BIDDER_BARRED()
    if not bidder.registered:
        raise errors.NOT_REGISTERED()
    if at < state.opens_at:
        raise errors.IN_NOTICE(opens_at=state.opens_at.isoformat())
    if at >= state.ends_at:
        raise errors.CLOSED(ends_at=state.ends_at.isoformat())
    least = minimum_bid(state, bidder.preemptive, rules)
    if amount < least:
        raise errors.BID_LOW(amount=str(amount), minimum=str(least))
    window = dt.timedelta(minutes=rules.extension_window_minutes)
    if at >= state.ends_at - window:
        moved = max(state.ends_at, at + dt.timedelta(minutes=rules.extension_minutes))
        return Accepted(amount, moved, moved != state.ends_at)
    return Accepted(amount, state.ends_at, False)


# -- settlement: the waterfall ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Waterfall:
    """How the proceeds are paid (清偿顺序): disposal costs, then the secured debt, then the surplus to the pledgor."""

    proceeds: Decimal
    costs: Decimal
    debt: Decimal
    surplus: Decimal


def waterfall(proceeds: Decimal, costs: Decimal, secured_debt: Decimal) -> Waterfall:
    """Split ``proceeds``: costs first (``disposal.costs`` when they exceed the proceeds), then up to the debt."""
    if costs < 0 or costs > proceeds:
        raise errors.COSTS(costs=str(costs), proceeds=str(proceeds))
    debt = min(proceeds - costs, max(secured_debt, ZERO))
    return Waterfall(proceeds, costs, debt, proceeds - costs - debt)


# -- sealed bids (密封竞价) -------------------------------------------------------------------------------------------

FORMATS = ("english", "sealed_first", "sealed_second")


def judge_sealed_bid(
    state: AuctionState, bidder: BidderStanding, amount: Decimal, at: dt.datetime, already_bid: bool
) -> Accepted:
    """Accept a sealed bid or raise the reason (each a 409): barred, unregistered, in notice, closed, a second bid
    from the same bidder, below the start price. No extension: a sealed round ends when it was announced to."""
    if bidder.barred:
        raise errors.BIDDER_BARRED()
    if not bidder.registered:
        raise errors.NOT_REGISTERED()
    if at < state.opens_at:
        raise errors.IN_NOTICE(opens_at=state.opens_at.isoformat())
    if at >= state.ends_at:
        raise errors.CLOSED(ends_at=state.ends_at.isoformat())
    if already_bid:
        raise errors.SEALED_ONCE()
    if amount < state.start_price:
        raise errors.BID_LOW(amount=str(amount), minimum=str(state.start_price))
    return Accepted(amount, state.ends_at, False)


@dataclass(frozen=True)
class SealedBid:
    seq: int
    bidder_id: int
    amount: Decimal
    preemptive: bool


def sealed_outcome(fmt: str, bids: list[SealedBid], start_price: Decimal, rules: RuleSet) -> tuple[int, Decimal] | None:
    """The winner and price of a sealed round (``None`` without a bid): the highest bid wins; at an equal amount a
    pre-emption holder (when the rules give it) and then the earlier bid. First-price: the winner pays its bid;
    second-price (Vickrey): the highest other bid, never below the start price."""
    if fmt not in ("sealed_first", "sealed_second"):
        raise errors.FORMAT(format=fmt, known=list(FORMATS))
    if not bids:
        return None

    def rank(b: SealedBid) -> tuple[Decimal, int, int]:
        return (b.amount, 1 if (b.preemptive and rules.preemption_at_equal_price) else 0, -b.seq)

    ordered = sorted(bids, key=rank, reverse=True)
    top = ordered[0]
    if fmt == "sealed_first":
        return top.bidder_id, top.amount
    others = [b.amount for b in ordered[1:]]
    return top.bidder_id, max([start_price, *others[:1]])
