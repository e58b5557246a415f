"""The OpenAPI document covers every capability and documents the bilingual error shape."""

from __future__ import annotations


def test_openapi_lists_every_capability(client) -> None:
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    for path in (
        "/auth/login",
        "/api-keys",
        "/approvals/{approval_id}/decision",
        "/enterprises",
        "/ip-assets",
        "/ip-assets/batch-query",
        "/legal-status/feeds",
        "/pledge-filings",
        "/pledge-filings/{filing_id}/register",
        "/pledges/{pledge_id}/release",
        "/ip-assets/{asset_id}/pledges",
        "/registry/settings",
    ):
        assert path in paths, path
    assert client.get("/docs").status_code == 200


def test_malformed_body_gets_code_and_both_languages(client) -> None:
    r = client.post("/auth/login", json={"username": ""})
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "invalid_input" and body["message_zh"] and body["message_en"]
    assert {tuple(e["loc"]) for e in body["details"]["errors"]} >= {("body", "password")}
