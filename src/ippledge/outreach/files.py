"""Reading a sign-up file (报名表): CSV (UTF-8, with or without a BOM) or Excel (.xlsx, its first sheet), as rows of
text cells. An .xlsx file is a zip archive, so its first bytes tell it from CSV; anything unreadable is
``outreach.file_format``. The demand survey reads its files the same way (``demand.service``); each capability keeps
its own reader so neither reaches into the other."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from ippledge.outreach import errors

ZIP_MAGIC = b"PK\x03\x04"


def rows(content: bytes) -> list[list[str]]:
    """Every row of the file as text cells (a whole number from Excel without its ``.0``)."""
    if content.startswith(ZIP_MAGIC):
        return _xlsx(content)
    try:
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    except (UnicodeDecodeError, csv.Error):
        raise errors.FILE_FORMAT() from None


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.date().isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a broken file
        raise errors.FILE_FORMAT() from None
    try:
        return [[_cell(v) for v in values] for values in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()
