"""Bank organisation and what hangs on it, through the API on both backends: head office, branches and sub-branches
with their type and region; officers posted to them; loans carrying the signer's branch and team; branch KPIs; and
a back-dated correction reproduced as of a past recording date (bitemporal)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ippledge.access.model import PartyKind, Role
from ippledge.intake import queries as intake_queries
from ippledge.lending import queries as lending_queries
from tests.lending.factories import LoanDesk

Q = "start=2025-01-01&end=2025-12-31"


def _org(d: LoanDesk, admin: Any) -> dict[str, int]:
    bank = d.bank.id

    def open_unit(body: dict[str, Any], expect: int = 201) -> Any:
        return d.post(admin, f"/banks/{bank}/branches", {"opened_on": "2021-03-01", **body}, expect)

    head = open_unit({"name": "总行", "level": "head_office", "region_code": "110102"}).json()
    tech = open_unit(
        {
            "name": "中关村科技支行",
            "level": "branch",
            "branch_type": "tech",
            "region_code": "110108",
            "parent_id": head["id"],
        }
    ).json()
    culture = open_unit(
        {
            "name": "朝阳文化支行",
            "level": "sub_branch",
            "branch_type": "culture",
            "region_code": "110105",
            "parent_id": tech["id"],
        }
    ).json()
    assert tech["bank_id"] == bank and tech["parent_id"] == head["id"] and culture["branch_type"] == "culture"
    return {"head": head["id"], "tech": tech["id"], "culture": culture["id"]}


def test_bank_organisation_rules_and_who_sees_it(world, app) -> None:
    d = LoanDesk(world, app)
    admin = world.user(d.bank.party, Role.ADMIN)
    regulator = world.actor(PartyKind.REGULATOR, Role.ANALYST)
    other_admin = world.user(d.bank2.party, Role.ADMIN)
    units = _org(d, admin)
    url = f"/banks/{d.bank.id}/branches"
    for body, code in [
        ({"name": "另一总行", "level": "head_office", "region_code": "110102"}, "access.head_office_exists"),
        (  # a sub-branch sits under a branch, not under the head office
            {"name": "X", "level": "sub_branch", "region_code": "110108", "parent_id": units["head"]},
            "access.branch_parent",
        ),
        ({"name": "X", "level": "branch", "region_code": "999999", "parent_id": units["head"]}, "access.branch_region"),
        ({"name": "X", "level": "outpost", "region_code": "110108"}, "access.branch_level"),
        (
            {
                "name": "X",
                "level": "branch",
                "branch_type": "sport",
                "region_code": "110108",
                "parent_id": units["head"],
            },
            "access.branch_level",
        ),
    ]:
        r = d.post(admin, url, {"opened_on": "2022-01-01", **body})
        assert r.status_code in (409, 422) and r.json()["code"] == code, r.text
    # another bank's admin may not open units here, nor see them; the regulator and the bank itself see them
    intruder = {"name": "X", "level": "head_office", "region_code": "110102", "opened_on": "2022-01-01"}
    assert d.post(other_admin, url, intruder).status_code == 404
    assert d.get(d.bank2.officer, url, None).status_code == 404
    seen = d.get(regulator, url).json()
    assert [(u["id"], u["level"]) for u in seen] == [
        (units["head"], "head_office"),
        (units["tech"], "branch"),
        (units["culture"], "sub_branch"),
    ]
    assert len(d.get(d.bank.officer, url).json()) == 3
    # a branch of bank 2 may not be the parent of bank 1's unit
    head2 = d.post(
        other_admin,
        f"/banks/{d.bank2.id}/branches",
        {"name": "总行", "level": "head_office", "region_code": "110101", "opened_on": "2020-01-01"},
        201,
    ).json()
    r = d.post(
        admin,
        url,
        {"name": "X", "level": "branch", "region_code": "110108", "parent_id": head2["id"], "opened_on": "2022-01-01"},
    )
    assert r.status_code == 422 and r.json()["code"] == "access.branch_parent"
    # postings: only the bank's own people, only to its own units
    postings = f"/banks/{d.bank.id}/postings"
    bad = d.post(admin, postings, {"user_id": d.bank2.officer.user.id, "branch_id": units["tech"]})
    assert bad.status_code == 422 and bad.json()["code"] == "access.not_bank_staff"
    assert d.post(admin, postings, {"user_id": d.bank.officer.user.id, "branch_id": head2["id"]}).status_code == 404
    ok = d.post(admin, postings, {"user_id": d.bank.officer.user.id, "branch_id": units["tech"], "team": "A组"}, 201)
    assert ok.json() == {"user_id": d.bank.officer.user.id, "branch_id": units["tech"], "team": "A组"}
    assert len(d.get(regulator, url).json()) == 3  # nothing was written by the refusals


def _second_loan_by(d: LoanDesk, signer: Any, amount: str) -> int:
    deal = d.approved(amount=amount)
    d.register(deal.filing_id)
    loan = d.post(signer, "/loans", {"decision_id": deal.decision_id}, 201).json()
    d.post_key(signer, f"/loans/{loan['id']}/disbursement", {}, 200)
    return int(loan["id"])


def test_loans_carry_their_branch_and_kpis_are_scored_per_branch_and_team(world, app) -> None:
    d = LoanDesk(world, app)
    admin = world.user(d.bank.party, Role.ADMIN)
    regulator = world.actor(PartyKind.REGULATOR, Role.ANALYST)
    units = _org(d, admin)
    postings = f"/banks/{d.bank.id}/postings"
    d.post(admin, postings, {"user_id": d.bank.officer.user.id, "branch_id": units["tech"], "team": "A组"}, 201)
    d.post(admin, postings, {"user_id": d.bank.approver2.user.id, "branch_id": units["culture"], "team": "B组"}, 201)
    first = d.active_loan(amount="1200000")  # signed by the officer: the tech branch, team A
    with world.factory() as s:  # the application carries the branch that took the bank's review: the officer's
        loan = lending_queries.loan_summary(s, first)
        assert loan is not None and loan.application_id is not None and loan.officer_id == d.bank.officer.user.id
        assert loan.branch_id == units["tech"]
        assert intake_queries.branches_of_application(s, loan.application_id) == {d.bank.id: units["tech"]}
    _second_loan_by(d, d.bank.approver2, "800000")  # the culture sub-branch, team B

    s = d.get(regulator, f"/supervision/statistics?{Q}&by=branch_type&by=branch").json()
    cells = {(c["key"]["branch_type"], c["key"]["branch"]): c["disbursed"] for c in s["loans"]}
    assert cells == {("tech", str(units["tech"])): "1200000.00", ("culture", str(units["culture"])): "800000.00"}

    k = d.get(regulator, f"/supervision/kpi?{Q}").json()
    assert (k["code"], k["version"], k["by"]) == ("ip_financing", "2022", "branch")  # the version in force in 2025
    by_unit = {x["branch_id"]: x for x in k["scores"]}
    assert set(by_unit) == set(units.values())  # the head office lent nothing and still has a line
    tech = by_unit[units["tech"]]
    items = {i["metric"]: i for i in tech["items"]}
    # 1.2m of a 40m yearly target for a tech branch: 3% of 40 points; 1 borrower of 12; 1 first-time borrower of 4
    assert items["disbursed"]["target"] == "40000000" and items["disbursed"]["points"] == "1.20"
    assert items["borrowers"]["achievement"] == "0.0833" and items["borrowers"]["points"] == "1.67"
    assert items["first_time_borrowers"]["points"] == "5.00"
    assert items["npl_within"]["points"] == "0"  # the bank's overall NPL ratio is not recorded: not scored
    assert tech["total"] == "7.87" and tech["max_total"] == "100.00"
    culture = by_unit[units["culture"]]
    c_items = {i["metric"]: i for i in culture["items"]}
    # the same firm already borrowed from the tech branch: no first-time borrower here; 0.8m of 25m for culture
    assert c_items["first_time_borrowers"]["actual"] == "0" and c_items["disbursed"]["points"] == "1.28"
    assert by_unit[units["head"]]["total"] == "0.00"

    d.post(regulator, "/supervision/overall-npl", {"bank_id": d.bank.id, "period_end": "2025-12-31", "ratio": "0.01"})
    k = d.get(regulator, f"/supervision/kpi?{Q}").json()
    tech = next(x for x in k["scores"] if x["branch_id"] == units["tech"])
    assert tech["npl"]["within"] is True and tech["total"] == "27.87"

    teams = d.get(regulator, f"/supervision/kpi?{Q}&by=team").json()["scores"]
    assert [(x["branch_id"], x["team"]) for x in teams] == [(units["tech"], "A组"), (units["culture"], "B组")]
    # the officer moves to team C the next day (posting history): the loan signed in team A stays with team A, and
    # a loan the officer signs now goes to team C
    d.clock.today = d.clock.today + dt.timedelta(days=1)
    d.post(admin, postings, {"user_id": d.bank.officer.user.id, "branch_id": units["tech"], "team": "C组"}, 201)
    teams = d.get(regulator, f"/supervision/kpi?{Q}&by=team").json()["scores"]
    assert [(x["branch_id"], x["team"]) for x in teams] == [(units["tech"], "A组"), (units["culture"], "B组")]
    d.active_loan(amount="500000")
    teams = d.get(regulator, f"/supervision/kpi?{Q}&by=team").json()["scores"]
    by_team = {x["team"]: x["disbursed"] for x in teams}
    assert by_team == {"A组": "1200000.00", "B组": "800000.00", "C组": "500000.00"}
    for url, code in [
        (f"/supervision/kpi?{Q}&code=nope", "supervision.unknown_kpi"),
        ("/supervision/kpi?start=2020-01-01&end=2020-12-31", "supervision.kpi_not_in_force"),
        (f"/supervision/kpi?{Q}&by=desk", "supervision.unknown_dimension"),
    ]:
        r = d.get(regulator, url, None)
        assert r.status_code == 422 and r.json()["code"] == code, r.text
    assert d.get(d.bank.approver, f"/supervision/kpi?{Q}", None).status_code == 403


def test_back_dated_correction_and_as_of_reproduction(world, app) -> None:
    """A correction recorded on day R, effective from day E < R: reports for periods ending before E never change;
    reports ending on or after E change, but only as of R; as of a day before R they are reproduced as they stood."""
    d = LoanDesk(world, app)
    regulator = world.actor(PartyKind.REGULATOR, Role.ANALYST)
    lid = d.active_loan(amount="500000", months=12)
    t0 = d.clock.today
    effective, recorded = t0 + dt.timedelta(days=30), t0 + dt.timedelta(days=60)

    def npl(end: dt.date, as_of: dt.date | None = None) -> Decimal:
        q = f"start={t0}&end={end}" + ("" if as_of is None else f"&as_of={as_of}")
        return Decimal(d.get(regulator, f"/supervision/statistics?{q}").json()["loan_total"]["npl_balance"])

    end = t0 + dt.timedelta(days=45)
    d.clock.today = recorded - dt.timedelta(days=1)
    before_record = (npl(effective - dt.timedelta(days=1)), npl(end))
    assert before_record == (Decimal("0.00"), Decimal("0.00"))

    d.clock.today = recorded
    body = {"loan_id": lid, "grade": "substandard", "effective_on": str(effective), "reason": "补报：企业停产"}
    out = d.post(regulator, "/supervision/corrections", body, 201).json()
    assert out["recorded_on"] == str(recorded) and out["effective_on"] == str(effective)

    assert npl(effective - dt.timedelta(days=1)) == Decimal("0.00")  # before its effective date: unchanged
    assert npl(end) == Decimal("500000.00")  # from its effective date: the loan is non-performing
    assert npl(effective) == Decimal("500000.00")
    assert npl(end, as_of=recorded - dt.timedelta(days=1)) == before_record[1]  # as it stood the day before
    assert npl(end, as_of=recorded) == Decimal("500000.00")

    # a correction of the correction, recorded later, is again seen only from its own recording date
    d.clock.today = recorded + dt.timedelta(days=5)
    d.post(regulator, "/supervision/corrections", {**body, "grade": "normal", "reason": "更正有误"}, 201)
    assert npl(end) == Decimal("0.00")
    assert npl(end, as_of=recorded + dt.timedelta(days=4)) == Decimal("500000.00")

    for change, code, status in [
        ({"grade": "terrible"}, "supervision.unknown_grade", 422),
        ({"effective_on": str(d.clock.today + dt.timedelta(days=1))}, "supervision.correction_future", 422),
        ({"effective_on": str(t0 - dt.timedelta(days=1))}, "supervision.correction_future", 422),
        ({"loan_id": 999_999}, "supervision.unknown_loan", 422),
    ]:
        r = d.post(regulator, "/supervision/corrections", {**body, **change})
        assert r.status_code == status and r.json()["code"] == code, r.text
    assert d.post(d.bank.approver, "/supervision/corrections", body).status_code == 403
