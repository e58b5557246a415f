"""Identifier recognition (编号识别) behind ``ippledge ids check``."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ippledge.kernel.identifiers.detect import Recognition, format_recognition, guess_kind, recognise


@pytest.mark.parametrize(
    ("text", "kind", "normalised"),
    [
        ("91110000600037341L", "uscc", "91110000600037341L"),
        ("201310699744", "patent_application", "2013106997442"),
        ("201310699744.2", "patent_application", "2013106997442"),
        ("CN201310699744.2", "patent_application", "2013106997442"),
        ("95115608", "patent_application", "95115608X"),
        ("95115608.X", "patent_application", "95115608X"),
        ("ZL201310699744.2", "patent_number", "ZL2013106997442"),
        ("CN103606972A", "publication_number", "CN103606972A"),
        ("CN 203606972 U", "publication_number", "CN203606972U"),
        ("12345678", "trademark", "12345678"),
        ("第1234567号", "trademark", "1234567"),
        ("国作登字-2021-F-00012345", "copyright", "国作登字2021F00012345"),
        ("2021SR0123456", "software_copyright", "2021SR0123456"),
        ("软著登字第1234567号", "software_copyright", "软著登字第1234567号"),
        ("A61K 31/495", "ipc", "A61K31/495"),
        ("A01C0005000000", "ipc", "A01C5/00"),
    ],
)
def test_recognises_valid_numbers(text: str, kind: str, normalised: str) -> None:
    r = recognise(text)
    assert (r.kind, r.valid, r.normalised) == (kind, True, normalised)
    assert r.code is None and r.reason_en is None
    assert "有效 valid" in format_recognition(r)


def test_details() -> None:
    r = recognise("ZL201310699744.2")
    assert r.details["patent_kind"] == "invention"
    assert r.details["filing_year"] == 2013
    assert r.display == "ZL201310699744.2"
    assert recognise("91350100M000100Y43").details["division"] == "350100"
    assert recognise("A61K 31/495").details["subclass"] == "A61K"


@pytest.mark.parametrize(
    ("text", "kind", "code"),
    [
        ("91110000600037341M", "uscc", "id.uscc.checksum"),
        ("201310699744.3", "patent_application", "id.patent_application.checksum"),
        ("201340699744", "patent_application", "id.patent_application.type"),
        ("ZL201310699744.3", "patent_number", "id.patent_number.checksum"),
        ("CN103606972U", "publication_number", "id.publication_number.kind_code"),
        ("2021SR012", "software_copyright", "id.copyright.length"),
        ("I61K 31/495", "ipc", "id.ipc.section"),
        ("hello", "unknown", "id.unknown"),
        ("", "unknown", "id.unknown"),
    ],
)
def test_reports_invalid_numbers(text: str, kind: str, code: str) -> None:
    r = recognise(text)
    assert (r.kind, r.valid, r.normalised, r.code) == (kind, False, None, code)
    assert r.reason_zh and r.reason_en
    line = format_recognition(r)
    assert line.startswith("无效 invalid") and code in line


def test_checksum_reason_is_specific() -> None:
    r = recognise("201310699744.3")
    assert r.reason_en == "patent application number check character is wrong: expected '2', got '3'"


def test_guess_kind_for_short_digits() -> None:
    assert guess_kind("1234") == "trademark"
    assert guess_kind("12345678") == "trademark"  # year 12 is not a pre-2004 application year
    assert guess_kind("03215608") == "patent_application"


@given(st.text(max_size=30))
def test_never_raises(text: str) -> None:
    r = recognise(text)
    assert isinstance(r, Recognition)
    assert r.valid == (r.normalised is not None)
    assert isinstance(format_recognition(r), str)
