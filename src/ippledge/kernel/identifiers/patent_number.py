"""Chinese patent number (专利号): ``ZL`` + the application number, e.g. ``ZL201310699744.2``.

A granted patent keeps its application number; ``ZL`` (专利) marks it as a right rather than an application.
Compact form ``ZL2013106997442``; the check rules are those of :mod:`patent_application`.
"""

from __future__ import annotations

from ippledge.kernel.identifiers import patent_application
from ippledge.kernel.identifiers._text import clean
from ippledge.kernel.identifiers.errors import PATENT_NUMBER_FORMAT, validity
from ippledge.kernel.identifiers.patent_application import PatentKind


def compact(number: str) -> str:
    """Strip spaces and the dot, upper-case ``zl``, fold full-width characters."""
    return clean(number, " .")


def validate(number: str) -> str:
    """Return ``ZL`` + the compact application number with check character, or raise."""
    text = clean(number)
    # validate_as() tolerates a CN prefix on applications; "ZLCN…" is not a patent number.
    if not text.startswith("ZL") or text.startswith("ZLCN"):
        raise PATENT_NUMBER_FORMAT(
            number=text,
            why_zh="专利号应为“ZL”加申请号",
            why_en="a patent number is 'ZL' followed by the application number",
        )
    return "ZL" + patent_application.validate_as(text[2:], "patent_number")


is_valid = validity(validate)


def format(number: str) -> str:
    """Display form ``ZL201310699744.2``."""
    code = validate(number)
    return f"{code[:-1]}.{code[-1]}"


def application_number(number: str) -> str:
    """The compact application number behind a patent number."""
    return validate(number)[2:]


def kind(number: str) -> PatentKind:
    """Invention, utility model or design."""
    return patent_application.kind(application_number(number))


def filing_year(number: str) -> int:
    """Filing year; the term runs from the filing date."""
    return patent_application.filing_year(application_number(number))
