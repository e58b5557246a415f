"""Event delivery on both backends: fan-out, signed pushes with retries, dead deliveries, scoping, the pull feed."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from ippledge.access.model import PartyKind, Role
from ippledge.db import unit_of_work, utcnow
from ippledge.delivery import service
from ippledge.delivery.model import RetryPolicy, TargetPolicy
from ippledge.delivery.sealing import Sealer, UnsealError, new_key
from ippledge.delivery.tables import Delivery, Subscription
from ippledge.outbox import events
from tests.delivery.factories import HOW, SEALER, T0, Receiver, emit, subscribe

A_URL = "https://core.bank-a.example/ippledge"
B_URL = "https://core.bank-b.example/ippledge"
S = dt.timedelta(seconds=1)


def test_events_of_a_rolled_back_transaction_are_never_delivered(world, session_factory) -> None:
    bank = world.actor(PartyKind.BANK, Role.ADMIN)
    sub = subscribe(world.client, bank, A_URL, ["*"])
    with pytest.raises(RuntimeError), unit_of_work(session_factory) as s:
        events.publish(s, "lending.defaulted", {"loan_id": 1, "on": "2026-03-02"}, bank.party.id)
        s.flush()  # written, then rolled back with the change it announced
        raise RuntimeError("the use case failed")
    emit(session_factory, "lending.defaulted", {"loan_id": 2, "on": "2026-03-02"}, bank.party.id)
    rx = Receiver()
    report = service.run_pass(session_factory, T0, rx.client(), HOW)
    assert report.dispatched.events == 1 and report.delivered.delivered == 1
    assert [r.doc["payload"]["loan_id"] for r in rx.received] == [2]
    assert rx.received[0].signed_by(sub["secret"], T0)


def test_each_event_is_delivered_once_with_a_valid_signature(world, session_factory) -> None:
    bank = world.actor(PartyKind.BANK, Role.ADMIN)
    sub = subscribe(world.client, bank, A_URL, ["lending.*", "loan.overdue"])
    emit(session_factory, "lending.disbursed", {"loan_id": 7, "amount": "100.00"}, 999, also=[bank.party.id])
    emit(session_factory, "loan.overdue", {"loan_id": 7, "dpd": 1}, bank.party.id)
    emit(session_factory, "pledge.registered", {"pledge_id": 3}, bank.party.id)  # a topic it did not ask for
    rx = Receiver()
    first = service.run_pass(session_factory, T0, rx.client(), HOW)
    again = service.run_pass(session_factory, T0 + 60 * S, rx.client(), HOW)
    assert first.dispatched.events == 3 and first.dispatched.deliveries == 2 and first.delivered.delivered == 2
    assert again.dispatched.events == 0 and again.delivered.claimed == 0
    assert [r.doc["topic"] for r in rx.received] == ["lending.disbursed", "loan.overdue"]
    for r in rx.received:
        assert r.url == A_URL and r.signed_by(sub["secret"], T0) and not r.signed_by("whsec_wrong", T0)
        assert r.headers["x-ippledge-event"] == r.doc["topic"]
        assert r.headers["x-ippledge-timestamp"] == str(int(T0.timestamp()))
        assert set(r.doc) == {"id", "topic", "occurred_at", "payload"}
    assert len({r.delivery_id for r in rx.received}) == 2
    assert rx.received[0].doc["payload"] == {"loan_id": 7, "amount": "100.00"}
    listed = world.client.get(f"/webhooks/{sub['id']}/deliveries", headers=bank.headers).json()
    assert {d["status"] for d in listed} == {"delivered"} and {d["topic"] for d in listed} == {
        "lending.disbursed",
        "loan.overdue",
    }


def test_a_receiver_failing_twice_gets_the_event_on_the_third_attempt_on_schedule(world, session_factory) -> None:
    bank = world.actor(PartyKind.BANK, Role.ADMIN)
    subscribe(world.client, bank, A_URL, ["loan.*"])
    emit(session_factory, "loan.overdue", {"loan_id": 1}, bank.party.id)
    rx = Receiver([500, 0])  # an HTTP 500, then a network error, then 200

    def at(seconds: int) -> int:
        return len(service.run_pass(session_factory, T0 + seconds * S, rx.client(), HOW).delivered.outcomes)

    assert at(0) == 1  # first attempt fails: next one 30 s later
    assert at(29) == 0
    assert at(30) == 1  # second attempt fails: next one 60 s after it
    assert at(89) == 0
    assert at(90) == 1
    assert at(10_000) == 0
    assert len(rx.received) == 3 and len({r.delivery_id for r in rx.received}) == 1
    did = rx.received[0].delivery_id
    d = world.client.get(f"/webhook-deliveries/{did}", headers=bank.headers).json()
    assert d["status"] == "delivered" and d["attempts"] == 2 and d["next_attempt_at"] is None
    hist = d["history"]
    assert [h["outcome"] for h in hist] == ["retry", "retry", "delivered"]
    assert [h["status_code"] for h in hist] == [500, None, 200]
    assert hist[0]["error"] == "HTTP 500" and hist[1]["error"].startswith("ConnectError")
    assert [dt.datetime.fromisoformat(h["at"]) for h in hist] == [T0, T0 + 30 * S, T0 + 90 * S]


def test_after_max_attempts_a_delivery_is_dead_listed_and_retried_by_hand(world, session_factory) -> None:
    bank = world.actor(PartyKind.BANK, Role.ADMIN)
    other = world.actor(PartyKind.BANK, Role.ADMIN)
    sub = subscribe(world.client, bank, A_URL, ["*"])
    emit(session_factory, "lending.written_off", {"loan_id": 5}, bank.party.id)
    how = service.Sending(sealer=SEALER, policy=RetryPolicy(base=10 * S, cap=15 * S, max_attempts=3))
    rx = Receiver([503, 503, 503])
    outcomes = [
        service.run_pass(session_factory, T0 + t * S, rx.client(), how).delivered.outcomes for t in (0, 10, 25, 1000)
    ]
    assert [[o for _, o in x] for x in outcomes] == [["retry"], ["retry"], ["dead"], []]
    did = outcomes[0][0][0]
    with session_factory() as s:
        st = service.status(s, T0 + 1000 * S)
    assert st["deliveries"]["dead"] == 1 and st["deliveries"]["pending"] == 0
    assert st["dead"][0]["delivery_id"] == did and st["dead"][0]["last_status_code"] == 503
    dead = world.client.get(f"/webhooks/{sub['id']}/deliveries?status=dead", headers=bank.headers).json()
    assert [d["id"] for d in dead] == [did] and dead[0]["attempts"] == 3
    assert world.client.post(f"/webhook-deliveries/{did}/retry", headers=other.headers).status_code == 404
    r = world.client.post(f"/webhook-deliveries/{did}/retry", headers=bank.headers)
    assert r.status_code == 200 and r.json()["status"] == "pending" and r.json()["attempts"] == 0
    again = service.run_pass(session_factory, utcnow(), rx.client(), how)  # due from the API's "now"
    assert again.delivered.outcomes == [(did, "delivered")] and len(rx.received) == 4
    r = world.client.post(f"/webhook-deliveries/{did}/retry", headers=bank.headers)
    assert r.status_code == 409 and r.json()["code"] == "delivery.not_dead"


def test_bank_a_never_receives_bank_b_events(world, session_factory) -> None:
    a = world.actor(PartyKind.BANK, Role.ADMIN)
    b = world.actor(PartyKind.BANK, Role.ADMIN)
    regulator = world.actor(PartyKind.REGULATOR, Role.ADMIN)
    borrower = world.party(PartyKind.ENTERPRISE)
    sub_a = subscribe(world.client, a, A_URL, ["*"])
    subscribe(world.client, b, B_URL, ["*"])
    subscribe(world.client, regulator, "http://10.0.0.9/all", ["*"], scope="all")
    emit(session_factory, "lending.defaulted", {"loan_id": 1}, borrower.id, also=[a.party.id])
    emit(session_factory, "lending.defaulted", {"loan_id": 2}, borrower.id, also=[b.party.id])
    emit(session_factory, "ip.status_changed", {"asset_id": 9}, None)  # concerns no party: only scope all
    rx = Receiver()
    service.run_pass(session_factory, T0, rx.client(TargetPolicy.parse("10.0.0.0/8,public")), HOW)
    assert [r.doc["payload"]["loan_id"] for r in rx.to(A_URL)] == [1]
    assert [r.doc["payload"]["loan_id"] for r in rx.to(B_URL)] == [2]
    assert len(rx.to("http://10.0.0.9/all")) == 3
    # nor can B see A's endpoint or its deliveries: 404, never 403
    for path in (f"/webhooks/{sub_a['id']}", f"/webhooks/{sub_a['id']}/deliveries"):
        assert world.client.get(path, headers=b.headers).status_code == 404
    assert world.client.delete(f"/webhooks/{sub_a['id']}", headers=b.headers).status_code == 404
    assert world.client.post(f"/webhooks/{sub_a['id']}/rotate-secret", headers=b.headers).status_code == 404
    a_delivery = rx.to(A_URL)[0].delivery_id
    assert world.client.get(f"/webhook-deliveries/{a_delivery}", headers=b.headers).status_code == 404
    assert [w["id"] for w in world.client.get("/webhooks", headers=b.headers).json()] != [sub_a["id"]]


def test_concurrent_deliverers_deliver_each_delivery_exactly_once(world, session_factory) -> None:
    a = world.actor(PartyKind.BANK, Role.ADMIN)
    b = world.actor(PartyKind.BANK, Role.ADMIN)
    subscribe(world.client, a, A_URL, ["*"])
    subscribe(world.client, b, B_URL, ["*"])
    for i in range(30):
        emit(session_factory, "loan.overdue", {"loan_id": i}, a.party.id, also=[b.party.id])
    with unit_of_work(session_factory) as s:
        assert service.dispatch(s, T0).deliveries == 60
    rx = Receiver()
    errors: list[BaseException] = []

    def deliverer() -> None:
        try:
            with rx.client() as client:
                while service.deliver_due(session_factory, T0, client, service.Sending(sealer=SEALER, batch=4)).claimed:
                    pass
        except BaseException as exc:  # reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=deliverer) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    sent = Counter(r.delivery_id for r in rx.received)
    assert len(sent) == 60 and set(sent.values()) == {1}
    with session_factory() as s:
        assert {d.status for d in s.scalars(select(Delivery))} == {"delivered"}


def test_the_pull_feed_is_party_scoped_and_resumes_from_after(world, session_factory) -> None:
    a = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    b = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    regulator = world.actor(PartyKind.REGULATOR, Role.ANALYST)
    for i in range(5):
        emit(session_factory, "loan.overdue", {"loan_id": i}, a.party.id)
        emit(session_factory, "loan.overdue", {"loan_id": 100 + i}, b.party.id)
    emit(session_factory, "pledge.registered", {"pledge_id": 1}, 999, also=[a.party.id])

    def feed(who, **params) -> dict:  # type: ignore[no-untyped-def, type-arg]
        r = world.client.get("/events", params=params, headers=who.headers)
        assert r.status_code == 200, r.text
        return dict(r.json())

    assert feed(a)["events"] == []  # not dispatched yet: the relay gives each event its feed position
    service.run_pass(session_factory, T0, Receiver().client(), HOW)
    first = feed(a, after=0, limit=4)
    assert [e["payload"]["loan_id"] for e in first["events"]] == [0, 1, 2, 3]
    rest = feed(a, after=first["next_after"], limit=100)
    assert [e["topic"] for e in rest["events"]] == ["loan.overdue", "pledge.registered"]
    assert feed(a, after=rest["next_after"]) == {"events": [], "next_after": rest["next_after"]}
    seqs = [e["seq"] for e in first["events"] + rest["events"]]
    assert seqs == sorted(seqs)
    assert [e["topic"] for e in feed(a, topic="pledge.*")["events"]] == ["pledge.registered"]
    assert {e["payload"]["loan_id"] for e in feed(b, limit=100)["events"]} == {100, 101, 102, 103, 104}
    assert len(feed(regulator, scope="all", limit=100)["events"]) == 11
    assert len(feed(regulator, limit=100)["events"]) == 0  # its own: none concern it
    r = world.client.get("/events", params={"scope": "all"}, headers=a.headers)
    assert r.status_code == 403 and r.json()["code"] == "delivery.scope_all"
    r = world.client.get("/events", params={"limit": 0}, headers=a.headers)
    assert r.status_code == 422 and r.json()["code"] == "delivery.feed_window"


def test_feed_positions_follow_commit_order_so_a_late_commit_is_not_skipped(engine, world, session_factory) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer: ids are already given out in commit order")
    a = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    slow = session_factory()
    events.publish(slow, "loan.overdue", {"loan_id": 1}, a.party.id)
    slow.flush()  # takes the lower id, commits later
    emit(session_factory, "loan.overdue", {"loan_id": 2}, a.party.id)
    service.run_pass(session_factory, T0, Receiver().client(), HOW)
    got = world.client.get("/events", headers=a.headers).json()
    assert [e["payload"]["loan_id"] for e in got["events"]] == [2]
    slow.commit()
    slow.close()
    service.run_pass(session_factory, T0, Receiver().client(), HOW)
    more = world.client.get("/events", params={"after": got["next_after"]}, headers=a.headers).json()
    assert [e["payload"]["loan_id"] for e in more["events"]] == [1]
    assert more["events"][0]["id"] < got["events"][0]["id"] and more["events"][0]["seq"] > got["events"][0]["seq"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"url": "ftp://bank.example/in", "topics": ["*"]}, 422, "delivery.url"),
        ({"url": "https://u:p@bank.example/in", "topics": ["*"]}, 422, "delivery.url"),
        ({"url": "https://bank.example/in", "topics": ["lending.paid"]}, 422, "delivery.topic_pattern"),
        ({"url": "https://bank.example/in", "topics": ["lend.*"]}, 422, "delivery.topic_pattern"),
        ({"url": "https://bank.example/in", "topics": []}, 422, "delivery.topic_pattern"),
        ({"url": "https://bank.example/in", "topics": ["*"], "scope": "all"}, 403, "delivery.scope_all"),
        ({"url": "https://bank.example/in", "topics": ["*"], "scope": "some"}, 422, "delivery.scope"),
    ],
)
def test_bad_subscriptions_get_a_clear_error(world, body, status, code) -> None:  # type: ignore[no-untyped-def]
    bank = world.actor(PartyKind.BANK, Role.ADMIN)
    r = world.client.post("/webhooks", json=body, headers=bank.headers)
    assert r.status_code == status, r.text
    out = r.json()
    assert out["code"] == code and out["message_zh"] and out["message_en"]


def test_only_an_admin_manages_webhooks(world) -> None:
    officer = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    r = world.client.post("/webhooks", json={"url": A_URL, "topics": ["*"]}, headers=officer.headers)
    assert r.status_code == 403 and r.json()["code"] == "access.role_required"
    assert world.client.get("/webhooks", headers=officer.headers).status_code == 403


def test_the_secret_is_shown_once_and_rotation_keeps_the_old_one_signing_for_the_window(world, session_factory) -> None:
    bank = world.actor(PartyKind.BANK, Role.ADMIN)
    sub = subscribe(world.client, bank, A_URL, ["loan.*"])
    assert sub["secret"].startswith("whsec_") and sub["active"] is True
    listed = world.client.get("/webhooks", headers=bank.headers).json()
    assert [w["secret"] for w in listed] == [None] and listed[0]["topics"] == ["loan.*"]
    assert world.client.get(f"/webhooks/{sub['id']}", headers=bank.headers).json()["secret"] is None
    rotated = world.client.post(f"/webhooks/{sub['id']}/rotate-secret", headers=bank.headers).json()
    assert rotated["secret"].startswith("whsec_") and rotated["secret"] != sub["secret"]
    until = dt.datetime.fromisoformat(rotated["previous_secret_until"])
    assert dt.timedelta(hours=23) < until - utcnow() <= dt.timedelta(hours=24)
    emit(session_factory, "loan.reclassified", {"loan_id": 1}, bank.party.id)
    emit(session_factory, "loan.reclassified", {"loan_id": 2}, bank.party.id)
    rx = Receiver()
    inside = until - dt.timedelta(minutes=1)
    how = service.Sending(sealer=SEALER, batch=1)
    with unit_of_work(session_factory) as s:
        service.dispatch(s, inside)
    assert service.deliver_due(session_factory, inside, rx.client(), how).claimed == 1  # the batch is honoured
    first = rx.received[0]
    sigs = [x.strip() for x in first.headers["x-ippledge-signature"].split(",")]
    assert len(sigs) == 2  # new first, then old: a receiver with either secret accepts
    assert first.signed_by(rotated["secret"], inside) and first.signed_by(sub["secret"], inside)
    service.deliver_due(session_factory, until, rx.client(), how)  # the window is over: the old secret is dropped
    second = rx.received[1]
    assert "," not in second.headers["x-ippledge-signature"]
    assert second.signed_by(rotated["secret"], until) and not second.signed_by(sub["secret"], until)


def test_rotation_with_no_overlap_drops_the_old_secret_at_once(world, session_factory) -> None:
    bank = world.actor(PartyKind.BANK, Role.ADMIN)
    sub = subscribe(world.client, bank, A_URL, ["loan.*"])
    path = f"/webhooks/{sub['id']}/rotate-secret"
    for bad in ("-1", "169", "nan"):
        r = world.client.post(path, params={"overlap_hours": bad}, headers=bank.headers)
        assert r.status_code == 422, bad
    rotated = world.client.post(path, params={"overlap_hours": 0}, headers=bank.headers).json()
    assert rotated["previous_secret_until"] is None
    emit(session_factory, "loan.reclassified", {"loan_id": 1}, bank.party.id)
    rx = Receiver()
    service.run_pass(session_factory, T0, rx.client(), HOW)
    assert rx.received[0].signed_by(rotated["secret"], T0) and not rx.received[0].signed_by(sub["secret"], T0)


def test_secrets_are_sealed_at_rest_and_not_stored_without_a_key(world, engine, session_factory) -> None:
    from fastapi.testclient import TestClient

    from ippledge.app import create_app
    from ippledge.config import Settings

    bank = world.actor(PartyKind.BANK, Role.ADMIN)
    sub = subscribe(world.client, bank, A_URL, ["loan.*"])
    with session_factory() as s:
        stored = s.execute(select(Subscription.secret_sealed).where(Subscription.id == sub["id"])).scalar_one()
    assert stored != sub["secret"] and sub["secret"] not in stored and "whsec" not in stored
    assert SEALER.unseal(stored) == sub["secret"]
    with pytest.raises(UnsealError):  # another key cannot open it
        Sealer(new_key()).unseal(stored)
    keyless = create_app(Settings(database_url=str(engine.url)), engine=engine)
    with TestClient(keyless) as c:
        body = {"url": B_URL, "topics": ["*"]}
        r = c.post("/webhooks", json=body, headers=bank.headers)
        assert r.status_code == 409 and r.json()["code"] == "delivery.secret_key_missing", r.text
        r = c.post(f"/webhooks/{sub['id']}/rotate-secret", headers=bank.headers)
        assert r.json()["code"] == "delivery.secret_key_missing"
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Subscription)) == 1
        assert s.execute(select(Subscription.secret_sealed)).scalar_one() == stored  # rotation wrote nothing
    emit(session_factory, "loan.reclassified", {"loan_id": 1}, bank.party.id)
    report = service.run_pass(session_factory, T0, Receiver().client())  # a relay without the key sends nothing
    assert report.delivered.retry == 1
    with session_factory() as s:
        assert "secret unavailable" in (s.execute(select(Delivery.last_error)).scalar_one() or "")


def test_internal_targets_are_refused_in_every_encoding(world, session_factory) -> None:
    """Issue 11: ``http://[::ffff:127.0.0.1]:port/`` received signed POSTs; the metadata service the same way."""
    bank = world.actor(PartyKind.BANK, Role.ADMIN)
    urls = [
        "http://[::ffff:127.0.0.1]:8080/hook",
        "http://[::ffff:169.254.169.254]/latest/meta-data/",
        "http://[::ffff:a9fe:a9fe]/latest/meta-data/",
        "http://[64:ff9b::7f00:1]/hook",
        "http://[2002:7f00:1::1]/hook",
        "http://10.0.0.9/hook",
        "http://metadata.internal.example/hook",  # a name that resolves to the metadata address
    ]
    for url in urls:
        subscribe(world.client, bank, url, ["loan.*"])
    emit(session_factory, "loan.overdue", {"loan_id": 1}, bank.party.id)
    rx = Receiver()
    report = service.run_pass(session_factory, T0, rx.client(resolve=lambda host: ["169.254.169.254"]), HOW)
    assert rx.received == [] and report.delivered.retry == len(urls)
    with session_factory() as s:
        errors_ = list(s.execute(select(Delivery.last_error)).scalars())
    assert all(e and e.startswith("target refused") for e in errors_), errors_
    assert sum("169.254.169.254" in (e or "") for e in errors_) >= 3


def test_dns_rebinding_is_closed_the_checked_address_is_the_one_connected_to(world, session_factory) -> None:
    """A name server answering a public address to the check and loopback to the connection: the relay resolves
    once, checks, and connects to that very address with the original Host header."""
    bank = world.actor(PartyKind.BANK, Role.ADMIN)
    url = "https://rebind.attacker.example/hook"
    subscribe(world.client, bank, url, ["loan.*"])
    answers = [["93.184.215.14"], ["127.0.0.1"], ["127.0.0.1"]]
    asked: list[str] = []

    def rebinding(host: str) -> list[str]:
        asked.append(host)
        return answers[len(asked) - 1]

    emit(session_factory, "loan.overdue", {"loan_id": 1}, bank.party.id)
    rx = Receiver()
    report = service.run_pass(session_factory, T0, rx.client(resolve=rebinding), HOW)
    assert report.delivered.delivered == 1 and asked == ["rebind.attacker.example"]  # resolved once
    got = rx.received[0]
    assert got.address == "93.184.215.14" and got.headers["host"] == "rebind.attacker.example" and got.url == url
    # a name with a private address among its answers is refused outright, whichever one would be connected to
    emit(session_factory, "loan.overdue", {"loan_id": 2}, bank.party.id)
    mixed = service.run_pass(session_factory, T0, rx.client(resolve=lambda host: ["93.184.215.14", "127.0.0.1"]), HOW)
    assert mixed.delivered.retry == 1 and len(rx.received) == 1


def test_redirects_are_not_followed(world, session_factory) -> None:
    bank = world.actor(PartyKind.BANK, Role.ADMIN)
    subscribe(world.client, bank, A_URL, ["loan.*"])
    emit(session_factory, "loan.overdue", {"loan_id": 1}, bank.party.id)
    rx = Receiver([302])
    report = service.run_pass(session_factory, T0, rx.client(), HOW)
    assert report.delivered.retry == 1 and [r.url for r in rx.received] == [A_URL]  # one request, no second hop
    with session_factory() as s:
        d = s.execute(select(Delivery)).scalar_one()
    assert d.last_status_code == 302 and d.last_error == "HTTP 302"


def test_a_deactivated_webhook_gets_nothing_more(world, session_factory) -> None:
    bank = world.actor(PartyKind.BANK, Role.ADMIN)
    sub = subscribe(world.client, bank, A_URL, ["*"])
    emit(session_factory, "loan.overdue", {"loan_id": 1}, bank.party.id)
    rx = Receiver([500])
    service.run_pass(session_factory, T0, rx.client(), HOW)  # fails once, pending
    r = world.client.delete(f"/webhooks/{sub['id']}", headers=bank.headers)
    assert r.status_code == 200 and r.json()["active"] is False
    emit(session_factory, "loan.overdue", {"loan_id": 2}, bank.party.id)
    later = service.run_pass(session_factory, T0 + 3600 * S, rx.client(), HOW)
    assert later.dispatched.deliveries == 0 and later.delivered.claimed == 0 and len(rx.received) == 1
    listed = world.client.get(f"/webhooks/{sub['id']}/deliveries", headers=bank.headers).json()
    assert [d["status"] for d in listed] == ["cancelled"]
    r = world.client.post(f"/webhooks/{sub['id']}/rotate-secret", headers=bank.headers)
    assert r.status_code == 409


def test_publish_refuses_an_unknown_topic(session_factory) -> None:
    with pytest.raises(ValueError, match="unknown event topic"), unit_of_work(session_factory) as s:
        events.publish(s, "lending.paid", {}, 1)


def test_loan_and_pledge_events_reach_both_the_bank_and_the_borrower(world, app, session_factory) -> None:
    from tests.lending.factories import LoanDesk

    d = LoanDesk(world, app)
    deal = d.approved()
    d.register(deal.filing_id)
    d.contract(deal)
    service.run_pass(session_factory, T0, Receiver().client(), HOW)
    wanted = {"credit.approved", "pledge.registered", "lending.contracted"}
    for who in (d.firm, d.bank.officer):
        got = world.client.get("/events", params={"limit": 1000}, headers=who.headers).json()["events"]
        assert wanted <= {e["topic"] for e in got}, who
    registry = world.client.get("/events", params={"limit": 1000}, headers=d.registry.headers).json()["events"]
    assert "pledge.filing_submitted" in {e["topic"] for e in registry}
    assert "lending.contracted" not in {e["topic"] for e in registry}


def test_the_relay_sends_only_through_the_guarded_client(session_factory) -> None:
    import httpx

    with pytest.raises(TypeError, match="WebhookClient"), httpx.Client() as plain:
        service.deliver_due(session_factory, T0, plain, HOW)  # type: ignore[arg-type]
