"""Identifier errors (编号校验错误): what exactly is wrong with a number, in Chinese and English.

Every identifier module raises one of these; ``code`` is ``id.<identifier>.<problem>``
(e.g. ``id.uscc.checksum``) and ``details`` carries the compacted input plus,
for checksums, the expected and the found check character.
"""

from __future__ import annotations

from collections.abc import Callable

from ippledge.kernel.errors import ValidationError


class InvalidIdentifier(ValidationError):
    """Base for every identifier problem (编号无效)."""

    default_code = "id.invalid"


class InvalidFormat(InvalidIdentifier):
    """Characters or structure do not fit the identifier (格式错误)."""

    default_code = "id.format"


class InvalidLength(InvalidIdentifier):
    """Too many or too few characters (长度错误)."""

    default_code = "id.length"


class InvalidChecksum(InvalidIdentifier):
    """The check character does not match the body (校验位错误)."""

    default_code = "id.checksum"


class InvalidComponent(InvalidIdentifier):
    """A part has a value that cannot occur: type digit, year, kind code, section (组成部分无效)."""

    default_code = "id.component"


def validity(validate: Callable[[str], str]) -> Callable[[str], bool]:
    """``is_valid`` for a module's ``validate``: True when it accepts the number, False when it raises."""

    def is_valid(number: str) -> bool:
        try:
            validate(number)
        except InvalidIdentifier:
            return False
        return True

    is_valid.__doc__ = "True when ``validate`` would accept the number."
    return is_valid
