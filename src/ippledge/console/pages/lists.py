"""Lists people can use (列表): search, filters (status, date range), sorting by any shown column, pagination with
counts, and a download of what the list shows as CSV or Excel (.xlsx); decision records 0028 and 0035.

Pure helpers over rows the services already scoped: a search, a filter, a sort or a page never widens what the viewer
may see. A list page names its columns once (``Column``: the label, the value to sort and export, whether it is
money); the page, the sortable headers and both downloads follow from that one list, so what is exported is what is
shown. The CSV is UTF-8 with a byte-order mark, so Excel opens the Chinese text as text; the workbook keeps amounts as
numbers with a money format and dates as dates, so a reader can sum and sort them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Generic, TypeVar
from urllib.parse import quote, urlencode

from fastapi import Request
from fastapi.responses import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from ippledge.console import i18n
from ippledge.kernel.errors import not_found

PAGE_SIZE = 50
T = TypeVar("T")
MONEY_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
FORMATS = ("csv", "xlsx")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Column(Generic[T]):
    """One shown column: ``key`` names it in the address (``?sort=key``), ``label`` is its i18n key, ``value`` gives
    what it sorts and exports by (a number, a date or text); ``text`` what the export writes instead when the value is a
    code (a status shown in words); ``money`` exports the value as a number in 元 with a money format."""

    key: str
    label: str
    value: Callable[[T], Any]
    text: Callable[[T, str], Any] | None = None
    money: bool = False
    sortable: bool = True

    def shown(self, row: T, lang: str) -> Any:
        return self.text(row, lang) if self.text is not None else self.value(row)


@dataclass
class ListState:
    """What the reader chose for a list, read from the address: search words, page, sort column and direction,
    status and date-range filters, and any page-specific switches (``extra``, e.g. ``done``) that every link keeps."""

    q: str = ""
    page: int = 1
    sort: str = ""
    desc: bool = False
    status: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    extra: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    typed: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, request: Request, lang: str, extra: Iterable[str] = ()) -> ListState:
        """Read the state; a date that is not one is ignored and its message shown beside its field."""
        qp = request.query_params
        state = cls(q=qp.get("q", "")[:200], sort=qp.get("sort", "")[:40], desc=qp.get("dir") == "desc")
        state.status = qp.get("status", "")[:40]
        page = qp.get("page", "1")
        state.page = int(page) if page.isdigit() and len(page) < 7 else 1
        for name in ("since", "until"):
            raw = qp.get(name, "").strip()[:20]
            state.typed[name] = raw
            if raw:
                try:
                    setattr(state, name, dt.date.fromisoformat(raw))
                except ValueError:
                    state.errors[name] = i18n.both(i18n.FIELD_ERRORS["date"], lang)
        state.extra = {k: qp[k][:40] for k in extra if qp.get(k)}
        return state

    def params(self, **change: Any) -> dict[str, str]:
        """The address's parameters with ``change`` applied; empty ones left out."""
        out = {
            "q": self.q,
            "status": self.status,
            "since": self.typed.get("since", ""),
            "until": self.typed.get("until", ""),
            "sort": self.sort,
            "dir": "desc" if self.desc else "",
            "page": str(self.page) if self.page > 1 else "",
        } | self.extra
        out |= {k: "" if v is None else str(v) for k, v in change.items()}
        return {k: v for k, v in out.items() if v}

    def href(self, **change: Any) -> str:
        return "?" + urlencode(self.params(**change))

    def sort_href(self, key: str) -> str:
        """The header's link: sort by ``key`` ascending, or flip the direction when it is the sorted column; the
        search and filters stay, the page returns to the first."""
        flip = self.sort == key and not self.desc
        return self.href(sort=key, dir="desc" if flip else "", page="")

    def aria_sort(self, key: str) -> str:
        if self.sort != key:
            return "none"
        return "descending" if self.desc else "ascending"

    def export_href(self, base: str, fmt: str) -> str:
        """The download of what the list shows (every page), in ``fmt`` (``csv`` or ``xlsx``)."""
        return f"{base}.{fmt}?" + urlencode(self.params(page=""))


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


def filter_rows(
    rows: Sequence[T],
    state: ListState,
    status: Callable[[T], str] | None = None,
    day: Callable[[T], dt.date | None] | None = None,
) -> list[T]:
    """The rows in the chosen status and whose date lies in [since, until] (a row without a date is left out once a
    range is chosen)."""
    out = list(rows)
    if status is not None and state.status:
        out = [r for r in out if status(r) == state.status]
    if day is not None and (state.since or state.until):
        lo, hi = state.since or dt.date.min, state.until or dt.date.max
        out = [r for r in out if (d := day(r)) is not None and lo <= d <= hi]
    return out


def sort_rows(rows: Sequence[T], columns: Sequence[Column[T]], state: ListState) -> list[T]:
    """Rows sorted by the chosen column (empty values last either way); the given order when none or an unknown
    one is chosen."""
    col = next((c for c in columns if c.key == state.sort and c.sortable), None)
    if col is None:
        return list(rows)
    present = [r for r in rows if col.value(r) is not None]
    missing = [r for r in rows if col.value(r) is None]
    return sorted(present, key=lambda r: _sort_key(col.value(r)), reverse=state.desc) + missing


def _sort_key(value: Any) -> Any:
    # money arrives as Decimal or as a decimal string; numbers sort as numbers, text by its code points
    if isinstance(value, str):
        try:
            return (0, Decimal(value.replace(",", "")), "")
        except ArithmeticError:
            return (1, Decimal(0), value.casefold())
    if isinstance(value, (int, float, Decimal)):
        return (0, Decimal(str(value)), "")
    if isinstance(value, dt.date):
        return (0, Decimal(value.toordinal()), "")
    return (1, Decimal(0), str(value))


def view(
    rows: Sequence[T],
    state: ListState,
    columns: Sequence[Column[T]],
    fields: Callable[[T], Iterable[Any]],
    status: Callable[[T], str] | None = None,
    day: Callable[[T], dt.date | None] | None = None,
) -> list[T]:
    """Search, filter and sort: every row the list shows, before paging (the downloads take all of them)."""
    return sort_rows(filter_rows(search(rows, state.q, fields), state, status, day), columns, state)


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


def page_ctx(rows: Sequence[Any], state: ListState, columns: Sequence[Column[Any]], export: str) -> dict[str, Any]:
    """What a list template needs: the page of rows and the pager, the state (for headers and filters), the columns
    and the two download links."""
    ctx = paginate(rows, state.page, state.q)
    state.page = ctx["page"]
    ctx |= {
        "ls": state,
        "columns": columns,
        "csv_href": state.export_href(export, "csv"),
        "xlsx_href": state.export_href(export, "xlsx"),
        "pager_extra": "&" + urlencode(state.params(page="", q="")) if state.params(page="", q="") else "",
    }
    return ctx


def check_format(request: Request, fmt: str) -> None:
    """A list downloads as ``csv`` or ``xlsx``; any other ending is the 404 page."""
    if fmt not in FORMATS:
        raise not_found("页面", "page", path=request.url.path)


def export(fmt: str, filename: str, columns: Sequence[Column[T]], rows: Iterable[T], lang: str) -> Response:
    """The list as ``fmt`` (``xlsx``, otherwise CSV), with the column labels in the reader's language."""
    header = [i18n.t(c.label, lang) for c in columns]
    if fmt == "xlsx":
        return xlsx_response(f"{filename}.xlsx", header, columns, rows, lang)
    return csv_response(f"{filename}.csv", header, ([c.shown(r, lang) for c in columns] for r in rows))


def csv_response(filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """A CSV download (UTF-8 with BOM) named ``filename``; cells that a spreadsheet would run as a formula are
    prefixed with an apostrophe."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(header)
    for row in rows:
        w.writerow([_cell(v) for v in row])
    body = "\ufeff" + buf.getvalue()
    return Response(body.encode(), media_type="text/csv; charset=utf-8", headers=_attachment(filename))


def xlsx_response(
    filename: str, header: Sequence[str], columns: Sequence[Column[T]], rows: Iterable[T], lang: str
) -> Response:
    """An Excel workbook: one sheet, the header bold and frozen, money as numbers with ``#,##0.00``, dates as dates,
    text as text (a string never becomes a formula: openpyxl writes a leading ``=`` as a formula, so it is escaped)."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title="list")
    ws.freeze_panes = "A2"
    bold = Font(bold=True)
    heads = []
    for h in header:
        cell = WriteOnlyCell(ws, value=h)
        cell.font = bold
        heads.append(cell)
    ws.append(heads)
    for row in rows:
        ws.append([_xlsx_cell(ws, c, c.shown(row, lang)) for c in columns])
    buf = io.BytesIO()
    wb.save(buf)
    return Response(buf.getvalue(), media_type=XLSX, headers=_attachment(filename))


def _xlsx_cell(ws: Any, col: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    if col.money:
        cell = WriteOnlyCell(ws, value=Decimal(str(value)))
        cell.number_format = MONEY_FORMAT
        return cell
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return value
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = DATE_FORMAT
        return cell
    return _cell(value)


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"}


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") and not _is_number(text) else text


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
