"""Simulated market generation: deterministic, valid identifiers, plausible distributions, consistent legal states."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from functools import cache

import numpy as np
import pytest

from ippledge.kernel.calendar import add_months
from ippledge.kernel.errors import ValidationError
from ippledge.kernel.identifiers import copyright, ipc, patent_application, trademark, uscc
from ippledge.registry.model import AnnuityState, LegalState, annuity_state
from ippledge.simulation import vectors
from ippledge.simulation.generate import Market, generate
from ippledge.simulation.spec import BEIJING, SMALL, preset


@cache
def small(seed: int = 11) -> Market:
    return generate(SMALL, seed)


def _dates(arr: np.ndarray) -> list[dt.date | None]:
    return arr.astype("M8[D]").astype(object).tolist()  # type: ignore[no-any-return]


def test_same_seed_same_market_other_seed_other_market() -> None:
    assert generate(SMALL, 11).fingerprint() == small(11).fingerprint()
    assert generate(SMALL, 12).fingerprint() != small(11).fingerprint()


def test_planned_counts_are_met_exactly() -> None:
    counts = small().counts()
    plan = SMALL.planned_counts()
    assert counts["invention/in_force"] == plan["invention_in_force"] == 1_800
    assert counts["utility_model/in_force"] == plan["utility_model_in_force"]
    assert counts["invention/pending"] == plan["invention_pending"]
    assert counts["mark/in_force"] == 6_000
    assert counts["mark/expired"] == plan["trademark_expired"]
    lapsed = sum(v for k, v in counts.items() if k.endswith("/terminated"))
    assert lapsed == plan["patent_lapsed"]
    assert counts["software/in_force"] == 300 and counts["work/in_force"] == 100
    assert counts["enterprises"] == 300


def test_beijing_spec_matches_the_article() -> None:
    plan = BEIJING.planned_counts()
    assert plan["invention_in_force"] == 473_000
    assert plan["trademark_in_force"] == 2_891_000
    # Only valid rights in beijing: nothing lapsed, expired or pending on top.
    assert plan["patent_lapsed"] == plan["patent_expired"] == plan["invention_pending"] == 0
    assert plan["trademark_expired"] == 0


def test_scaled_beijing_shape_generates_exact_valid_counts() -> None:
    spec = BEIJING.scaled(0.002)
    counts = generate(spec, 3).counts()
    assert counts["invention/in_force"] == spec.inventions == 946
    assert counts["mark/in_force"] == spec.trademarks == 5_782
    assert {k.split("/")[1] for k in counts if "/" in k} == {"in_force"}


def test_unknown_scale_is_a_typed_error() -> None:
    with pytest.raises(ValidationError) as err:
        preset("shanghai")
    assert err.value.code == "simulate.unknown_scale"


def test_every_uscc_is_valid_unique_and_in_beijing() -> None:
    m = small()
    codes = m.enterprises["uscc"].tolist() + [i.uscc for i in m.institutions]
    for code in codes:
        assert uscc.validate(code) == code  # includes the GB 11714 organisation-code check
    assert len(set(codes)) == len(codes)
    assert all(str(r).startswith("11") for r in m.enterprises["region_code"])
    assert all(c[2:8] == r for c, r in zip(m.enterprises["uscc"], m.enterprises["region_code"], strict=True))
    regions = Counter(m.enterprises["region_code"].tolist())
    assert regions.most_common(2)[0][0] in {"110108", "110105"}
    names = m.enterprises["name"].tolist()
    assert len(set(names)) == len(names) and all(n.startswith("北京") for n in names)


def test_patent_numbers_validate_and_match_their_subtype() -> None:
    a = small().assets
    patents = a["kind"] == "patent"
    numbers = a["number"][patents].tolist()
    assert len(set(numbers)) == len(numbers)
    for number, subtype in zip(numbers, a["subtype"][patents].tolist(), strict=True):
        assert patent_application.validate(number) == number
        assert patent_application.kind(number).value == subtype
    filing_years = (a["filing_date"][patents].astype("M8[Y]").astype(int) + 1970).tolist()
    assert all(patent_application.filing_year(n) == y for n, y in zip(numbers, filing_years, strict=True))


def test_trademark_and_copyright_numbers_validate() -> None:
    a = small().assets
    marks = a["number"][a["kind"] == "trademark"].tolist()
    assert len(set(marks)) == len(marks)
    assert all(trademark.validate(n) == n and 7 <= len(n) <= 8 for n in marks)
    assert all(trademark.validate_nice_class(int(c)) for c in a["nice_classes"][a["kind"] == "trademark"])
    rights = a["kind"] == "copyright"
    for number, subtype in zip(a["number"][rights].tolist(), a["subtype"][rights].tolist(), strict=True):
        assert copyright.validate(number) == number
        assert copyright.kind(number).value == subtype


def test_ipc_symbols_are_valid_and_concentrated_in_beijing_fields() -> None:
    a = small().assets
    inventions = a["subtype"] == "invention"
    mains = a["ipc_main"][inventions].tolist()
    assert all(ipc.validate(s) == s for s in mains)
    assert all(ipc.validate(s) for row in a["ipc_all"][inventions] for s in row.split())
    top = {"G06F", "H04L", "G06N", "G06Q", "H04W"}
    assert sum(s[:4] in top for s in mains) / len(mains) > 0.3
    assert all(v is None for v in a["ipc_main"][a["subtype"] == "design"])


def test_claims_citations_and_families_are_plausible() -> None:
    a = small().assets
    inventions = a["subtype"] == "invention"
    assert 7 <= np.median(a["claims"][inventions]) <= 11
    assert a["claims"][inventions].min() >= 1
    family = a["family_size"][inventions]
    assert (family <= 3).mean() > 0.8 and family.max() > 3
    old = inventions & (a["filing_date"] < np.datetime64("2012-01-01"))
    young = inventions & (a["filing_date"] > np.datetime64("2021-01-01"))
    assert a["forward_citations"][old].mean() > a["forward_citations"][young].mean()
    assert (a["claims"][a["subtype"] == "design"] == -1).all()


def test_legal_states_are_consistent_with_dates_and_annuities() -> None:
    m = small()
    a, r = m.assets, m.annuities
    as_of = SMALL.as_of
    in_force = (a["status"] == "in_force") & (a["kind"] == "patent")
    grants, expiries = _dates(a["grant_date"][in_force]), _dates(a["expiry_date"][in_force])
    assert all(g is not None and g <= as_of for g in grants)
    assert all(e is not None and e >= as_of for e in expiries)
    # An unpaid annuity of a patent in force is at most in grace; of a lapsed patent it is past grace.
    status = a["status"][r["asset"]]
    unpaid = np.isnat(r["paid_on"])
    for due, st in zip(_dates(r["due_date"][unpaid]), status[unpaid].tolist(), strict=True):
        state = annuity_state(due, None, as_of)
        if st == LegalState.IN_FORCE.value:
            assert state in (AnnuityState.NOT_DUE, AnnuityState.IN_GRACE)
        else:
            assert st == LegalState.TERMINATED.value and state is AnnuityState.LAPSED
    in_grace = [
        int(i)
        for i, due in zip(r["asset"][unpaid], _dates(r["due_date"][unpaid]), strict=True)
        if annuity_state(due, None, as_of) is AnnuityState.IN_GRACE
    ]
    assert in_grace and all(a["status"][i] == "in_force" for i in in_grace)


def test_every_lapsed_patent_has_a_cf01_event_on_its_unpaid_due_date() -> None:
    m = small()
    a, r, ev = m.assets, m.annuities, m.events
    lapsed = set(np.flatnonzero(a["status"] == "terminated").tolist())
    cf01 = {
        int(i): d for i, c, d in zip(ev["asset"], ev["code"], _dates(ev["effective_date"]), strict=True) if c == "CF01"
    }
    assert set(cf01) == lapsed
    unpaid = {
        int(i): d for i, d, p in zip(r["asset"], _dates(r["due_date"]), _dates(r["paid_on"]), strict=True) if p is None
    }
    assert all(unpaid[i] == cf01[i] for i in lapsed)
    expired = np.flatnonzero((a["status"] == "expired") & (a["kind"] == "patent"))
    assert {int(i) for i, c in zip(ev["asset"], ev["code"], strict=True) if c == "CX01"} == set(expired.tolist())


def test_same_day_twins_and_co_owners() -> None:
    a = small().assets
    twins = np.flatnonzero(a["twin"] >= 0)
    assert len(twins) == 2 * SMALL.same_day_twins
    for i in twins.tolist():
        j = int(a["twin"][i])
        assert a["twin"][j] == i and a["filing_date"][i] == a["filing_date"][j]
        assert a["owner"][i] == a["owner"][j] and a["title"][i] == a["title"][j]
        assert {a["subtype"][i], a["status"][i]} in ({"invention", "pending"}, {"utility_model", "in_force"})
    co = a["co_owner"] >= 0
    assert co.any() and (a["co_owner"][co] != a["owner"][co]).all()


def test_firms_were_founded_before_their_first_filing() -> None:
    m = small()
    founded = m.enterprises["founded_on"][m.assets["owner"]]
    assert (founded < m.assets["filing_date"]).all()


def test_vectorised_calendar_and_check_digits_agree_with_the_kernel() -> None:
    rng = np.random.default_rng(0)
    days = np.datetime64("2000-01-01") + rng.integers(0, 9000, 500).astype("m8[D]")
    days[:3] = np.array(["2024-02-29", "2023-01-31", "2020-12-31"], dtype="M8[D]")
    shift = rng.integers(-30, 300, 500)
    got = _dates(vectors.add_months(days, shift))
    want = [add_months(d, int(k)) for d, k in zip(_dates(days), shift.tolist(), strict=True)]
    assert got == want
    years, types, serials = np.full(200, 2013), rng.choice([1, 2, 3, 8], 200), rng.integers(0, 9_999_999, 200)
    numbers = vectors.patent_application_numbers(years, types, serials)
    assert numbers == [patent_application.make(2013, int(t), int(s)) for t, s in zip(types, serials, strict=True)]


@pytest.mark.slow
def test_full_beijing_generation() -> None:
    counts = generate(BEIJING, 1).counts()
    assert counts["invention/in_force"] == 473_000
    assert counts["mark/in_force"] == 2_891_000
