"""API fuzzing (接口模糊测试): schemathesis over the whole OpenAPI, in process, as several roles.

Shared by the suite's small run (tests/edges/test_fuzz.py) and the large one of ``make bench``
(benchmarks/api_fuzz.py). Every generated request goes to the ASGI app in process; a finding is a 5xx or a
response that contradicts the documented schema.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import hypothesis
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, Verbosity, given
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import ASGIClient
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance
from sqlalchemy.orm import Session, sessionmaker

from ippledge.access import service
from ippledge.access.model import PartyKind, Role

PASSWORD = "fuzz horse battery staple"

# Who the fuzzer acts as: each generated request goes out once per example as one of these (and anonymously).
ACTORS: dict[str, tuple[PartyKind, tuple[Role, ...]]] = {
    "firm": (PartyKind.ENTERPRISE, (Role.ADMIN, Role.ENTERPRISE_USER)),
    "bank_officer": (PartyKind.BANK, (Role.CREDIT_OFFICER, Role.APPROVER)),
    "registry_officer": (PartyKind.REGISTRY, (Role.REGISTRY_OFFICER,)),
    "fund_manager": (PartyKind.FUND, (Role.FUND_REVIEWER, Role.APPROVER)),
    "platform_admin": (PartyKind.PLATFORM, (Role.ADMIN, Role.OPERATOR)),
}


def seed_actors(factory: sessionmaker[Session], client: TestClient) -> dict[str, dict[str, str]]:
    """Parties and users of several roles, logged in through the API: label -> request headers."""
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    for label, (kind, roles) in ACTORS.items():
        with factory.begin() as s:
            party = service.create_party(s, "fuzz", kind, f"fuzz-{label}")
            service.create_user(s, "fuzz", party, f"fuzz-{label}", PASSWORD, roles)
        r = client.post("/auth/login", json={"username": f"fuzz-{label}", "password": PASSWORD})
        assert r.status_code == 200, r.text
        headers[label] = {"Authorization": f"Bearer {r.json()['access_token']}"}
    return headers


@dataclass
class FuzzReport:
    requests: int = 0
    operations: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def summary(self) -> str:
        codes = ", ".join(f"{c}: {n}" for c, n in sorted(self.statuses.items()))
        return f"{self.requests} requests over {self.operations} operations ({codes}); {len(self.failures)} findings"


CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def fuzz(
    app: FastAPI,
    actors: dict[str, dict[str, str]],
    *,
    max_examples: int,
    derandomize: bool = True,
    modes: tuple[schemathesis.GenerationMode, ...] = (
        schemathesis.GenerationMode.POSITIVE,
        schemathesis.GenerationMode.NEGATIVE,
    ),
) -> FuzzReport:
    """Generate ``max_examples`` requests per operation and mode; each goes out as every actor in turn.

    Findings are collected, not raised, so one run lists all of them (no shrinking: the request is in the message).
    """
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    report = FuzzReport()
    session = ASGIClient(app)
    labels = sorted(actors)
    for result in schema.get_all_operations():
        operation = result.ok()
        report.operations += 1
        for mode in modes:
            _fuzz_operation(operation, mode, session, actors, labels, max_examples, derandomize, report)
    return report


def _fuzz_operation(
    operation: Any,
    mode: schemathesis.GenerationMode,
    session: ASGIClient,
    actors: dict[str, dict[str, str]],
    labels: list[str],
    max_examples: int,
    derandomize: bool,
    report: FuzzReport,
) -> None:
    seen: set[str] = set()

    @hypothesis.settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=derandomize,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,  # no "reproduce with @seed" lines for an empty negative mode
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: schemathesis.Case) -> None:
        label = labels[report.requests % len(labels)]  # rotate who asks, so every role meets every operation
        report.requests += 1
        try:
            response = case.call(session=session, headers=actors[label])
        except Exception as exc:  # the app raised past every handler: a 500 to a real client
            report.statuses[500] += 1
            key = f"{operation.label} raised {type(exc).__name__}: {str(exc)[:200]}"
            if key not in seen:
                seen.add(key)
                report.failures.append(f"{key}\n    as {label}: {case.as_curl_command()}")
            return
        report.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=actors[label])
        except AssertionError as exc:  # schemathesis raises a grouped failure; keep one line per operation and kind
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            key = f"{operation.label} {response.status_code} {first}"
            if key not in seen:
                seen.add(key)
                report.failures.append(f"{key}\n    as {label}: {case.as_curl_command()}\n    -> {response.text[:300]}")

    # Nothing to make invalid (no parameters, no body): the negative mode of such an operation is empty.
    with contextlib.suppress(hypothesis.errors.Unsatisfiable):
        run()
