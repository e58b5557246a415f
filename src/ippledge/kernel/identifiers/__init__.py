"""Identifiers (编号): one module per Chinese IP or company identifier, python-stdnum style.

Each module offers ``compact``, ``validate`` (compact form or an ``InvalidIdentifier``), ``is_valid`` and
``format``; :mod:`detect` guesses which identifier a pasted string is.
"""

from ippledge.kernel.identifiers import (
    copyright,
    detect,
    errors,
    ipc,
    patent_application,
    patent_number,
    publication_number,
    trademark,
    uscc,
)

__all__ = [
    "copyright",
    "detect",
    "errors",
    "ipc",
    "patent_application",
    "patent_number",
    "publication_number",
    "trademark",
    "uscc",
]
