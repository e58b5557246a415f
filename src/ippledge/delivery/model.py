"""Event delivery rules (事件投递规则): topics, subscription matching, the webhook signature, the retry schedule. Pure.

Nothing here reads the clock: every rule that needs the time takes ``now``. Receivers may copy
:func:`verify_signature`; it needs only the standard library.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import ipaddress
import json
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from ippledge.delivery import errors
from ippledge.kernel.errors import IppledgeError
from ippledge.outbox.topics import TOPICS

SIGNATURE_SCHEME = "sha256"
DEFAULT_TOLERANCE = dt.timedelta(minutes=5)
MAX_URL_LENGTH = 500
MAX_PATTERNS = 50


class Scope(StrEnum):
    OWN = "own"  # events whose audience includes the subscriber's party
    ALL = "all"  # every event (regulator and platform operator only)


class DeliveryStatus(StrEnum):
    PENDING = "pending"  # 待投递 (also after failed attempts, until the next one is due)
    DELIVERED = "delivered"  # 已投递: the receiver answered 2xx
    DEAD = "dead"  # 投递失败: max attempts reached; retried only by hand
    CANCELLED = "cancelled"  # the subscription was deactivated before delivery


# --- topic patterns --------------------------------------------------------------------------------------------


def _bad_pattern(pattern: str, why_zh: str, why_en: str) -> IppledgeError:
    return errors.TOPIC_PATTERN(pattern=pattern, why_zh=why_zh, why_en=why_en, known_topics=sorted(TOPICS))


def check_pattern(pattern: str) -> str:
    """``*`` (everything), ``family.*`` (a known family) or an exact known topic; anything else is refused."""
    p = pattern.strip()
    if p == "*":
        return p
    if p.endswith(".*"):
        family = p[:-1]  # keeps the dot: "lending."
        if "*" in family or not any(t.startswith(family) for t in TOPICS):
            raise _bad_pattern(pattern, "没有这一类主题", "no topic family by that name")
        return p
    if "*" in p:
        raise _bad_pattern(pattern, "通配符只能是 * 或 前缀.*", "a wildcard is only '*' or 'family.*'")
    if p not in TOPICS:
        raise _bad_pattern(pattern, "未知主题", "unknown topic")
    return p


def check_patterns(patterns: Sequence[str]) -> list[str]:
    if not patterns:
        raise errors.TOPIC_PATTERN.kind(
            "至少需要一个主题模式（例如 lending.* 或 *）",
            "at least one topic pattern is needed (e.g. lending.* or *)",
            code=errors.TOPIC_PATTERN.code,
            details={"known_topics": sorted(TOPICS)},
        )
    if len(patterns) > MAX_PATTERNS:
        raise errors.TOPIC_PATTERN.kind(
            f"主题模式最多 {MAX_PATTERNS} 个", f"at most {MAX_PATTERNS} topic patterns", code=errors.TOPIC_PATTERN.code
        )
    return sorted({check_pattern(p) for p in patterns})


def topic_matches(pattern: str, topic: str) -> bool:
    if pattern == "*":
        return True
    if pattern.endswith(".*"):
        return topic.startswith(pattern[:-1])
    return pattern == topic


@dataclass(frozen=True)
class Subscriber:
    """What matching needs to know of a subscription."""

    party_id: int
    scope: Scope
    patterns: tuple[str, ...]
    active: bool = True


def matches(sub: Subscriber, topic: str, audience: Iterable[int]) -> bool:
    """An active subscription receives an event of a matching topic whose audience includes its party
    (or every event, with scope ``all``)."""
    if not sub.active or not any(topic_matches(p, topic) for p in sub.patterns):
        return False
    return sub.scope is Scope.ALL or sub.party_id in set(audience)


# --- endpoint URL ------------------------------------------------------------------------------------------------


def _bad_url(url: str, why_zh: str, why_en: str) -> IppledgeError:
    return errors.URL(url=url[:200], why_zh=why_zh, why_en=why_en)


def check_url(url: str) -> str:
    """An absolute http(s) URL with a host, no user:password (it would be stored and logged) and no fragment.

    Plain http is allowed: many intranet endpoints have no TLS; the signature still proves origin and integrity.
    """
    u = url.strip()
    if not u or len(u) > MAX_URL_LENGTH:
        raise _bad_url(u, f"长度应在 1 到 {MAX_URL_LENGTH} 个字符之间", f"length must be 1 to {MAX_URL_LENGTH}")
    if any(c.isspace() or ord(c) < 32 for c in u):
        raise _bad_url(u, "不能包含空白或控制字符", "no whitespace or control characters")
    try:
        parts = urlsplit(u)
        port = parts.port  # raises on a bad port
    except ValueError:
        raise _bad_url(u, "无法解析", "cannot be parsed") from None
    if parts.scheme not in ("http", "https"):
        raise _bad_url(u, "只支持 http 或 https", "only http and https are supported")
    if not parts.hostname:
        raise _bad_url(u, "缺少主机名", "no host")
    if parts.username is not None or parts.password is not None:
        raise _bad_url(u, "不能在地址中包含用户名或密码", "no user or password in the URL")
    if parts.fragment:
        raise _bad_url(u, "不能包含 # 片段", "no #fragment")
    if port == 0:
        raise _bad_url(u, "端口无效", "bad port")
    host = parts.hostname
    if not _valid_host(host):
        raise _bad_url(u, "主机名无效（IPv4 地址请写成 a.b.c.d）", "bad host name (write an IPv4 address as a.b.c.d)")
    return u


_NUMERIC_LABEL = re.compile(r"(0x[0-9a-f]*|[0-9]+)", re.IGNORECASE)


def _valid_host(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    labels = host.split(".")
    if all(_NUMERIC_LABEL.fullmatch(x) for x in labels if x):
        # 2130706433, 0x7f.1, 0177.0.0.1, 127.1: the C resolver reads these as IPv4 addresses, so a guard reading
        # them as names would be fooled; only the canonical a.b.c.d form (checked above) is accepted.
        return False
    labels = host.rstrip(".").split(".")
    return all(0 < len(x) <= 63 and all(c.isalnum() or c in "-_" for c in x) for x in labels)


# --- secrets and signatures --------------------------------------------------------------------------------------


def new_secret() -> str:
    """A signing secret (签名密钥): 256 random bits, shown to the subscriber once."""
    return "whsec_" + secrets.token_urlsafe(32)


def unix_seconds(at: dt.datetime) -> int:
    if at.tzinfo is None:
        raise ValueError("naive datetime given where a UTC instant is required")
    return int(at.timestamp())


def signature(secret: str, timestamp: int | str, body: bytes) -> str:
    """``sha256=<hex>``: HMAC-SHA256 over ``"<timestamp>.<body>"`` with the subscription's secret."""
    mac = hmac.new(secret.encode("utf-8"), f"{timestamp}.".encode("ascii") + body, hashlib.sha256)
    return f"{SIGNATURE_SCHEME}={mac.hexdigest()}"


def verify_signature(
    secret: str,
    timestamp: str | int,
    body: bytes,
    header: str,
    now: dt.datetime,
    tolerance: dt.timedelta = DEFAULT_TOLERANCE,
) -> bool:
    """What a receiver checks (验签): the ``X-Ippledge-Signature`` header is the HMAC of this timestamp and body, and
    the ``X-Ippledge-Timestamp`` is within ``tolerance`` of the receiver's clock (a replayed old message fails).

    ``body`` must be the raw bytes received, before any JSON parsing.
    """
    try:
        ts = int(str(timestamp).strip())
    except ValueError:
        return False
    if abs(unix_seconds(now) - ts) > tolerance.total_seconds():
        return False
    expected = signature(secret, ts, body).encode("ascii")
    return any(hmac.compare_digest(expected, h.strip().encode("utf-8")) for h in header.split(",") if h.strip())


def event_body(event_id: int, topic: str, occurred_at: dt.datetime, payload: Mapping[str, Any]) -> bytes:
    """The JSON a receiver gets: ``{id, topic, occurred_at, payload}``, UTF-8, keys sorted, no spaces."""
    doc = {"id": event_id, "topic": topic, "occurred_at": occurred_at.isoformat(), "payload": payload}
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode("utf-8")


def signing_secrets(
    current: str, previous: str | None, previous_until: dt.datetime | None, at: dt.datetime
) -> list[str]:
    """The secrets a request sent at ``at`` is signed with: the current one, and during a rotation's overlap window
    (密钥轮换过渡期, until ``previous_until``) the one it replaced, so a receiver can switch over at its own pace."""
    keep_old = previous is not None and previous_until is not None and at < previous_until
    return [current, previous] if keep_old and previous is not None else [current]


def headers(
    secret: str | Sequence[str], event_id: int, delivery_id: int, topic: str, at: dt.datetime, body: bytes
) -> dict[str, str]:
    """The request headers; with several secrets, ``X-Ippledge-Signature`` lists one signature for each, the current
    secret's first, separated by ``, `` (a receiver accepts when any matches)."""
    ts = unix_seconds(at)
    keys = [secret] if isinstance(secret, str) else list(secret)
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "ippledge-webhook/1",
        "X-Ippledge-Event": topic,
        "X-Ippledge-Event-Id": str(event_id),
        "X-Ippledge-Delivery": str(delivery_id),
        "X-Ippledge-Timestamp": str(ts),
        "X-Ippledge-Signature": ", ".join(signature(k, ts, body) for k in keys),
    }


# --- retries -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff (指数退避): the n-th failure waits ``base × 2^(n-1)``, at most ``cap``; after
    ``max_attempts`` failures the delivery is dead. The defaults span about a day and a half (a weekend outage of a
    bank's receiver is retried by hand from the dead list)."""

    base: dt.timedelta = dt.timedelta(seconds=30)
    cap: dt.timedelta = dt.timedelta(hours=6)
    max_attempts: int = 15

    def __post_init__(self) -> None:
        if self.max_attempts < 1 or self.base <= dt.timedelta(0) or self.cap < self.base:
            raise ValueError("retry policy needs max_attempts >= 1 and 0 < base <= cap")

    def delay(self, failures: int) -> dt.timedelta:
        """Wait after the ``failures``-th consecutive failure (1-based)."""
        if failures < 1:
            raise ValueError("failures is 1-based")
        exp = min(failures - 1, 40)  # 2^40 × anything exceeds any cap; avoids huge ints
        return min(self.base * (1 << exp), self.cap)

    def next_attempt(self, failures: int, at: dt.datetime) -> dt.datetime | None:
        """When to try again after ``failures`` failures, the last at ``at``; None when the delivery is dead."""
        if failures >= self.max_attempts:
            return None
        return at + self.delay(failures)

    def schedule(self) -> list[dt.timedelta]:
        """The waits between attempts, for the docs and ``events status``."""
        return [self.delay(n) for n in range(1, self.max_attempts)]


DEFAULT_POLICY = RetryPolicy()


def delivered(status_code: int | None) -> bool:
    """2xx is delivered; anything else (3xx included: redirects are not followed) is retried."""
    return status_code is not None and 200 <= status_code < 300


# --- where webhooks may go (SSRF guard) ------------------------------------------------------------------------------

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Internal (内网) addresses: never reached unless the operator lists them (``IPPLEDGE_WEBHOOK_NETWORKS``). Any admin of
# any party registers a URL, so without this a webhook is a way to make the platform post into its own network.
# ``ipaddress``'s ``is_global`` is the catch-all; the list names the ranges so that the reason given is exact and a
# Python whose tables differ still refuses them.
GUARDED_NETWORKS: tuple[tuple[IPNetwork, str], ...] = tuple(
    (ipaddress.ip_network(n), why)
    for n, why in (
        ("0.0.0.0/8", "this network (unspecified)"),
        ("10.0.0.0/8", "private"),
        ("100.64.0.0/10", "carrier-grade NAT (shared address space)"),
        ("127.0.0.0/8", "loopback"),
        ("169.254.0.0/16", "link-local (cloud metadata services answer here)"),
        ("172.16.0.0/12", "private"),
        ("192.0.0.0/24", "IETF protocol assignments"),
        ("192.0.2.0/24", "documentation"),
        ("192.88.99.0/24", "6to4 relay anycast"),
        ("192.168.0.0/16", "private"),
        ("198.18.0.0/15", "benchmarking"),
        ("198.51.100.0/24", "documentation"),
        ("203.0.113.0/24", "documentation"),
        ("224.0.0.0/4", "multicast"),
        ("240.0.0.0/4", "reserved (broadcast included)"),
        # ::/96 holds the unspecified address, loopback and the deprecated IPv4-compatible form (::127.0.0.1)
        ("::/96", "unspecified, loopback or IPv4-compatible"),
        ("64:ff9b:1::/48", "local-use NAT64"),
        ("100::/64", "discard-only"),
        ("2001::/23", "IETF protocol assignments (Teredo included)"),
        ("2001:db8::/32", "documentation"),
        ("fc00::/7", "unique local (private)"),
        ("fe80::/10", "link-local"),
        ("fec0::/10", "site-local (deprecated)"),
        ("ff00::/8", "multicast"),
    )
)
NAT64 = ipaddress.ip_network("64:ff9b::/96")

# Cloud metadata endpoints (云元数据服务: AWS, Azure, GCP, Huawei 169.254.169.254; Alibaba Cloud 100.100.100.200;
# Tencent Cloud 169.254.0.23; ECS task metadata 169.254.170.2; AWS IPv6 fd00:ec2::254). They hand out credentials, so
# an allowed network that merely contains one does not open it: only the exact address listed (a /32 or /128) does.
METADATA_ADDRESSES: frozenset[IPAddress] = frozenset(
    ipaddress.ip_address(a)
    for a in ("169.254.169.254", "100.100.100.200", "169.254.0.23", "169.254.170.2", "fd00:ec2::254")
)

PUBLIC = "public"  # in the allowed list: any global address besides the networks named


def unwrapped(ip: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 form carries (IPv4-mapped ``::ffff:127.0.0.1``, 6to4 ``2002:7f00:1::``, NAT64
    ``64:ff9b::7f00:1``), so an internal address cannot slip past the guard in another encoding; any other as it is."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped
        if ip.sixtofour is not None:
            return ip.sixtofour
        if ip in NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


def internal(ip: IPAddress) -> str | None:
    """Why ``ip`` (already :func:`unwrapped`) is internal, or None for a global unicast address."""
    named = next((why for n, why in GUARDED_NETWORKS if ip in n), None)
    if named is not None:
        return named
    if ip.is_multicast:
        return "multicast"
    return None if ip.is_global else "not globally routable"


@dataclass(frozen=True)
class TargetPolicy:
    """Which addresses the relay may post to. The default: global addresses only (:func:`internal` refuses the rest).
    With ``allowed`` (the operator's list, ``IPPLEDGE_WEBHOOK_NETWORKS``, e.g. ``10.20.0.0/16,10.30.0.0/16``): only
    addresses inside it, plus every global address when the list also says ``public``."""

    allowed: tuple[IPNetwork, ...] = ()
    public: bool = True

    @classmethod
    def parse(cls, networks: str | Iterable[str] | None) -> TargetPolicy:
        items = networks.split(",") if isinstance(networks, str) else list(networks or ())
        out: list[IPNetwork] = []
        public = False
        for item in (i.strip() for i in items):
            if not item:
                continue
            if item.lower() == PUBLIC:
                public = True
                continue
            try:
                out.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise errors.NETWORK(item=item) from None
        return cls(tuple(out), public or not out)

    def refuses(self, address: str) -> str | None:
        """Why ``address`` may not be reached, or None."""
        try:
            ip = unwrapped(ipaddress.ip_address(address.split("%", 1)[0]))
        except ValueError:
            return f"{address!r} is not an IP address"
        if ip in METADATA_ADDRESSES and not any(n.num_addresses == 1 and ip in n for n in self.allowed):
            return f"{ip} is a cloud metadata service, reached only when listed exactly"
        if any(ip in n for n in self.allowed):
            return None
        why = internal(ip)
        if why is None and self.public:
            return None
        if why is not None:
            return f"{ip} is {why}, which webhooks may not reach unless its network is allowed"
        return f"{ip} is outside the allowed networks"

    def first_refusal(self, addresses: Iterable[str]) -> str | None:
        """Why the relay must not post to a host resolving to ``addresses`` (every one is checked), or None."""
        return next((r for r in map(self.refuses, addresses) if r is not None), None)
