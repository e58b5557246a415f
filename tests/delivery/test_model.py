"""Delivery rules without a database: topic patterns, matching, URLs, signatures, the retry schedule."""

from __future__ import annotations

import datetime as dt

import pytest

from ippledge.delivery.model import (
    TOPICS,
    RetryPolicy,
    Scope,
    Subscriber,
    TargetPolicy,
    check_pattern,
    check_patterns,
    check_url,
    delivered,
    event_body,
    headers,
    matches,
    signature,
    signing_secrets,
    topic_matches,
    verify_signature,
)
from ippledge.kernel.errors import ValidationError

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("pattern", ["*", "lending.*", "pledge.registered", " loan.* "])
def test_good_patterns(pattern: str) -> None:
    assert check_pattern(pattern) == pattern.strip()


@pytest.mark.parametrize("pattern", ["lend.*", "lending.paid", "*.registered", "pledge.*.x", "", "lending*"])
def test_bad_patterns_are_refused_with_the_known_topics(pattern: str) -> None:
    with pytest.raises(ValidationError) as e:
        check_pattern(pattern)
    assert e.value.code == "delivery.topic_pattern" and "pledge.registered" in e.value.details["known_topics"]


def test_pattern_list_is_deduplicated_and_not_empty() -> None:
    assert check_patterns(["lending.*", "lending.*", "*"]) == ["*", "lending.*"]
    with pytest.raises(ValidationError):
        check_patterns([])


def test_topic_matching() -> None:
    assert topic_matches("*", "loan.overdue")
    assert topic_matches("lending.*", "lending.repaid") and not topic_matches("lending.*", "loan.overdue")
    assert not topic_matches("loan.*", "lending.repaid")  # "loan." is not a prefix of "lending."
    assert topic_matches("pledge.registered", "pledge.registered")
    assert not topic_matches("pledge.registered", "pledge.released")


def test_a_subscription_gets_only_its_partys_events_unless_scope_all() -> None:
    bank_a = Subscriber(10, Scope.OWN, ("lending.*",))
    assert matches(bank_a, "lending.defaulted", [10, 30])
    assert not matches(bank_a, "lending.defaulted", [20, 30])  # bank B's loan
    assert not matches(bank_a, "pledge.registered", [10])  # topic not subscribed
    assert not matches(Subscriber(10, Scope.OWN, ("*",), active=False), "lending.defaulted", [10])
    regulator = Subscriber(99, Scope.ALL, ("*",))
    assert matches(regulator, "lending.defaulted", [20]) and matches(regulator, "ip.status_changed", [])


@pytest.mark.parametrize(
    "url",
    ["https://core.bank.example/hooks/ippledge", "http://10.1.2.3:8080/in", "http://receiver.intranet:9000/?a=1"],
)
def test_good_urls(url: str) -> None:
    assert check_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "ftp://bank.example/x",
        "bank.example/hook",
        "https://",
        "https://user:pw@bank.example/x",
        "https://bank.example/x#frag",
        "https://bank example/x",
        "https://bank.example:99999/x",
        "javascript:alert(1)",
        "https://" + "a" * 600 + ".example/",
    ],
)
def test_bad_urls_are_refused(url: str) -> None:
    with pytest.raises(ValidationError) as e:
        check_url(url)
    assert e.value.code == "delivery.url" and e.value.message_zh.startswith("回调地址无效")


def test_signature_round_trip_and_tampering() -> None:
    body = event_body(7, "lending.repaid", T0, {"loan_id": 3, "备注": "结清"})
    h = headers("whsec_k", 7, 42, "lending.repaid", T0, body)
    ts, sig = h["X-Ippledge-Timestamp"], h["X-Ippledge-Signature"]
    assert h["X-Ippledge-Delivery"] == "42" and h["X-Ippledge-Event"] == "lending.repaid"
    assert sig.startswith("sha256=") and len(sig) == 7 + 64
    assert verify_signature("whsec_k", ts, body, sig, T0)
    assert verify_signature("whsec_k", ts, body, sig, T0 + dt.timedelta(minutes=4))
    assert not verify_signature("whsec_k", ts, body, sig, T0 + dt.timedelta(minutes=6))  # replayed later
    assert not verify_signature("whsec_other", ts, body, sig, T0)
    assert not verify_signature("whsec_k", ts, body.replace(b"3", b"4"), sig, T0)
    assert not verify_signature("whsec_k", str(int(ts) + 1), body, sig, T0)
    assert not verify_signature("whsec_k", "soon", body, sig, T0)
    # several signatures (e.g. while a receiver accepts an old and a new secret) are tried in turn
    assert verify_signature("whsec_k", ts, body, f"sha256=00, {sig}", T0)
    assert not verify_signature("whsec_k", ts, body, "sha256=签名", T0)  # garbage is refused, not an exception


def test_signature_is_hmac_of_timestamp_dot_body() -> None:
    import hashlib
    import hmac

    body = b'{"id":1}'
    expected = hmac.new(b"s", b"1700000000." + body, hashlib.sha256).hexdigest()
    assert signature("s", 1700000000, body) == f"sha256={expected}"


def test_body_is_stable_json() -> None:
    body = event_body(1, "loan.overdue", T0, {"b": 1, "a": "逾期"})
    expected = '{"id":1,"occurred_at":"2026-03-02T09:00:00+00:00","payload":{"a":"逾期","b":1},"topic":"loan.overdue"}'
    assert body == expected.encode()


def test_backoff_doubles_from_30s_up_to_the_cap_then_dead() -> None:
    p = RetryPolicy()
    assert [p.delay(n).total_seconds() for n in range(1, 6)] == [30, 60, 120, 240, 480]
    assert p.delay(14) == dt.timedelta(hours=6) and p.delay(1000) == dt.timedelta(hours=6)
    assert p.next_attempt(1, T0) == T0 + dt.timedelta(seconds=30)
    assert p.next_attempt(p.max_attempts - 1, T0) is not None and p.next_attempt(p.max_attempts, T0) is None
    assert len(p.schedule()) == p.max_attempts - 1
    short = RetryPolicy(base=dt.timedelta(seconds=10), cap=dt.timedelta(seconds=25), max_attempts=4)
    assert short.schedule() == [dt.timedelta(seconds=s) for s in (10, 20, 25)]
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)
    with pytest.raises(ValueError):
        p.delay(0)


def test_only_2xx_is_delivered() -> None:
    assert delivered(200) and delivered(204) and not delivered(301) and not delivered(500) and not delivered(None)


def test_every_topic_has_a_description_and_a_family() -> None:
    assert all("." in t and TOPICS[t] for t in TOPICS)


def test_docs_list_every_topic() -> None:
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "events.md").read_text(encoding="utf-8")
    missing = [t for t in TOPICS if f"| `{t}` |" not in doc]
    assert missing == []


def test_the_documented_receiver_snippet_agrees_with_verify_signature() -> None:
    import re
    from pathlib import Path

    doc = (Path(__file__).parents[2] / "docs" / "events.md").read_text(encoding="utf-8")
    snippet = re.search(r"```python\n(.*?)```", doc, re.S)
    assert snippet is not None
    scope: dict[str, object] = {}
    exec(snippet.group(1), scope)
    verify = scope["verify"]
    now = dt.datetime.now(dt.UTC)
    body = event_body(1, "loan.overdue", now, {"loan_id": 1})
    h = headers("whsec_doc", 1, 2, "loan.overdue", now, body)
    ts, sig = h["X-Ippledge-Timestamp"], h["X-Ippledge-Signature"]
    assert verify("whsec_doc", ts, body, sig) and verify_signature("whsec_doc", ts, body, sig, now)  # type: ignore[operator]
    assert not verify("whsec_doc", ts, body + b" ", sig)  # type: ignore[operator]


def test_target_policy_refuses_every_internal_range_by_default() -> None:
    default = TargetPolicy()
    internal = (
        "127.0.0.1", "::1", "169.254.169.254", "fe80::1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "240.0.0.1",
        "10.1.2.3", "192.168.1.5", "172.16.0.9", "100.64.0.1", "100.100.100.200", "198.18.0.1", "192.0.2.1",
        "fd00::1", "fd00:ec2::254", "fc00::1", "ff02::1", "::", "2001:db8::1", "fec0::1", "64:ff9b:1::1",
    )  # fmt: skip
    for address in internal:
        assert default.refuses(address) is not None, address
    for address in ("93.184.215.14", "8.8.8.8", "2606:4700::1111"):
        assert default.refuses(address) is None, address
    only = TargetPolicy.parse("10.0.0.0/8, 127.0.0.1/32")
    assert only.refuses("10.9.9.9") is None and only.refuses("127.0.0.1") is None
    assert "outside the allowed networks" in (only.refuses("8.8.8.8") or "")  # only the listed networks
    assert "private" in (only.refuses("192.168.1.5") or "")
    both = TargetPolicy.parse("10.0.0.0/8,public")
    assert both.refuses("10.9.9.9") is None and both.refuses("8.8.8.8") is None and both.refuses("192.168.1.5")
    with pytest.raises(ValidationError) as err:
        TargetPolicy.parse("10.0.0.0/8,intranet")
    assert err.value.code == "delivery.network"


def test_metadata_services_open_only_when_listed_exactly() -> None:
    assert "metadata" in (TargetPolicy.parse("169.254.0.0/16").refuses("169.254.169.254") or "")
    assert "metadata" in (TargetPolicy.parse("100.64.0.0/10").refuses("100.100.100.200") or "")
    assert TargetPolicy.parse("169.254.169.254/32").refuses("169.254.169.254") is None


def test_internal_addresses_in_other_encodings_are_refused() -> None:
    """``[::ffff:127.0.0.1]`` reached a loopback receiver; the same form would reach cloud metadata."""
    default = TargetPolicy()
    for address in (
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "::ffff:0.0.0.0",
        "::ffff:10.1.2.3",
        "2002:7f00:1::1",  # 6to4 carrying 127.0.0.1
        "2002:a9fe:a9fe::1",  # 6to4 carrying 169.254.169.254
        "64:ff9b::7f00:1",  # NAT64 carrying 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 carrying 169.254.169.254
        "::127.0.0.1",  # IPv4-compatible (deprecated)
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
        "fe80::1%eth0",
    ):
        assert default.refuses(address) is not None, address
    assert "169.254.169.254" in (default.refuses("::ffff:169.254.169.254") or "")
    assert default.refuses("64:ff9b::808:808") is None  # NAT64 to a public address is public
    assert TargetPolicy.parse("10.0.0.0/8").refuses("::ffff:10.9.9.9") is None


@pytest.mark.parametrize(
    "url", ["http://2130706433/", "http://0x7f000001/", "http://0177.0.0.1/", "http://127.1/", "http://0x7f.1/"]
)
def test_numeric_host_encodings_are_refused_at_registration(url: str) -> None:
    """The C resolver reads these as 127.0.0.1; only the canonical a.b.c.d is accepted."""
    with pytest.raises(ValidationError) as e:
        check_url(url)
    assert e.value.code == "delivery.url" and "a.b.c.d" in e.value.message_en
    assert check_url("http://127.0.0.1:8080/x") and check_url("https://1password.example/x")


def test_first_refusal_checks_every_address() -> None:
    policy = TargetPolicy()
    assert policy.first_refusal(["93.184.215.14", "8.8.8.8"]) is None
    assert "169.254.169.254" in (policy.first_refusal(["93.184.215.14", "169.254.169.254"]) or "")
    assert policy.first_refusal(["not-an-address"]) is not None


def test_rotation_signs_with_both_secrets_only_inside_the_overlap_window() -> None:
    until = T0 + dt.timedelta(hours=24)
    assert signing_secrets("new", "old", until, T0) == ["new", "old"]
    assert signing_secrets("new", "old", until, until - dt.timedelta(seconds=1)) == ["new", "old"]
    assert signing_secrets("new", "old", until, until) == ["new"]
    assert signing_secrets("new", None, None, T0) == ["new"]
    body = event_body(1, "loan.overdue", T0, {"loan_id": 1})
    h = headers(["new", "old"], 1, 2, "loan.overdue", T0, body)
    sig = h["X-Ippledge-Signature"]
    assert (
        sig
        == f"{signature('new', h['X-Ippledge-Timestamp'], body)}, {signature('old', h['X-Ippledge-Timestamp'], body)}"
    )
    for secret in ("new", "old"):  # a receiver with either secret accepts
        assert verify_signature(secret, h["X-Ippledge-Timestamp"], body, sig, T0)
    assert not verify_signature("other", h["X-Ippledge-Timestamp"], body, sig, T0)
