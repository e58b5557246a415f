"""Safe display text (名称文字检查): names that people read on screens, statements and logs.

A name (a party's name, a user's display name, a key's label) must not carry characters that change how text around it
is shown or hide what it says: NUL and other control characters (ANSI escapes start with ESC), bidirectional overrides
and isolates (a right-to-left override makes "gpj.exe" read as "exe.jpg"), zero-width characters and other invisible
format characters. Names are NFC-normalised and trimmed; a name with such a character is refused, never silently
cleaned, so what was typed is what is stored.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from ippledge.kernel.errors import TEXT_EMPTY, TEXT_UNSAFE, IppledgeError

# Unicode general categories refused in names: Cc control (NUL, ESC, DEL, C1), Cf format (bidi embeddings, overrides
# and isolates, LRM/RLM, zero-width space/joiners, word joiner, BOM, soft hyphen), Cs surrogates, Co private use,
# Cn unassigned, Zl/Zp line and paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def unsafe_char(text: str) -> str | None:
    """The first character of ``text`` a name may not contain, or ``None``."""
    for ch in text:
        if unicodedata.category(ch) in _REFUSED_CATEGORIES:
            return ch
    return None


def codepoint(ch: str) -> str:
    """``U+202E RIGHT-TO-LEFT OVERRIDE``: how an error names a character it cannot show."""
    return f"U+{ord(ch):04X} {unicodedata.name(ch, 'CONTROL CHARACTER')}"


def check_name(text: str, field: str = "name") -> str:
    """``text`` NFC-normalised and trimmed, or ``TEXT_UNSAFE`` / ``TEXT_EMPTY`` naming the field (and the character)."""
    value = unicodedata.normalize("NFC", text)
    bad = unsafe_char(value)  # before trimming: strip() would quietly drop a trailing NEL or tab
    if bad is not None:
        raise TEXT_UNSAFE(field=field, char=codepoint(bad), position=value.index(bad))
    value = value.strip()
    if not value:
        raise TEXT_EMPTY(field=field)
    return value


def name_validator(field: str = "name") -> Callable[[str | None], str | None]:
    """A pydantic ``AfterValidator`` body for a name field: the kernel's error becomes a ``ValueError`` whose message
    carries both languages (request validation reports it as ``invalid_input`` with the field's location)."""

    def validate(value: str | None) -> str | None:
        if value is None:
            return None
        try:
            return check_name(value, field)
        except IppledgeError as exc:  # re-raised as pydantic expects, so the 422 names the field
            raise ValueError(f"{exc.message_en} / {exc.message_zh} [{exc.code}]") from exc

    return validate
