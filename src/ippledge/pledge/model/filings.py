"""A pledge filing's life (质押登记申请): its kinds and states, who confirms it, what may happen in each state, and the
debt amount as the stored terms hold it. Pure, no I/O."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from ippledge.kernel.money import from_fen, to_fen
from ippledge.pledge import errors


class FilingKind(StrEnum):
    REGISTER = "register"  # 设立登记
    CHANGE = "change"  # 变更登记
    RELEASE = "release"  # 注销登记


class FilingStatus(StrEnum):
    """draft -> awaiting_confirmations -> confirmed -> submitted -> registered | refused; or withdrawn before."""

    DRAFT = "draft"  # 草稿：尚无一方确认
    AWAITING_CONFIRMATIONS = "awaiting_confirmations"  # 待对方确认
    CONFIRMED = "confirmed"  # 双方已确认，待提交
    SUBMITTED = "submitted"  # 已提交登记机关
    REGISTERED = "registered"  # 准予登记
    REFUSED = "refused"  # 不予登记
    WITHDRAWN = "withdrawn"  # 撤回

    @property
    def decided(self) -> bool:
        return self in (FilingStatus.REGISTERED, FilingStatus.REFUSED)


class Side(StrEnum):
    PLEDGOR = "pledgor"  # 出质人
    PLEDGEE = "pledgee"  # 质权人


class Action(StrEnum):
    CONFIRM = "confirm"
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    DECIDE = "decide"


_ALLOWED_FROM: dict[Action, frozenset[FilingStatus]] = {
    Action.CONFIRM: frozenset({FilingStatus.DRAFT, FilingStatus.AWAITING_CONFIRMATIONS, FilingStatus.CONFIRMED}),
    Action.SUBMIT: frozenset({FilingStatus.CONFIRMED}),
    Action.WITHDRAW: frozenset(
        {FilingStatus.DRAFT, FilingStatus.AWAITING_CONFIRMATIONS, FilingStatus.CONFIRMED, FilingStatus.SUBMITTED}
    ),
    Action.DECIDE: frozenset({FilingStatus.SUBMITTED}),
}


def required_sides(kind: FilingKind) -> frozenset[Side]:
    """Who confirms a filing made jointly: both sides, whatever the kind (双方共同申请).

    Setting up and changing a pledge are always joint. A release (注销) is joint too, unless one party files it
    alone with proof that the secured debt is extinguished (结清证明): see :func:`sufficient`.
    """
    return frozenset({Side.PLEDGOR, Side.PLEDGEE})


def sufficient(kind: FilingKind, confirmed: frozenset[Side], proof: bool = False) -> bool:
    """Whether the confirmations on file let the filing go to the registry."""
    if kind is FilingKind.RELEASE and proof and confirmed:
        return True  # 一方凭主债权消灭证明单方申请注销
    return required_sides(kind) <= confirmed


def status_after_confirmation(kind: FilingKind, confirmed: frozenset[Side], proof: bool = False) -> FilingStatus:
    if sufficient(kind, confirmed, proof):
        return FilingStatus.CONFIRMED
    return FilingStatus.AWAITING_CONFIRMATIONS if confirmed else FilingStatus.DRAFT


def check_action(status: FilingStatus, action: Action) -> None:
    """Raise ``ConflictError`` when ``action`` is not possible in ``status``."""
    if status in _ALLOWED_FROM[action]:
        return
    if action is Action.SUBMIT and status in (FilingStatus.DRAFT, FilingStatus.AWAITING_CONFIRMATIONS):
        raise errors.NOT_CONFIRMED(status=status.value)
    raise errors.BAD_STATUS(status=status.value, action=action.value)


# --- stored terms (登记事项记录) -------------------------------------------------------------------------------------
# Change filings' payloads and the registered changes' before/after are JSON that keeps the debt amount as integer
# fen under ``debt_amount_fen`` (as the API's ``change`` shows it); these two are the only conversions.


def terms_fen(amount: Decimal) -> int:
    """The debt amount as the stored terms JSON holds it: integer fen."""
    return to_fen(amount)


def terms_amount(fen: object) -> Decimal:
    """The debt amount of a stored terms JSON value (integer fen) as yuan."""
    return from_fen(int(str(fen)))
