"""The IP operations institution's article roles in intake (Zhongguancun model): the bank asks it to review the IP
(知识产权审查) and to value it (评估), each a task with a time limit that it accepts and completes."""

from __future__ import annotations

from ippledge.access.model import PartyKind, Role
from tests.intake.factories import Desk


def test_institution_reviews_and_values_the_ip(world, app) -> None:
    d = Desk(world, app)
    ipo = world.actor(PartyKind.IP_OPERATOR, Role.OPERATOR, Role.VALUER)
    other = world.actor(PartyKind.IP_OPERATOR, Role.OPERATOR)
    ip = d.patent()
    a = d.apply([ip], banks=[d.bank.id], consents=[d.bank.id, ipo.party.id])
    url = f"/applications/{a['id']}/ip-review"

    assert d.post(d.bank.officer, url, {"party_id": d.valuer.party.id}).json()["code"] == "intake.ip_reviewer_unknown"
    assert d.post(d.bank.officer, url, {"party_id": other.party.id}).json()["code"] == "intake.no_consent"
    assert d.post(d.firm, url, {"party_id": ipo.party.id}).status_code == 403  # only the bank asks
    task = d.post(d.bank.officer, url, {"party_id": ipo.party.id}, 201).json()
    assert task["kind"] == "ip_review" and task["assignee_id"] == ipo.party.id and task["limit_days"] == 5
    assert d.post(d.bank.officer, url, {"party_id": ipo.party.id}).json()["code"] == "intake.ip_review_active"

    d.post(d.valuer, f"/tasks/{task['id']}/accept", None, 404)  # not the assignee
    d.post(ipo, f"/tasks/{task['id']}/accept", None, 200)
    done = d.post(ipo, f"/tasks/{task['id']}/complete", {"reason": "权属清晰，法律状态有效"}, 200).json()
    assert done["status"] == "done"

    # its valuation is an ordinary valuation task
    val = d.post(d.bank.officer, f"/applications/{a['id']}/valuation", {"valuer_id": ipo.party.id}, 201).json()
    assert val["kind"] == "valuation" and val["assignee_id"] == ipo.party.id
    d.post(ipo, f"/tasks/{val['id']}/accept", None, 200)
    kinds = {(x["kind"], x["status"]) for x in d.timeline(d.firm, a["id"])["tasks"]}
    assert ("ip_review", "done") in kinds and ("valuation", "accepted") in kinds
