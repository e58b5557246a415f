"""Lists and feeds are not over-broad (列表不越界): every row a list, a search or the event feed returns to a user
belongs to its party's scope. The list routes are taken from ``/openapi.json``; a new list route fails the test until
it is classified here."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access.model import REGISTER_READERS, PartyKind
from ippledge.delivery.service import MAX_FEED_LIMIT
from ippledge.ledger.tables import JournalEntry
from ippledge.outbox.events import OutboxAudience
from ippledge.pledge.tables import Pledge, PledgeItem
from ippledge.registry.tables import IpAsset
from tests.isolation.conftest import Iso
from tests.isolation.resources import (
    BY_PREFIX,
    GATEWAY_ACCESS,
    MONITORING_ALERT,
    Resource,
    is_visible,
    visible_condition,
)
from tests.isolation.world import Caller

# GET list route → (the record each row is, the row's field that holds its key)
LISTS: dict[str, tuple[Resource, str]] = {
    "/applications": (BY_PREFIX["applications"], "id"),
    "/tasks": (BY_PREFIX["tasks"], "id"),
    "/loans": (BY_PREFIX["loans"], "id"),
    "/pledge-filings": (BY_PREFIX["pledge-filings"], "id"),
    "/registry/pledge-filings": (BY_PREFIX["pledge-filings"], "id"),
    "/webhooks": (BY_PREFIX["webhooks"], "id"),
    "/api-keys": (BY_PREFIX["api-keys"], "id"),
    "/approvals": (BY_PREFIX["approvals"], "id"),
    "/risk-claims": (BY_PREFIX["risk-claims"], "id"),
    "/credit-products": (BY_PREFIX["credit-products"], "id"),
    "/valuation-flags": (BY_PREFIX["valuation-reports"], "report_id"),
    "/watch-list": (BY_PREFIX["watch-list"], "id"),
    "/monitoring/alerts": (MONITORING_ALERT, "id"),
    "/consents": (BY_PREFIX["consents"], "id"),
    "/access-log": (GATEWAY_ACCESS, "id"),
    "/whitelists": (BY_PREFIX["whitelists"], "id"),
    "/whitelist-criteria": (BY_PREFIX["whitelist-criteria"], "id"),
    "/whitelist-pushes": (BY_PREFIX["whitelist-pushes"], "id"),
    "/demands": (BY_PREFIX["demands"], "id"),
    "/outreach-signups": (BY_PREFIX["outreach-signups"], "id"),
    "/monitoring/actions": (BY_PREFIX["monitoring"], "id"),
}
# Checked by their own code below.
SPECIAL = {"/events", "/ledger/entries", "/provisions", "/pledges", "/green-channel", "/ip-assets/batch-query"}
# Lists of nothing a party owns, with why.
NOT_PARTY_DATA = {
    "/me": "the caller itself",
    "/lpr": "the published loan prime rate",
    "/task-time-limits": "platform parameters, the same for everyone",
    "/registry/settings": "the caller registry's own settings",
    "/risk-schemes": "published schemes",
    "/business-day": "the platform's business date",
    "/valuers/league-table": "public valuer statistics (aggregates, no client or report)",
    "/health": "liveness",
    "/ready": "readiness",
    "/disposal/plan": "a calculation from the published auction rules",
    "/disposal/listings": "public sale listings (公开挂牌): our lots and other platforms' imported listings",
    "/disposal/feed": "the public listings feed (our lots as published notices)",
    "/supervision/statistics": "aggregates for the regulator and the platform only (others: 403 regulator_only)",
    "/supervision/statistics.xlsx": "the same aggregates as a workbook, regulator and platform only",
    "/supervision/rankings": "banks ranked on aggregates, regulator and platform only",
    "/supervision/ranking-rules": "the published ranking rules",
    "/supervision/kpi": "branch KPI scores on aggregates, regulator and platform only (others: 403 regulator_only)",
    "/supervision/market": "a bank's own line and market aggregates under the minimum cell size, never another's name",
    "/outreach-events": "event announcements (对接活动通知) every party reads: title, date, places, banks invited",
    "/funnel": "conversion-funnel aggregates: platform and regulator all rows, a bank its own rows only, others 403",
}


def _get(iso: Iso, caller: Caller, path: str, **params: Any) -> Any:
    r = iso.client.get(path, params=params, headers=caller.headers)
    return r.json() if r.status_code == 200 else None


def _rows(body: Any) -> list[dict[str, Any]]:
    return body if isinstance(body, list) else []


def test_lists_and_feeds_return_only_the_callers_rows(iso: Iso) -> None:
    spec = iso.spec
    gets = sorted(p for p, ops in spec["paths"].items() if "get" in ops and "{" not in p)
    unknown = [p for p in gets if p not in LISTS and p not in SPECIAL and p not in NOT_PARTY_DATA]
    assert not unknown, f"list routes the isolation test does not classify: {unknown}"
    failures: list[str] = []
    requests = rows_checked = 0
    with iso.factory() as s:
        samples = _entry_refs(s)
        numbers = _pledged_numbers(s)
        by_number = {n: aid for aid, n in numbers}
        for caller in iso.callers:
            principal = iso.principal(caller)
            for path, (res, field) in LISTS.items():
                params = {"status": "all"} if path == "/approvals" else {}
                body = _get(iso, caller, path, **params)
                requests += 1
                for row in _rows(body):
                    key = row.get(field)
                    if key is None:
                        if path == "/valuation-flags" and (row["client_id"] or row["ip_asset_id"] or row["details"]):
                            failures.append(
                                f"{path} as {caller.username}: a flag names a client or IP without a report"
                            )
                        continue
                    rows_checked += 1
                    if not is_visible(s, res, principal, key):
                        failures.append(f"{path} as {caller.username}: {field}={key} is not the caller's")
            # the event feed: only events whose audience includes the caller's party
            feed = _get(iso, caller, "/events", limit=MAX_FEED_LIMIT)
            requests += 1
            ids = [e["id"] for e in (feed or {}).get("events", [])]
            mine = set(s.scalars(select(OutboxAudience.event_id).where(OutboxAudience.party_id == caller.party_id)))
            rows_checked += len(ids)
            failures += [f"/events as {caller.username}: event {i} not addressed to it" for i in ids if i not in mine]
            every = iso.client.get("/events", params={"scope": "all"}, headers=caller.headers)
            requests += 1
            overseer = caller.kind in (PartyKind.REGULATOR, PartyKind.PLATFORM)
            if every.status_code == 200 and not overseer:
                failures.append(f"/events?scope=all as {caller.username}: 200")
            # journal entries by reference: only the caller's
            for ref_type, ref_id in samples:
                for e in _rows(_get(iso, caller, "/ledger/entries", ref_type=ref_type, ref_id=ref_id)):
                    rows_checked += 1
                    if not is_visible(s, Resource(JournalEntry), principal, e["id"]):
                        failures.append(f"/ledger/entries as {caller.username}: entry {e['id']}")
                requests += 1
            # provisions: only banks whose book the caller may read
            prov = _get(iso, caller, "/provisions")
            requests += 1
            for bank in (prov or {}).get("banks", []):
                rows_checked += 1
                if not is_visible(s, BY_PREFIX["banks"], principal, bank["bank_id"]):
                    failures.append(f"/provisions as {caller.username}: bank {bank['bank_id']}")
            # green channel: the entries of the caller's own party unless it reads all applications
            for g in _rows(_get(iso, caller, "/green-channel")):
                rows_checked += 1
                readers = BY_PREFIX["applications"]
                if g["party_id"] != caller.party_id and visible_condition(readers, principal) is not True:
                    failures.append(f"/green-channel as {caller.username}: party {g['party_id']}")
            requests += 1
            # searches: the batch query (批量查询) and the pledge search by number answer only about visible IP
            batch = iso.client.post(
                "/ip-assets/batch-query", json={"numbers": [n for _, n in numbers]}, headers=caller.headers
            )
            requests += 1
            if batch.status_code == 200:
                for item in batch.json()["items"]:
                    if item["result"] != "found":
                        continue
                    rows_checked += 1
                    aid = by_number[item["number"]]
                    if not is_visible(s, BY_PREFIX["ip-assets"], principal, aid):
                        failures.append(f"/ip-assets/batch-query as {caller.username}: asset {aid}")
            for aid, number in numbers[:6]:
                for p in _rows(_get(iso, caller, "/pledges", ip_number=number)):
                    rows_checked += 1
                    gazette = p["debt_amount"] is None and caller.kind in REGISTER_READERS  # 登记公告 extract
                    if not gazette and not is_visible(s, Resource(Pledge), principal, p["pledge_id"]):
                        failures.append(f"/pledges as {caller.username}: pledge {p['pledge_id']} of asset {aid}")
                requests += 1
    print(
        f"\nisolation lists: {len(LISTS) + len(SPECIAL)} list routes x {len(iso.callers)} users: {requests} requests, "
        f"{rows_checked} rows checked, {len(failures)} over-broad"
    )
    by_route: dict[str, int] = {}
    for f in failures:
        by_route[f.split(" as ")[0]] = by_route.get(f.split(" as ")[0], 0) + 1
    assert not failures, f"{by_route}\n" + "\n".join(failures[:40])


def _entry_refs(s: Session) -> list[tuple[str, str]]:
    """A few journal references of each kind (loans, pools, claims …), to ask ``/ledger/entries`` about."""
    out: list[tuple[str, str]] = []
    for ref_type in s.scalars(select(JournalEntry.ref_type).distinct()):
        stmt = select(JournalEntry.ref_id).where(JournalEntry.ref_type == ref_type).distinct().limit(2)
        out += [(ref_type, str(r)) for r in s.scalars(stmt)]
    return out


def _pledged_numbers(s: Session) -> list[tuple[int, str]]:
    """IP with pledges, then others: forty (id, number) pairs to search for."""
    pledged = select(PledgeItem.ip_asset_id).distinct().limit(30)
    ids = list(s.scalars(pledged))
    ids += list(s.scalars(select(IpAsset.id).where(IpAsset.id.not_in(ids)).order_by(IpAsset.id).limit(40 - len(ids))))
    return [(i, n) for i, n in s.execute(select(IpAsset.id, IpAsset.number).where(IpAsset.id.in_(ids)))]
