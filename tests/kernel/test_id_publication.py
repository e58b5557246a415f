"""Publication numbers (公开号 / 公告号): CN + 9 digits + kind code consistent with the first digit."""

from __future__ import annotations

import pytest

from ippledge.kernel.identifiers import publication_number as pub
from ippledge.kernel.identifiers.errors import (
    InvalidComponent,
    InvalidFormat,
    InvalidIdentifier,
    InvalidLength,
)
from ippledge.kernel.identifiers.patent_application import PatentKind


@pytest.mark.parametrize(
    ("text", "kind", "code"),
    [
        ("CN103606972A", PatentKind.INVENTION, "A"),
        ("CN103606972B", PatentKind.INVENTION, "B"),
        ("CN103606972C1", PatentKind.INVENTION, "C1"),
        ("CN103606972C7", PatentKind.INVENTION, "C7"),
        ("CN203606972U", PatentKind.UTILITY_MODEL, "U"),
        ("CN203606972Y3", PatentKind.UTILITY_MODEL, "Y3"),
        ("CN303606972S", PatentKind.DESIGN, "S"),
    ],
)
def test_valid(text: str, kind: PatentKind, code: str) -> None:
    assert pub.validate(text) == text
    assert pub.kind(text) is kind
    assert pub.kind_code(text) == code
    assert pub.is_grant(text) == (code != "A")


def test_compact_and_format_round_trip() -> None:
    assert pub.validate("cn 103606972 a") == "CN103606972A"
    assert pub.validate("ＣＮ１０３６０６９７２Ａ") == "CN103606972A"
    assert pub.format("CN103606972A") == "CN 103606972 A"
    assert pub.format("CN103606972C2") == "CN 103606972 C2"
    assert pub.validate(pub.format("CN203606972Y1")) == "CN203606972Y1"


@pytest.mark.parametrize(
    ("text", "error", "code"),
    [
        ("CN103606972U", InvalidComponent, "id.publication_number.kind_code"),
        ("CN203606972A", InvalidComponent, "id.publication_number.kind_code"),
        ("CN303606972B", InvalidComponent, "id.publication_number.kind_code"),
        ("CN103606972C8", InvalidComponent, "id.publication_number.kind_code"),
        ("CN103606972Y1", InvalidComponent, "id.publication_number.kind_code"),
        ("CN403606972A", InvalidComponent, "id.publication_number.type"),
        ("CN10360697A", InvalidLength, "id.publication_number.length"),
        ("CN1036069721A", InvalidLength, "id.publication_number.length"),
        ("US103606972A", InvalidFormat, "id.publication_number.format"),
        ("CN103606972", InvalidFormat, "id.publication_number.format"),
        ("CN103606972AB", InvalidFormat, "id.publication_number.format"),
    ],
)
def test_error_paths(text: str, error: type[InvalidIdentifier], code: str) -> None:
    with pytest.raises(error) as exc:
        pub.validate(text)
    assert exc.value.code == code
    assert not pub.is_valid(text)


def test_inconsistent_kind_message_lists_allowed_codes() -> None:
    with pytest.raises(InvalidComponent) as exc:
        pub.validate("CN203606972A")
    assert exc.value.details["allowed"][0] == "U"
    assert "实用新型" in exc.value.message_zh
