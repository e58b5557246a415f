"""The bank's reverse push (反向推送): a batch of applicants' USCCs pasted or uploaded (CSV or Excel, first column)
and the platform's answer per firm (its name, patents and inventions in force, pledges in force, annuity risk,
abnormal filings, the whitelists it is on), invalid codes listed with their reason, and the answer as CSV or Excel.

Through ``whitelist.service.reverse_push`` (what ``POST /reverse-push`` serves), so the bank-only rule, the batch
limit and the per-line checks are the service's. Nothing is stored but the service's audit record, so the download
posts the same codes again (each ask is audited, as in the API) instead of keeping answers on the server.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi import File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response
from openpyxl import load_workbook

from ippledge.access.model import PartyKind, Role
from ippledge.console import i18n
from ippledge.console.pages.base import render, router
from ippledge.console.pages.lists import Column, check_format, export
from ippledge.console.sessions import Viewer, ViewerDep
from ippledge.web.deps import SessionDep, TodayDep
from ippledge.whitelist import errors as whitelist_errors
from ippledge.whitelist import service as whitelist_service
from ippledge.whitelist.model import MAX_REVERSE_BATCH
from ippledge.whitelist.service import ReverseAnswer

MAX_UPLOAD = 2 * 1024 * 1024  # 10,000 codes of 18 characters fit many times over
HEADERS = {"uscc", "统一社会信用代码", "信用代码", "code"}


def _yes(v: bool, lang: str) -> str:
    return i18n.t("ui.yes" if v else "ui.no", lang)


def _risk(a: ReverseAnswer, lang: str) -> str:
    return i18n.t(f"arisk.{a.annuity_risk}", lang)


COLUMNS: list[Column[ReverseAnswer]] = [
    Column("line", "ui.line", lambda a: a.line),
    Column("uscc", "ui.uscc", lambda a: a.uscc),
    Column("name", "ui.name", lambda a: a.name or ""),
    Column("found", "ui.found_firm", lambda a: a.found, lambda a, lang: _yes(a.found, lang)),
    Column("patents", "ui.valid_patents", lambda a: a.valid_patents),
    Column("inventions", "ui.valid_inventions", lambda a: a.valid_inventions),
    Column("pledges", "ui.pledged_now", lambda a: a.pledges_in_force),
    Column("annuity", "ui.annuity_risk", lambda a: a.annuity_risk, _risk),
    Column("abnormal", "ui.abnormal", lambda a: a.abnormal_applications),
    Column("lists", "ui.on_whitelists", lambda a: "、".join(str(w["name"]) for w in a.whitelists)),
]


def _may(viewer: Viewer) -> bool:
    p = viewer.principal
    return p.party_kind is PartyKind.BANK and bool(p.roles & {Role.CREDIT_OFFICER, Role.APPROVER})


def _codes_of_text(text: str) -> list[str]:
    out: list[str] = []
    for line in text.replace("，", ",").replace(";", ",").splitlines():
        out += [c.strip() for c in line.split(",") if c.strip()]
    return out


def _codes_of_file(name: str, data: bytes) -> list[str]:
    """The first column of a CSV (UTF-8, a BOM allowed) or of an .xlsx's first sheet; a header cell is skipped."""
    cells: list[str] = []
    if name.lower().endswith(".xlsx"):
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            for row in wb.worksheets[0].iter_rows(max_col=1, values_only=True):
                cells.append("" if row[0] is None else str(row[0]))
        finally:
            wb.close()
    else:
        for record in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
            cells.append(record[0] if record else "")
    return [c.strip() for c in cells if c.strip() and c.strip().lower() not in HEADERS]


def _page(
    request: Request, viewer: Viewer, typed: str, errors: dict[str, str], result: Any, status: int = 200
) -> HTMLResponse:
    ctx = {"typed": typed, "errors": errors, "result": result, "columns": COLUMNS}
    if result is not None:
        ctx["summary"] = i18n.fmt(
            "ui.rp_summary",
            viewer.lang,
            asked=len(result.answers) + len(result.errors),
            answered=len(result.answers),
            rejected=len(result.errors),
            as_of=result.as_of.isoformat(),
        )
    return render(request, viewer, "reverse_push.html", ctx, status=status)


@router.get("/reverse-push")
def form(request: Request, viewer: ViewerDep) -> HTMLResponse:
    """反向推送: the paste box and the upload (a bank's credit officer or approver)."""
    if not _may(viewer):
        raise whitelist_errors.REVERSE_BANK_ONLY()  # the service's refusal, as the error page
    return _page(request, viewer, "", {}, None)


def _read(upload: UploadFile | None) -> tuple[str, bytes] | None:
    if upload is None or not upload.filename:
        return None
    return upload.filename, upload.file.read(MAX_UPLOAD + 1)


@router.post("/reverse-push")
def ask(
    request: Request,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    usccs: str = Form("", max_length=400_000),
    upload: UploadFile | None = File(None),
) -> Response:
    """The answers per code; an empty or too large batch, or an unreadable file, is shown beside its field."""
    viewer.check_csrf(csrf)
    if not _may(viewer):
        raise whitelist_errors.REVERSE_BANK_ONLY()  # the service's refusal, as the error page
    lang, errors = viewer.lang, {}
    codes = _codes_of_text(usccs)
    got = _read(upload)
    if got is not None:
        try:
            if len(got[1]) > MAX_UPLOAD:
                raise ValueError("too large")
            codes += _codes_of_file(*got)
        except Exception:  # any unreadable upload (bad UTF-8, not a workbook) is one message beside the field
            errors["upload"] = i18n.both(i18n.FIELD_ERRORS["rp_file"], lang)
    if not errors and not codes:
        errors["usccs"] = i18n.both(i18n.FIELD_ERRORS["rp_empty"], lang)
    if len(codes) > MAX_REVERSE_BATCH:
        errors["usccs"] = i18n.both(i18n.FIELD_ERRORS["rp_too_many"], lang)
    if errors:
        return _page(request, viewer, usccs, errors, None, 422)
    result = whitelist_service.reverse_push(session, viewer.principal, codes, today)
    return _page(request, viewer, "\n".join(codes), {}, result)


@router.post("/reverse-push/export.{fmt}")
def download(
    request: Request,
    fmt: str,
    viewer: ViewerDep,
    session: SessionDep,
    today: TodayDep,
    csrf: str = Form("", max_length=100),
    usccs: str = Form("", max_length=400_000),
) -> Response:
    """The answers as CSV or Excel (the codes asked again: the answer as of the business date)."""
    check_format(request, fmt)
    viewer.check_csrf(csrf)
    if not _may(viewer):
        raise whitelist_errors.REVERSE_BANK_ONLY()  # the service's refusal, as the error page
    codes = _codes_of_text(usccs)[:MAX_REVERSE_BATCH] or ["-"]
    result = whitelist_service.reverse_push(session, viewer.principal, codes, today)
    return export(fmt, f"reverse-push-{today}", COLUMNS, result.answers, viewer.lang)
