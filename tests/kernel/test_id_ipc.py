"""IPC symbols (国际专利分类号): syntax, the WIPO 14-character form and the packaged subclass table."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ippledge.kernel.identifiers import ipc
from ippledge.kernel.identifiers.errors import (
    InvalidComponent,
    InvalidFormat,
    InvalidIdentifier,
    InvalidLength,
)


@pytest.mark.parametrize(
    ("text", "display"),
    [
        ("A61K 31/495", "A61K 31/495"),
        ("A61K31/495", "A61K 31/495"),
        ("H04L 29/06", "H04L 29/06"),
        ("G06F 16/00", "G06F 16/00"),
        ("a61k 31/495 (2006.01)", "A61K 31/495"),
        ("A61K 031/495", "A61K 31/495"),
        ("A01C0005000000", "A01C 5/00"),
        ("A61K0031495000", "A61K 31/495"),
        ("H04L0029060000", "H04L 29/06"),
        ("Ａ６１Ｋ　３１／４９５", "A61K 31/495"),
    ],
)
def test_valid_and_formatted(text: str, display: str) -> None:
    assert ipc.is_valid(text)
    assert ipc.format(text) == display
    assert ipc.validate(text) == display.replace(" ", "")


def test_cohort_helpers_and_wipo14() -> None:
    assert ipc.subclass("A61K 31/495") == "A61K"
    assert ipc.ipc_class("A61K 31/495") == "A61"
    assert ipc.to_wipo14("A01C 5/00") == "A01C0005000000"
    assert ipc.to_wipo14("H04L 29/06") == "H04L0029060000"


def test_subclass_table() -> None:
    titles = ipc.subclass_titles()
    assert len(titles) == 645
    assert titles["A61K"].startswith("PREPARATIONS FOR MEDICAL")
    assert "A61" not in titles and "code" not in titles


def test_subclass_existence_is_optional() -> None:
    assert not ipc.is_valid("A61Z 1/00")
    assert ipc.is_valid("A61Z 1/00", check_subclass=False)
    with pytest.raises(InvalidComponent) as exc:
        ipc.validate("A61Z 1/00")
    assert exc.value.code == "id.ipc.subclass"
    # The shipped table predates IPC 2023.01, so the newer H10K is unknown to it.
    assert not ipc.is_valid("H10K 50/00")
    assert ipc.format("H10K 50/00") == "H10K 50/00"


@pytest.mark.parametrize(
    ("text", "error", "code"),
    [
        ("I61K 31/495", InvalidComponent, "id.ipc.section"),
        ("A61K 0/00", InvalidComponent, "id.ipc.group"),
        ("A61K 12345/00", InvalidLength, "id.ipc.group"),
        ("A61K 31/1", InvalidLength, "id.ipc.subgroup"),
        ("A61K 31/1234567", InvalidLength, "id.ipc.subgroup"),
        ("A61K 31495", InvalidFormat, "id.ipc.format"),
        ("A61K", InvalidFormat, "id.ipc.format"),
        ("A6K 31/495", InvalidFormat, "id.ipc.format"),
        ("", InvalidFormat, "id.ipc.format"),
    ],
)
def test_error_paths(text: str, error: type[InvalidIdentifier], code: str) -> None:
    with pytest.raises(error) as exc:
        ipc.validate(text, check_subclass=False)
    assert exc.value.code == code


@given(
    subclass=st.sampled_from(sorted(ipc.subclass_titles())),
    group=st.integers(1, 9999),
    subgroup=st.from_regex(r"\A[0-9]{2}([0-9]{0,3}[1-9])?\Z"),
)
def test_wipo14_round_trip(subclass: str, group: int, subgroup: str) -> None:
    symbol = f"{subclass} {group}/{subgroup}"
    assert ipc.format(ipc.to_wipo14(symbol)) == symbol
    assert ipc.validate(symbol) == symbol.replace(" ", "")
