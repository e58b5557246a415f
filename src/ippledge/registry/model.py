"""Register rules (登记簿规则): kinds of IP, legal states, status events, terms and annuity grace. Pure, no I/O.

Sources: DOMAIN.md §3 (CNIPA gazette headings and INPADOC codes for China; Patent Law art. 42-44; Trademark Law
art. 39-40; annuity grace per Implementing Rules r. 98/113).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from ippledge.kernel.calendar import add_months
from ippledge.kernel.errors import IppledgeError
from ippledge.registry import errors
from ippledge.registry.mark_terms import RENEWAL_GRACE_MONTHS as RENEWAL_GRACE_MONTHS
from ippledge.registry.mark_terms import RENEWAL_WINDOW_MONTHS as RENEWAL_WINDOW_MONTHS
from ippledge.registry.mark_terms import MarkTerm as MarkTerm
from ippledge.registry.mark_terms import mark_term as mark_term
from ippledge.registry.mark_terms import renewal_grace_end as renewal_grace_end
from ippledge.registry.mark_terms import renewed_expiry as renewed_expiry


class IpKind(StrEnum):
    PATENT = "patent"  # 专利
    TRADEMARK = "trademark"  # 商标
    COPYRIGHT = "copyright"  # 著作权


class Subtype(StrEnum):
    INVENTION = "invention"  # 发明
    UTILITY_MODEL = "utility_model"  # 实用新型
    DESIGN = "design"  # 外观设计
    MARK = "mark"  # 注册商标
    WORK = "work"  # 作品
    SOFTWARE = "software"  # 计算机软件


class Designation(StrEnum):
    """Public designations of an enterprise (企业认定) a whitelist criterion may cite."""

    IP_DEMONSTRATION = "ip_demonstration"  # 国家/市知识产权示范企业
    IP_ADVANTAGE = "ip_advantage"  # 国家/市知识产权优势企业
    SPECIALISED = "specialised"  # 专精特新（中小企业）
    HIGH_TECH = "high_tech"  # 高新技术企业
    PARK = "park"  # 入驻园区 (detail: the park)


KIND_OF: dict[Subtype, IpKind] = {
    Subtype.INVENTION: IpKind.PATENT,
    Subtype.UTILITY_MODEL: IpKind.PATENT,
    Subtype.DESIGN: IpKind.PATENT,
    Subtype.MARK: IpKind.TRADEMARK,
    Subtype.WORK: IpKind.COPYRIGHT,
    Subtype.SOFTWARE: IpKind.COPYRIGHT,
}


class LegalState(StrEnum):
    PENDING = "pending"  # 审中（未授权）
    IN_FORCE = "in_force"  # 有效
    TERMINATED = "terminated"  # 终止（未缴年费）
    INVALIDATED = "invalidated"  # 全部无效
    EXPIRED = "expired"  # 期限届满
    ABANDONED = "abandoned"  # 放弃
    REVOKED = "revoked"  # 商标被撤销 (Trademark Law art. 49)
    CANCELLED = "cancelled"  # 商标被注销 (surrendered by the owner)
    NOT_GRANTED = "not_granted"  # 申请终止：公布后驳回、撤回或视为撤回 (an application that ended ungranted)

    @property
    def alive(self) -> bool:
        return self is LegalState.IN_FORCE


LEGAL_STATE_ZH: dict[LegalState, str] = {
    LegalState.PENDING: "审中",
    LegalState.IN_FORCE: "有效",
    LegalState.TERMINATED: "未缴年费终止",
    LegalState.INVALIDATED: "全部无效",
    LegalState.EXPIRED: "期限届满",
    LegalState.ABANDONED: "放弃",
    LegalState.REVOKED: "商标已撤销",
    LegalState.CANCELLED: "商标已注销",
    LegalState.NOT_GRANTED: "申请已终止（未授权）",
}


class EventCode(StrEnum):
    """Legal-status events (法律状态事件), CNIPA gazette headings with INPADOC codes (DOMAIN.md §3)."""

    PE01 = "PE01"  # 专利权质押合同登记的生效
    PM01 = "PM01"  # 专利权质押合同登记的变更
    PC01 = "PC01"  # 专利权质押合同登记的注销
    CF01 = "CF01"  # 未缴年费专利权终止
    PP01 = "PP01"  # 专利权的保全
    PD01 = "PD01"  # 专利权保全的解除
    TR01 = "TR01"  # 专利权的转移
    EE01 = "EE01"  # 专利实施许可合同备案的生效
    EM01 = "EM01"  # 专利实施许可合同备案的变更
    EC01 = "EC01"  # 专利实施许可合同备案的注销
    IW01 = "IW01"  # 专利权全部无效
    IP01 = "IP01"  # 专利权部分无效
    CX01 = "CX01"  # 专利权有效期届满
    AV01 = "AV01"  # 放弃专利权
    RR01 = "RR01"  # 专利权的恢复
    # Trademark register events (商标登记簿事项); the gazette has no INPADOC code for them, these are our own.
    TM01 = "TM01"  # 商标续展注册
    TM02 = "TM02"  # 注册商标的撤销
    TM03 = "TM03"  # 注册商标的注销
    # Added by decision 0031 (issue 16 item 6): term changes, open licences, the holder's name or address, and the
    # end of an application after publication (the register holds pending applications too).
    TG01 = "TG01"  # 专利权期限补偿（审查延迟）
    TP01 = "TP01"  # 药品专利权期限补偿
    OL01 = "OL01"  # 专利开放许可声明
    OL02 = "OL02"  # 撤回专利开放许可声明
    CP01 = "CP01"  # 专利权人的姓名或者名称变更
    CP02 = "CP02"  # 专利权人的地址变更
    CP03 = "CP03"  # 专利权人的姓名或者名称、地址变更
    WD01 = "WD01"  # 发明专利申请公布后的视为撤回
    WW01 = "WW01"  # 发明专利申请公布后的撤回
    RJ01 = "RJ01"  # 发明专利申请公布后的驳回


EVENT_ZH: dict[EventCode, str] = {
    EventCode.PE01: "专利权质押合同登记的生效",
    EventCode.PM01: "专利权质押合同登记的变更",
    EventCode.PC01: "专利权质押合同登记的注销",
    EventCode.CF01: "未缴年费专利权终止",
    EventCode.PP01: "专利权的保全",
    EventCode.PD01: "专利权保全的解除",
    EventCode.TR01: "专利权的转移",
    EventCode.EE01: "专利实施许可合同备案的生效",
    EventCode.EM01: "专利实施许可合同备案的变更",
    EventCode.EC01: "专利实施许可合同备案的注销",
    EventCode.IW01: "专利权全部无效宣告",
    EventCode.IP01: "专利权部分无效宣告",
    EventCode.CX01: "专利权有效期届满",
    EventCode.AV01: "放弃专利权",
    EventCode.RR01: "专利权的恢复",
    EventCode.TM01: "商标续展注册",
    EventCode.TM02: "注册商标的撤销",
    EventCode.TM03: "注册商标的注销",
    EventCode.TG01: "专利权期限补偿",
    EventCode.TP01: "药品专利权期限补偿",
    EventCode.OL01: "专利开放许可声明",
    EventCode.OL02: "撤回专利开放许可声明",
    EventCode.CP01: "专利权人的姓名或者名称变更",
    EventCode.CP02: "专利权人的地址变更",
    EventCode.CP03: "专利权人的姓名或者名称、地址变更",
    EventCode.WD01: "发明专利申请公布后的视为撤回",
    EventCode.WW01: "发明专利申请公布后的撤回",
    EventCode.RJ01: "发明专利申请公布后的驳回",
}

EVENT_EN: dict[EventCode, str] = {
    EventCode.PE01: "pledge registration in force",
    EventCode.PM01: "pledge changed",
    EventCode.PC01: "pledge cancelled",
    EventCode.CF01: "terminated for unpaid annuity",
    EventCode.PP01: "preservation",
    EventCode.PD01: "preservation discharged",
    EventCode.TR01: "transfer of the right",
    EventCode.EE01: "licence recorded",
    EventCode.EM01: "licence changed",
    EventCode.EC01: "licence cancelled",
    EventCode.IW01: "invalidated in full",
    EventCode.IP01: "invalidated in part",
    EventCode.CX01: "term expired",
    EventCode.AV01: "abandoned",
    EventCode.RR01: "right restored",
    EventCode.TM01: "trademark renewed",
    EventCode.TM02: "trademark revoked",
    EventCode.TM03: "trademark cancelled",
    EventCode.TG01: "patent term adjustment",
    EventCode.TP01: "patent term extension (pharmaceutical)",
    EventCode.OL01: "open licence declared",
    EventCode.OL02: "open licence withdrawn",
    EventCode.CP01: "holder's name changed",
    EventCode.CP02: "holder's address changed",
    EventCode.CP03: "holder's name or address changed",
    EventCode.WD01: "application deemed withdrawn after publication",
    EventCode.WW01: "application withdrawn after publication",
    EventCode.RJ01: "application rejected after publication",
}

# State a terminal event leads to, and which states it may start from.
_TERMINAL: dict[EventCode, LegalState] = {
    EventCode.CF01: LegalState.TERMINATED,
    EventCode.IW01: LegalState.INVALIDATED,
    EventCode.CX01: LegalState.EXPIRED,
    EventCode.AV01: LegalState.ABANDONED,
    EventCode.TM02: LegalState.REVOKED,
    EventCode.TM03: LegalState.CANCELLED,
}
# Events that require the right to be alive (you cannot license or pledge a dead patent).
_NEEDS_ALIVE = frozenset(
    {
        EventCode.PE01,
        EventCode.PM01,
        EventCode.TR01,
        EventCode.EE01,
        EventCode.EM01,
        EventCode.IP01,
        EventCode.PP01,
        EventCode.TM01,  # a renewal keeps a live mark alive; a dead one cannot be renewed
        EventCode.TG01,  # a term is adjusted or extended only on a patent in force
        EventCode.TP01,
        EventCode.OL01,  # an open licence is declared on a right in force (Implementing Rules 2023 r. 86)
    }
)
# The end of an application after publication: only a pending application, and it never becomes a right.
_APPLICATION_ENDED = frozenset({EventCode.WD01, EventCode.WW01, EventCode.RJ01})


def next_state(state: LegalState, code: EventCode) -> LegalState:
    """The legal state after ``code``; raises ``ConflictError`` for an event that cannot happen in ``state``."""
    if code in _TERMINAL:
        if state is not LegalState.IN_FORCE:
            raise _out_of_order(state, code)
        return _TERMINAL[code]
    if code is EventCode.RR01:
        # Restoration (恢复) of a right terminated for a missed fee, or of an application deemed withdrawn for a
        # missed time limit (Implementing Rules r. 6): the right back in force, the application back pending.
        if state is LegalState.TERMINATED:
            return LegalState.IN_FORCE
        if state is LegalState.NOT_GRANTED:
            return LegalState.PENDING
        raise _out_of_order(state, code)
    if code in _APPLICATION_ENDED:
        if state is not LegalState.PENDING:
            raise _out_of_order(state, code)
        return LegalState.NOT_GRANTED
    if code in _NEEDS_ALIVE and state is not LegalState.IN_FORCE:
        raise _out_of_order(state, code)
    return state


# Events that change the register state (status or flags); a backdated one would rewrite history.
STATE_EVENTS = frozenset(_TERMINAL) | _APPLICATION_ENDED | {EventCode.RR01, EventCode.PP01, EventCode.PD01}
STATE_EVENTS |= {EventCode.OL01, EventCode.OL02}
# Events only a trademark can have; the rest are the patent gazette's (copyright uses the pledge and preservation ones).
TRADEMARK_EVENTS = frozenset({EventCode.TM01, EventCode.TM02, EventCode.TM03})
# Pledge events: the register of pledges itself belongs to the pledge capability; registry only records them.
PLEDGE_EVENTS = frozenset({EventCode.PE01, EventCode.PM01, EventCode.PC01})
# While preserved (保全) the owner may neither transfer nor abandon the right.
# An open licence is not declared while preserved either (Implementing Rules 2023 r. 86(2)).
_BLOCKED_WHILE_PRESERVED = frozenset({EventCode.TR01, EventCode.AV01, EventCode.OL01})


@dataclass(frozen=True)
class RegisterState:
    """The part of an asset's register entry that legal-status events change."""

    status: LegalState
    preserved: bool = False
    invalidation_pending: bool = False
    open_licence: bool = False  # 开放许可 declared and not withdrawn: an encumbrance on the register (OL01/OL02)


def apply_event(state: RegisterState, code: EventCode) -> RegisterState:
    """The register state after ``code``; raises ``ConflictError`` for an event that cannot happen now.

    Beyond :func:`next_state`: PP01 needs the right unpreserved, PD01 needs it preserved; a transfer or abandonment
    is refused while preserved; a decision on invalidation (IW01 in full, IP01 in part, which keeps the right in
    force) closes any pending invalidation request.
    """
    if state.preserved and code in _BLOCKED_WHILE_PRESERVED:
        raise errors.ASSET_PRESERVED(event=code.value, event_zh=EVENT_ZH[code], event_en=EVENT_EN[code])
    if code is EventCode.PD01:
        if not state.preserved:
            raise _out_of_order(state.status, code, "not preserved")
        return RegisterState(state.status, False, state.invalidation_pending)
    if code is EventCode.PP01 and state.preserved:
        raise _out_of_order(state.status, code, "already preserved")
    if code is EventCode.OL01 and state.open_licence:
        raise _out_of_order(state.status, code, "open licence declared")
    if code is EventCode.OL02 and not state.open_licence:
        raise _out_of_order(state.status, code, "no open licence")
    status = next_state(state.status, code)
    preserved = state.preserved or code is EventCode.PP01
    pending = state.invalidation_pending and code not in (EventCode.IW01, EventCode.IP01)
    licence = (state.open_licence or code is EventCode.OL01) and code is not EventCode.OL02
    return RegisterState(status, preserved, pending, licence)


def _out_of_order(state: LegalState, code: EventCode, why: str | None = None) -> IppledgeError:
    if why is not None:
        why_zh = {
            "not preserved": "未处于保全状态",
            "already preserved": "已处于保全状态",
            "open licence declared": "已声明开放许可",
            "no open licence": "未声明开放许可",
        }[why]
        return errors.EVENT_OUT_OF_ORDER.kind(
            f"{why_zh}，不能发生「{EVENT_ZH[code]}」（{code.value}）",
            f"event {code.value} ({EVENT_EN[code]}) cannot happen: the right is {why}",
            code=errors.EVENT_OUT_OF_ORDER.code,
            details={"state": state.value, "event": code.value, "reason": why},
        )
    return _out_of_order_state(state, code)


def _out_of_order_state(state: LegalState, code: EventCode) -> IppledgeError:
    return errors.EVENT_OUT_OF_ORDER(
        state=state.value,
        event=code.value,
        state_zh=LEGAL_STATE_ZH[state],
        event_zh=EVENT_ZH[code],
        event_en=EVENT_EN[code],
    )


# --- terms (保护期限) -----------------------------------------------------------------------------------------------

DESIGN_15_YEARS_FROM = dt.date(2021, 6, 1)  # Patent Law 2020 amendment: design term 10 -> 15 years


def _add_years(d: dt.date, years: int) -> dt.date:
    return add_months(d, 12 * years)


def legal_expiry(subtype: Subtype, filing_date: dt.date, grant_date: dt.date | None) -> dt.date | None:
    """Last day of protection. Patents run from filing; trademarks 10 years from registration (renewable).

    Copyright terms depend on the author's life or first publication, which the register does not hold: None.
    """
    if subtype is Subtype.INVENTION:
        return _add_years(filing_date, 20) - dt.timedelta(days=1)
    if subtype is Subtype.UTILITY_MODEL:
        return _add_years(filing_date, 10) - dt.timedelta(days=1)
    if subtype is Subtype.DESIGN:
        years = 15 if filing_date >= DESIGN_15_YEARS_FROM else 10
        return _add_years(filing_date, years) - dt.timedelta(days=1)
    if subtype is Subtype.MARK:
        return None if grant_date is None else _add_years(grant_date, 10) - dt.timedelta(days=1)
    return None


# --- ageing (登记簿老化): what the passing of time does to a right in force ------------------------------------------


@dataclass(frozen=True)
class Ageing:
    """An event the register owes an asset on a date: ``code`` effective ``effective_date``."""

    code: EventCode
    effective_date: dt.date
    reason: str  # annuity_lapsed | term_expired | mark_unrenewed


def ageing_event(
    kind: IpKind, expiry: dt.date | None, unpaid_due_dates: tuple[dt.date, ...], as_of: dt.date
) -> Ageing | None:
    """The terminal event time has brought about by ``as_of`` for a right still recorded in force, or ``None``.

    A patent whose annuity stayed unpaid past the six-month grace terminates (CF01) from the due date (Patent Law
    art. 44: 自应当缴纳年费期满之日起终止); one past its term expires (CX01) the day after its last day. A mark
    expires (CX01) only when the renewal grace has passed unrenewed: within it the owner may still renew. Of two,
    the earlier wins.
    """
    found: list[Ageing] = []
    if kind is IpKind.PATENT:
        for due in unpaid_due_dates:
            if annuity_state(due, None, as_of) is AnnuityState.LAPSED:
                found.append(Ageing(EventCode.CF01, due, "annuity_lapsed"))
        if expiry is not None and expiry < as_of:
            found.append(Ageing(EventCode.CX01, expiry + dt.timedelta(days=1), "term_expired"))
    elif kind is IpKind.TRADEMARK and expiry is not None and mark_term(expiry, as_of) is MarkTerm.LAPSED:
        found.append(Ageing(EventCode.CX01, expiry + dt.timedelta(days=1), "mark_unrenewed"))
    return min(found, key=lambda a: a.effective_date) if found else None


# --- annuities (年费) ---------------------------------------------------------------------------------------------

ANNUITY_GRACE_MONTHS = 6
# Surcharge by whole months late: month 1 free, then 5% per month up to 25% (Implementing Rules r. 98).
_SURCHARGE = (Decimal("0"), Decimal("0.05"), Decimal("0.10"), Decimal("0.15"), Decimal("0.20"), Decimal("0.25"))


# Official annual fees in yuan by patent year (国家知识产权局专利收费标准, 2018 schedule as reposted publicly),
# before any fee reduction (费减). Design years 11-15 exist only under the 15-year term; their 3,000 yuan fee is an
# assumption (not confirmed against the current schedule).
_FEE_INVENTION = ((3, 900), (6, 1_200), (9, 2_000), (12, 4_000), (15, 6_000), (20, 8_000))
_FEE_UTILITY_DESIGN = ((3, 600), (5, 900), (8, 1_200), (10, 2_000), (15, 3_000))


def annuity_fee(subtype: Subtype, year_no: int, *, extended_term: bool = False) -> Decimal:
    """Official fee for patent year ``year_no`` (1-based) of a patent of ``subtype``.

    ``extended_term``: the year lies in a term adjustment or extension (专利权期限补偿, TG01/TP01: inventions only),
    past the table's last year; it is charged at the last year's fee (the 20th year's, 8,000 yuan)."""
    table = _FEE_INVENTION if subtype is Subtype.INVENTION else _FEE_UTILITY_DESIGN
    if KIND_OF[subtype] is not IpKind.PATENT or year_no < 1:
        raise ValueError(f"no annuity for {subtype.value} year {year_no}")
    for last_year, fee in table:
        if year_no <= last_year:
            return Decimal(fee)
    if extended_term and subtype is Subtype.INVENTION:
        return Decimal(table[-1][1])
    raise ValueError(f"no annuity for {subtype.value} year {year_no}")


def patent_term_years(subtype: Subtype, filing_date: dt.date) -> int:
    if subtype is Subtype.INVENTION:
        return 20
    if subtype is Subtype.UTILITY_MODEL:
        return 10
    if subtype is Subtype.DESIGN:
        return 15 if filing_date >= DESIGN_15_YEARS_FROM else 10
    raise ValueError(f"{subtype.value} is not a patent")


def annuity_due(filing_date: dt.date, year_no: int) -> dt.date:
    """Patent year ``n`` starts, and its fee falls due, on the (n-1)th anniversary of the filing date."""
    return add_months(filing_date, 12 * (year_no - 1))


def patent_years(subtype: Subtype, filing_date: dt.date, expiry: dt.date | None = None) -> int:
    """How many patent years the right has: the statutory term, or, when a term adjustment or extension (TG01/TP01)
    moved ``expiry`` past it, every year that starts on or before the new last day (a part year counts whole: its
    annuity is due when it starts)."""
    term = patent_term_years(subtype, filing_date)
    while expiry is not None and annuity_due(filing_date, term + 1) <= expiry:
        term += 1
    return term


def annuity_years(
    subtype: Subtype, filing_date: dt.date, grant_date: dt.date, as_of: dt.date, expiry: dt.date | None = None
) -> list[int]:
    """Patent years to schedule on ``as_of``: from the year of grant, every year already started plus the next one,
    up to the last year of the term (``patent_years``: past year 20 after a TG01/TP01 moved ``expiry``).

    Fees before grant are not annuities (the grant-year fee is paid with the grant formalities, counted as the
    year in which the grant falls).
    """
    term = patent_years(subtype, filing_date, expiry)
    first = 1
    while first < term and annuity_due(filing_date, first + 1) <= grant_date:
        first += 1
    last = first
    while last < term and annuity_due(filing_date, last + 1) <= as_of:
        last += 1
    if annuity_due(filing_date, last) <= as_of and last < term:
        last += 1  # the next year, so that its due date is known ahead
    return list(range(first, last + 1))


class AnnuityState(StrEnum):
    PAID = "paid"
    NOT_DUE = "not_due"
    IN_GRACE = "in_grace"  # 滞纳期: the right is at risk
    LAPSED = "lapsed"  # grace passed unpaid: the right terminates (CF01)


def grace_end(due: dt.date) -> dt.date:
    return add_months(due, ANNUITY_GRACE_MONTHS)


def annuity_state(due: dt.date, paid_on: dt.date | None, as_of: dt.date) -> AnnuityState:
    if paid_on is not None and paid_on <= as_of:
        return AnnuityState.PAID
    if as_of <= due:
        return AnnuityState.NOT_DUE
    if as_of <= grace_end(due):
        return AnnuityState.IN_GRACE
    return AnnuityState.LAPSED


def surcharge_rate(due: dt.date, paid_on: dt.date) -> Decimal:
    """Late-payment surcharge as a share of the annuity; raises if paid after the grace period."""
    if paid_on <= due:
        return _SURCHARGE[0]
    months = 0
    while add_months(due, months + 1) < paid_on:
        months += 1
    if months >= ANNUITY_GRACE_MONTHS:
        raise errors.ANNUITY_LAPSED()
    return _SURCHARGE[months]


# --- facts a pledge check reads -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Owner:
    party_id: int
    share_bp: int


@dataclass(frozen=True)
class AssetFacts:
    """What the register says about one IP asset on a date, as the pledge pre-checks need it."""

    id: int
    kind: IpKind
    subtype: Subtype
    number: str
    title: str
    status: LegalState
    filing_date: dt.date
    grant_date: dt.date | None
    expiry_date: dt.date | None
    owners: tuple[Owner, ...]
    preserved: bool = False  # 保全 / ownership dispute suspension
    invalidation_pending: bool = False  # 无效宣告请求审查中
    same_day_twin: str | None = None  # the sibling of a same-day invention + utility model pair
    unpaid_due_dates: tuple[dt.date, ...] = field(default=())  # annuities due on or before as_of and not paid
    nice_classes: frozenset[int] = frozenset()  # trademarks: the Nice classes of the goods and services
