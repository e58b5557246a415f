"""Sign-up files (报名表): CSV or Excel read alike; every line checked first; all or nothing on request (nothing written
when a line is bad, the bad lines still listed), otherwise the good lines signed up (decision 0040)."""

from __future__ import annotations

import base64
import io

from openpyxl import Workbook

from tests.outreach.test_flow import _event
from tests.whitelist.factories import WhitelistDesk


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _send(d: WhitelistDesk, ev: int, content: bytes, **kw: object) -> dict[str, object]:
    body = {"content_base64": base64.b64encode(content).decode(), **kw}
    return dict(d.post(d.operator, f"/outreach-events/{ev}/signup-files", body, 201).json())


def test_all_or_nothing_then_good_lines_from_excel(world, app, session_factory) -> None:
    d = WhitelistDesk(world, app, session_factory)
    a, b = d.make_firm(), d.make_firm()
    ev = _event(d, d.operator, 10)["id"]
    book = _xlsx([["USCC", "name", "phone"], [a.uscc, "甲", 13800000000], ["12345", "坏", None], [b.uscc, "乙", None]])
    refused = _send(d, ev, book, all_or_nothing=True)
    assert (refused["total"], refused["loaded"], refused["rejected"]) == (3, 0, 1)
    assert [(e["line"], e["uscc"]) for e in refused["errors"]] == [(3, "12345")]  # type: ignore[union-attr]
    assert d.get(d.operator, f"/outreach-signups?event_id={ev}").json() == []  # nothing written
    good = _send(d, ev, book)
    assert (good["loaded"], good["rejected"]) == (2, 1)
    signed = {s["enterprise_id"]: s["line_no"] for s in d.get(d.operator, f"/outreach-signups?event_id={ev}").json()}
    assert signed == {a.id: 2, b.id: 4}
    again = _send(d, ev, f"uscc\n{a.uscc}\n".encode(), all_or_nothing=True)  # a second press: refused, harmless
    assert again["loaded"] == 0 and again["errors"][0]["code"] == "outreach.already_signed_up"  # type: ignore[index]
    broken = d.post(d.operator, f"/outreach-events/{ev}/signup-files", {"content_base64": "UEsDBAAA"})
    assert broken.status_code == 422 and broken.json()["code"] == "outreach.file_format"
