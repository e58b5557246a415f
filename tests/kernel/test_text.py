"""Names (名称文字): control, bidirectional and invisible characters are refused with an error naming the character."""

from __future__ import annotations

import pytest

from ippledge.kernel.errors import IppledgeError
from ippledge.kernel.text import check_name, unsafe_char


@pytest.mark.parametrize(
    "name",
    [
        "Bank\x00 of Nowhere",  # NUL
        "\u202eknab",  # right-to-left override
        "Bank\u2066x\u2069",  # left-to-right isolate / pop
        "Ba\u200bnk",  # zero-width space
        "Ba\u200dnk",  # zero-width joiner
        "\ufeffBank",  # byte order mark
        "Bank\x1b[31mred",  # ANSI escape
        "Bank\u0085",  # C1 next line
        "Bank\u2028two",  # line separator
        "Bank\x7f",  # DEL
        "Bank\u00ad",  # soft hyphen
    ],
)
def test_names_with_hidden_or_control_characters_are_refused(name: str) -> None:
    with pytest.raises(IppledgeError) as info:
        check_name(name, "party name")
    err = info.value
    assert err.code == "text.unsafe_char" and err.status == 422
    assert err.details["char"].startswith("U+") and "party name" in err.message_en and err.message_zh


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("  中关村科技租赁 ", "中关村科技租赁"),
        ("北京银行股份有限公司中关村分行", "北京银行股份有限公司中关村分行"),
        ("O'Brien & Sons (Beijing) Co., Ltd.", "O'Brien & Sons (Beijing) Co., Ltd."),
        ("Cafe\u0301", "Café"),  # NFC: what was typed, composed
        ("李\u3000四", "李\u3000四"),  # the ideographic space is a space, not an invisible character
    ],
)
def test_ordinary_names_pass_trimmed_and_composed(raw: str, kept: str) -> None:
    assert check_name(raw) == kept and unsafe_char(kept) is None


def test_a_blank_name_is_refused() -> None:
    with pytest.raises(IppledgeError) as info:
        check_name("  \u3000 ", "display name")
    assert info.value.code == "text.empty"
