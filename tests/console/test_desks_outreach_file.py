"""Signing firms up from a file in the console (按文件批量报名, decision 0040): the operator's page with the template
downloads; a file with a bad line signs no one up and lists the line with its bilingual reason (422); the second
button signs up the good lines of the file it carried; a missing file is named beside the field; another party
gets the 403 page, an unknown event the 404 page; no label key shows in either language."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from tests.console.test_desks_outreach import KEY
from tests.console.test_pages import csrf_of, sign_in
from tests.outreach.test_flow import _event
from tests.outreach.test_signup_file import _xlsx
from tests.whitelist.factories import WhitelistDesk


def test_operator_signs_firms_up_from_a_file(world, app, session_factory) -> None:
    d = WhitelistDesk(world, app, session_factory)
    a, b = d.make_firm(), d.make_firm()
    ev = _event(d, d.regulator, 10)["id"]
    url = f"/console/events/{ev}/signup-file"
    op = sign_in(app, d.operator)
    assert f'href="{url}"' in op.get(f"/console/events/{ev}").text  # linked from the event's page
    page = op.get(url).text
    assert "任一行有误则不为任何" in page and f"/console/events/{ev}/signup-template.xlsx" in page
    csv_t = op.get(f"/console/events/{ev}/signup-template.csv")
    assert csv_t.status_code == 200 and csv_t.content.decode("utf-8-sig").strip() == "uscc,name"
    xlsx_t = op.get(f"/console/events/{ev}/signup-template.xlsx")
    assert [c.value for c in next(load_workbook(io.BytesIO(xlsx_t.content)).active.iter_rows())] == ["uscc", "name"]

    csrf = csrf_of(page)
    none = op.post(url, data={"csrf": csrf, "mode": "all"})
    assert none.status_code == 422 and 'id="file-error"' in none.text
    book = _xlsx([["uscc", "name"], [a.uscc, "甲"], ["91110108MA00000000", "无"], [b.uscc, "乙"]])
    files = {"file": ("firms.xlsx", book, "application/octet-stream")}
    refused = op.post(url, data={"csrf": csrf, "mode": "all"}, files=files)
    assert refused.status_code == 422 and 'data-testid="nothing-written"' in refused.text
    bad = refused.text.split('id="bad-lines"')[1].split("</table>")[0]
    assert '<td class="num">3</td>' in bad and "91110108MA00000000" in bad and " · " in bad  # zh · en
    assert d.get(d.operator, f"/outreach-signups?event_id={ev}").json() == []  # nothing written
    assert 'data-testid="good-only"' in refused.text and "firms.xlsx" in refused.text
    carried = refused.text.split('name="carried" value="')[1].split('"')[0]
    done = op.post(url, data={"csrf": csrf, "mode": "good", "carried": carried})
    assert done.status_code == 200 and 'data-testid="loaded">2<' in done.text
    assert {s["enterprise_id"] for s in d.get(d.operator, f"/outreach-signups?event_id={ev}").json()} == {a.id, b.id}
    clean = op.post(url, data={"csrf": csrf}, files={"file": ("c.csv", b"uscc\n", "text/csv")}, follow_redirects=False)
    assert clean.status_code == 303 and clean.headers["location"] == f"/console/events/{ev}"  # nothing bad: done
    wrong = op.post(url, data={"csrf": csrf}, files={"file": ("x.csv", b"name\nfoo\n", "text/csv")})
    assert wrong.status_code == 422 and "uscc" in wrong.text.split('id="file-error"')[1][:300]

    assert op.get("/console/events/999999/signup-file").status_code == 404
    assert sign_in(app, d.firm).get(url).status_code == 403
    assert sign_in(app, d.regulator).post(url, data={"csrf": csrf}).status_code == 403
    for lang in ("zh", "en"):
        op.cookies.set("ippledge_lang", lang)
        for r in (op.get(url), op.post(url, data={"csrf": csrf, "mode": "all"}, files=files)):
            assert r.status_code in (200, 422) and not KEY.search(r.text), (lang, KEY.search(r.text))
    assert 'data-testid="good-only"' not in op.get(url).text  # offered only after a refused file
