"""The bank's reverse push in the console (反向推送, decision 0039): codes pasted or uploaded (CSV, Excel), the answer
per firm with names, invalid codes with their reason, the answer as CSV and Excel; a bank's officers only."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from tests.console.test_desks_disposal import KEY
from tests.console.test_pages import csrf_of, sign_in
from tests.registry.factories import new_uscc
from tests.whitelist.factories import RULES, WhitelistDesk


def test_reverse_push_pasted_uploaded_and_exported(world, app, session_factory) -> None:
    d = WhitelistDesk(world, app, session_factory)
    listed = d.make_firm(kinds=("ip_demonstration",), inventions=2, utility=1, score=80)
    other = d.make_firm(inventions=1, abnormal=True)
    lst = d.published(RULES)
    c = sign_in(app, d.bank.officer)
    assert 'href="/console/reverse-push"' in c.get("/console/").text  # in the bank officer's menu
    page = c.get("/console/reverse-push").text
    token = csrf_of(page)
    empty = c.post("/console/reverse-push", data={"csrf": token, "usccs": " \n "})
    assert empty.status_code == 422 and 'id="usccs-error"' in empty.text
    unknown = new_uscc()
    pasted = f"{listed.uscc}\n91110000600037341X\n{other.uscc.lower()}, {unknown}\n123"
    r = c.post("/console/reverse-push", data={"csrf": token, "usccs": pasted})
    assert r.status_code == 200 and 'id="rp-answers"' in r.text
    answers = r.text.split('id="rp-answers"')[1].split("</table>")[0]
    assert answers.count("<tr>") == 1 + 3 and lst["name"] in answers  # the header and three firms answered
    invalid = r.text.split('id="rp-invalid"')[1].split("</table>")[0]
    assert "91110000600037341X" in invalid and ">123<" in invalid and "校验" in invalid
    assert "共 5 个，答复 3 个，无效 2 个" in r.text
    # the same answer downloads as CSV and as a workbook
    body = {"csrf": token, "usccs": pasted}
    csv_ = c.post("/console/reverse-push/export.csv", data=body)
    assert csv_.status_code == 200 and listed.uscc in csv_.text and lst["name"] in csv_.text
    xlsx = c.post("/console/reverse-push/export.xlsx", data=body)
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][1] == "统一社会信用代码" and len(rows) == 4 and rows[1][1] == listed.uscc
    assert c.post("/console/reverse-push/export.pdf", data=body).status_code == 404
    # an upload: a CSV with a header row, an Excel workbook, and a file that is neither
    up = c.post(
        "/console/reverse-push",
        data={"csrf": token},
        files={"upload": ("codes.csv", f"统一社会信用代码\n{listed.uscc}\n".encode("utf-8-sig"), "text/csv")},
    )
    assert up.status_code == 200 and "共 1 个，答复 1 个，无效 0 个" in up.text
    wb = Workbook()
    for code in ("uscc", other.uscc, unknown):
        wb.active.append([code])
    buf = io.BytesIO()
    wb.save(buf)
    xl = ("codes.xlsx", buf.getvalue(), "application/octet-stream")
    up = c.post("/console/reverse-push", data={"csrf": token}, files={"upload": xl})
    assert up.status_code == 200 and "共 2 个，答复 2 个，无效 0 个" in up.text
    junk = ("codes.xlsx", b"not a workbook", "application/octet-stream")
    bad = c.post("/console/reverse-push", data={"csrf": token, "usccs": listed.uscc}, files={"upload": junk})
    assert bad.status_code == 422 and 'id="upload-error"' in bad.text and listed.uscc in bad.text
    for lang in ("zh", "en"):
        c.cookies.set("ippledge_lang", lang)
        r = c.post("/console/reverse-push", data={"csrf": token, "usccs": pasted})
        assert r.status_code == 200 and not KEY.search(r.text) and "arisk." not in r.text, lang
    # a firm has no menu entry, and the page is the service's refusal
    firm = sign_in(app, d.firm)
    assert 'href="/console/reverse-push"' not in firm.get("/console/").text
    assert firm.get("/console/reverse-push").status_code == 403
