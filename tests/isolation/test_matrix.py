"""The isolation matrix (数据隔离矩阵), generated from ``/openapi.json``: every route that takes an id, tried by every
user of two parties of each kind against records of parties it has no business with.

A foreign record must answer exactly as a record that does not exist (same status, same error code): never 2xx,
never a 403 or 409 that tells the caller the record is there.
"""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from ippledge.access import scope
from ippledge.access.model import PartyKind
from ippledge.access.tables import Party, User
from ippledge.kernel.identifiers.patent_application import calc_check_digit
from ippledge.lending.tables import LoanExtension
from ippledge.registry.tables import IpAsset
from tests.isolation.bodies import body_for
from tests.isolation.conftest import Iso
from tests.isolation.resources import PUBLIC, Resource, invisible_rows, path_params, resource_of
from tests.isolation.world import Caller

MISSING_INT = 987_654_321
MISSING_CODE = "NO-SUCH-CODE-0"
MISSING_PATENT = "202110999999" + calc_check_digit("202110999999")  # well formed, never issued in the simulation
_keys = itertools.count(1)


def _party_columns(res: Resource) -> tuple[str, ...]:
    if res.owners:
        return res.owners
    try:
        return scope.rule_for(res.model).party_columns
    except LookupError:
        return ()


def _pick(rows: list[Any], res: Resource, peers: set[int]) -> Any:
    """A record of a peer (another party of the caller's kind) when there is one, else the first foreign record."""
    cols = _party_columns(res)
    for row in rows:
        if any(getattr(row, c, None) in peers for c in cols):
            return row
    return rows[0]


def _url(s: Session, path: str, res: Resource, row: Any, caller: Caller) -> str:
    values: dict[str, Any] = {}
    names = path_params(path)
    if names[:2] == ["kind", "number"]:  # /ip-assets/by-number/{kind}/{number}
        if row is not None:
            return path.format(kind=row.kind, number=row.number)
        return path.format(kind="patent", number=MISSING_PATENT)
    first = names[0]
    values[first] = (
        getattr(row, res.key)
        if row is not None
        else (MISSING_INT if isinstance(getattr(res.model, res.key).type.python_type(), int) else MISSING_CODE)
    )
    for name in names[1:]:
        if name == "user_id":
            uid = s.query(User.id).filter(User.party_id == row.id).limit(1).scalar() if row is not None else None
            values[name] = uid or MISSING_INT
        elif name == "party_id":  # a consent given by the caller's own party
            values[name] = caller.party_id
        elif name == "year_no":
            values[name] = 1
        elif name == "extension_id":  # /loans/{loan_id}/extensions/{extension_id}/decision: the loan's own
            ext = s.query(LoanExtension.id).filter(LoanExtension.loan_id == row.id) if row is not None else None
            values[name] = (ext.limit(1).scalar() if ext is not None else None) or MISSING_INT
        elif name == "source":  # /gateway/firms/{firm_id}/{source}: a read that states its purpose
            return path.format(**values, source="credit_bureau") + "?purpose=credit_assessment"
        else:
            raise AssertionError(f"unmapped path parameter {name} in {path}")
    return path.format(**values)


def _code(r: Any) -> str | None:
    try:
        body = r.json()
    except ValueError:
        return None
    return body.get("code") if isinstance(body, dict) else None


def test_every_id_route_hides_foreign_records(iso: Iso) -> None:
    spec, client = iso.spec, iso.client
    routes = [(p, m, op) for p, ops in spec["paths"].items() for m, op in ops.items() if path_params(p)]
    unmapped = sorted({p for p, _, _ in routes if resource_of(p) is None and p not in PUBLIC})
    assert not unmapped, f"routes with an id the matrix does not know: {unmapped}"
    peers_of = {
        c.party_id: {d.party_id for d in iso.callers if d.kind == c.kind and d.party_id != c.party_id}
        for c in iso.callers
    }
    failures: list[str] = []
    tried = requests = no_foreign = directory = 0
    routes_tried: set[str] = set()
    with iso.factory() as s:
        cache: dict[tuple[str, int], list[Any]] = {}
        missing_answers: dict[tuple[Any, ...], tuple[int, str | None]] = {}
        untried: set[str] = set()
        tried_models: set[str] = set()
        for path, method, op in routes:
            res = resource_of(path)
            if res is None or path in PUBLIC:
                continue
            body = body_for(spec, op) if method in ("post", "put", "patch") else None
            for caller in iso.callers:
                key = (path.split("/")[1], caller.party_id)
                if key not in cache:
                    cache[key] = invisible_rows(s, res, iso.principal(caller))
                if not cache[key]:
                    no_foreign += 1
                    untried.add(res.model.__name__)
                    continue
                tried_models.add(res.model.__name__)
                rows = cache[key]
                if "{kind}" in path:  # by number: a patent, so the missing number is of the same kind
                    rows = [r for r in rows if isinstance(r, IpAsset) and r.kind == "patent"]
                row = _pick(rows, res, peers_of[caller.party_id])
                public = isinstance(row, Party) and row.kind != PartyKind.ENTERPRISE.value
                if public and method == "get" and path == "/parties/{party_id}":
                    directory += 1  # the institution directory is public to every signed-in caller (record 0016)
                    continue
                headers = {**caller.headers, "Idempotency-Key": f"isolation-{next(_keys):07d}"}
                foreign = client.request(method.upper(), _url(s, path, res, row, caller), json=body, headers=headers)
                # the answer for a missing record depends on the caller's kind and roles, not on who it is
                missing_url = _url(s, path, res, None, caller)
                seen_key = (method, missing_url, caller.kind, caller.roles)
                if seen_key not in missing_answers:
                    headers = {**caller.headers, "Idempotency-Key": f"isolation-{next(_keys):07d}"}
                    r = client.request(method.upper(), missing_url, json=body, headers=headers)
                    missing_answers[seen_key] = (r.status_code, _code(r))
                    requests += 1
                missing = missing_answers[seen_key]
                tried += 1
                requests += 1
                routes_tried.add(f"{method} {path}")
                what = f"{method.upper()} {path} as {caller.username} on {res.model.__name__} {getattr(row, res.key)}"
                if 200 <= foreign.status_code < 300:
                    failures.append(f"LEAK {what}: {foreign.status_code} {foreign.text[:200]}")
                elif not public and (foreign.status_code, _code(foreign)) != missing:
                    failures.append(
                        f"ORACLE {what}: foreign {foreign.status_code} {_code(foreign)} vs missing {missing}"
                    )
    print(
        f"\nisolation matrix: {len(routes_tried)} route operations x {len(iso.callers)} users "
        f"({len({c.party_id for c in iso.callers})} parties): {tried} pairs tried, {requests} requests, "
        f"{no_foreign} pairs with no foreign record, {directory} directory reads, {len(failures)} failures"
    )
    print(f"records tried: {sorted(tried_models)}; none in the world: {sorted(untried - tried_models)}")
    by_route: dict[str, int] = {}
    for f in failures:
        head = " ".join(f.split(" ")[:3])
        by_route[head] = by_route.get(head, 0) + 1
    assert not failures, (
        "\n".join(f"{n:4d} {r}" for r, n in sorted(by_route.items()))
        + "\n"
        + "\n".join(
            sorted({f.split(": ", 1)[0].split(" as ")[0] + ": " + f.split(": ", 1)[1][:160] for f in failures})[:60]
        )
    )
