"""Loan-loss provisioning (贷款损失准备计提) as pure rules: the policy, a loan's required allowance, the ratios.

Sources of the default policy (``DEFAULT_POLICY``); every number is data, a bank's version may change some of them:

- Specific provision (专项准备) by five-tier grade, 《贷款损失准备计提指引》(中国人民银行 银发〔2002〕98号) 第五条:
  关注 special mention 2%, 次级 substandard 25%, 可疑 doubtful 50%, 损失 loss 100%; 正常 normal has none. "其中，
  次级和可疑类贷款的损失准备，计提比例可以上下浮动20%": a bank may set substandard within 20–30% and doubtful within
  40–60% (±20% *of the rate*); the other rates are fixed.
- General reserve (一般风险准备): default 1.5%, after 《金融企业准备金计提管理办法》(财政部 财金〔2012〕20号) 第六条
  "一般准备余额原则上不得低于风险资产期末余额的1.5%" (98号 itself asked for at least 1% of loans). It is
  appropriated from profit into equity (Dr 未分配利润 / Cr 一般风险准备) at year end (the close of 31 December) on
  the bank's loans outstanding then (``general_reserve_needed``), not booked as a loan-loss allowance: a loan's
  allowance is its grade's specific rate only (decision 0012).
- Regulatory thresholds, 《商业银行贷款损失准备管理办法》(银监会令2011年第4号) 第七条: 拨备覆盖率 provision coverage
  (allowance / NPL) >= 150% and 贷款拨备率 loan provision ratio (allowance / loans) >= 2.5%. 《关于调整商业银行贷款
  损失准备监管要求的通知》(银监发〔2018〕7号) lets the regulator set them per bank within 120–150% and 1.5–2.5%.

Rates and thresholds are basis points (1% = 100 bp); money is ``Decimal`` yuan, each loan's allowance rounded half
up to the fen (the ledger's rule).

Beside the grade rates, the report carries the loss given default at forced-sale value (decision record 0008): per
loan, the outstanding principal a forced sale of the pledged IP would not recover (``unsecured``; a loan whose credit
decision recorded no forced-sale value counts whole), so a bank can hold its allowance against the collateral-aware
loss. The regulatory allowance itself stays the grade rate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final

from ippledge.kernel.errors import IppledgeError, Problem
from ippledge.lending.errors import PROVISION_POLICY_INVALID
from ippledge.lending.model.classification import Grade

BP: Final = 10_000
FORMAT: Final = "ippledge.provision-policy/1"

# 银发〔2002〕98号 第五条
STANDARD_SPECIFIC_BP: Final[Mapping[Grade, int]] = {
    Grade.NORMAL: 0,
    Grade.SPECIAL_MENTION: 200,
    Grade.SUBSTANDARD: 2500,
    Grade.DOUBTFUL: 5000,
    Grade.LOSS: 10_000,
}
FLOATING: Final = frozenset({Grade.SUBSTANDARD, Grade.DOUBTFUL})  # "上下浮动20%"
FLOAT_SHARE_BP: Final = 2000  # ±20% of the standard rate
DEFAULT_GENERAL_BP: Final = 150  # 财金〔2012〕20号 第六条: 1.5%
MAX_GENERAL_BP: Final = 1000  # assumption: a general rate above 10% of performing loans is a typo, not a policy
# 银监会令2011年第4号 第七条 (defaults); 银监发〔2018〕7号 (the range a regulator may set)
DEFAULT_COVERAGE_MIN_BP: Final = 15_000
DEFAULT_LOAN_RATIO_MIN_BP: Final = 250
COVERAGE_RANGE_BP: Final = (12_000, 15_000)
LOAN_RATIO_RANGE_BP: Final = (150, 250)
RATIO_PLACES: Final = Decimal("0.0001")
FEN: Final = Decimal("0.01")
ZERO: Final = Decimal("0.00")


def band(grade: Grade) -> tuple[int, int]:
    """The specific rates a bank may choose for ``grade`` (bp, inclusive): the standard ±20% where it floats."""
    std = STANDARD_SPECIFIC_BP[grade]
    if grade not in FLOATING:
        return std, std
    delta = std * FLOAT_SHARE_BP // BP
    return std - delta, std + delta


@dataclass(frozen=True)
class ProvisionPolicy:
    """The provisioning rules in force from ``effective_from`` (a bank's version, or the platform default)."""

    version: str
    effective_from: dt.date
    specific_bp: Mapping[Grade, int] = field(default_factory=lambda: dict(STANDARD_SPECIFIC_BP))
    general_bp: int = DEFAULT_GENERAL_BP
    coverage_min_bp: int = DEFAULT_COVERAGE_MIN_BP
    loan_ratio_min_bp: int = DEFAULT_LOAN_RATIO_MIN_BP
    sources: tuple[str, ...] = ()
    notes: str = ""

    def specific(self, grade: Grade) -> int:
        return self.specific_bp.get(grade, STANDARD_SPECIFIC_BP[grade])

    def rate_bp(self, grade: Grade) -> int:
        """The allowance rate of a loan in ``grade``: its specific rate (the general reserve is equity, not here)."""
        return self.specific(grade)

    def rates(self) -> dict[Grade, int]:
        return {g: self.rate_bp(g) for g in Grade}


DEFAULT_POLICY: Final = ProvisionPolicy(
    version="default-2002-98",
    effective_from=dt.date(2002, 1, 1),
    sources=(
        "银发〔2002〕98号《贷款损失准备计提指引》第五条: 关注2%，次级25%，可疑50%，损失100%；次级、可疑可上下浮动20%",
        "财金〔2012〕20号《金融企业准备金计提管理办法》第六条: 一般准备不低于风险资产的1.5%",
        "银监会令2011年第4号《商业银行贷款损失准备管理办法》第七条: 拨备覆盖率150%，贷款拨备率2.5%",
        "银监发〔2018〕7号: 拨备覆盖率120%–150%，贷款拨备率1.5%–2.5%，由监管按银行确定",
    ),
    notes="platform default (平台默认计提政策)",
)


def _p(code: str, path: str, zh: str, en: str) -> Problem:
    return Problem(f"lending.provision.{code}", path, zh, en)


def problems(policy: ProvisionPolicy) -> list[Problem]:
    """Every way ``policy`` breaks the rules above (an empty list when it may be used)."""
    out: list[Problem] = []
    if not policy.version.strip():
        out.append(_p("version", "version", "版本号不能为空", "the version must not be empty"))
    for grade, rate in policy.specific_bp.items():
        path = f"specific_bp.{grade.code}"
        low, high = band(grade)
        if grade in FLOATING and not low <= rate <= high:
            std = STANDARD_SPECIFIC_BP[grade]
            out.append(
                _p(
                    "rate_out_of_band",
                    path,
                    f"{grade.zh}类计提比例{rate / 100:g}%超出{std / 100:g}%上下浮动20%的范围"
                    f"（{low / 100:g}%–{high / 100:g}%）",
                    f"the {grade.code} rate {rate / 100:g}% is outside {std / 100:g}% ± 20% "
                    f"({low / 100:g}%–{high / 100:g}%)",
                )
            )
        elif grade not in FLOATING and rate != low:
            out.append(
                _p(
                    "rate_fixed",
                    path,
                    f"{grade.zh}类计提比例固定为{low / 100:g}%，不能改为{rate / 100:g}%",
                    f"the {grade.code} rate is fixed at {low / 100:g}%, not {rate / 100:g}%",
                )
            )
    if not 0 <= policy.general_bp <= MAX_GENERAL_BP:
        out.append(
            _p(
                "general_rate",
                "general_bp",
                f"一般准备比例应在0%–{MAX_GENERAL_BP / 100:g}%之间：{policy.general_bp / 100:g}%",
                f"the general rate must be 0%–{MAX_GENERAL_BP / 100:g}%: {policy.general_bp / 100:g}%",
            )
        )
    for path, value, (low, high), zh, en in (
        ("coverage_min_bp", policy.coverage_min_bp, COVERAGE_RANGE_BP, "拨备覆盖率", "provision coverage ratio"),
        ("loan_ratio_min_bp", policy.loan_ratio_min_bp, LOAN_RATIO_RANGE_BP, "贷款拨备率", "loan provision ratio"),
    ):
        if not low <= value <= high:
            out.append(
                _p(
                    "threshold_range",
                    path,
                    f"{zh}监管要求应在{low / 100:g}%–{high / 100:g}%之间（银监发〔2018〕7号）：{value / 100:g}%",
                    f"the {en} requirement must be {low / 100:g}%–{high / 100:g}% (CBRC 2018 No. 7): {value / 100:g}%",
                )
            )
    return out


def _refuse(found: list[Problem]) -> IppledgeError:
    return PROVISION_POLICY_INVALID(
        summary_zh="；".join(p.message_zh for p in found),
        summary_en="; ".join(p.message_en for p in found),
        problems=[p.to_dict() for p in found],
    )


def validate(policy: ProvisionPolicy) -> ProvisionPolicy:
    """``policy`` unchanged, or one ``lending.provision_policy_invalid`` error listing every problem."""
    found = problems(policy)
    if found:
        raise _refuse(found)
    return policy


def to_dict(policy: ProvisionPolicy) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": policy.version,
        "effective_from": policy.effective_from.isoformat(),
        "specific_bp": {g.code: policy.specific(g) for g in Grade},
        "general_bp": policy.general_bp,
        "coverage_min_bp": policy.coverage_min_bp,
        "loan_ratio_min_bp": policy.loan_ratio_min_bp,
        "sources": list(policy.sources),
        "notes": policy.notes,
    }


def _int(value: Any, path: str, out: list[Problem]) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        out.append(_p("field", path, f"{path}应为整数（基点）", f"{path} must be an integer (basis points)"))
        return 0
    return value


def from_dict(doc: Mapping[str, Any]) -> ProvisionPolicy:
    """Read a policy document (as :func:`to_dict` writes it); one error lists every problem, as ``validate`` does."""
    out: list[Problem] = []
    specific: dict[Grade, int] = dict(STANDARD_SPECIFIC_BP)
    raw = doc.get("specific_bp", {})
    if not isinstance(raw, Mapping):
        out.append(_p("field", "specific_bp", "specific_bp应为对象", "specific_bp must be an object"))
        raw = {}
    codes = {g.code: g for g in Grade}
    for key, value in raw.items():
        if key not in codes:
            allowed = ", ".join(codes)
            out.append(_p("grade", f"specific_bp.{key}", f"未知分类：{key}", f"unknown grade {key} ({allowed})"))
            continue
        specific[codes[key]] = _int(value, f"specific_bp.{key}", out)
    try:
        effective = dt.date.fromisoformat(str(doc.get("effective_from")))
    except ValueError:
        out.append(_p("field", "effective_from", "生效日应为YYYY-MM-DD", "effective_from must be YYYY-MM-DD"))
        effective = dt.date.min
    policy = ProvisionPolicy(
        version=str(doc.get("version") or ""),
        effective_from=effective,
        specific_bp=specific,
        general_bp=_int(doc.get("general_bp", DEFAULT_GENERAL_BP), "general_bp", out),
        coverage_min_bp=_int(doc.get("coverage_min_bp", DEFAULT_COVERAGE_MIN_BP), "coverage_min_bp", out),
        loan_ratio_min_bp=_int(doc.get("loan_ratio_min_bp", DEFAULT_LOAN_RATIO_MIN_BP), "loan_ratio_min_bp", out),
        sources=tuple(str(s) for s in doc.get("sources", ())),
        notes=str(doc.get("notes") or ""),
    )
    out.extend(problems(policy))
    if out:
        raise _refuse(out)
    return policy


def bp_fraction(bp: int) -> str:
    """Basis points as a decimal fraction string: ``150`` -> ``"0.015"``."""
    return str(Decimal(bp) / BP)


def is_year_end(day: dt.date) -> bool:
    """31 December: the close of that day appropriates the general reserve (年末计提一般风险准备)."""
    return day.month == 12 and day.day == 31


def general_reserve_needed(risk_assets: Decimal, general_bp: int, held: Decimal) -> Decimal:
    """What to appropriate at year end so the general reserve is ``general_bp`` of the risk assets (the loans
    outstanding); never negative: the reserve is equity and is not released when the book shrinks."""
    need = (max(risk_assets, ZERO) * general_bp / BP).quantize(FEN, ROUND_HALF_UP)
    return max(need - held, ZERO)


def required_allowance(outstanding: Decimal, rate_bp: int) -> Decimal:
    """The allowance a balance of ``outstanding`` needs at ``rate_bp``, rounded half up to the fen."""
    if outstanding <= 0 or rate_bp <= 0:
        return ZERO
    return (outstanding * rate_bp / BP).quantize(FEN, ROUND_HALF_UP)


# ---- the report: per grade, totals and the two regulatory ratios --------------------------------------------------


@dataclass(frozen=True)
class Holding:
    """One loan in the report: its grade, outstanding principal and allowance held."""

    grade: Grade
    outstanding: Decimal
    held: Decimal
    forced_sale: Decimal | None = None  # the pledged IP's forced-sale value its credit decision recorded

    @property
    def recoverable(self) -> Decimal:
        return ZERO if self.forced_sale is None else min(self.outstanding, max(ZERO, self.forced_sale))

    @property
    def unsecured(self) -> Decimal:
        """LGD x exposure at forced-sale value (违约损失): what a forced sale would leave unrecovered."""
        return max(ZERO, self.outstanding - self.recoverable)


@dataclass(frozen=True)
class GradeLine:
    grade: Grade
    loans: int
    outstanding: Decimal
    rate_bp: int | None  # None where banks with different rates are added together
    required: Decimal
    held: Decimal
    recoverable: Decimal = ZERO  # forced-sale recovery, at most each loan's outstanding
    unsecured: Decimal = ZERO  # outstanding - recoverable: LGD x exposure


def _ratio(num: Decimal, den: Decimal) -> Decimal | None:
    if den <= 0:
        return None
    return (num / den).quantize(RATIO_PLACES, ROUND_HALF_UP)


def _sum(values: Iterable[Decimal]) -> Decimal:
    return sum(values, ZERO)


@dataclass(frozen=True)
class ProvisionSummary:
    """Per-grade lines, totals and the ratios against ``policy``'s thresholds (ratios as fractions: 1.5 = 150%)."""

    lines: tuple[GradeLine, ...]
    coverage_min_bp: int
    loan_ratio_min_bp: int

    @property
    def loans(self) -> int:
        return sum(x.loans for x in self.lines)

    @property
    def outstanding(self) -> Decimal:
        return _sum(x.outstanding for x in self.lines)

    @property
    def npl(self) -> Decimal:
        return _sum(x.outstanding for x in self.lines if x.grade.is_npl)

    @property
    def required(self) -> Decimal:
        return _sum(x.required for x in self.lines)

    @property
    def held(self) -> Decimal:
        return _sum(x.held for x in self.lines)

    @property
    def recoverable(self) -> Decimal:
        return _sum(x.recoverable for x in self.lines)

    @property
    def unsecured(self) -> Decimal:
        return _sum(x.unsecured for x in self.lines)

    @property
    def npl_unsecured(self) -> Decimal:
        return _sum(x.unsecured for x in self.lines if x.grade.is_npl)

    @property
    def npl_lgd(self) -> Decimal | None:
        """Loss given default of the NPLs at forced-sale value: unsecured NPL / NPL."""
        return _ratio(self.npl_unsecured, self.npl)

    @property
    def npl_ratio(self) -> Decimal | None:
        return _ratio(self.npl, self.outstanding)

    @property
    def coverage_ratio(self) -> Decimal | None:
        """拨备覆盖率 = allowance / NPL; ``None`` without NPLs (no ratio to breach)."""
        return _ratio(self.held, self.npl)

    @property
    def loan_provision_ratio(self) -> Decimal | None:
        """贷款拨备率 = allowance / loans; ``None`` for an empty book."""
        return _ratio(self.held, self.outstanding)

    @property
    def coverage_breach(self) -> bool:
        # exact comparison: held / npl < min  <=>  held * BP < min * npl
        return self.npl > 0 and self.held * BP < self.coverage_min_bp * self.npl

    @property
    def loan_ratio_breach(self) -> bool:
        return self.outstanding > 0 and self.held * BP < self.loan_ratio_min_bp * self.outstanding


def summarise(holdings: Iterable[Holding], policy: ProvisionPolicy) -> ProvisionSummary:
    """Group ``holdings`` by grade; the required allowance is per loan (rounded per loan, as the close books it)."""
    count = dict.fromkeys(Grade, 0)
    outstanding = dict.fromkeys(Grade, ZERO)
    required = dict.fromkeys(Grade, ZERO)
    held = dict.fromkeys(Grade, ZERO)
    recoverable = dict.fromkeys(Grade, ZERO)
    unsecured = dict.fromkeys(Grade, ZERO)
    for h in holdings:
        count[h.grade] += 1
        outstanding[h.grade] += h.outstanding
        required[h.grade] += required_allowance(h.outstanding, policy.rate_bp(h.grade))
        held[h.grade] += h.held
        recoverable[h.grade] += h.recoverable
        unsecured[h.grade] += h.unsecured
    lines = tuple(
        GradeLine(g, count[g], outstanding[g], policy.rate_bp(g), required[g], held[g], recoverable[g], unsecured[g])
        for g in sorted(Grade)
    )
    return ProvisionSummary(lines, policy.coverage_min_bp, policy.loan_ratio_min_bp)


def combine(summaries: Iterable[ProvisionSummary], policy: ProvisionPolicy) -> ProvisionSummary:
    """Several banks' summaries added grade by grade, against ``policy``'s thresholds (the platform default)."""
    items = list(summaries)
    lines = []
    for g in sorted(Grade):
        mine = [x for s in items for x in s.lines if x.grade == g]
        rates = {x.rate_bp for x in mine if x.loans}
        rate = rates.pop() if len(rates) == 1 else (policy.rate_bp(g) if not rates else None)
        lines.append(
            GradeLine(
                g,
                sum(x.loans for x in mine),
                _sum(x.outstanding for x in mine),
                rate,
                _sum(x.required for x in mine),
                _sum(x.held for x in mine),
                _sum(x.recoverable for x in mine),
                _sum(x.unsecured for x in mine),
            )
        )
    return ProvisionSummary(tuple(lines), policy.coverage_min_bp, policy.loan_ratio_min_bp)
