"""Trademark registration numbers (商标注册号), Nice classes, copyright registration numbers (版权登记号)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ippledge.kernel.identifiers import copyright, trademark
from ippledge.kernel.identifiers.copyright import CopyrightKind
from ippledge.kernel.identifiers.errors import (
    InvalidComponent,
    InvalidFormat,
    InvalidIdentifier,
    InvalidLength,
)


@pytest.mark.parametrize(
    ("text", "compact"),
    [
        ("12345678", "12345678"),
        ("第12345678号", "12345678"),
        ("TM 1234", "1234"),
        ("００１２３", "123"),
        ("7", "7"),
    ],
)
def test_trademark_valid(text: str, compact: str) -> None:
    assert trademark.validate(text) == compact
    assert trademark.format(text) == f"第{compact}号"
    assert trademark.validate(trademark.format(text)) == compact


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("1234567890", InvalidLength),
        ("0", InvalidLength),
        ("", InvalidLength),
        ("12A4", InvalidFormat),
        ("١٢٣", InvalidFormat),
    ],
)
def test_trademark_errors(text: str, error: type[InvalidIdentifier]) -> None:
    with pytest.raises(error) as exc:
        trademark.validate(text)
    assert exc.value.code.startswith("id.trademark.")
    assert not trademark.is_valid(text)


@given(st.integers(1, 999_999_999))
def test_trademark_any_positive_number_up_to_nine_digits(n: int) -> None:
    assert trademark.validate(str(n)) == str(n)


@pytest.mark.parametrize("n", [1, 9, 35, 45])
def test_nice_class_valid(n: int) -> None:
    assert trademark.validate_nice_class(n) == n


@pytest.mark.parametrize("n", [0, 46, -1, True])
def test_nice_class_invalid(n: int) -> None:
    with pytest.raises(InvalidComponent) as exc:
        trademark.validate_nice_class(n)
    assert exc.value.code == "id.trademark.nice_class"


# Copyright registration numbers


def test_work_registration() -> None:
    number = "国作登字-2021-F-00012345"
    assert copyright.validate(number) == "国作登字2021F00012345"
    assert copyright.format("国作登字 2021 F 00012345") == number
    assert copyright.kind(number) is CopyrightKind.WORK
    assert copyright.year(number) == 2021
    assert copyright.category(number) == "美术"
    assert copyright.category("国作登字-2021-A-00012345") == "文字"
    assert copyright.category("国作登字-2021-K-00012345") is None
    assert copyright.is_valid("渝作登字-2019-A-00123456")


def test_software_forms() -> None:
    assert copyright.validate("2021SR0123456") == "2021SR0123456"
    assert copyright.validate("2011 sr 012345") == "2011SR012345"
    assert copyright.kind("2021SR0123456") is CopyrightKind.SOFTWARE
    assert copyright.year("2021SR0123456") == 2021
    assert copyright.category("2021SR0123456") is None
    cert = "软著登字第1234567号"
    assert copyright.validate(cert) == cert
    assert copyright.format(cert) == cert
    assert copyright.kind(cert) is CopyrightKind.SOFTWARE
    assert copyright.year(cert) is None


@pytest.mark.parametrize(
    ("text", "error", "code"),
    [
        ("国作登字-2021-F-0001234", InvalidLength, "id.copyright.length"),
        ("2021SR01234", InvalidLength, "id.copyright.length"),
        ("2021SR012345678", InvalidLength, "id.copyright.length"),
        ("国作登字-1980-F-00012345", InvalidComponent, "id.copyright.year"),
        ("1900SR0123456", InvalidComponent, "id.copyright.year"),
        ("美作登字-2021-F-00012345", InvalidFormat, "id.copyright.format"),
        ("国作登字-2021-12-00012345", InvalidFormat, "id.copyright.format"),
        ("软著登字第号", InvalidFormat, "id.copyright.format"),
        ("hello", InvalidFormat, "id.copyright.format"),
    ],
)
def test_copyright_errors(text: str, error: type[InvalidIdentifier], code: str) -> None:
    with pytest.raises(error) as exc:
        copyright.validate(text)
    assert exc.value.code == code
    assert not copyright.is_valid(text)
