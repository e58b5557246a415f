"""Pledge registration rules (质押登记规则): filing states, refusal grounds, pre-checks, time limits. Pure, no I/O.

Sources: DOMAIN.md §3 (专利权质押登记办法, CNIPA 2021, art. 12 refusal grounds; 商标专用权质权登记程序 2020 for the
trademark grounds and the duty to pledge similar marks together; Civil Code art. 428 流质条款, which is recorded with
a warning and is not a ground, and art. 444 pledge of IP exists from registration). ``precheck`` returns *every*
refusal that applies, never only the first, so the parties can fix a filing in one round.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from ippledge.kernel.calendar import WorkingCalendar
from ippledge.kernel.errors import ErrorCode, IppledgeError
from ippledge.kernel.money import from_fen, to_fen
from ippledge.pledge import errors
from ippledge.registry.model import (
    AnnuityState,
    AssetFacts,
    IpKind,
    LegalState,
    MarkTerm,
    annuity_state,
    grace_end,
    mark_term,
    renewal_grace_end,
)


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


# --- refusal grounds (不予登记的情形) -------------------------------------------------------------------------------


class RefusalGround(StrEnum):
    """The grounds of DOMAIN.md §3 in order, plus the forfeiture clause. The value is the reason code."""

    NOT_OWNER = errors.NOT_OWNER.code  # 1 出质人不是登记的权利人
    RIGHT_NOT_ALIVE = errors.RIGHT_NOT_ALIVE.code  # 2 权利已终止或被宣告无效
    NOT_GRANTED = errors.NOT_GRANTED.code  # 3 申请尚未授权
    ANNUITY_UNPAID = errors.ANNUITY_UNPAID.code  # 4 年费未缴
    PRESERVED = errors.PRESERVED.code  # 5 权属纠纷中止或被保全
    DEBT_PAST_EXPIRY = errors.DEBT_PAST_EXPIRY.code  # 6 债务履行期限超过权利有效期
    CONTRACT_INCOMPLETE = errors.CONTRACT_INCOMPLETE.code  # 7 合同缺少必备内容
    COOWNER_CONSENT_MISSING = errors.COOWNER_CONSENT_MISSING.code  # 8 共有未经全体共有人同意
    ALREADY_PLEDGED = errors.ALREADY_PLEDGED.code  # 9 已被质押且处于质押状态
    SAME_DAY_DUAL = errors.SAME_DAY_DUAL.code  # 10 同日申请的发明与实用新型
    INVALIDATION_PENDING = errors.INVALIDATION_PENDING.code  # 11 无效宣告请求审查中
    OTHER = errors.OTHER.code  # 12 其他不符合规定的情形
    # trademarks (商标专用权质权登记程序): their own grounds, numbered on from 13
    MARK_REVOKED = errors.MARK_REVOKED.code  # 13 商标被撤销
    MARK_CANCELLED = errors.MARK_CANCELLED.code  # 14 商标被注销
    MARK_EXPIRED = errors.MARK_EXPIRED.code  # 15 商标有效期满未续展
    MARK_SEALED = errors.MARK_SEALED.code  # 16 商标被查封、冻结
    SIMILAR_MARKS_APART = errors.SIMILAR_MARKS_APART.code  # 17 相同或近似商标未一并出质

    @property
    def number(self) -> int:
        """The ground's number: 1-12 as DOMAIN.md §3 lists them, 13-17 the trademark grounds."""
        return list(RefusalGround).index(self) + 1

    @property
    def title_zh(self) -> str:
        return _TITLES[self][0]

    @property
    def title_en(self) -> str:
        return _TITLES[self][1]


_GROUND_ERRORS: dict[RefusalGround, ErrorCode] = {g: getattr(errors, g.name) for g in RefusalGround}
assert all(e.code == g.value for g, e in _GROUND_ERRORS.items())

_TITLES: dict[RefusalGround, tuple[str, str]] = {
    RefusalGround.NOT_OWNER: ("出质人不是登记的权利人", "pledgor is not the registered owner"),
    RefusalGround.RIGHT_NOT_ALIVE: ("权利已终止或被宣告无效", "the right has terminated or been invalidated"),
    RefusalGround.NOT_GRANTED: ("专利申请尚未被授权", "the application has not been granted"),
    RefusalGround.ANNUITY_UNPAID: ("年费未按期缴纳", "annuity unpaid"),
    RefusalGround.PRESERVED: ("因权属纠纷中止或被采取保全措施", "suspended for an ownership dispute or preserved"),
    RefusalGround.DEBT_PAST_EXPIRY: ("债务履行期限超过权利有效期", "debt term runs past the right's expiry"),
    RefusalGround.CONTRACT_INCOMPLETE: ("质押合同缺少必备内容", "contract lacks mandatory content"),
    RefusalGround.COOWNER_CONSENT_MISSING: ("共有权利未经全体共有人同意", "co-owned without every co-owner's consent"),
    RefusalGround.ALREADY_PLEDGED: ("已被质押且质押处于有效状态", "already pledged with a pledge in force"),
    RefusalGround.SAME_DAY_DUAL: ("同日申请的发明与实用新型", "same-day invention and utility model"),
    RefusalGround.INVALIDATION_PENDING: ("无效宣告请求正在审查", "invalidation request pending"),
    RefusalGround.OTHER: ("其他不符合规定的情形", "other ground"),
    RefusalGround.MARK_REVOKED: ("注册商标已被撤销", "the mark has been revoked"),
    RefusalGround.MARK_CANCELLED: ("注册商标已被注销", "the mark has been cancelled"),
    RefusalGround.MARK_EXPIRED: ("注册商标期满未续展", "the mark expired and was not renewed"),
    RefusalGround.MARK_SEALED: ("注册商标被查封、冻结", "the mark is sealed or frozen"),
    RefusalGround.SIMILAR_MARKS_APART: ("相同或近似商标未一并出质", "identical or similar marks not pledged together"),
}

# Grounds the parties clear in the filing itself (a consent, an agreement, a confirmation, the contract's text, the
# marks listed): an early check (intake, credit) reports them but does not stop the loan on them.
CURED_IN_FILING = frozenset(
    {
        RefusalGround.CONTRACT_INCOMPLETE,
        RefusalGround.COOWNER_CONSENT_MISSING,
        RefusalGround.SAME_DAY_DUAL,
        RefusalGround.INVALIDATION_PENDING,
        RefusalGround.SIMILAR_MARKS_APART,
    }
)


@dataclass(frozen=True)
class Refusal:
    """One reason a filing cannot be registered; ``asset_id``/``number`` name the IP when the ground is per IP."""

    ground: RefusalGround
    message_zh: str
    message_en: str
    asset_id: int | None = None
    number: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    @property
    def code(self) -> str:
        return self.ground.value

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "ground": self.ground.number,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
            "asset_id": self.asset_id,
            "number": self.number,
            "details": dict(self.details),
        }


@dataclass(frozen=True)
class FilingWarning:
    """Something the registry records and tells the parties but that does not stop registration (提示)."""

    code: str
    message_zh: str
    message_en: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "message_zh": self.message_zh, "message_en": self.message_en}


FORFEITURE_WARNING = FilingWarning(
    "pledge.forfeiture_clause",
    "合同约定债务人不履行到期债务时质物归质权人所有（流质条款）：该约定不发生所有权转移的效力，"
    "质权人只能依法就质物优先受偿（民法典第428条）",
    "the contract says the IP passes to the pledgee on default (forfeiture clause): that term does not transfer "
    "the right; the pledgee may only be paid first out of the IP (Civil Code art. 428)",
)


@dataclass(frozen=True)
class FilingFacts:
    """What a filing says (the contract's content and the parties' recorded confirmations)."""

    pledgor_id: int | None
    pledgee_id: int | None
    debt_type: str | None = None
    debt_amount: Decimal | None = None
    debt_start: dt.date | None = None
    debt_end: dt.date | None = None  # performance deadline (债务履行期限)
    security_scope: str | None = None  # 担保范围
    forfeiture_clause: bool = False
    consenting_party_ids: frozenset[int] = frozenset()  # co-owners whose consent is on file
    coowner_agreement: bool = False  # the co-owners' prior agreement (特别约定) allowing a pledge is on file
    confirms_same_day_dual: bool = False
    confirms_invalidation_pending: bool = False
    registry_kinds: frozenset[IpKind] | None = None  # kinds the registry registers; None = any


_DEAD = frozenset(
    {
        LegalState.TERMINATED,
        LegalState.INVALIDATED,
        LegalState.EXPIRED,
        LegalState.ABANDONED,
        LegalState.REVOKED,
        LegalState.CANCELLED,
    }
)


def _missing_contract_fields(f: FilingFacts, assets: Sequence[AssetFacts]) -> list[str]:
    missing: list[str] = []
    if f.pledgor_id is None:
        missing.append("pledgor")
    if f.pledgee_id is None:
        missing.append("pledgee")
    if not (f.debt_type or "").strip():
        missing.append("debt_type")
    if f.debt_amount is None or f.debt_amount <= 0:
        missing.append("debt_amount")
    if f.debt_end is None:
        missing.append("debt_end")
    if not (f.security_scope or "").strip():
        missing.append("security_scope")
    if not assets:
        missing.append("ip_items")
    for a in assets:
        if not a.title.strip():
            missing.append(f"ip[{a.number}].title")
        if not a.number.strip():
            missing.append(f"ip[{a.id}].number")
        # A pending application has no grant date; ground 3 already says so, so it is not listed twice.
        if a.grant_date is None and a.status is not LegalState.PENDING:
            missing.append(f"ip[{a.number}].grant_date")
    return missing


def _mark_expired(add: Callable[..., None], n: str, expiry: dt.date, as_of: dt.date) -> None:
    if mark_term(expiry, as_of) is MarkTerm.IN_GRACE:
        until = renewal_grace_end(expiry)
        add(
            RefusalGround.MARK_EXPIRED,
            f"{n}：注册商标已于{expiry.isoformat()}期满，尚在宽展期（至{until.isoformat()}），须先办理续展",
            f"{n}: the mark expired on {expiry.isoformat()}; it can still be renewed until {until.isoformat()} "
            "(grace period), and must be before it is pledged",
            expiry_date=expiry.isoformat(),
            renewable_until=until.isoformat(),
        )
        return
    add(
        RefusalGround.MARK_EXPIRED,
        f"{n}：注册商标已于{expiry.isoformat()}期满且未续展",
        f"{n}: the mark expired on {expiry.isoformat()} and was not renewed",
        expiry_date=expiry.isoformat(),
    )


def _mark_key(title: str) -> str:
    return "".join(ch for ch in title.casefold() if ch.isalnum())


def similar_marks(a: AssetFacts, b: AssetFacts) -> bool:
    """Identical or similar marks on identical or similar goods (相同或近似商标、同一种或类似商品).

    The register holds the mark's text and Nice classes, not its design or the 类似商品和服务区分表 groups, so this
    is the part that can be decided from them: the same text, or one text inside the other (华信 / 华信达), in a
    shared Nice class.
    """
    if a.kind is not IpKind.TRADEMARK or b.kind is not IpKind.TRADEMARK or not (a.nice_classes & b.nice_classes):
        return False
    ka, kb = _mark_key(a.title), _mark_key(b.title)
    if not ka or not kb:
        return False
    return ka == kb or (min(len(ka), len(kb)) >= 2 and (ka in kb or kb in ka))


def marks_apart(assets: Sequence[AssetFacts], pledgor_marks: Sequence[AssetFacts]) -> list[Refusal]:
    """Ground 17: each filed live mark with a live identical or similar mark of the pledgor left out of the filing
    (a filed mark that is itself dead is refused for that; listing its twins would add nothing)."""
    filed = {a.id for a in assets}
    out: list[Refusal] = []
    for a in assets:
        if a.status is not LegalState.IN_FORCE:
            continue
        left = sorted(
            m.number
            for m in pledgor_marks
            if m.id not in filed and m.status is LegalState.IN_FORCE and similar_marks(a, m)
        )
        if left:
            out.append(
                Refusal(
                    RefusalGround.SIMILAR_MARKS_APART,
                    f"{a.number}：同一种或类似商品上的相同或近似商标（{', '.join(left)}）须一并出质",
                    f"{a.number}: identical or similar marks on similar goods ({', '.join(left)}) must be pledged too",
                    asset_id=a.id,
                    number=a.number,
                    details={"left_out": left},
                )
            )
    return out


def _per_asset(f: FilingFacts, a: AssetFacts, in_force: Mapping[int, str], as_of: dt.date) -> list[Refusal]:
    out: list[Refusal] = []
    n = a.number

    def add(ground: RefusalGround, zh: str, en: str, **details: Any) -> None:
        out.append(Refusal(ground, zh, en, asset_id=a.id, number=n, details=details))

    if f.registry_kinds is not None and a.kind not in f.registry_kinds:
        kinds = sorted(k.value for k in f.registry_kinds)
        add(
            RefusalGround.OTHER,
            f"{n}：该登记机关不办理此类知识产权（{a.kind.value}）的质押登记",
            f"{n}: this registry does not register pledges of {a.kind.value} rights",
            reason="wrong_registry",
            registry_kinds=kinds,
        )
    owner_ids = {o.party_id for o in a.owners}
    if f.pledgor_id is not None and f.pledgor_id not in owner_ids:
        add(RefusalGround.NOT_OWNER, f"{n}：出质人不是登记的权利人", f"{n}: the pledgor is not the registered owner")
    expired = a.expiry_date is not None and a.expiry_date < as_of
    mark = a.kind is IpKind.TRADEMARK
    if mark and a.status is LegalState.REVOKED:
        add(RefusalGround.MARK_REVOKED, f"{n}：注册商标已被撤销", f"{n}: the mark has been revoked")
    elif mark and a.status is LegalState.CANCELLED:
        add(RefusalGround.MARK_CANCELLED, f"{n}：注册商标已被注销", f"{n}: the mark has been cancelled")
    elif mark and a.expiry_date is not None and (a.status is LegalState.EXPIRED or expired):
        _mark_expired(add, n, a.expiry_date, as_of)
    elif a.status in _DEAD or (expired and a.status is not LegalState.PENDING):
        add(
            RefusalGround.RIGHT_NOT_ALIVE,
            f"{n}：权利已终止、届满或被宣告无效",
            f"{n}: the right has terminated, expired or been invalidated ({a.status.value})",
            status=a.status.value,
        )
    if a.status is LegalState.PENDING:
        add(RefusalGround.NOT_GRANTED, f"{n}：申请尚未授权", f"{n}: the application has not been granted")
    if a.status is LegalState.IN_FORCE and not expired:
        for due in a.unpaid_due_dates:
            state = annuity_state(due, None, as_of)
            if state is AnnuityState.IN_GRACE:
                add(
                    RefusalGround.ANNUITY_UNPAID,
                    f"{n}：{due.isoformat()}到期的年费未缴，处于滞纳期（至{grace_end(due).isoformat()}），权利有终止风险",
                    f"{n}: annuity due {due.isoformat()} unpaid, in the grace period until "
                    f"{grace_end(due).isoformat()}; the right is at risk",
                    due=due.isoformat(),
                    state=state.value,
                )
            elif state is AnnuityState.LAPSED:
                add(
                    RefusalGround.ANNUITY_UNPAID,
                    f"{n}：{due.isoformat()}到期的年费滞纳期已过仍未缴纳，权利已终止",
                    f"{n}: annuity due {due.isoformat()} unpaid past the grace period; the right has lapsed",
                    due=due.isoformat(),
                    state=state.value,
                )
    if a.preserved and mark:
        add(
            RefusalGround.MARK_SEALED,
            f"{n}：注册商标已被法院查封、冻结",
            f"{n}: the mark is sealed or frozen by a court",
        )
    elif a.preserved:
        add(
            RefusalGround.PRESERVED,
            f"{n}：因权属纠纷中止或已被法院保全",
            f"{n}: suspended for an ownership dispute or under court preservation",
        )
    # Ground 6 is about a right still running; one already past its term is refused as such (ground 2 or 15).
    if f.debt_end is not None and a.expiry_date is not None and not expired and f.debt_end > a.expiry_date:
        add(
            RefusalGround.DEBT_PAST_EXPIRY,
            f"{n}：债务履行期限（{f.debt_end.isoformat()}）超过权利有效期（{a.expiry_date.isoformat()}）",
            f"{n}: the debt runs to {f.debt_end.isoformat()}, past the right's expiry {a.expiry_date.isoformat()}",
            debt_end=f.debt_end.isoformat(),
            expiry_date=a.expiry_date.isoformat(),
        )
    if f.pledgor_id is not None and f.pledgor_id in owner_ids and len(owner_ids) > 1:
        missing = sorted(owner_ids - {f.pledgor_id} - f.consenting_party_ids)
        if missing and not f.coowner_agreement:  # 未取得全体共有人同意且无特别约定
            add(
                RefusalGround.COOWNER_CONSENT_MISSING,
                f"{n}：共有权利缺少共有人同意（共有人编号：{', '.join(map(str, missing))}）",
                f"{n}: co-owned right lacks the consent of co-owner(s) {', '.join(map(str, missing))}",
                missing_party_ids=missing,
            )
    if a.id in in_force:
        reg = in_force[a.id]
        add(
            RefusalGround.ALREADY_PLEDGED,
            f"{n}：已被质押（登记号 {reg}），质押尚未注销",
            f"{n}: already pledged under registration {reg}, not yet released",
            registration_no=reg,
        )
    if a.same_day_twin and not f.confirms_same_day_dual:
        add(
            RefusalGround.SAME_DAY_DUAL,
            f"{n}：与{a.same_day_twin}为同日申请的发明和实用新型，需当事人确认后方可登记",
            f"{n}: same-day invention/utility model pair with {a.same_day_twin}; needs the parties' confirmation",
            twin=a.same_day_twin,
        )
    if a.invalidation_pending and not f.confirms_invalidation_pending:
        add(
            RefusalGround.INVALIDATION_PENDING,
            f"{n}：无效宣告请求正在审查中，需当事人确认后方可登记",
            f"{n}: an invalidation request is pending; needs the parties' confirmation",
        )
    return out


def precheck(
    filing: FilingFacts,
    assets: Sequence[AssetFacts],
    in_force: Mapping[int, str],
    as_of: dt.date,
    pledgor_marks: Sequence[AssetFacts] = (),
) -> list[Refusal]:
    """Every refusal that applies to ``filing`` on ``as_of``.

    ``in_force`` maps asset id -> registration number of a pledge in force on it (other than the one a change
    filing amends). Grounds 10 and 11 pass only when the filing records the parties' confirmation; ground 12
    (other) is raised here only for an IP kind the registry does not handle, otherwise by an officer's decision.
    ``pledgor_marks``: the pledgor's other marks, for the duty to pledge similar marks together (ground 17).
    A forfeiture clause is not a ground: see :func:`warnings`.
    """
    refusals: list[Refusal] = []
    missing = _missing_contract_fields(filing, assets)
    if missing:
        refusals.append(
            Refusal(
                RefusalGround.CONTRACT_INCOMPLETE,
                f"质押合同缺少必备内容：{', '.join(missing)}",
                f"the pledge contract lacks mandatory content: {', '.join(missing)}",
                details={"missing": missing},
            )
        )
    for a in assets:
        refusals.extend(_per_asset(filing, a, in_force, as_of))
    refusals.extend(marks_apart(assets, pledgor_marks))
    return sorted(refusals, key=lambda r: (r.ground.number, r.number or ""))


def warnings(filing: FilingFacts) -> list[FilingWarning]:
    """What the registry records and warns about without refusing: a forfeiture clause (Civil Code art. 428)."""
    return [FORFEITURE_WARNING] if filing.forfeiture_clause else []


def asset_precheck(
    pledgor_id: int,
    assets: Sequence[AssetFacts],
    in_force: Mapping[int, str],
    as_of: dt.date,
    *,
    debt_end: dt.date | None = None,
    registry_kinds: frozenset[IpKind] | None = None,
    pledgor_marks: Sequence[AssetFacts] = (),
) -> list[Refusal]:
    """The registry's pre-check on the offered IP before any contract exists (intake, credit): every per-IP ground,
    with the contract's grounds left out (no contract yet) and ground 6 only when the debt's end is known."""
    facts = FilingFacts(pledgor_id=pledgor_id, pledgee_id=None, debt_end=debt_end, registry_kinds=registry_kinds)
    out: list[Refusal] = []
    for a in assets:
        out.extend(_per_asset(facts, a, in_force, as_of))
    out.extend(marks_apart(assets, pledgor_marks))
    return sorted(out, key=lambda r: (r.ground.number, r.number or ""))


def blocking(refusals: Sequence[Refusal]) -> list[Refusal]:
    """Those refusals the parties cannot clear in the filing itself (see ``CURED_IN_FILING``)."""
    return [r for r in refusals if r.ground not in CURED_IN_FILING]


def refusal_error(refusals: Sequence[Refusal]) -> IppledgeError:
    """The error an officer gets when asked to register a filing that has refusals.

    One distinct ground gives that ground's code (so a double pledge is ``pledge.already_pledged`` whether Python
    or the database caught it); several give ``pledge.precheck_failed``. ``details.reasons`` lists them all.
    """
    grounds = sorted({r.ground for r in refusals}, key=lambda g: g.number)
    error = _GROUND_ERRORS[grounds[0]] if len(grounds) == 1 else errors.PRECHECK_FAILED
    zh = "；".join(r.message_zh for r in refusals)
    en = "; ".join(r.message_en for r in refusals)
    return error.kind(
        f"不予登记：{zh}",
        f"cannot register: {en}",
        code=error.code,
        details={"reasons": [r.to_dict() for r in refusals]},
    )


def already_pledged_error(numbers: Sequence[str]) -> IppledgeError:
    """The double-pledge error when the database's unique index caught it (another registration won the race)."""
    reasons = [{"code": RefusalGround.ALREADY_PLEDGED.value, "numbers": list(numbers)}]
    return errors.ALREADY_PLEDGED(numbers=", ".join(numbers), reasons=reasons)


# --- time limits and registration numbers ---------------------------------------------------------------------------

DEFAULT_TIME_LIMIT_WORKING_DAYS = 3  # CNIPA service guide for patents and trademarks; CPCC copyright: 10
DEFAULT_OFFICE_CODE = "98"


class DayBasis(StrEnum):
    """How a registry's time limit counts: CNIPA in working days, the Copyright Protection Centre in calendar days
    (著作权质权登记办法 2011: 10 days)."""

    WORKING = "working"
    CALENDAR = "calendar"


def decision_due(
    submitted_on: dt.date, days: int, calendar: WorkingCalendar, basis: DayBasis = DayBasis.WORKING
) -> dt.date:
    """Last day the registry may decide: ``days`` working (or calendar) days after submission, not counting it."""
    if basis is DayBasis.CALENDAR:
        return submitted_on + dt.timedelta(days=days)
    return calendar.add_working_days(submitted_on, days)


def validate_day_basis(text: str) -> DayBasis:
    try:
        return DayBasis(text)
    except ValueError:
        raise errors.DAY_BASIS(basis=text) from None


def validate_time_limit(days: int) -> int:
    if not 1 <= days <= 60:
        raise errors.TIME_LIMIT_RANGE(days=days)
    return days


def validate_office_code(code: str) -> str:
    if len(code) != 2 or not code.isascii() or not code.isdigit():
        raise errors.OFFICE_CODE(office_code=code)
    return code


def registration_number(year: int, office_code: str, serial: int) -> str:
    """Pledge registration number (质押登记号) in the form CNIPA prints, e.g. ``Y2023980012345``.

    ``Y`` + 4-digit year of registration + 2-digit office code (per registry setting) + 7-digit serial that
    restarts every year at each registry.
    """
    validate_office_code(office_code)
    if not 1 <= serial <= 9_999_999 or not 1985 <= year <= 9999:
        raise ValueError(f"serial {serial} or year {year} out of range")
    return f"Y{year:04d}{office_code}{serial:07d}"


# --- stored terms (登记事项记录) -------------------------------------------------------------------------------------
# Change filings' payloads and the registered changes' before/after are JSON that keeps the debt amount as integer
# fen under ``debt_amount_fen`` (as the API's ``change`` shows it); these two are the only conversions.


def terms_fen(amount: Decimal) -> int:
    """The debt amount as the stored terms JSON holds it: integer fen."""
    return to_fen(amount)


def terms_amount(fen: object) -> Decimal:
    """The debt amount of a stored terms JSON value (integer fen) as yuan."""
    return from_fen(int(str(fen)))
