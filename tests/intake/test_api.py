"""One-stop application through the API: fan-out, consent gating, time limits, green channel, withdraw, decline."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from ippledge.access.model import PartyKind, Role
from ippledge.intake import tasks
from ippledge.intake.tables import Application, Task
from ippledge.outbox.events import OutboxEvent
from ippledge.registry.model import LegalState
from tests.intake.factories import Desk


def test_fan_out_to_chosen_banks_and_consent_gating(world, app) -> None:
    d = Desk(world, app)
    ip = d.patent()
    other_bank = d.bank2
    a = d.apply([ip], banks=[d.bank.id])
    assert a["status"] == "submitted" and a["ip_asset_ids"] == [ip.id]
    t = d.timeline(d.firm, a["id"])
    assert [(x["kind"], x["assignee_id"]) for x in t["tasks"]] == [("bank_review", d.bank.id)]
    assert t["tasks"][0]["limit_days"] == 5 and t["tasks"][0]["due_on"] == "2025-06-10"
    # the chosen bank sees it; a bank not chosen gets 404, as does a valuer without consent
    d.get(d.bank.officer, f"/applications/{a['id']}")
    assert d.get(other_bank.officer, f"/applications/{a['id']}", expect=404).json()["code"] == "not_found"
    d.get(d.valuer, f"/applications/{a['id']}/timeline", expect=404)
    assert d.get(other_bank.officer, "/tasks").json() == []
    # the bank sees its task in its own list; the outbox told it
    mine = d.get(d.bank.officer, "/tasks").json()
    assert [x["kind"] for x in mine] == ["bank_review"]
    with world.factory() as s:
        topics = s.scalars(select(OutboxEvent.topic).where(OutboxEvent.party_id == d.bank.id)).all()
    assert "intake.task_assigned" in topics


def test_two_banks_and_any_bank(world, app) -> None:
    d = Desk(world, app)
    ip = d.patent()
    a = d.apply([ip], banks=[d.bank.id, d.bank2.id])
    assert sorted(x["assignee_id"] for x in d.timeline(d.firm, a["id"])["tasks"]) == sorted([d.bank.id, d.bank2.id])
    # "any": every bank offering an active product (only bank2 has one)
    d.product(d.bank2)
    b = d.apply([ip], banks="any")
    assert b["any_bank"] and [x["assignee_id"] for x in d.timeline(d.firm, b["id"])["tasks"]] == [d.bank2.id]


def test_bad_applications_write_nothing(world, app) -> None:
    d = Desk(world, app)
    ip = d.patent()
    stranger_ip = d.patent(owner=world.actor(PartyKind.ENTERPRISE, Role.ENTERPRISE_USER))
    dead = d.patent(status=LegalState.TERMINATED)
    cases = [
        ({"amount": "-5"}, "money.not_positive"),
        ({"amount": "100", "currency": "USD"}, "money.currency"),
        ({"term_months": 0}, "intake.term"),
        ({"purpose": "  "}, "intake.purpose_required"),
        ({"ip_asset_ids": [stranger_ip.id]}, "intake.ip_not_owned"),
        ({"ip_asset_ids": [dead.id]}, "intake.ip_not_in_force"),
        ({"consent_party_ids": []}, "intake.consent_missing"),
        ({"banks": [d.valuer.party.id], "consent_party_ids": [d.valuer.party.id]}, "intake.bank_unknown"),
        ({"banks": "any"}, "intake.no_bank"),
    ]
    for change, code in cases:
        body = {
            "amount": "1000000",
            "term_months": 12,
            "purpose": "研发",
            "ip_asset_ids": [ip.id],
            "banks": [d.bank.id],
            "consent_party_ids": [d.bank.id],
        }
        body.update(change)
        r = d.post(d.firm, "/applications", body)
        assert r.status_code == 422 and r.json()["code"] == code, (code, r.text)
    with world.factory() as s:
        assert s.scalar(select(func.count()).select_from(Application)) == 0
        assert s.scalar(select(func.count()).select_from(Task)) == 0
    # only an enterprise applies
    assert d.post(d.bank.officer, "/applications", {**body, "amount": "1"}).status_code == 403


def test_withdraw_cancels_open_tasks(world, app) -> None:
    d = Desk(world, app)
    ip = d.patent()
    a = d.apply([ip], banks=[d.bank.id, d.bank2.id])
    assert d.post(d.bank.officer, f"/applications/{a['id']}/withdraw", {}).status_code == 403
    r = d.post(d.firm, f"/applications/{a['id']}/withdraw", {"reason": "资金已落实"}, 200)
    assert r.json()["status"] == "withdrawn"
    assert {x["status"] for x in d.timeline(d.firm, a["id"])["tasks"]} == {"cancelled"}
    assert d.post(d.firm, f"/applications/{a['id']}/withdraw", {}).json()["code"] == "intake.withdrawn"


def test_bank_declines_with_a_reason_and_the_firm_sees_every_status(world, app) -> None:
    d = Desk(world, app)
    ip = d.patent()
    a = d.apply([ip], banks=[d.bank.id, d.bank2.id])
    assert d.post(d.bank.officer, f"/applications/{a['id']}/decline", {"reason": " "}).status_code == 422
    r = d.post(d.bank.officer, f"/applications/{a['id']}/decline", {"reason": "行业不在准入范围"}, 200)
    assert r.json()["status"] == "declined" and r.json()["reason"] == "行业不在准入范围"
    t = d.timeline(d.firm, a["id"])
    assert {x["assignee_id"]: x["status"] for x in t["tasks"]} == {d.bank.id: "declined", d.bank2.id: "open"}
    assert t["application"]["status"] == "in_review"
    d.post(d.bank2.officer, f"/applications/{a['id']}/decline", {"reason": "额度已满"}, 200)
    assert d.timeline(d.firm, a["id"])["application"]["status"] == "declined"
    # bank2 sees only its own task in the timeline, never the other bank's
    assert [x["bank_id"] for x in d.timeline(d.bank2.officer, a["id"])["tasks"]] == [d.bank2.id]


def test_overdue_list_and_flag_is_idempotent(world, app, session_factory) -> None:
    d = Desk(world, app, today=dt.date(2025, 9, 30))
    ip = d.patent()
    a = d.apply([ip])
    task = d.timeline(d.firm, a["id"])["tasks"][0]
    assert task["due_on"] == "2025-10-14"  # five working days across National Day and the make-up Saturday
    d.clock.today = dt.date(2025, 10, 14)
    assert d.get(d.bank.officer, "/tasks?overdue=true").json() == []
    d.clock.today = dt.date(2025, 10, 15)
    late = d.get(d.bank.officer, "/tasks?overdue=true").json()
    assert [x["id"] for x in late] == [task["id"]] and late[0]["working_days_elapsed"] == 6
    assert d.get(d.firm, "/tasks?overdue=true").json() == []  # the firm holds no task
    with session_factory.begin() as s:
        assert tasks.flag_overdue(s, dt.date(2025, 10, 15)) == 1
    with session_factory.begin() as s:
        assert tasks.flag_overdue(s, dt.date(2025, 10, 16)) == 0
        n = s.scalar(select(func.count()).select_from(OutboxEvent).where(OutboxEvent.topic == "intake.task_overdue"))
        assert n == 1


def test_green_channel_gives_shorter_limits(world, app) -> None:
    d = Desk(world, app)
    ip = d.patent()
    body = {"party_id": d.firm.party.id, "since": "2025-01-01", "until": "2025-12-31", "reason": "知识产权示范企业"}
    assert d.post(d.bank.officer, "/green-channel", body).status_code == 403
    d.post(d.operator, "/green-channel", body, 201)
    a = d.apply([ip])
    assert a["green_channel"]
    t = d.timeline(d.firm, a["id"])["tasks"][0]
    assert t["channel"] == "green" and t["limit_days"] == 3 and t["due_on"] == "2025-06-06"


def test_time_limits_are_data_from_their_date(world, app) -> None:
    d = Desk(world, app)
    ip = d.patent()
    d.post(
        d.operator,
        "/task-time-limits",
        {"task_kind": "bank_review", "working_days": 2, "effective_from": "2025-06-04"},
        201,
    )
    first = d.apply([ip])  # opened 2025-06-03: the old limit
    d.clock.today = dt.date(2025, 6, 4)
    second = d.apply([ip])
    assert d.timeline(d.firm, first["id"])["tasks"][0]["limit_days"] == 5
    assert d.timeline(d.firm, second["id"])["tasks"][0]["limit_days"] == 2
    bad = {"task_kind": "nap", "working_days": 2, "effective_from": "2025-06-04"}
    assert d.post(d.operator, "/task-time-limits", bad).json()["code"] == "intake.task_kind"


def test_revoking_consent_hides_the_application_and_cancels_its_tasks(world, app) -> None:
    d = Desk(world, app)
    ip = d.patent()
    a = d.apply([ip], banks=[d.bank.id], consents=[d.bank.id, d.valuer.party.id])
    task = d.post(d.bank.officer, f"/applications/{a['id']}/valuation", {"valuer_id": d.valuer.party.id}, 201).json()
    d.get(d.valuer, f"/applications/{a['id']}")
    r = d.client.delete(f"/applications/{a['id']}/consents/{d.valuer.party.id}", headers=d.firm.headers)
    assert r.status_code == 204
    d.get(d.valuer, f"/applications/{a['id']}", expect=404)
    d.post(d.valuer, f"/tasks/{task['id']}/accept", None, 404)
    statuses = {x["kind"]: x["status"] for x in d.timeline(d.firm, a["id"])["tasks"]}
    assert statuses["valuation"] == "cancelled"
    # asking a valuer without consent is refused
    r = d.post(d.bank.officer, f"/applications/{a['id']}/valuation", {"valuer_id": d.valuer2.party.id})
    assert r.status_code == 409 and r.json()["code"] == "intake.no_consent"


def test_active_tasks_face_reads_a_page_of_applications_within_scope(world, app, session_factory) -> None:
    """``intake.queries.active_tasks`` (the console's queues): the open tasks of many applications in one read, each as
    the timeline shows it, and only those the caller's scope allows."""
    from ippledge.access import queries as access_queries
    from ippledge.intake import queries

    d = Desk(world, app)
    one = d.apply([d.patent()], banks=[d.bank.id, d.bank2.id])
    two = d.apply([d.patent()])
    with session_factory() as s:
        platform = access_queries.principal_of(s, d.operator.user.username)
        bank2 = access_queries.principal_of(s, d.bank2.officer.user.username)
        assert platform is not None and bank2 is not None
        every = queries.active_tasks(s, platform, [one["id"], two["id"]], d.clock.today)
        own = queries.active_tasks(s, bank2, [one["id"], two["id"]], d.clock.today)
    assert {t.assignee_id for t in every[one["id"]]} == {d.bank.id, d.bank2.id} and len(every[two["id"]]) == 1
    timeline = d.timeline(d.firm, one["id"])["tasks"]
    assert [(t.id, t.due_on.isoformat(), t.limit_days) for t in every[one["id"]]] == sorted(
        ((t["id"], t["due_on"], t["limit_days"]) for t in timeline if t["status"] in ("open", "accepted")),
        key=lambda x: (x[1], x[0]),
    )
    assert [t.assignee_id for t in own[one["id"]]] == [d.bank2.id] and own[two["id"]] == []  # not bank2's
