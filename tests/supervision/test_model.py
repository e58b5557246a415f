"""Supervision rules on hand-made books: growth against the 20% target, the +3 pp NPL tolerance, the cube, ranks."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ippledge.kernel.errors import ValidationError
from ippledge.supervision import model as m

D = Decimal
Y2022 = m.Period(dt.date(2022, 1, 1), dt.date(2022, 12, 31))


def loan(
    loan_id: int,
    bank: int,
    amount: str,
    on: dt.date,
    *,
    borrower: int | None = None,
    balance: str | None = None,
    npl: bool = False,
    rate: str = "0.0435",
    lpr: str | None = "0.0370",
    first: bool = True,
    district: str = "110108",
) -> m.LoanFact:
    return m.LoanFact(
        loan_id=loan_id,
        bank_id=bank,
        borrower_id=borrower if borrower is not None else 1000 + loan_id,
        district=district,
        product="P1",
        ip_kind="patent",
        firm_size="small",
        principal=D(amount),
        disbursed_on=on,
        annual_rate=D(rate),
        lpr=None if lpr is None else D(lpr),
        balance=D(balance if balance is not None else amount),
        npl=npl,
        first_loan=first,
    )


def test_growth_against_the_20_percent_target() -> None:
    g = m.growth(D("120.00"), D("100.00"))
    assert g.rate == D("0.2000") and g.meets_target is True
    just_below = m.growth(D("119.99"), D("100.00"))
    assert just_below.rate == D("0.1999") and just_below.meets_target is False
    assert m.growth(D("50.00"), D("0.00")).rate is None  # no base, no growth
    assert m.growth(D("50.00"), D("100.00")).rate == D("-0.5000")


def test_npl_tolerance_just_inside_and_just_outside() -> None:
    overall = D("0.0150")  # the bank's overall NPL ratio: 1.50%
    inside = m.npl_check(D("449999.00"), D("10000000.00"), overall)  # 4.49999%: +2.99999 pp
    assert inside.within is True and inside.ip_ratio == D("0.0450")
    edge = m.npl_check(D("450000.00"), D("10000000.00"), overall)  # exactly +3 pp: "up to 3 pp" is within
    assert edge.within is True and edge.excess == D("0.0300")
    outside = m.npl_check(D("450001.00"), D("10000000.00"), overall)  # 4.50001%: rounds to 4.50% but is over
    assert outside.within is False and outside.ip_ratio == D("0.0450")
    unknown = m.npl_check(D("1.00"), D("100.00"), None)
    assert unknown.within is None and unknown.ip_ratio == D("0.0100")


def test_bank_lines_on_a_hand_made_book() -> None:
    facts = [
        loan(1, 10, "1000000.00", dt.date(2021, 3, 1), balance="0.00"),
        loan(2, 10, "1300000.00", dt.date(2022, 3, 1), balance="1000000.00", npl=True),
        loan(3, 10, "12000000.00", dt.date(2022, 6, 1), rate="0.0400", lpr="0.0370"),
        loan(4, 20, "500000.00", dt.date(2022, 7, 1), borrower=1001, first=False),
    ]
    cells = {c.key: c for c in m.loan_cube(facts, Y2022, (m.Dimension.BANK,))}
    a = cells[("10",)]
    assert a.disbursed == D("13300000.00") and a.disbursed_count == 2
    assert a.first_time_borrowers == 2
    assert a.inclusive_count == 1 and a.inclusive_amount == D("1300000.00")  # 12m is over the 10m cap of 2022
    assert a.inclusive_share == D("0.0977")
    assert a.balance == D("13000000.00") and a.borrowers == 2
    assert a.npl_balance == D("1000000.00") and a.npl_ratio == D("0.0769")
    # amount-weighted spread over the LPR: (1.3m * 65bp + 12m * 30bp) / 13.3m
    assert a.average_spread_bp == D("33.4")
    b = cells[("20",)]
    assert b.first_time_borrowers == 0  # borrower 1001 first borrowed in 2021, from bank 10
    prior = {c.key: c for c in m.loan_cube(facts, Y2022.prior_year(), (m.Dimension.BANK,))}
    g = m.growth(a.disbursed, prior[("10",)].disbursed)
    assert g.rate == D("12.3000") and g.meets_target is True


def test_month_cells_carry_flows_only() -> None:
    facts = [
        loan(1, 10, "100.00", dt.date(2022, 1, 5), borrower=7),
        loan(2, 10, "50.00", dt.date(2022, 1, 20), borrower=7, first=False),
    ]
    (jan,) = m.loan_cube(facts, Y2022, (m.Dimension.MONTH,))
    assert jan.key == ("2022-01",) and jan.disbursed == D("150.00") and jan.first_time_borrowers == 1
    assert jan.balance is None and jan.npl_ratio is None


def test_inclusive_cap_is_dated_data() -> None:
    assert m.is_inclusive(D("15000000.00"), dt.date(2023, 12, 31)) is False
    assert m.is_inclusive(D("15000000.00"), dt.date(2024, 1, 1)) is True
    assert m.is_inclusive(D("10000000.00"), dt.date(2022, 1, 1)) is False  # "under 10m": strictly below
    assert m.inclusive_cap(dt.date(2019, 5, 1)) == D("10000000.00")


def test_registrations_are_a_separate_series() -> None:
    regs = [
        m.RegistrationFact(1, 10, 1001, dt.date(2022, 2, 1), D("3000000.00"), "patent", "110108", "small"),
        m.RegistrationFact(2, 10, 1002, dt.date(2021, 2, 1), D("9.00"), "patent", "110108", "small"),
    ]
    (cell,) = m.registration_cube(regs, Y2022, (m.Dimension.BANK,))
    assert cell.registrations == 1 and cell.registered_amount == D("3000000.00")


def _figures(bank: int, current: str, prior: str, npl: str = "0.00", overall: str | None = "0.0150") -> m.BankFigures:
    return m.BankFigures(
        bank,
        m.growth(D(current), D(prior)),
        m.npl_check(D(npl), D("100.00"), None if overall is None else D(overall)),
    )


def test_ranking_with_ties_and_the_ineligible() -> None:
    rule = m.ranking_rule("growth_within_tolerance")
    rows = m.rank(
        rule,
        [
            _figures(1, "150.00", "100.00"),  # +50%
            _figures(2, "130.00", "100.00"),  # +30%
            _figures(3, "260.00", "200.00"),  # +30%: tied with bank 2
            _figures(4, "110.00", "100.00"),  # +10%
            _figures(5, "300.00", "100.00", npl="4.51"),  # +200% but 4.51% NPL against 1.50%: over tolerance
            _figures(6, "300.00", "0.00"),  # no prior year
            _figures(7, "300.00", "100.00", overall=None),  # overall NPL ratio not recorded
            _figures(8, "100.00", "100.00"),  # 0%
        ],
    )
    placed = [(r.bank_id, r.rank) for r in rows]
    assert placed[:5] == [(1, 1), (2, 2), (3, 2), (4, 4), (8, 5)]
    assert [r.tier.up_to if r.tier else None for r in rows[:5]] == [3, 3, 3, 6, 6]  # tied banks share a tier
    unranked = {r.bank_id: r.reasons for r in rows[5:]}
    assert unranked == {5: ("npl_over_tolerance",), 6: ("no_prior_year",), 7: ("overall_npl_missing",)}
    assert rows[5].figures.npl.excess == D("0.0301")  # the inputs travel with the result


def test_ranking_by_amount_ignores_tolerance() -> None:
    rows = m.rank(m.ranking_rule("disbursed"), [_figures(1, "5.00", "0.00"), _figures(2, "5.00", "1.00", overall=None)])
    assert [(r.bank_id, r.rank) for r in rows] == [(1, 1), (2, 1)]


def test_bad_input() -> None:
    with pytest.raises(ValidationError) as e:
        m.Period(dt.date(2022, 2, 1), dt.date(2022, 1, 1))
    assert e.value.code == "supervision.period_reversed"
    with pytest.raises(ValidationError):
        m.dimensions(["bank", "galaxy"])
    with pytest.raises(ValidationError):
        m.ranking_rule("nope")
    assert m.Period(dt.date(2024, 2, 29), dt.date(2024, 2, 29)).prior_year().start == dt.date(2023, 2, 28)


# -- back-dated corrections (bitemporal) --------------------------------------------------------------------------


def test_corrections_apply_from_their_effective_date_as_known_on_a_date() -> None:
    facts = [loan(1, 10, "100.00", dt.date(2022, 1, 5)), loan(2, 10, "50.00", dt.date(2022, 1, 5))]
    fixes = [
        m.Correction(1, "substandard", dt.date(2022, 3, 31), dt.date(2022, 5, 10), 1),
        m.Correction(1, "normal", dt.date(2022, 3, 31), dt.date(2022, 6, 1), 2),  # a correction of the correction
        m.Correction(2, "loss", dt.date(2022, 6, 30), dt.date(2022, 5, 10), 3),  # recorded ahead of its date
    ]

    def npl(end: dt.date, known: dt.date | None) -> list[bool]:
        return [f.npl for f in m.apply_corrections(facts, fixes, end, known)]

    assert npl(dt.date(2022, 3, 30), None) == [False, False]  # before any effective date
    assert npl(dt.date(2022, 3, 31), dt.date(2022, 5, 9)) == [False, False]  # not yet recorded
    assert npl(dt.date(2022, 3, 31), dt.date(2022, 5, 10)) == [True, False]
    assert npl(dt.date(2022, 3, 31), dt.date(2022, 6, 1)) == [False, False]  # corrected back
    assert npl(dt.date(2022, 6, 30), dt.date(2022, 5, 31)) == [True, True]
    assert npl(dt.date(2022, 6, 30), None) == [False, True]
    paid_off = [loan(3, 10, "10.00", dt.date(2022, 1, 5), balance="0.00")]
    assert not m.apply_corrections(
        paid_off, [m.Correction(3, "loss", dt.date(2022, 1, 6), dt.date(2022, 2, 1), 1)], dt.date(2022, 12, 31), None
    )[0].npl


# -- branch KPIs ------------------------------------------------------------------------------------------------


def _branch_loan(loan_id: int, branch: int, kind: str, amount: str, team: str = "", **kw) -> m.LoanFact:
    from dataclasses import replace

    return replace(loan(loan_id, 10, amount, dt.date(2022, 4, 1), **kw), branch_id=branch, branch_type=kind, team=team)


def test_kpi_versions_are_data() -> None:
    assert m.kpi_definition("ip_financing", dt.date(2021, 6, 1)).version == "2021"
    assert m.kpi_definition("ip_financing", dt.date(2022, 1, 1)).version == "2022"
    with pytest.raises(ValidationError) as e:
        m.kpi_definition("ip_financing", dt.date(2020, 12, 31))
    assert e.value.code == "supervision.kpi_not_in_force"
    with pytest.raises(ValidationError):
        m.kpi_definition("nope", dt.date(2022, 1, 1))


def test_kpi_scoring_per_branch() -> None:
    """Three branches of one bank under the 2022 scheme: a tech branch over its targets (capped at 120%), a culture
    branch half-way with an NPL ratio over the tolerance, an ordinary branch that lent nothing."""
    facts = [
        _branch_loan(1, 501, "tech", "30000000.00"),
        _branch_loan(2, 501, "tech", "30000000.00", borrower=2002),  # 60m of 40m: capped at 1.2
        *[_branch_loan(10 + i, 501, "tech", "1000000.00") for i in range(13)],  # 15 borrowers of 12: capped
        _branch_loan(40, 502, "culture", "12500000.00", balance="10000000.00", npl=True, first=False),
    ]
    branches = {501: (10, "tech"), 502: (10, "culture"), 503: (10, "ordinary")}
    units = m.kpi_units(facts, Y2022, branches, {10: D("0.0150")})
    assert [u.branch_id for u in units] == [501, 502, 503]
    definition = m.kpi_definition("ip_financing", Y2022.start)
    scores = {s.unit.branch_id: s for s in (m.score(definition, u, Y2022) for u in units)}

    tech = {i.metric: i for i in scores[501].items}
    assert tech[m.KpiMetric.DISBURSED].achievement == D("1.2") and tech[m.KpiMetric.DISBURSED].points == D("48.00")
    assert tech[m.KpiMetric.BORROWERS].actual == D(15) and tech[m.KpiMetric.BORROWERS].points == D("24.00")
    assert tech[m.KpiMetric.FIRST_TIME].points == D("24.00")  # 15 of 4, capped
    assert tech[m.KpiMetric.NPL_WITHIN].points == D("20")
    assert scores[501].total == D("116.00") and scores[501].max_total == D("100")

    culture = {i.metric: i for i in scores[502].items}
    assert culture[m.KpiMetric.DISBURSED].achievement == D("0.5000") and culture[m.KpiMetric.DISBURSED].points == D(
        "20.00"
    )
    assert culture[m.KpiMetric.FIRST_TIME].actual == D(0)
    assert scores[502].unit.npl.within is False and culture[m.KpiMetric.NPL_WITHIN].points == D("0")
    assert scores[502].total == D("22.50")  # + 1 borrower of 8: 2.50

    assert scores[503].total == D("0.00") and scores[503].unit.npl.within is None

    # a half year is scored against half the yearly targets
    h1 = m.Period(dt.date(2022, 1, 1), dt.date(2022, 6, 30))
    half = m.score(definition, m.kpi_units(facts, h1, branches, {10: D("0.0150")})[1], h1)
    assert {i.metric: i.target for i in half.items}[m.KpiMetric.DISBURSED] == D("12397260.27")  # 25m * 181/365

    by_team = m.kpi_units([*facts, _branch_loan(50, 501, "tech", "5.00", team="A")], Y2022, branches, {}, True)
    assert [(u.branch_id, u.team) for u in by_team] == [(501, ""), (501, "A"), (502, "")]


def test_two_banks_one_just_inside_one_just_outside_the_tolerance() -> None:
    """A hand-made book of two banks, both with a 1.50% overall NPL ratio: bank 10's IP-loan NPL ratio is 4.50% (+3
    pp exactly: within), bank 20's 4.50001% (shown 4.50%, but over); bank 10 grew 20% (meets the target), bank 20
    19.99% (misses it). Only bank 10 is ranked under the growth-within-tolerance rule."""
    facts = [
        loan(1, 10, "10000000.00", dt.date(2021, 5, 1), balance="0.00"),
        loan(2, 10, "11550000.00", dt.date(2022, 5, 1), balance="9550000.00"),
        loan(3, 10, "450000.00", dt.date(2022, 6, 1), npl=True),
        loan(4, 20, "10000000.00", dt.date(2021, 5, 1), balance="0.00"),
        loan(5, 20, "11549000.00", dt.date(2022, 5, 1), balance="9549999.00"),
        loan(6, 20, "450000.00", dt.date(2022, 6, 1), balance="450001.00", npl=True),
    ]
    now = {c.key[0]: c for c in m.loan_cube(facts, Y2022, (m.Dimension.BANK,))}
    before = {c.key[0]: c for c in m.loan_cube(facts, Y2022.prior_year(), (m.Dimension.BANK,))}
    figures = []
    for bank in ("10", "20"):
        c = now[bank]
        assert c.npl_balance is not None and c.balance == D("10000000.00")
        figures.append(
            m.BankFigures(
                int(bank),
                m.growth(c.disbursed, before[bank].disbursed),
                m.npl_check(c.npl_balance, c.balance, D("0.015")),
            )
        )
    a, b = figures
    assert a.npl.ip_ratio == D("0.0450") and a.npl.excess == D("0.0300") and a.npl.within is True
    assert b.npl.ip_ratio == D("0.0450") and b.npl.excess == D("0.0300") and b.npl.within is False
    assert a.growth.rate == D("0.2000") and a.growth.meets_target is True
    assert b.growth.rate == D("0.1999") and b.growth.meets_target is False
    rows = m.rank(m.ranking_rule("growth_within_tolerance"), figures)
    assert [(r.bank_id, r.rank, r.reasons) for r in rows] == [(10, 1, ()), (20, None, ("npl_over_tolerance",))]
