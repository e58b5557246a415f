"""Whitelist rules (白名单规则): criteria as data, three-valued evaluation, ranking, feedback states and time limits.

A criteria version is a list of *requirements* (all must hold), an optional list of *alternatives* (at least one must
hold) and ranking weights. Each criterion names a firm fact and a test. A fact the platform does not hold (a tax
credit grade before the data gateway supplies one, an IP score before the engine has valued the firm's patents) makes
the criterion *unknown*, never true or false: a firm is listed only when the whole rule is true, and the build
reports how many firms were held back by an unknown fact. Pure: no I/O.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Final

from ippledge.kernel.calendar import WorkingCalendar


class Fact(StrEnum):
    """Firm facts a criterion may test, with where each comes from."""

    IP_DEMONSTRATION = "ip_demonstration"  # 知识产权示范企业 (register designation)
    IP_ADVANTAGE = "ip_advantage"  # 知识产权优势企业 (register designation)
    SPECIALISED = "specialised"  # 专精特新 (register designation)
    HIGH_TECH = "high_tech"  # 高新技术企业 (designation or the profile flag)
    PARK = "park"  # 园区: the names of the parks the firm sits in (register designation)
    IP_SCORE = "ip_score"  # best model score (0-100) of its patents in force (valuation batch score)
    VALID_INVENTIONS = "valid_inventions"  # 有效发明专利 count (register)
    VALID_PATENTS = "valid_patents"  # 有效专利 count (register)
    ABNORMAL_APPLICATIONS = "abnormal_applications"  # open 非正常专利申请 flags (register)
    TAX_GRADE = "tax_grade"  # 纳税信用等级 A/B/M/C/D (data gateway, when connected)


FACT_ZH: Final[dict[Fact, str]] = {
    Fact.IP_DEMONSTRATION: "知识产权示范企业",
    Fact.IP_ADVANTAGE: "知识产权优势企业",
    Fact.SPECIALISED: "专精特新企业",
    Fact.HIGH_TECH: "高新技术企业",
    Fact.PARK: "所在园区",
    Fact.IP_SCORE: "知识产权质量评分",
    Fact.VALID_INVENTIONS: "有效发明专利数",
    Fact.VALID_PATENTS: "有效专利数",
    Fact.ABNORMAL_APPLICATIONS: "非正常专利申请数",
    Fact.TAX_GRADE: "纳税信用等级",
}
BOOLEAN_FACTS: Final = frozenset({Fact.IP_DEMONSTRATION, Fact.IP_ADVANTAGE, Fact.SPECIALISED, Fact.HIGH_TECH})
NUMBER_FACTS: Final = frozenset({Fact.IP_SCORE, Fact.VALID_INVENTIONS, Fact.VALID_PATENTS, Fact.ABNORMAL_APPLICATIONS})
SET_FACTS: Final = frozenset({Fact.PARK})
TEXT_FACTS: Final = frozenset({Fact.TAX_GRADE})
TAX_GRADES: Final = ("A", "B", "M", "C", "D")  # 纳税信用等级, best first (M: a new firm; DOMAIN.md §10)


class Op(StrEnum):
    IS = "is"  # boolean fact equals value (true/false)
    GE = ">="  # a number, or a minimum tax grade (A best, then B, M, C, D)
    LE = "<="
    IN = "in"  # text fact is one of the values; a set fact shares at least one value


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    UNKNOWN = "unknown"


class RuleError(ValueError):
    """A criteria document that does not make a rule; ``problems`` says what is wrong."""

    def __init__(self, problems: Sequence[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = list(problems)


@dataclass(frozen=True)
class Criterion:
    fact: Fact
    op: Op
    value: Any

    def test(self, facts: Mapping[Fact, Any]) -> tuple[Outcome, Any]:
        """The outcome on these facts and the value it read (``None`` when unknown)."""
        if facts.get(self.fact) is None:
            return Outcome.UNKNOWN, None
        got = facts[self.fact]
        if self.op is Op.IS:
            ok = bool(got) is bool(self.value)
        elif self.op is Op.GE and self.fact is Fact.TAX_GRADE:  # "at least B": A or B
            ok = got in TAX_GRADES and TAX_GRADES.index(got) <= TAX_GRADES.index(self.value)
        elif self.op is Op.GE:
            ok = float(got) >= float(self.value)
        elif self.op is Op.LE:
            ok = float(got) <= float(self.value)
        elif self.fact in SET_FACTS:
            ok = bool(set(got) & set(self.value))
        else:
            ok = got in self.value
        return (Outcome.PASS if ok else Outcome.FAIL), sorted(got) if isinstance(got, (set, frozenset)) else got

    def to_dict(self) -> dict[str, Any]:
        return {"fact": self.fact.value, "op": self.op.value, "value": self.value}


@dataclass(frozen=True)
class Criteria:
    """One version of a whitelist's criteria (白名单标准)."""

    require: tuple[Criterion, ...]
    any_of: tuple[Criterion, ...] = ()
    weights: Mapping[Fact, float] = field(default_factory=dict)  # rank score = sum(weight x fact value)

    def to_dict(self) -> dict[str, Any]:
        return {
            "require": [c.to_dict() for c in self.require],
            "any_of": [c.to_dict() for c in self.any_of],
            "weights": {f.value: w for f, w in self.weights.items()},
        }


def _criterion(raw: Any, where: str, problems: list[str]) -> Criterion | None:
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: a criterion is an object with fact, op and value")
        return None
    try:
        fact = Fact(str(raw.get("fact")))
    except ValueError:
        problems.append(f"{where}: unknown fact {raw.get('fact')!r}")
        return None
    try:
        op = Op(str(raw.get("op")))
    except ValueError:
        problems.append(f"{where}: unknown op {raw.get('op')!r}")
        return None
    value = raw.get("value")
    if fact in BOOLEAN_FACTS:
        if op is not Op.IS or not isinstance(value, bool):
            problems.append(f"{where}: {fact.value} takes op 'is' and true or false")
            return None
    elif fact in NUMBER_FACTS:
        if op not in (Op.GE, Op.LE) or isinstance(value, bool) or not isinstance(value, (int, float)):
            problems.append(f"{where}: {fact.value} takes op '>=' or '<=' and a number")
            return None
        if fact is Fact.IP_SCORE and not 0 <= value <= 100:
            problems.append(f"{where}: ip_score is between 0 and 100")
            return None
    elif fact is Fact.TAX_GRADE and op is Op.GE:
        if value not in TAX_GRADES:
            problems.append(f"{where}: tax_grade '>=' takes one grade of {', '.join(TAX_GRADES)}")
            return None
    else:
        if op is not Op.IN or not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            problems.append(f"{where}: {fact.value} takes op 'in' and a list of values")
            return None
        if fact is Fact.TAX_GRADE and not set(value) <= set(TAX_GRADES):
            problems.append(f"{where}: tax grades are {', '.join(TAX_GRADES)}")
            return None
        value = sorted(set(value))
    return Criterion(fact, op, value)


def parse_criteria(doc: Any) -> Criteria:
    """A :class:`Criteria` from its JSON document, or :class:`RuleError` listing every problem."""
    problems: list[str] = []
    if not isinstance(doc, Mapping):
        raise RuleError(["criteria are an object with require, any_of and weights"])
    extra = set(doc) - {"require", "any_of", "weights"}
    if extra:
        problems.append(f"unknown keys: {', '.join(sorted(map(str, extra)))}")
    require: list[Criterion] = []
    any_of: list[Criterion] = []
    for key, bucket in (("require", require), ("any_of", any_of)):
        raw = doc.get(key, [])
        if not isinstance(raw, list):
            problems.append(f"{key} is a list")
            continue
        for i, item in enumerate(raw):
            c = _criterion(item, f"{key}[{i}]", problems)
            if c is not None:
                bucket.append(c)
    if not require and not any_of and not problems:
        problems.append("at least one criterion in require or any_of")
    weights: dict[Fact, float] = {}
    raw_w = doc.get("weights", {})
    if not isinstance(raw_w, Mapping):
        problems.append("weights is an object fact -> number")
    else:
        for k, w in raw_w.items():
            try:
                f = Fact(k)
            except ValueError:
                problems.append(f"weights: unknown fact {k!r}")
                continue
            if f in SET_FACTS or f in TEXT_FACTS or isinstance(w, bool) or not isinstance(w, (int, float)):
                problems.append(f"weights: {k} needs a yes/no or numeric fact and a number")
                continue
            weights[f] = float(w)
    if problems:
        raise RuleError(problems)
    return Criteria(tuple(require), tuple(any_of), weights)


@dataclass(frozen=True)
class Reason:
    """One criterion's verdict on one firm: the fact, the test, what the firm has, and the outcome."""

    fact: str
    fact_zh: str
    op: str
    expected: Any
    found: Any
    outcome: str
    group: str  # require | any_of

    def to_dict(self) -> dict[str, Any]:
        return {
            "fact": self.fact,
            "fact_zh": self.fact_zh,
            "op": self.op,
            "expected": self.expected,
            "found": self.found,
            "outcome": self.outcome,
            "group": self.group,
        }


@dataclass(frozen=True)
class Verdict:
    outcome: Outcome
    reasons: tuple[Reason, ...]
    score: float


def _all(outcomes: Sequence[Outcome]) -> Outcome:
    if Outcome.FAIL in outcomes:
        return Outcome.FAIL
    return Outcome.UNKNOWN if Outcome.UNKNOWN in outcomes else Outcome.PASS


def _any(outcomes: Sequence[Outcome]) -> Outcome:
    if not outcomes or Outcome.PASS in outcomes:
        return Outcome.PASS
    return Outcome.UNKNOWN if Outcome.UNKNOWN in outcomes else Outcome.FAIL


def rank_score(criteria: Criteria, facts: Mapping[Fact, Any]) -> float:
    """Sum of weight x fact (a yes/no fact counts 1 or 0; an unknown fact counts 0), rounded to 4 places."""
    total = 0.0
    for f, w in criteria.weights.items():
        v = facts.get(f)
        if v is not None:
            total += w * float(v)
    return round(total, 4)


def evaluate(criteria: Criteria, facts: Mapping[Fact, Any]) -> Verdict:
    """Three-valued verdict (Kleene): all requirements and, if any are given, at least one alternative."""
    reasons: list[Reason] = []
    outs: dict[str, list[Outcome]] = {"require": [], "any_of": []}
    for group, items in (("require", criteria.require), ("any_of", criteria.any_of)):
        for c in items:
            o, found = c.test(facts)
            outs[group].append(o)
            reasons.append(Reason(c.fact.value, FACT_ZH[c.fact], c.op.value, c.value, found, o.value, group))
    outcome = _all([_all(outs["require"]), _any(outs["any_of"])])
    return Verdict(outcome, tuple(reasons), rank_score(criteria, facts))


@dataclass(frozen=True)
class Candidate:
    enterprise_id: int
    verdict: Verdict


def rank(candidates: Sequence[Candidate]) -> list[tuple[int, Candidate]]:
    """The passing firms ranked by score, highest first; ties by the lower enterprise id (stable, reproducible)."""
    passing = [c for c in candidates if c.verdict.outcome is Outcome.PASS]
    passing.sort(key=lambda c: (-c.verdict.score, c.enterprise_id))
    return [(i, c) for i, c in enumerate(passing, start=1)]


# -- lists (名单) and their review -------------------------------------------------------------------------------


class ListStatus(StrEnum):
    DRAFT = "draft"  # built, awaiting review by another operator (待复核)
    PUBLISHED = "published"  # reviewed and published (已发布)
    REJECTED = "rejected"  # sent back by the reviewer (退回)


# -- feedback (银行反馈) ------------------------------------------------------------------------------------------


class FeedbackState(StrEnum):
    PUSHED = "pushed"  # 已推送
    CONTACTED = "contacted"  # 已对接
    VISITED = "visited"  # 已走访
    APPLIED = "applied"  # 已申请
    APPROVED = "approved"  # 已审批
    DECLINED = "declined"  # 未通过 (with a reason code)


FEEDBACK_ZH: Final[dict[FeedbackState, str]] = {
    FeedbackState.PUSHED: "已推送",
    FeedbackState.CONTACTED: "已对接",
    FeedbackState.VISITED: "已走访",
    FeedbackState.APPLIED: "已申请",
    FeedbackState.APPROVED: "已审批",
    FeedbackState.DECLINED: "未通过",
}
ORDER: Final = (
    FeedbackState.PUSHED,
    FeedbackState.CONTACTED,
    FeedbackState.VISITED,
    FeedbackState.APPLIED,
    FeedbackState.APPROVED,
)
TERMINAL: Final = frozenset({FeedbackState.APPROVED, FeedbackState.DECLINED})


class DeclineReason(StrEnum):
    """Why a bank did not lend to a pushed firm (未合作原因), as codes the regulator can count."""

    NO_NEED = "no_need"  # 企业暂无融资需求
    CANNOT_REACH = "cannot_reach"  # 无法联系企业
    INSUFFICIENT_IP = "insufficient_ip"  # 知识产权价值不足
    CREDIT_RISK = "credit_risk"  # 信用风险不符合要求
    ALREADY_FINANCED = "already_financed"  # 已在他行融资
    TERMS_REFUSED = "terms_refused"  # 企业不接受条件
    OTHER = "other"  # 其他 (a note is required)


def can_move(current: FeedbackState, to: FeedbackState) -> bool:
    """Feedback only goes forward (a step may be skipped: a firm may apply at first contact); a decline ends it from
    any open state; approved and declined are final."""
    if current in TERMINAL or to is FeedbackState.PUSHED:
        return False
    if to is FeedbackState.DECLINED:
        return True
    return ORDER.index(to) > ORDER.index(current)


@dataclass(frozen=True)
class TimeLimits:
    """Working days a bank has to act on a pushed firm (跟进时限): to first contact it, then for each next step.

    Defaults are the platform's own starting values (the article and DOMAIN.md give no number): 10 working days to
    first contact, 20 between later steps. Each push records the limits it used."""

    first_contact_days: int = 10
    next_step_days: int = 20

    def due(self, calendar: WorkingCalendar, state: FeedbackState, since: dt.date) -> dt.date | None:
        """When the next step is due after reaching ``state`` on ``since``; ``None`` once final."""
        if state in TERMINAL:
            return None
        n = self.first_contact_days if state is FeedbackState.PUSHED else self.next_step_days
        return calendar.add_working_days(since, n)


def overdue(due_on: dt.date | None, state: FeedbackState, today: dt.date) -> bool:
    return due_on is not None and state not in TERMINAL and today > due_on


# -- reverse push (反向推送) --------------------------------------------------------------------------------------

ANNUITY_SOON_DAYS: Final = 60  # the same 60-day window as post-loan monitoring's annuity watch (monitoring.model)
MAX_REVERSE_BATCH: Final = 10_000


class AnnuityRisk(StrEnum):
    NONE = "none"  # 无
    PAST_GRACE = "past_grace"  # 年费滞纳期已过仍未缴：专利权终止（登记簿待更新）
    DUE_SOON = "due_soon"  # 60日内有年费到期未缴
    IN_GRACE = "in_grace"  # 年费逾期未缴，处于滞纳期（6个月内不缴则专利权终止）


def annuity_risk(past_grace: int, in_grace: int, due_soon: int) -> AnnuityRisk:
    """The worst annuity state among a firm's patents in force."""
    if past_grace:
        return AnnuityRisk.PAST_GRACE
    if in_grace:
        return AnnuityRisk.IN_GRACE
    return AnnuityRisk.DUE_SOON if due_soon else AnnuityRisk.NONE
