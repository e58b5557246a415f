"""USCC (统一社会信用代码): GB 32100 via python-stdnum plus the embedded GB 11714 organisation-code check."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from ippledge.kernel.errors import ValidationError
from ippledge.kernel.identifiers import uscc
from ippledge.kernel.identifiers.errors import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidIdentifier,
    InvalidLength,
)

VALID = ["91110000600037341L", "91350100M000100Y43"]


@pytest.mark.parametrize("number", VALID)
def test_domain_vectors_are_valid(number: str) -> None:
    assert uscc.validate(number) == number
    assert uscc.is_valid(number)
    assert uscc.format(number) == number


def test_compact_folds_full_width_spaces_dashes_and_case() -> None:
    assert uscc.validate("９１３５０１００ｍ０００１００ｙ４３") == "91350100M000100Y43"
    assert uscc.validate(" 9111-0000-6000 37341l ") == "91110000600037341L"


def test_parts() -> None:
    assert uscc.division("91110000600037341L") == "110000"
    assert uscc.organisation_code("91350100M000100Y43") == "M000100Y-4"


def test_org_check_matches_vectors() -> None:
    assert uscc.calc_org_check("60003734") == "1"
    assert uscc.calc_org_check("M000100Y") == "4"


def test_errors_are_validation_errors_with_codes() -> None:
    with pytest.raises(ValidationError):
        uscc.validate("123")
    with pytest.raises(InvalidLength) as exc:
        uscc.validate("9111000060003734")
    assert exc.value.code == "id.uscc.length"
    assert exc.value.details["length"] == 16


@pytest.mark.parametrize("bad_char", ["I", "O", "Z", "S", "V", "*"])
def test_bad_character_names_position(bad_char: str) -> None:
    with pytest.raises(InvalidFormat) as exc:
        uscc.validate("91110000600037341" + bad_char)
    assert exc.value.code == "id.uscc.format"
    assert exc.value.details["position"] == 18
    assert "18" in exc.value.message_zh


def test_division_must_be_digits() -> None:
    with pytest.raises(InvalidComponent) as exc:
        uscc.validate("9111A000600037341L")
    assert exc.value.code == "id.uscc.division"


def test_gb32100_checksum_reports_expected_and_found() -> None:
    with pytest.raises(InvalidChecksum) as exc:
        uscc.validate("91110000600037341M")
    assert exc.value.code == "id.uscc.checksum"
    assert (exc.value.details["expected"], exc.value.details["found"]) == ("L", "M")
    assert "L" in exc.value.message_en and "M" in exc.value.message_en


def _break_org_check(number: str) -> str:
    """Change the GB 11714 check character and repair the GB 32100 one, so stdnum still accepts the code."""
    wrong = next(c for c in uscc.ALPHABET if c != number[16])
    first17 = number[:16] + wrong
    return first17 + stdnum_uscc.calc_check_digit(first17)


@pytest.mark.parametrize("number", VALID)
def test_gb11714_failure_is_rejected_although_stdnum_accepts(number: str) -> None:
    forged = _break_org_check(number)
    assert stdnum_uscc.is_valid(forged)
    assert not uscc.is_valid(forged)
    with pytest.raises(InvalidChecksum) as exc:
        uscc.validate(forged)
    assert exc.value.code == "id.uscc.org_checksum"
    assert exc.value.details["expected"] == number[16]


def test_generate_vector() -> None:
    assert uscc.generate("9", "1", "110000", "60003734") == "91110000600037341L"
    assert uscc.generate("9", "1", "350100", "M000100Y") == "91350100M000100Y43"


def test_letter_department_codes_are_accepted() -> None:
    code = uscc.generate("N", "2", "110105", "MA000001")
    assert uscc.is_valid(code)
    assert code.startswith("N2110105")


def test_generate_rejects_bad_parts() -> None:
    with pytest.raises(InvalidLength):
        uscc.generate("9", "1", "1100", "60003734")
    with pytest.raises(InvalidFormat):
        uscc.generate("9", "1", "110000", "6000373I")
    with pytest.raises(InvalidComponent):
        uscc.generate("9", "1", "11000A", "60003734")


alnum = st.sampled_from(uscc.ALPHABET)


@given(
    dept=alnum,
    org_type=alnum,
    division=st.text("0123456789", min_size=6, max_size=6),
    body=st.text(uscc.ALPHABET, min_size=8, max_size=8),
)
def test_generate_round_trip(dept: str, org_type: str, division: str, body: str) -> None:
    code = uscc.generate(dept, org_type, division, body)
    assert uscc.validate(code) == code
    # stdnum additionally demands digits in characters 1-2 (see the uscc module docstring).
    assert stdnum_uscc.is_valid(code) == code[:2].isdigit()
    assert uscc.division(code) == division
    assert code[8:16] == body


@given(st.text(max_size=25))
def test_is_valid_never_raises(text: str) -> None:
    try:
        assert uscc.validate(text) == uscc.compact(text)
    except InvalidIdentifier:
        assert not uscc.is_valid(text)
