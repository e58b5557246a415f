"""Existence oracles (存在性探测): another party's record answers exactly as a record that does not exist.

Found by the security review (issue 11, low): pledge routes answered ``[]`` for an IP the caller may not read and 404
for a missing one; writes on IP answered 403 for a foreign asset and 404 for a missing one. Here an enterprise that
reads no register tries every route on an IP asset, with another enterprise's patent and with an id that names
nothing, and must get the same status and code both times.
"""

from __future__ import annotations

from typing import Any

from tests.registry.factories import Register, patent_number

MISSING = 2**62


def _call(client: Any, method: str, url: str, headers: dict[str, str]) -> tuple[int, str]:
    r = client.request(method.upper(), url, json={}, headers={**headers, "Idempotency-Key": "oracle-1234"})
    body = r.json()
    return r.status_code, body.get("code", "") if isinstance(body, dict) else type(body).__name__


def test_a_foreign_ip_looks_exactly_like_a_missing_one(reg: Register) -> None:
    owner, stranger = reg.enterprise(), reg.enterprise()
    asset = reg.patent(owner)
    spec = reg.client.get("/openapi.json").json()
    tried = 0
    for path, ops in spec["paths"].items():
        if "{asset_id}" not in path:
            continue
        for method in ops:
            url = path.replace("{year_no}", "1")
            foreign = _call(reg.client, method, url.replace("{asset_id}", str(asset["id"])), stranger.headers)
            missing = _call(reg.client, method, url.replace("{asset_id}", str(MISSING)), stranger.headers)
            assert foreign == missing, (method, path, foreign, missing)
            tried += 1
    assert tried >= 10
    # by number too: the pledges of a foreign IP are not an empty list but the same 404 as an unknown number
    foreign = reg.client.get("/pledges", params={"ip_number": asset["number"]}, headers=stranger.headers)
    unknown = reg.client.get("/pledges", params={"ip_number": patent_number(2018)}, headers=stranger.headers)
    assert (foreign.status_code, foreign.json()["code"]) == (unknown.status_code, unknown.json()["code"]), (
        foreign.text,
        unknown.text,
    )
    # the owner still reads its own IP's (empty) pledge list
    assert reg.client.get(f"/ip-assets/{asset['id']}/pledges", headers=owner.headers).json() == []
