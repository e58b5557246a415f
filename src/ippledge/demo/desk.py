"""The demo's desk (演示客户端): every party acts through the real HTTP API, in process, on a settable business date.

Users log in with their demo passwords; money-moving requests carry idempotency keys; an unexpected answer stops
the demo with the platform's own bilingual error, so the demo never hides a failure.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

from ippledge.simulation.accounts import DEMO_PASSWORD
from ippledge.web.deps import business_date


class DemoStepFailed(RuntimeError):
    pass


class Desk:
    def __init__(self, app: FastAPI, today: dt.date) -> None:
        self.app = app
        self.today = today
        app.dependency_overrides[business_date] = lambda: self.today
        self.client = TestClient(app)
        self.client.__enter__()  # one event loop for every request, instead of a new one each time
        self._tokens: dict[str, str] = {}
        self._keys = itertools.count(1)

    def close(self) -> None:
        self.app.dependency_overrides.pop(business_date, None)
        self.client.__exit__(None, None, None)

    def _headers(self, user: str, key: bool = False) -> dict[str, str]:
        if user not in self._tokens:
            r = self.client.post("/auth/login", json={"username": user, "password": DEMO_PASSWORD})
            self._check(r, 200, f"login {user}")
            self._tokens[user] = r.json()["access_token"]
        headers = {"Authorization": f"Bearer {self._tokens[user]}"}
        if key:
            headers["Idempotency-Key"] = f"demo-{self.today.isoformat()}-{next(self._keys):07d}"
        return headers

    @staticmethod
    def _check(r: Any, expect: int | tuple[int, ...], what: str) -> None:
        wanted = (expect,) if isinstance(expect, int) else expect
        if r.status_code not in wanted:
            raise DemoStepFailed(f"{what}: HTTP {r.status_code} {r.text[:400]}")

    def post(
        self, user: str, url: str, body: Any = None, expect: int | tuple[int, ...] = (200, 201), money: bool = False
    ) -> Any:
        r = self.client.post(url, json=body if body is not None else {}, headers=self._headers(user, key=money))
        self._check(r, expect, f"{user} POST {url}")
        return r.json() if r.content else None

    def try_post(self, user: str, url: str, body: Any = None, money: bool = False) -> tuple[int, Any]:
        r = self.client.post(url, json=body if body is not None else {}, headers=self._headers(user, key=money))
        return r.status_code, (r.json() if r.content else None)

    def get(self, user: str, url: str, params: dict[str, Any] | None = None) -> Any:
        r = self.client.get(url, params=params, headers=self._headers(user))
        self._check(r, 200, f"{user} GET {url}")
        return r.json()
