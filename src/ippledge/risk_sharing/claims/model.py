"""The loss split (损失分担): split a loss among the parties of a scheme to the fen, apply the caps, share recoveries.
Pure.

Rules (documented in docs/risk-sharing.md):

* **Largest remainder** (最大余额法): each party's exact share ``loss x weight / total`` is floored to the fen; the fen
  left over go one each to the parties with the largest remainders, ties broken in :data:`PARTIES` order. The shares
  therefore always sum exactly to the loss and no share is more than one fen from its exact value.
* **Tier**: the tier of the balance at default applies to the whole loss (not marginally per band).
* **Interest**: under ``LossBasis.PRINCIPAL`` lost interest is borne in full by ``scheme.interest_bearer``.
* **IP share** (Wuhan): with ``compensate_ip_share_only`` the non-bank shares apply to the IP share of the
  collateral; the bank bears the rest.
* **Caps**: a party's per-loan cap; for the fund also the annual budget, the per-institution annual cap and, when the
  scheme limits liability to it, the fund balance. What a capped party cannot pay falls to
  ``scheme.overflow_party`` (the bank in every preset), which the scheme model forbids to be capped itself.
* **Recoveries** after payout are shared back in the proportions of what each party actually bore (after caps).
* **Payers**: a share whose party the platform cannot name (no cover, no external valuer) falls to the bank
  (:func:`resolve_shares`); an advance (预付) is paid from cash only (:func:`cash_only`, :func:`advance_shares`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from ippledge.kernel.money import from_fen, money, round_fen, to_fen
from ippledge.risk_sharing.errors import AMOUNT_NEGATIVE, IP_SHARE_NEEDED, RECOVERY_EXCEEDS_LOSS
from ippledge.risk_sharing.model import BP_TOTAL, PARTIES, LossBasis, Party, Scheme


@dataclass(frozen=True)
class CapsState:
    """What the fund has already paid this year (overall and to this bank) and its balance (``None``: untracked)."""

    fund_balance: Decimal | None = None
    fund_paid_this_year: Decimal = Decimal(0)
    institution_paid_this_year: Decimal = Decimal(0)

    def after(self, allocation: Allocation) -> CapsState:
        """The state once ``allocation`` has been paid."""
        paid = allocation.shares.get(Party.FUND, Decimal(0))
        return CapsState(
            fund_balance=None if self.fund_balance is None else self.fund_balance - paid,
            fund_paid_this_year=self.fund_paid_this_year + paid,
            institution_paid_this_year=self.institution_paid_this_year + paid,
        )


@dataclass(frozen=True)
class Allocation:
    """Who bears how much of ``loss + interest``; ``uncapped`` is the split before caps, ``capped_by`` says why."""

    loss: Decimal
    interest: Decimal
    tier_index: int
    shares: Mapping[Party, Decimal]
    uncapped: Mapping[Party, Decimal]
    capped_by: Mapping[Party, tuple[str, ...]] = field(default_factory=dict)

    @property
    def total(self) -> Decimal:
        return self.loss + self.interest

    @property
    def compensation(self) -> Decimal:
        """What the other parties pay the bank (代偿金额)."""
        return sum((v for p, v in self.shares.items() if p is not Party.BANK), Decimal(0))


def largest_remainder(total_fen: int, weights: Sequence[int]) -> list[int]:
    """Split ``total_fen`` in proportion to non-negative integer ``weights``; the parts sum exactly to the total."""
    denominator = sum(weights)
    if total_fen < 0 or denominator <= 0 or any(w < 0 for w in weights):
        raise ValueError("largest_remainder needs a non-negative total and non-negative weights with a positive sum")
    quotas = [divmod(total_fen * w, denominator) for w in weights]
    parts = [q for q, _ in quotas]
    left = total_fen - sum(parts)  # < len(weights): each remainder is below the denominator
    for i in sorted(range(len(weights)), key=lambda i: (-quotas[i][1], i))[:left]:
        parts[i] += 1
    return parts


def _amount(value: Decimal | int | str, what_zh: str, what_en: str) -> Decimal:
    amount = money(value)
    if amount < 0:
        raise AMOUNT_NEGATIVE(what_zh=what_zh, what_en=what_en, amount=str(amount))
    return amount


def _weights(scheme: Scheme, tier_shares: Mapping[Party, int], ip_share_bp: int | None) -> dict[Party, int]:
    if not scheme.compensate_ip_share_only:
        return {p: tier_shares.get(p, 0) for p in PARTIES}
    if ip_share_bp is None or not 0 <= ip_share_bp <= BP_TOTAL:
        raise IP_SHARE_NEEDED(ip_share_bp=ip_share_bp)
    weights = {p: tier_shares.get(p, 0) * ip_share_bp for p in PARTIES}
    weights[Party.BANK] += BP_TOTAL * (BP_TOTAL - ip_share_bp)
    return weights


def _fund_limits(scheme: Scheme, state: CapsState) -> list[tuple[str, Decimal]]:
    limits: list[tuple[str, Decimal]] = []
    if Party.FUND in scheme.per_loan_caps:
        limits.append(("per_loan", scheme.per_loan_caps[Party.FUND]))
    if scheme.annual_budget_cap is not None:
        limits.append(("annual_budget", scheme.annual_budget_cap - state.fund_paid_this_year))
    if scheme.per_institution_cap is not None:
        limits.append(("per_institution", scheme.per_institution_cap - state.institution_paid_this_year))
    if scheme.liability_limited_to_fund and state.fund_balance is not None:
        limits.append(("fund_balance", state.fund_balance))
    return [(why, max(limit, Decimal(0))) for why, limit in limits]


def split_loss(
    scheme: Scheme,
    loss: Decimal | int | str,
    balance: Decimal | int | str,
    caps_state: CapsState | None = None,
    *,
    interest: Decimal | int | str = 0,
    ip_share_bp: int | None = None,
) -> Allocation:
    """Allocate a net ``loss`` (and lost ``interest``) on a loan whose balance at default was ``balance``."""
    loss_d = _amount(loss, "损失", "loss")
    balance_d = _amount(balance, "余额", "balance")
    interest_d = _amount(interest, "利息损失", "lost interest")
    state = caps_state or CapsState()
    tier_index = next(i for i, t in enumerate(scheme.tiers) if t is scheme.tier_for(balance_d))
    shared = loss_d + interest_d if scheme.loss_basis is LossBasis.PRINCIPAL_AND_INTEREST else loss_d
    weights = _weights(scheme, scheme.tiers[tier_index].shares, ip_share_bp)
    fen = dict(zip(PARTIES, largest_remainder(to_fen(shared), list(weights.values())), strict=True))
    if scheme.loss_basis is LossBasis.PRINCIPAL:
        fen[scheme.interest_bearer] += to_fen(interest_d)
    uncapped = {p: from_fen(f) for p, f in fen.items()}
    capped_by: dict[Party, tuple[str, ...]] = {}
    for party in PARTIES:
        limits = _fund_limits(scheme, state) if party is Party.FUND else []
        if party is not Party.FUND and party in scheme.per_loan_caps:
            limits.append(("per_loan", max(scheme.per_loan_caps[party], Decimal(0))))
        limit_fen = min((to_fen(round_fen(v)) for _, v in limits), default=None)
        if limit_fen is not None and fen[party] > limit_fen:
            capped_by[party] = tuple(why for why, v in limits if to_fen(round_fen(v)) < fen[party])
            fen[scheme.overflow_party] += fen[party] - limit_fen
            fen[party] = limit_fen
    keep = {p for p, w in weights.items() if w} | {Party.BANK, scheme.overflow_party, scheme.interest_bearer}
    shares = {p: from_fen(fen[p]) for p in PARTIES if p in keep or fen[p]}
    return Allocation(
        loss=loss_d,
        interest=interest_d,
        tier_index=tier_index,
        shares=shares,
        uncapped={p: uncapped[p] for p in shares},
        capped_by=capped_by,
    )


def share_recovery(allocation: Allocation, recovered: Decimal | int | str) -> Allocation:
    """Share a recovery after payout (追偿返还) back in the proportions each party actually bore."""
    amount = _amount(recovered, "追回金额", "recovery")
    if amount > allocation.total:
        raise RECOVERY_EXCEEDS_LOSS(amount=str(amount), total=str(allocation.total))
    parties = list(allocation.shares)
    weights = [to_fen(allocation.shares[p]) for p in parties]
    if sum(weights) == 0:
        parts = [0] * len(parties)
    else:
        parts = largest_remainder(to_fen(amount), weights)
    shares = {p: from_fen(f) for p, f in zip(parties, parts, strict=True)}
    return replace(allocation, loss=amount, interest=Decimal(0), shares=shares, uncapped=shares, capped_by={})


def advance_amount(scheme: Scheme, allocation: Allocation) -> Decimal:
    """What is advanced to the bank before write-off (预付): ``advance_ratio`` of the net loss, at most the payout."""
    if scheme.advance_ratio_bp is None:
        return money(0)
    return min(round_fen(allocation.total * scheme.advance_ratio_bp / BP_TOTAL), allocation.compensation)


def preview_split(
    scheme: Scheme,
    loss: str,
    balance: str | None = None,
    interest: str = "0",
    ip_share_bp: int | None = None,
    fund_balance: str | None = None,
) -> Allocation:
    """分担测算: the split of a loss as the CLI and the API preview it (balance defaults to the loss; only the fund
    balance is known of the caps)."""
    state = CapsState(fund_balance=None if fund_balance is None else money(fund_balance))
    return split_loss(
        scheme, loss, balance if balance is not None else loss, state, interest=interest, ip_share_bp=ip_share_bp
    )


def cash_only(
    shares: dict[Party, Decimal], capped: dict[Party, list[str]], owed: Decimal
) -> tuple[dict[Party, Decimal], dict[Party, list[str]]]:
    """The split with the fund's owed part moved to the bank (what is paid now when no debt is recorded: an advance)."""
    if not owed:
        return shares, capped
    out, why = dict(shares), {p: list(w) for p, w in capped.items()}
    out[Party.FUND] -= owed
    out[Party.BANK] = out.get(Party.BANK, Decimal(0)) + owed
    why.setdefault(Party.FUND, []).append("fund_balance")
    return out, why


def resolve_shares(
    allocation: Allocation, payers: Mapping[Party, int | None]
) -> tuple[dict[Party, Decimal], dict[Party, list[str]]]:
    """The split with every share whose party the platform cannot name moved to the bank (``no_party``)."""
    shares = dict(allocation.shares)
    capped = {p: list(w) for p, w in allocation.capped_by.items()}
    for party in list(shares):
        if party is not Party.BANK and shares[party] and payers.get(party) is None:
            shares[Party.BANK] = shares.get(Party.BANK, Decimal(0)) + shares[party]
            shares[party] = Decimal(0)
            capped.setdefault(party, []).append("no_party")
    return shares, capped


def advance_shares(scheme: Scheme, total: Decimal, shares: dict[Party, Decimal]) -> dict[Party, Decimal]:
    """Each party's advance: ``advance_ratio`` x the net loss, capped at the others' shares, split to the fen."""
    others = [p for p, v in shares.items() if p is not Party.BANK and v > 0]
    owed = sum((shares[p] for p in others), Decimal(0))
    ratio = Decimal(scheme.advance_ratio_bp or 0) / BP_TOTAL
    advance_fen = to_fen(min(round_fen(total * ratio), owed))
    parts = largest_remainder(advance_fen, [to_fen(shares[p]) for p in others]) if others else []
    out: dict[Party, Decimal] = {p: from_fen(part) for p, part in zip(others, parts, strict=True)}
    out.update({p: Decimal(0) for p in shares if p not in out and p is not Party.BANK})
    out[Party.BANK] = total - sum(out.values(), Decimal(0))
    return out


def pays_advance(scheme: Scheme, written_off: bool) -> bool:
    """Whether an approved claim is paid as an advance (预付): the scheme advances less than 100% and the loan is not
    yet written off."""
    ratio = scheme.advance_ratio_bp
    return ratio is not None and ratio < BP_TOTAL and not written_off
