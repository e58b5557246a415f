"""The architecture page stays true: every path it names exists, every capability keeps the same vocabulary, and the
import contracts carry no exceptions (the list in ``.importlinter`` only shrinks; it is empty)."""

from __future__ import annotations

import configparser
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CAPABILITIES = (
    "access", "registry", "pledge", "intake", "valuation", "credit", "lending", "ledger", "risk_sharing", "monitoring",
)  # fmt: skip


def test_every_path_on_the_architecture_page_exists() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    paths = set(re.findall(r"`((?:src|docs|tests)/[\w./-]+)`", text))
    assert len(paths) > 30
    missing = sorted(p for p in paths if not (ROOT / p).exists())
    assert missing == []


def test_every_capability_has_its_face() -> None:
    package = ROOT / "src" / "ippledge"
    for cap in CAPABILITIES:
        for part in ("model", "service", "queries", "errors"):
            assert (package / cap / f"{part}.py").exists() or (package / cap / part).is_dir(), f"{cap}/{part}"


def test_import_contracts_list_no_exceptions() -> None:
    config = configparser.ConfigParser()
    config.read(ROOT / ".importlinter", encoding="utf-8")
    contracts = [s for s in config.sections() if s.startswith("importlinter:contract:")]
    assert len(contracts) >= 12
    exceptions = {s: config[s].get("ignore_imports", "").split() for s in contracts}
    assert {s: e for s, e in exceptions.items() if e} == {}
