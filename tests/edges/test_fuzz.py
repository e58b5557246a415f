"""Schemathesis over the whole OpenAPI (接口模糊测试), small budget: no 5xx, every answer as documented.

Five roles (a firm, a bank officer, a registry officer, a fund manager, the platform admin) and an anonymous caller
take turns; each operation gets a few valid and a few invalid requests. ``make bench`` runs the same with a large
budget (benchmarks/api_fuzz.py).
"""

from __future__ import annotations

from tests.edges.fuzzing import ACTORS, fuzz, seed_actors

# Per operation and generation mode (valid, invalid): about 900 requests, ~10 s per backend on one core.
SUITE_EXAMPLES = 3


def test_fuzzing_the_whole_api_finds_no_server_error(app, client, session_factory) -> None:
    actors = seed_actors(session_factory, client)
    assert set(actors) == {"anonymous", *ACTORS}
    report = fuzz(app, actors, max_examples=SUITE_EXAMPLES)
    assert report.operations >= 150, report.summary()  # the whole API, not a corner of it
    assert report.requests >= report.operations * 2, report.summary()
    assert not any(code >= 500 for code in report.statuses), report.summary()
    assert report.failures == [], "\n".join(report.failures)
