"""The Zhongguancun liability chain's pure rules: indemnity within deductible, per-claim and aggregate limits,
exclusions, premium subsidy; the published Haidian case; the preset versions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from ippledge.risk_sharing.claims.model import split_loss
from ippledge.risk_sharing.liability.model import (
    STANDARD_EXCLUSIONS,
    Cause,
    PolicyTerms,
    indemnity,
    premium,
    premium_subsidy,
    problems,
    undertaking,
)
from ippledge.risk_sharing.liability.presets import terms_for
from ippledge.risk_sharing.model import Party
from ippledge.risk_sharing.model import problems as scheme_problems
from ippledge.risk_sharing.schemes.presets import get_preset

D = Decimal
TERMS = PolicyTerms(per_claim_limit=D("500000.00"), aggregate_limit=D("800000.00"), deductible=D("10000.00"))
HAIDIAN = "beijing-haidian-zhirongbao"


def test_deductible_then_per_claim_then_aggregate() -> None:
    small = indemnity(TERMS, D("6000.00"), Cause.PROFESSIONAL_SERVICE, D("0"))
    assert small.amount == D("0.00") and small.retained == D("6000.00") and small.deductible == D("6000.00")
    mid = indemnity(TERMS, D("310000.00"), Cause.PROFESSIONAL_SERVICE, D("0"))
    assert mid.amount == D("300000.00") and mid.limited_by == ("deductible",)
    big = indemnity(TERMS, D("990000.00"), Cause.PROFESSIONAL_SERVICE, D("0"))
    assert big.amount == D("500000.00") and big.limited_by == ("deductible", "per_claim_limit")
    last = indemnity(TERMS, D("990000.00"), Cause.PROFESSIONAL_SERVICE, D("500000.00"))
    assert last.amount == D("300000.00") and "aggregate_limit" in last.limited_by
    spent = indemnity(TERMS, D("990000.00"), Cause.PROFESSIONAL_SERVICE, D("800000.00"))
    assert spent.amount == D("0.00") and spent.retained == D("990000.00")


def test_excluded_cause_pays_nothing() -> None:
    for cause in STANDARD_EXCLUSIONS:
        out = indemnity(TERMS, D("200000.00"), cause, D("0"))
        assert out.amount == D("0.00") and out.limited_by == ("excluded",) and out.retained == D("200000.00")
    covered = PolicyTerms(D("1"), D("1"), exclusions=frozenset())
    assert indemnity(covered, D("5"), Cause.FRAUD, D("0")).amount == D("1.00")


def test_premium_and_subsidy_cap() -> None:
    terms = PolicyTerms(D("5000000"), D("20000000"), premium_rate_bp=100, subsidy_bp=5000, subsidy_cap=D("20000"))
    due = premium(terms, D("3000000"))
    assert due == D("30000.00")
    assert premium_subsidy(terms, due) == D("15000.00")
    assert premium_subsidy(terms, premium(terms, D("10000000"))) == D("20000")  # 50% of 100,000, capped at 20,000


def test_terms_problems_listed() -> None:
    bad = PolicyTerms(D("0"), D("-1"), deductible=D("-1"), premium_rate_bp=10_001, subsidy_bp=-1)
    codes = {p.code for p in problems(bad, dt.date(2025, 1, 1), dt.date(2024, 1, 1))}
    assert codes == {
        "risk.liability.limit",
        "risk.liability.deductible",
        "risk.liability.bp_range",
        "risk.liability.period",
    }
    assert problems(TERMS, dt.date(2025, 1, 1), dt.date(2025, 12, 31)) == []


def test_published_haidian_case_arithmetic() -> None:
    """The first Haidian claim paid 996,632 CNY on a 1m loan against 7 patents (DOMAIN.md §5).

    Assumptions (no source gives the breakdown): 10,000 of principal was repaid before default, leaving 990,000;
    6,632 of interest was unpaid; the scheme (version 2) splits principal and interest; the institution's
    undertaking is the whole net loss; the preset policy has no deductible and a 5m per-claim limit."""
    scheme = get_preset(HAIDIAN, dt.date(2024, 6, 1))
    assert scheme.version == "2" and scheme_problems(scheme) == []
    allocation = split_loss(scheme, D("990000.00"), D("990000.00"), None, interest=D("6632.00"))
    paid_to_bank = allocation.shares[Party.IP_OPERATOR]
    assert paid_to_bank == undertaking(D("996632.00")) == D("996632.00")
    assert allocation.shares.get(Party.BANK, D("0")) == D("0.00")
    preset = terms_for(HAIDIAN, dt.date(2024, 6, 1))
    assert preset is not None
    out = indemnity(preset.terms, paid_to_bank, Cause.PROFESSIONAL_SERVICE, D("0"))
    assert out.amount == D("996632.00") and out.retained == D("0.00")  # the insurer bears the whole published loss
    # with a 10,000 deductible the institution would keep 10,000 of it
    with_deductible = PolicyTerms(preset.terms.per_claim_limit, preset.terms.aggregate_limit, deductible=D("10000"))
    assert indemnity(with_deductible, paid_to_bank, Cause.PROFESSIONAL_SERVICE, D("0")).amount == D("986632.00")


def test_old_haidian_version_stays_readable() -> None:
    old = get_preset(HAIDIAN, dt.date(2020, 6, 1))
    assert old.version == "1" and old.tiers[0].share(Party.INSURER) == 6000


money = st.decimals(min_value=D("0"), max_value=D("50000000"), places=2)


@settings(max_examples=300, deadline=None)
@given(
    per_claim=st.decimals(min_value=D("0.01"), max_value=D("10000000"), places=2),
    extra=st.decimals(min_value=D("0"), max_value=D("20000000"), places=2),
    deductible=st.decimals(min_value=D("0"), max_value=D("200000"), places=2),
    losses=st.lists(st.tuples(money, st.sampled_from(list(Cause))), min_size=1, max_size=12),
)
def test_no_payment_exceeds_a_limit(
    per_claim: Decimal, extra: Decimal, deductible: Decimal, losses: list[tuple[Decimal, Cause]]
) -> None:
    terms = PolicyTerms(per_claim, per_claim + extra, deductible)
    paid = D("0")
    for loss, cause in losses:
        out = indemnity(terms, loss, cause, paid)
        assert D("0") <= out.amount <= per_claim
        assert out.amount <= max(loss - deductible, D("0"))
        assert out.amount + out.retained == out.loss
        if cause in terms.exclusions:
            assert out.amount == 0
        paid += out.amount
        assert paid <= terms.aggregate_limit


@settings(max_examples=100, deadline=None)
@given(
    amount=st.decimals(min_value=D("0.01"), max_value=D("100000000"), places=2),
    ids=st.lists(st.integers(min_value=1, max_value=10_000), min_size=3, max_size=3, unique=True),
)
def test_every_chain_entry_balances_and_the_insurer_pays_only_the_institution(amount: Decimal, ids: list[int]) -> None:
    from ippledge.ledger.model import require_valid
    from ippledge.risk_sharing.liability import postings
    from ippledge.risk_sharing.pools import postings as pool_postings

    pool_postings.register_rules()  # idempotent: the chart the composition root registers
    postings.register_rules()
    insurer, institution, fund = ids
    day = dt.date(2025, 10, 6)
    drafts = [
        postings.premium(insurer, institution, amount, day, 1, "k1"),
        postings.premium_subsidy(fund, HAIDIAN, institution, amount, day, 1, "k2"),
        postings.co_contribution(fund, HAIDIAN, institution, amount, day, 1, "k3"),
        postings.indemnity(insurer, institution, amount, day, 1, "k4"),
    ]
    for draft in drafts:
        require_valid(draft)
        assert sum(p.amount for p in draft.postings) == 0
    owners = {p.account.split(":")[0] for p in drafts[-1].postings}
    assert owners == {f"P{insurer}", f"P{institution}"}
