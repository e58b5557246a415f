"""Lists people can use (列表): search, pagination with counts, and a CSV download of what the list shows.

Pure helpers over rows the services already scoped: a search or a page never widens what the viewer may see. The CSV
is UTF-8 with a byte-order mark, so Excel opens the Chinese text as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar
from urllib.parse import quote

from fastapi.responses import Response

PAGE_SIZE = 50
T = TypeVar("T")


def search(rows: Sequence[T], q: str, fields: Callable[[T], Iterable[Any]]) -> list[T]:
    """The rows any of whose ``fields`` holds every word of ``q`` (case-insensitive); all rows when ``q`` is blank."""
    words = [w.casefold() for w in q.split()]
    if not words:
        return list(rows)
    out = []
    for row in rows:
        text = " ".join(str(v) for v in fields(row) if v is not None).casefold()
        if all(w in text for w in words):
            out.append(row)
    return out


def paginate(rows: Sequence[Any], page: int, q: str = "", size: int = PAGE_SIZE) -> dict[str, Any]:
    """One page of ``rows`` and what the pager needs: ``rows``, ``total``, ``page``, ``pages``, ``q``."""
    pages = max(1, -(-len(rows) // size))
    page = min(max(1, page), pages)
    return {
        "rows": list(rows[(page - 1) * size : page * size]),
        "total": len(rows),
        "page": page,
        "pages": pages,
        "q": q,
    }


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """A CSV download (UTF-8 with BOM) named ``filename``; cells that a spreadsheet would run as a formula are
    prefixed with an apostrophe."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    for row in rows:
        w.writerow([_cell(v) for v in row])
    body = "\ufeff" + buf.getvalue()
    disposition = f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"
    return Response(body.encode(), media_type="text/csv; charset=utf-8", headers={"Content-Disposition": disposition})


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
