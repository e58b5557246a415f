"""Patent application numbers (专利申请号) and patent numbers (专利号)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ippledge.kernel.identifiers import patent_application as app
from ippledge.kernel.identifiers import patent_number
from ippledge.kernel.identifiers.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidIdentifier,
    InvalidLength,
)
from ippledge.kernel.identifiers.patent_application import PatentKind

VECTORS = [
    ("201310699744", "2"),
    ("201710601862", "3"),
    ("202310123456", "6"),
    ("95115608", "X"),
]


@pytest.mark.parametrize(("body", "check"), VECTORS)
def test_domain_check_digits(body: str, check: str) -> None:
    assert app.calc_check_digit(body) == check
    assert app.validate(body) == body + check
    assert app.validate(body + check) == body + check
    assert app.validate(f"{body}.{check}") == body + check
    assert app.validate(f"CN{body}.{check}") == body + check
    assert app.format(body) == f"{body}.{check}"


@pytest.mark.parametrize(
    "text",
    [
        "201310699744.2",
        "CN 201310699744.2",
        "cn2013106997442",
        "２０１３１０６９９７４４．２",
        "201310699744。2",
    ],
)
def test_accepted_spellings(text: str) -> None:
    assert app.validate(text) == "2013106997442"


def test_lower_case_x_check() -> None:
    assert app.validate("95115608.x") == "95115608X"


def test_kind_pct_and_year() -> None:
    assert app.kind("201310699744") is PatentKind.INVENTION
    assert app.kind(app.make(2020, 2, 1)) is PatentKind.UTILITY_MODEL
    assert app.kind(app.make(2020, 3, 1)) is PatentKind.DESIGN
    assert app.kind(app.make(2020, 8, 1)) is PatentKind.INVENTION
    assert app.kind(app.make(2020, 9, 1)) is PatentKind.UTILITY_MODEL
    assert app.is_pct(app.make(2020, 8, 1)) and app.is_pct(app.make(2020, 9, 1))
    assert not app.is_pct("201310699744")
    assert app.filing_year("201310699744") == 2013
    assert app.filing_year("95115608") == 1995
    assert app.filing_year(app.make(2002, 1, 5)) == 2002
    assert PatentKind.UTILITY_MODEL.label_zh == "实用新型"


def test_make_picks_the_form_by_year() -> None:
    assert app.make(2013, 1, 699744) == "2013106997442"
    assert app.make(1995, 1, 15608) == "95115608X"
    assert len(app.make(2003, 1, 1)) == 13


@pytest.mark.parametrize(
    ("text", "error", "code"),
    [
        ("2013106997443", InvalidChecksum, "id.patent_application.checksum"),
        ("95115608.1", InvalidChecksum, "id.patent_application.checksum"),
        ("20131069974", InvalidLength, "id.patent_application.length"),
        ("2013106997442345", InvalidLength, "id.patent_application.length"),
        ("", InvalidLength, "id.patent_application.length"),
        ("201340699744", InvalidComponent, "id.patent_application.type"),
        ("95415608", InvalidComponent, "id.patent_application.type"),
        ("199910699744", InvalidComponent, "id.patent_application.year"),
        ("80115608", InvalidComponent, "id.patent_application.year"),
        ("2013A0699744", InvalidFormat, "id.patent_application.format"),
        ("2013.106997442", InvalidFormat, "id.patent_application.format"),
        ("201310699744.", InvalidFormat, "id.patent_application.format"),
        ("201310699744.2.", InvalidFormat, "id.patent_application.format"),
        ("٢٠١٣١٠٦٩٩٧٤٤", InvalidFormat, "id.patent_application.format"),
    ],
)
def test_error_paths(text: str, error: type[InvalidIdentifier], code: str) -> None:
    with pytest.raises(error) as exc:
        app.validate(text)
    assert exc.value.code == code
    assert not app.is_valid(text)


def test_checksum_message_names_both_characters() -> None:
    with pytest.raises(InvalidChecksum) as exc:
        app.validate("201310699744.5")
    assert "“2”" in exc.value.message_zh and "“5”" in exc.value.message_zh
    assert "expected '2', got '5'" in exc.value.message_en


new_form = st.builds(
    app.make, st.integers(2003, 2099), st.sampled_from([1, 2, 3, 8, 9]), st.integers(0, 9_999_999)
)
old_form = st.builds(
    app.make, st.integers(1985, 2002), st.sampled_from([1, 2, 3, 8, 9]), st.integers(0, 99_999)
)


@given(st.one_of(new_form, old_form))
def test_make_always_validates_and_round_trips(number: str) -> None:
    assert app.validate(number) == number
    assert app.validate(app.format(number)) == number
    assert app.compact(app.format(number)) == number


@given(st.one_of(new_form, old_form), st.data())
def test_every_single_character_change_is_detected(number: str, data: st.DataObject) -> None:
    # Weights 2..9 are non-zero mod the prime 11, so w * (d' - d) is never 0 mod 11:
    # no single-character error slips through.
    pos = data.draw(st.integers(0, len(number) - 1))
    choices = "0123456789X" if pos == len(number) - 1 else "0123456789"
    new = data.draw(st.sampled_from(choices).filter(lambda c: c != number[pos]))
    assert not app.is_valid(number[:pos] + new + number[pos + 1 :])


@given(st.one_of(new_form, old_form), st.data())
def test_adjacent_transpositions_in_the_body_are_detected(number: str, data: st.DataObject) -> None:
    # Neighbouring weights differ by 1 or 7 (9 -> 2), both non-zero mod 11.
    pos = data.draw(st.integers(0, len(number) - 3))
    swapped = number[:pos] + number[pos + 1] + number[pos] + number[pos + 2 :]
    if swapped != number:
        assert not app.is_valid(swapped)


# Patent numbers (专利号)


def test_patent_number_vector() -> None:
    assert patent_number.validate("ZL201310699744.2") == "ZL2013106997442"
    assert patent_number.validate("zl 2013106997442") == "ZL2013106997442"
    assert patent_number.validate("Zl201310699744") == "ZL2013106997442"
    assert patent_number.format("ZL2013106997442") == "ZL201310699744.2"
    assert patent_number.compact("zl201310699744.2") == "ZL2013106997442"
    assert patent_number.application_number("ZL201310699744.2") == "2013106997442"
    assert patent_number.kind("ZL201310699744.2") is PatentKind.INVENTION
    assert patent_number.filing_year("ZL95115608.X") == 1995


def test_patent_number_errors_use_their_own_code() -> None:
    with pytest.raises(InvalidFormat) as exc:
        patent_number.validate("201310699744.2")
    assert exc.value.code == "id.patent_number.format"
    with pytest.raises(InvalidChecksum) as exc_sum:
        patent_number.validate("ZL201310699744.3")
    assert exc_sum.value.code == "id.patent_number.checksum"
    assert "专利号" in exc_sum.value.message_zh
    assert not patent_number.is_valid("ZL20131069974")
    assert not patent_number.is_valid("ZLCN201310699744.2")


@given(new_form)
def test_patent_number_round_trip(application: str) -> None:
    number = "ZL" + application
    assert patent_number.validate(patent_number.format(number)) == number
