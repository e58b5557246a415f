"""Text clean-up shared by the identifier modules (编号规整): full-width to half-width, separators removed."""

from __future__ import annotations

import unicodedata


def clean(number: str, deletechars: str = " ") -> str:
    """NFKC-normalise (full-width digits, letters, space become ASCII), drop ``deletechars``, upper-case."""
    text = unicodedata.normalize("NFKC", number)
    # NFKC keeps ideographic punctuation such as 。 (a common typo for the dot); map it explicitly.
    text = text.replace("。", ".").replace("－", "-").replace("—", "-")
    dropped = set(deletechars)
    return "".join(c for c in text if c not in dropped and not c.isspace()).upper()


def is_ascii_digits(text: str) -> bool:
    """``str.isdigit`` also accepts e.g. Arabic-Indic digits, which no Chinese identifier uses."""
    return text.isascii() and text.isdigit()
