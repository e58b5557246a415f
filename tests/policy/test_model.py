"""Policy matching worked by hand (政策匹配手算案例): the Beijing 2021 and 2024 interest subsidies and two schemes
(Jiangsu 苏知贷, Shenzhen), each number worked out in the comments from the rule's source.

Sources (DOMAIN.md §5): Beijing 2021 -- 40% of actual interest, <= 500k CNY per firm per year, only if the rate
<= 1-year LPR x 1.4, firm revenue <= 200m CNY. Beijing 2024 -- <= 50% of the interest, a rate above LPR x 1.4 counts
as LPR x 1.4, <= 300k per firm per year, pledge registered before the loan was settled, only the IP-pledged share.
Jiangsu 苏知贷 -- fund 80% / bank 20% for balances <= 10m, 50/50 for 10-30m; loan <= 30m, term <= 3y, rate <= LPR +
80bp. Shenzhen -- 50% for IP loans (preset's assumption), borrower bank debt <= 30m.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from ippledge.lending.model.schedule import RepaymentMethod, build_schedule
from ippledge.policy.model import Fees, match_scheme, match_subsidy
from ippledge.risk_sharing.schemes.eligibility import LoanFacts
from ippledge.risk_sharing.schemes.presets import get_preset
from ippledge.risk_sharing.subsidies.model import BEIJING_INTEREST_2021, BEIJING_INTEREST_2024, LoanTerms

START = dt.date(2025, 1, 10)  # settled (放款) on 10 Jan; monthly interest due on the 10th, Feb 2025 .. Jan 2026


def _interest_first(principal: str, rate: str, months: int = 12):  # type: ignore[no-untyped-def]
    return build_schedule(D(principal), D(rate), months, START, RepaymentMethod.INTEREST_FIRST)


def _terms(rate: str, lpr: str = "0.03", share: int | None = 10_000, revenue: str = "50000000") -> LoanTerms:
    return LoanTerms(D(rate), D(lpr), D(revenue), share, START, (START,))


def test_beijing_2021_forty_percent_of_the_scheduled_interest() -> None:
    # 2,000,000 at 4.20%, interest first: 2,000,000 x 4.2% / 12 = 7,000.00 a month. LPR 3.00% x 1.4 = 4.20%: at the
    # cap, allowed. Due dates 2025-02-10 .. 2025-12-10 (11) and 2026-01-10 (1): 77,000.00 and 7,000.00 of interest.
    # 40%: 30,800.00 + 2,800.00 = 33,600.00 (far under the 500k cap).
    m = match_subsidy(BEIJING_INTEREST_2021, _terms("0.042"), _interest_first("2000000", "0.042"), Fees())
    assert m.qualifies and m.reasons == []
    assert m.workings["by_year"]["2025"]["due"] == "30800.00" and m.workings["by_year"]["2026"]["due"] == "2800.00"
    assert m.saving == D("33600.00")
    # 4.21% is above 4.20%: the 2021 rule refuses it, naming the rule
    over = match_subsidy(BEIJING_INTEREST_2021, _terms("0.0421"), _interest_first("2000000", "0.0421"), Fees())
    assert not over.qualifies and [r.code for r in over.reasons] == ["risk.subsidy.rate_cap"] and over.saving is None
    # revenue 200,000,001 > 200m: refused on revenue
    rich = match_subsidy(
        BEIJING_INTEREST_2021, _terms("0.04", revenue="200000001"), _interest_first("1", "0.04"), Fees()
    )
    assert [r.code for r in rich.reasons] == ["risk.subsidy.revenue_cap"]


def test_beijing_2024_counts_at_the_cap_only_the_ip_share_and_caps_per_year() -> None:
    # 6,000,000 at 5.00%: 25,000.00 interest a month. Cap 3.00% x 1.4 = 4.20%, so interest counts x 4.2/5 = 0.84;
    # the IP-pledged share is 60% (other security covers 2.4m). 2025: 11 x 25,000 = 275,000 -> x 0.84 = 231,000 ->
    # x 60% = 138,600 -> 50% = 69,300.00. 2026: 25,000 -> 21,000 -> 12,600 -> 6,300.00. Total 75,600.00.
    m = match_subsidy(BEIJING_INTEREST_2024, _terms("0.05", share=6000), _interest_first("6000000", "0.05"), Fees())
    assert m.qualifies
    y2025 = m.workings["by_year"]["2025"]
    assert (y2025["paid"], y2025["counted_at_rate"], y2025["counted"], y2025["due"]) == (
        "275000.00",
        "0.042",
        "138600.00",
        "69300.00",
    )
    assert m.workings["by_year"]["2026"]["due"] == "6300.00" and m.saving == D("75600.00")
    # 30,000,000 at 4.20% (at the cap), all IP: 105,000.00 a month. 2025: 1,155,000 x 50% = 577,500 -> capped at
    # 300,000.00; 2026: 105,000 x 50% = 52,500.00. Total 352,500.00. With 100,000 already granted in 2025: 200,000.
    big = match_subsidy(BEIJING_INTEREST_2024, _terms("0.042"), _interest_first("30000000", "0.042"), Fees())
    assert big.workings["by_year"]["2025"]["computed"] == "577500.00" and big.saving == D("352500.00")
    used = match_subsidy(
        BEIJING_INTEREST_2024, _terms("0.042"), _interest_first("30000000", "0.042"), Fees(), {2025: D("100000")}
    )
    assert used.saving == D("252500.00")
    # a pledge registered the day after settlement gets nothing, with the rule that decided it
    late = LoanTerms(D("0.042"), D("0.03"), None, 10_000, START, (START + dt.timedelta(days=1),))
    refused = match_subsidy(BEIJING_INTEREST_2024, late, _interest_first("1000000", "0.042"), Fees())
    assert [r.code for r in refused.reasons] == ["risk.subsidy.pledge_late"] and refused.saving is None


def _facts(amount: str, rate: str, months: int = 24, bank_debt: str | None = None) -> LoanFacts:
    return LoanFacts(
        as_of=START,
        loan_amount=D(amount),
        term_months=months,
        annual_rate=D(rate),
        ip_types=frozenset({"invention"}),
        lpr_1y=D("0.03"),
        ip_share_bp=10_000,
        borrower_bank_debt=None if bank_debt is None else D(bank_debt),
        clean_credit=True,
    )


def test_jiangsu_suzhidai_by_tier_and_rate_cap() -> None:
    jiangsu = get_preset("jiangsu-suzhidai", START)
    # 8,000,000 at 3.70% <= 3.00% + 0.80% = 3.80%, 24 months: qualifies; balance <= 10m: fund 80% of a full loss
    # = 6,400,000.00
    m = match_scheme(jiangsu, _facts("8000000", "0.037"))
    assert m.qualifies and m.saving == D("6400000.00") and "rate_cap" in m.rules_checked
    # 20,000,000 at 3.80%: tier 10-30m, 50/50 = 10,000,000.00
    assert match_scheme(jiangsu, _facts("20000000", "0.038")).saving == D("10000000.00")
    # 3.90% > 3.80%, and 40 months > 36: both rules named, nothing saved
    bad = match_scheme(jiangsu, _facts("8000000", "0.039", months=40))
    assert [r.code for r in bad.reasons] == ["risk.eligibility.term_cap", "risk.eligibility.rate_cap"]
    assert not bad.qualifies and bad.saving is None


def test_shenzhen_bank_debt_cap() -> None:
    shenzhen = get_preset("shenzhen", START)
    # 3,000,000, borrower bank debt 20m <= 30m: fund 50% of a full loss = 1,500,000.00
    m = match_scheme(shenzhen, _facts("3000000", "0.05", bank_debt="20000000"))
    assert m.qualifies and m.saving == D("1500000.00")
    over = match_scheme(shenzhen, _facts("3000000", "0.05", bank_debt="30000000.01"))
    assert [r.code for r in over.reasons] == ["risk.eligibility.bank_debt"]
    unknown = match_scheme(shenzhen, _facts("3000000", "0.05"))
    assert [r.code for r in unknown.reasons] == ["risk.eligibility.missing"]  # never a guess


def test_fee_subsidies_need_the_fee() -> None:
    body = {"code": "fee", "version": "1", "kind": "premium", "rate_bp": 5000, "per_firm_annual_cap": "20000"}
    sched = _interest_first("1000000", "0.04", months=18)  # two started loan years: 2025 and 2026
    m = match_subsidy(body, _terms("0.04"), sched, Fees(annual_premium=D("30000")))
    # 50% of 30,000 = 15,000 each year (under 20k): 30,000.00
    assert m.qualifies and m.saving == D("30000.00")
    unknown = match_subsidy(body, _terms("0.04"), sched, Fees())
    assert unknown.qualifies and unknown.saving is None and "not stated" in unknown.saving_basis
