"""The error catalogue (错误目录): every ``ErrorCode`` constant of every ``errors.py``, found by walking the packages.

``ippledge errors`` prints it; ``ippledge errors --markdown`` writes ``docs/errors.md``, which a test keeps current.
Capability errors modules are found wherever they are (``ippledge.<package>.errors`` and
``ippledge.<package>.<sub-package>.errors``), so a new one is listed without registering it anywhere.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import ippledge
from ippledge.kernel.errors import ErrorCode, catalogue

MARKDOWN_HEADER = """# Error catalogue (错误目录)

Every error code the platform answers with: the HTTP status, and the Chinese and English messages (a `{name}` is
filled from the error's `details`). Generated from the `ErrorCode` constants of every `errors.py`; do not edit it by
hand, regenerate it:

    PYTHONPATH=src python -m ippledge.cli errors --markdown > docs/errors.md
"""


def _has_errors(package: ModuleType) -> bool:
    return any(m.name == "errors" for m in pkgutil.iter_modules(package.__path__))


def error_modules() -> list[ModuleType]:
    """The ``errors`` modules of every package and sub-package of ``ippledge``, imported, in name order."""
    found: list[ModuleType] = []
    for top in sorted(pkgutil.iter_modules(ippledge.__path__, "ippledge."), key=lambda m: m.name):
        if not top.ispkg:
            continue
        package = importlib.import_module(top.name)
        if _has_errors(package):
            found.append(importlib.import_module(f"{top.name}.errors"))
        for sub in sorted(pkgutil.iter_modules(package.__path__, f"{top.name}."), key=lambda m: m.name):
            if sub.ispkg and _has_errors(subpackage := importlib.import_module(sub.name)):
                found.append(importlib.import_module(f"{subpackage.__name__}.errors"))
    return found


def all_codes() -> list[ErrorCode]:
    """Every error code, sorted by code; a code defined twice with different messages raises ``ValueError``."""
    return catalogue(error_modules())


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(codes: list[ErrorCode]) -> str:
    """The catalogue as the Markdown page ``docs/errors.md``: one table, sorted by code."""
    lines = [MARKDOWN_HEADER, "| Code | HTTP | 中文 | English |", "|---|---|---|---|"]
    lines += [f"| `{c.code}` | {c.status} | {_cell(c.zh)} | {_cell(c.en)} |" for c in codes]
    lines.append(f"\n{len(codes)} codes.")
    return "\n".join(lines) + "\n"
