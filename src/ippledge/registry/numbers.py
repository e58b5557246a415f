"""IP number normalisation (编号规整) for the register: what a pasted number may mean, in stored form.

The register stores patents under the compact application number with its check digit (``2013106997442``),
trademarks under the registration digits and copyrights under the compact registration number. A patent number
(``ZL…``) is reduced to its application number. Short digit strings are ambiguous: a pre-2004 application number
and an eight-digit trademark number look alike, so both readings are returned as candidates and the lookup decides.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ippledge.kernel.errors import IppledgeError
from ippledge.kernel.identifiers import copyright, patent_application, patent_number, trademark
from ippledge.kernel.identifiers.detect import guess_kind
from ippledge.kernel.identifiers.errors import InvalidIdentifier
from ippledge.registry import errors
from ippledge.registry.model import IpKind

Candidate = tuple[IpKind, str]

_READERS: dict[str, tuple[IpKind, Callable[[str], str]]] = {
    "patent_application": (IpKind.PATENT, patent_application.validate),
    "patent_number": (IpKind.PATENT, patent_number.application_number),
    "trademark": (IpKind.TRADEMARK, trademark.validate),
    "copyright": (IpKind.COPYRIGHT, copyright.validate),
    "software_copyright": (IpKind.COPYRIGHT, copyright.validate),
}


@dataclass(frozen=True)
class Reading:
    """Candidates in order of preference, or the reason none fits."""

    candidates: tuple[Candidate, ...]
    error: IppledgeError | None = None


# Fast path for the stored form itself (what feeds mostly carry): 12 digits from 2003 on, then the check character.
_STORED_APPLICATION = re.compile(r"(?:ZL)?(20\d\d[12389]\d{7}[\dX])", re.ASCII)


def read(text: str) -> Reading:
    """All register readings of ``text``; ``error`` is set when there is none."""
    fast = _STORED_APPLICATION.fullmatch(text) if isinstance(text, str) else None
    if fast is not None:
        code = fast.group(1)
        if patent_application.calc_check_digit(code[:12]) == code[12]:
            return Reading(((IpKind.PATENT, code),))
    if not isinstance(text, str) or not text.strip():
        return Reading((), errors.NUMBER_REQUIRED())
    shape = guess_kind(text)
    if shape == "publication_number":
        return Reading(
            (),
            errors.PUBLICATION_NUMBER(number=text.strip()),
        )
    reader = _READERS.get(shape)
    if reader is None:
        return Reading(
            (),
            errors.NOT_AN_IP_NUMBER(number=text.strip(), looks_like=shape),
        )
    kind, validate = reader
    found: list[Candidate] = []
    error: InvalidIdentifier | None = None
    try:
        found.append((kind, validate(text)))
    except InvalidIdentifier as exc:
        error = exc
    if shape == "patent_application" and trademark.is_valid(text):
        found.append((IpKind.TRADEMARK, trademark.validate(text)))
    if not found:
        return Reading((), error)
    return Reading(tuple(found))


def validate_for(kind: IpKind, text: str) -> str:
    """The stored form of ``text`` as a number of ``kind``; raises the identifier module's error."""
    if kind is IpKind.PATENT:
        cleaned = text.strip().upper()
        return patent_number.application_number(text) if cleaned.startswith("ZL") else patent_application.validate(text)
    if kind is IpKind.TRADEMARK:
        return trademark.validate(text)
    return copyright.validate(text)


def display(kind: IpKind, number: str) -> str:
    """Printed form: ``201310699744.2``, ``第12345678号``, ``国作登字-2021-F-00012345``."""
    if kind is IpKind.PATENT:
        return f"{number[:-1]}.{number[-1]}"
    if kind is IpKind.TRADEMARK:
        return f"第{number}号"
    return copyright.format(number)
