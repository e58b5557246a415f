"""Post-loan monitoring rules (贷后监测规则): what each finding means for a loan, who must act and by when, and the
watch list (关注名单) with its states. Pure: no database, no framework.

The rules are data: :data:`FINDINGS` says for each kind of finding what happened, why it matters for the loan, what
action is expected within how many working days, and whether it opens a watch-list entry (:data:`WATCH_RULES`,
versioned by :data:`RULES_VERSION`). Annuity stages follow DOMAIN.md §3: an annuity falls due on the anniversary of
filing; six months' grace follow with a surcharge of 0% in the first month, then 5/10/15/20/25%; then the patent
lapses (CF01).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Final

from ippledge.kernel.money import round_fen
from ippledge.registry.model import EVENT_ZH as REGISTER_EVENT_ZH
from ippledge.registry.model import EventCode, grace_end, surcharge_rate  # the register's rules (one place)

ANNUITY_WATCH_DAYS: Final = 60  # an annuity falling due within this many days is announced (年费到期预警)
RULES_VERSION: Final = "2026-12"  # the version of FINDINGS and WATCH_RULES below; alerts carry it


class Finding(StrEnum):
    """Kinds of finding a monitoring pass raises (监测发现)."""

    LEGAL_EVENT = "legal_event"  # a legal-status event on pledged IP (法律状态变化)
    ANNUITY_DUE = "annuity_due"  # annuity falls due within 60 days (年费即将到期)
    ANNUITY_GRACE = "annuity_grace"  # annuity unpaid, in its six-month grace (年费宽限期)
    TERM_SHORT = "term_short"  # the IP expires before the loan matures (保护期短于贷款期限)
    LTV_BREACH = "ltv_breach"  # loan-to-value above the trigger at revaluation (质押率超限)
    BORROWER_SIGNAL = "borrower_signal"  # tax arrears, revenue drop, litigation, NPL elsewhere (借款人预警信号)
    REGISTER_NOTICE = "register_notice"  # the register changed, the right did not: holder, term (登记事项变更)


# Legal-status codes that hurt the collateral (DOMAIN.md §3), and the rule they open on the watch list.
COLLATERAL_LOST: Final = frozenset({"CF01", "IW01", "CX01", "AV01"})  # the right ended
PRESERVATION: Final = frozenset({"PP01"})  # court preservation (保全)
INVALIDATION_REQUEST: Final = frozenset({"IP01", "IR01"})  # (partial) invalidation
# The pledge's own registration events: the pledge capability announces them (pledge.*); they say nothing new of risk.
QUIET_EVENTS: Final = frozenset({"PE01", "PM01", "PC01"})
# Register changes that leave the right and its owners as they were (decision 0031): the holder's name or address,
# a longer term, an open licence withdrawn. The pledgee is told, for its file; nothing is at risk.
NOTICE_EVENTS: Final = frozenset({"CP01", "CP02", "CP03", "TG01", "TP01", "OL02"})
_REGISTER_CODES: Final = frozenset(c.value for c in EventCode)
EVENT_ZH: Final = {
    **{c.value: zh for c, zh in REGISTER_EVENT_ZH.items()},
    "CF01": "未缴年费专利权终止",
    "IW01": "专利权全部无效",
    "IP01": "专利权部分无效",
    "CX01": "保护期届满",
    "AV01": "专利权放弃",
    "PP01": "财产保全",
    "PD01": "保全解除",
    "TR01": "专利权转移",
    "EE01": "许可备案",
    "RR01": "权利恢复",
    "OL01": "开放许可声明（质物上的负担）",
}


def quiet_event(code: str) -> bool:
    """An event the pass says nothing of: the pledge's own (``pledge.*`` announces them), and the informational
    codes the register records as reported (publication, examination, corrections: history, not news)."""
    return code in QUIET_EVENTS or code not in _REGISTER_CODES


def finding_for_event(code: str) -> Finding:
    return Finding.REGISTER_NOTICE if code in NOTICE_EVENTS else Finding.LEGAL_EVENT


@dataclass(frozen=True)
class Text:
    zh: str
    en: str


@dataclass(frozen=True)
class FindingRule:
    """What a finding means (为何重要) and the action expected (预期措施) within ``act_within`` working days."""

    why: Text
    action: Text
    act_within: int  # working days
    watch_rule: str | None  # the watch-list rule it opens, or None (an announcement only)


FINDINGS: Final[dict[Finding, FindingRule]] = {
    Finding.LEGAL_EVENT: FindingRule(
        Text(
            "质物法律状态变化，担保价值可能灭失或受限",
            "the pledged IP's legal status changed: the security may be lost",
        ),
        Text("核实状态、评估担保缺口，必要时要求追加担保", "verify, size the security gap, ask for more security"),
        3,
        None,  # the code decides: see watch_rule_for_event
    ),
    Finding.ANNUITY_DUE: FindingRule(
        Text("年费未缴将进入宽限期，逾期未缴专利权终止", "unpaid, the annuity enters grace and then the patent lapses"),
        Text("提醒出质人按期缴纳年费并提交缴费凭证", "remind the pledgor to pay on time and send the receipt"),
        10,
        None,
    ),
    Finding.ANNUITY_GRACE: FindingRule(
        Text(
            "年费已逾期，宽限期届满未缴专利权终止，质权随之落空", "the annuity is late: after grace the patent lapses"
        ),
        Text(
            "督促出质人补缴年费及滞纳金，必要时代缴", "have the pledgor pay fee and surcharge, or pay it on its behalf"
        ),
        5,
        "annuity_in_grace",
    ),
    Finding.TERM_SHORT: FindingRule(
        Text("质物保护期先于贷款到期届满，到期前担保灭失", "the IP expires before the loan matures"),
        Text("要求补充质押或调整还款安排", "ask for additional collateral or reschedule"),
        10,
        "term_short",
    ),
    Finding.LTV_BREACH: FindingRule(
        Text("重估后质押率超过触发线，担保不足", "after revaluation the loan-to-value is above its trigger"),
        Text("要求追加担保或部分还款", "ask for more security or a partial repayment"),
        10,
        "ltv_above_trigger",
    ),
    Finding.REGISTER_NOTICE: FindingRule(
        Text(
            "质物登记事项变更（权利人名称或地址、保护期限、开放许可撤回），权属与担保效力不变",
            "the pledged IP's register entry changed (holder name or address, term, open licence withdrawn); "
            "ownership and the security are unchanged",
        ),
        Text("更新贷款档案与质押登记信息，核对合同当事人名称", "update the loan file; check the parties' names match"),
        10,
        None,
    ),
    Finding.BORROWER_SIGNAL: FindingRule(
        Text("借款人经营或信用出现预警信号，还款能力可能下降", "a warning sign on the borrower: it may fail to pay"),
        Text("开展贷后检查，核实经营情况", "carry out a post-loan inspection"),
        5,
        "borrower_signal",
    ),
}

# The watch-list rules (关注名单规则) as data: rule code -> its name. Officers may also open entries by hand.
WATCH_RULES: Final[dict[str, Text]] = {
    "annuity_in_grace": Text("年费处于宽限期", "annuity in grace"),
    "ltv_above_trigger": Text("质押率超过触发线", "LTV above trigger"),
    "preservation": Text("质物被保全", "pledged IP under court preservation"),
    "invalidation_request": Text("质物被请求无效/部分无效", "invalidation of the pledged IP"),
    "collateral_lost": Text("质物权利终止", "the pledged right ended"),
    "term_short": Text("质物保护期短于贷款期限", "IP expires before the loan"),
    "borrower_signal": Text("借款人预警信号", "borrower warning signal"),
    "officer": Text("客户经理列入", "listed by an officer"),
}


def watch_rule_for_event(code: str) -> str | None:
    """The watch-list rule a legal-status event opens (None: an alert only)."""
    if code in COLLATERAL_LOST:
        return "collateral_lost"
    if code in PRESERVATION:
        return "preservation"
    if code in INVALIDATION_REQUEST:
        return "invalidation_request"
    return None


def watch_rule_of(finding: Finding, code: str | None = None) -> str | None:
    if finding is Finding.LEGAL_EVENT:
        return watch_rule_for_event(code or "")
    return FINDINGS[finding].watch_rule


# -- annuities (年费) ---------------------------------------------------------------------------------------------


def annuity_stage(due: dt.date, on: dt.date) -> Finding | None:
    """``ANNUITY_DUE`` from 60 days before the due date to it, ``ANNUITY_GRACE`` after it until grace ends."""
    if on <= due:
        return Finding.ANNUITY_DUE if (due - on).days <= ANNUITY_WATCH_DAYS else None
    return Finding.ANNUITY_GRACE if on <= grace_end(due) else None


def amount_due(fee: Decimal, due: dt.date, on: dt.date) -> Decimal:
    """The fee with the surcharge a payment on ``on`` carries (inside grace: ``surcharge_rate`` raises after it)."""
    return round_fen(fee * (1 + surcharge_rate(due, on)))


def term_short(expiry: dt.date | None, maturity: dt.date | None) -> bool:
    """The right ends before the loan matures (the security would vanish before the debt is due)."""
    return expiry is not None and maturity is not None and expiry < maturity


# -- the watch list (关注名单) --------------------------------------------------------------------------------------


class WatchState(StrEnum):
    OPEN = "open"  # listed (列入)
    ACTING = "acting"  # measures under way (处置中)
    CURED = "cured"  # the cause is gone (已化解)
    ESCALATED = "escalated"  # handed up: risk committee, early recall (已升级)
    CLOSED = "closed"  # off the list (已移出)


WATCH_STATE_ZH: Final = {
    WatchState.OPEN: "已列入",
    WatchState.ACTING: "处置中",
    WatchState.CURED: "已化解",
    WatchState.ESCALATED: "已升级",
    WatchState.CLOSED: "已移出",
}

TRANSITIONS: Final[dict[WatchState, frozenset[WatchState]]] = {
    WatchState.OPEN: frozenset({WatchState.ACTING, WatchState.ESCALATED, WatchState.CURED}),
    WatchState.ACTING: frozenset({WatchState.CURED, WatchState.ESCALATED}),
    WatchState.ESCALATED: frozenset({WatchState.ACTING, WatchState.CURED, WatchState.CLOSED}),
    WatchState.CURED: frozenset({WatchState.CLOSED, WatchState.ACTING}),  # the cause may return
    WatchState.CLOSED: frozenset(),
}
ACTIVE_STATES: Final = frozenset({WatchState.OPEN, WatchState.ACTING, WatchState.ESCALATED})


def can_move(current: WatchState, to: WatchState) -> bool:
    return to in TRANSITIONS[current]


# -- actions (贷后措施) ----------------------------------------------------------------------------------------------


class ActionKind(StrEnum):
    """Post-loan actions a bank takes as commands, each proposed by an officer and decided by an approver."""

    ANNUITY_PAYMENT = "annuity_payment"  # 代缴年费: pay a pledged patent's annuity on the pledgor's behalf
    DOWNGRADE = "downgrade_proposal"  # 下调分类建议: an officer proposes a worse grade, an approver decides
    SITE_VISIT = "site_visit"  # 现场走访: an officer visits the borrower and records the findings
    INSPECTION = "inspection"  # 贷后检查: scheduled by the pass (first after disbursement, then periodic)
    ADDITIONAL_SECURITY = "additional_security"  # 追加担保/补充质押: more IP under the pledge by a change filing
    EARLY_RECALL = "early_recall"  # 提前收回: all principal falls due at once on the recall date


class ActionState(StrEnum):
    PROPOSED = "proposed"  # 待复核 (a visit or an inspection: planned, 待执行)
    DONE = "done"  # 已执行
    REJECTED = "rejected"  # 已否决
    # 追加担保 only: approved and sent to the borrower (已要求), then the offered IP's change filing lodged (待登记)
    REQUESTED = "requested"
    FILED = "filed"


# States in which an action is still open: its time limit runs and the pass escalates it once past ``act_by``.
OPEN_ACTION_STATES: Final = frozenset({ActionState.PROPOSED, ActionState.REQUESTED, ActionState.FILED})


@dataclass(frozen=True)
class ActionRule:
    """What an action is (名称), its time limit in working days from the proposal, and the watch rule it cures."""

    name: Text
    act_within: int
    cures: str | None
    # 追加担保: once approved, the borrower has this many working days from the approval to have the added IP
    # registered (an assumption; a bank's notice names its own); None: the action ends with its decision
    complete_within: int | None = None


ACTIONS: Final[dict[ActionKind, ActionRule]] = {
    # The approver decides within the limit the grace alert gives (FINDINGS[ANNUITY_GRACE].act_within), and never
    # after the grace ends (then the patent lapses: act_by is the earlier of the two).
    ActionKind.ANNUITY_PAYMENT: ActionRule(
        Text("代缴年费", "annuity paid on the pledgor's behalf"), 5, "annuity_in_grace"
    ),
    ActionKind.DOWNGRADE: ActionRule(Text("下调分类建议", "downgrade proposal"), 5, None),
    ActionKind.SITE_VISIT: ActionRule(Text("现场走访", "site visit"), 10, None),
    # an inspection's limit is its due date (INSPECTION_POLICY), not a count from the day it was opened
    ActionKind.INSPECTION: ActionRule(Text("贷后检查", "post-loan inspection"), 0, None),
    # the watch entry it cures is the one named in the request (an LTV breach, a lost or short-lived right ...)
    ActionKind.ADDITIONAL_SECURITY: ActionRule(Text("追加担保（补充质押）", "additional security"), 5, None, 15),
    ActionKind.EARLY_RECALL: ActionRule(Text("提前收回", "early recall"), 5, None),
}
# Actions an approver decides (maker-checker); the others are carried out by an officer who records the findings.
DECIDED: Final = frozenset(
    {ActionKind.ANNUITY_PAYMENT, ActionKind.DOWNGRADE, ActionKind.ADDITIONAL_SECURITY, ActionKind.EARLY_RECALL}
)


@dataclass(frozen=True)
class InspectionPolicy:
    """贷后检查 cadence (assumption, a bank's own rule in practice; data): the first inspection within
    ``first_within_days`` calendar days of disbursement, then one every ``every_days`` days."""

    first_within_days: int = 15
    every_days: int = 90


INSPECTION_POLICY: Final = InspectionPolicy()


def inspection_due(disbursed_on: dt.date, n: int, policy: InspectionPolicy = INSPECTION_POLICY) -> dt.date:
    """When the ``n``-th inspection (n >= 1) is due: the first ``first_within_days`` after disbursement, then every
    ``every_days``."""
    return disbursed_on + dt.timedelta(days=policy.first_within_days + (n - 1) * policy.every_days)


def inspections_to_open(disbursed_on: dt.date, opened: int, on: dt.date, lead_days: int = 0) -> list[int]:
    """The numbers of the inspections that should have been opened by ``on`` (due within ``lead_days`` of it)
    beyond the ``opened`` ones already: each is opened once, when it comes within reach."""
    out: list[int] = []
    n = opened + 1
    while inspection_due(disbursed_on, n) - dt.timedelta(days=lead_days) <= on:
        out.append(n)
        n += 1
    return out


def action_act_by(working_day_limit: dt.date, due: dt.date | None) -> dt.date:
    """An annuity payment must be decided by the working-day limit and, at the latest, on the last day of grace."""
    return working_day_limit if due is None else min(working_day_limit, grace_end(due))


def overdue(state: ActionState, act_by: dt.date, on: dt.date) -> bool:
    """An action still open after its time limit is overdue (escalated by the next monitoring pass)."""
    return state in OPEN_ACTION_STATES and on > act_by
