"""Every Chinese legal-status code (issue 16 item 6, decision 0031): which register transition each of the 110 codes
of the shared table applies, or that it is informational; the new events (term change, open licence, holder change)
through the API; and a historical feed full of legacy pre-2015 codes that loads."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from ippledge.access.model import PartyKind, Role
from ippledge.kernel.errors import ConflictError, ValidationError
from ippledge.registry import event_codes
from ippledge.registry.event_codes import resolve
from ippledge.registry.model import EventCode, LegalState, RegisterState, apply_event
from tests.registry.factories import Register, pledge_in_force

INFO = "informational"
BY_DATE = "CF01 before the last day, CX01 after"
TOGGLE = "PP01 unpreserved, PD01 preserved"

# Per code: the register code whose rule applies (the code itself for the register's own), or how it is resolved.
EXPECTED: dict[str, str] = {
    "AD01": "AV01", "AR01": "AV01", "ASS": "TR01", "AV01": "AV01", "AV02": INFO, "BB1A": INFO,
    "C01": "WD01", "C02": "WD01", "C03": "WW01", "C04": "WW01", "C05": "WD01", "C06": INFO, "C10": INFO,
    "C12": "RJ01", "C13": INFO, "C14": INFO, "C15": INFO, "C17": BY_DATE, "C19": "CF01", "C20": "AV01",
    "C25": "AV01", "C26": "IP01", "C28": "IW01", "C32": "IP01", "C35": "IP01", "C41": "TR01", "C44": "TR01",
    "C45": "TR01", "C47": "TR01", "C49": "RR01", "C52": "RR01", "C53": INFO, "C56": "CP03", "C57": INFO,
    "C59": INFO, "C60": INFO, "C61": INFO, "C62": INFO, "CB01": INFO, "CB02": "CP03", "CB03": INFO, "CB04": INFO,
    "CE01": BY_DATE, "CF01": "CF01", "CGPU": INFO, "CI01": INFO, "CI02": INFO, "CI03": INFO, "COR": INFO,
    "CP01": "CP01", "CP02": "CP02", "CP03": "CP03", "CU01": INFO, "CU02": INFO, "CU03": INFO, "CX01": "CX01",
    "DC01": INFO, "DCSP": INFO, "DD01": INFO, "DE01": INFO, "EC01": "EC01", "EE01": "EE01", "EM01": "EM01",
    "ERR": INFO, "EXPY": BY_DATE, "EXSB": INFO, "FG1K": INFO, "FG4A": INFO, "GR01": INFO, "GR02": INFO,
    "GR03": INFO, "GRSP": INFO, "IP01": "IP01", "IW01": "IW01", "LIC": "EE01", "LICC": INFO, "MA1K": "AV01",
    "MK1K": "CX01", "MK4A": "CX01", "MM1K": "CF01", "MM4A": "CF01", "OL01": "OL01", "OL02": "OL02", "OR01": INFO,
    "PB01": INFO, "PC01": "PC01", "PD01": "PD01", "PE01": "PE01", "PLDC": INFO, "PM01": "PM01", "PP01": "PP01",
    "RA01": "RR01", "RECT": INFO, "REG": INFO, "REIN": "RR01", "REPR": INFO, "RGAV": "AV01", "RINS": TOGGLE,
    "RJ01": "RJ01", "RN01": INFO, "RP01": "IP01", "RR01": "RR01", "RW01": "IW01", "SE01": INFO, "TA01": INFO,
    "TG01": "TG01", "TP01": "TP01", "TR01": "TR01", "WD01": "WD01", "WW01": "WW01",
}  # fmt: skip

DAY = dt.date(2015, 6, 1)
EXPIRY = dt.date(2030, 1, 1)


def _shared_codes() -> list[str]:
    """The codes of the shared reference table when it is there, else the packaged copy (the same 110)."""
    shared = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "cn_legal_event_codes.tsv"
    if shared.exists():
        with shared.open(encoding="utf-8") as f:
            return [r["code"] for r in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)]
    return list(event_codes.table())


def test_every_code_of_the_table_is_mapped_exactly_as_listed() -> None:
    codes = _shared_codes()
    assert len(codes) == 110 and set(codes) == set(event_codes.table()) == set(EXPECTED)
    for code in codes:
        want = EXPECTED[code]
        got = resolve(code, DAY, EXPIRY, preserved=False)
        if want == INFO:
            assert got.informational and got.code == code, code
        elif want == BY_DATE:
            assert got.event is EventCode.CF01, code
            assert resolve(code, EXPIRY + dt.timedelta(days=1), EXPIRY, False).event is EventCode.CX01, code
        elif want == TOGGLE:
            assert got.event is EventCode.PP01 and resolve(code, DAY, EXPIRY, True).event is EventCode.PD01
        else:
            assert got.event is EventCode(want) and got.code == want, code
    # the register's own codes are all in the table (the trademark ones are the register's own, not INPADOC's)
    own = {c.value for c in EventCode} - {"TM01", "TM02", "TM03"}
    assert own <= set(codes)
    assert not event_codes.is_known("ZZ01")


def test_informational_titles_and_reported_code() -> None:
    assert event_codes.title("C06") == ("文献公布（C06）", "Publication")
    assert event_codes.title("CF01")[0] == "未缴年费专利权终止"
    r = resolve("c19", DAY, EXPIRY, False)
    assert event_codes.with_reported(r, {"a": 1}) == {"a": 1, "reported_code": "C19"}


def test_open_licence_and_application_end_rules() -> None:
    s = RegisterState(LegalState.IN_FORCE)
    declared = apply_event(s, EventCode.OL01)
    assert declared.open_licence and declared.status is LegalState.IN_FORCE
    with pytest.raises(ConflictError):
        apply_event(declared, EventCode.OL01)  # declared twice
    with pytest.raises(ConflictError):
        apply_event(s, EventCode.OL02)  # nothing to withdraw
    assert not apply_event(declared, EventCode.OL02).open_licence
    with pytest.raises(ConflictError):
        apply_event(RegisterState(LegalState.IN_FORCE, preserved=True), EventCode.OL01)  # r. 86(2)
    with pytest.raises(ConflictError):
        apply_event(RegisterState(LegalState.TERMINATED), EventCode.OL01)
    ended = apply_event(RegisterState(LegalState.PENDING), EventCode.RJ01)
    assert ended.status is LegalState.NOT_GRANTED
    assert apply_event(ended, EventCode.RR01).status is LegalState.PENDING
    with pytest.raises(ConflictError):
        apply_event(s, EventCode.WD01)  # a granted right is no application
    # a holder change keeps the state, whatever it is
    assert apply_event(RegisterState(LegalState.PENDING), EventCode.CP01) == RegisterState(LegalState.PENDING)


def test_term_change_rules() -> None:
    tc = event_codes.term_change
    assert tc(EventCode.TG01, "invention", EXPIRY, {"days": 100}) == EXPIRY + dt.timedelta(days=100)
    assert tc(EventCode.TP01, "invention", EXPIRY, {"expiry_after": "2034-12-31"}) == dt.date(2034, 12, 31)
    with pytest.raises(ConflictError):
        tc(EventCode.TP01, "invention", EXPIRY, {"expiry_after": "2035-01-02"})  # more than five years
    with pytest.raises(ConflictError):
        tc(EventCode.TG01, "utility_model", EXPIRY, {"days": 10})  # inventions only
    with pytest.raises(ConflictError):
        tc(EventCode.TG01, "invention", EXPIRY, {"expiry_after": "2029-12-31"})  # shorter
    for bad in (None, {}, {"days": "10"}, {"days": True}, {"expiry_after": "soon"}):
        with pytest.raises(ValidationError):
            tc(EventCode.TG01, "invention", EXPIRY, bad)


def _event(reg: Register, asset_id: int, code: str, date: str, details: dict[str, Any] | None = None) -> Any:
    body = {"code": code, "effective_date": date, "details": details}
    return reg.client.post(f"/ip-assets/{asset_id}/events", json=body, headers=reg.officer.headers)


def test_term_holder_and_open_licence_events_through_the_api(reg: Register, world: Any) -> None:
    owner = reg.enterprise()
    p = reg.patent(owner)
    aid = p["id"]
    before = p["expiry_date"]
    r = _event(reg, aid, "TG01", "2024-03-01", {"days": 200})
    assert r.status_code == 201, r.text
    assert r.json()["details"]["expiry_before"] == before and r.json()["title_zh"] == "专利权期限补偿"
    got = reg.client.get(f"/ip-assets/{aid}", headers=owner.headers).json()
    assert got["expiry_date"] == str(dt.date.fromisoformat(before) + dt.timedelta(days=200))
    # a pharmaceutical extension of more than five years is refused and nothing is written
    r = _event(reg, aid, "TP01", "2024-03-02", {"expiry_after": "2050-01-01"})
    assert r.status_code == 409 and r.json()["code"] == "registry.term_extension_too_long"
    assert reg.client.get(f"/ip-assets/{aid}", headers=owner.headers).json()["expiry_date"] == got["expiry_date"]
    # the holder's name changes on the register; the owners do not
    r = _event(reg, aid, "CP01", "2024-03-03", {"name": "北京新名称科技有限公司"})
    assert r.status_code == 201, r.text
    got = reg.client.get(f"/ip-assets/{aid}", headers=owner.headers).json()
    assert got["holder_name"] == "北京新名称科技有限公司" and got["holder_address"] is None
    assert [o["party_id"] for o in got["owners"]] == [owner.party.id]
    # a legacy name/address change (C56) is recorded as CP03 with the code reported
    r = _event(reg, aid, "C56", "2024-03-04", {"address": "北京市海淀区中关村大街1号"})
    assert r.status_code == 201 and r.json()["code"] == "CP03" and r.json()["details"]["reported_code"] == "C56"
    # open licence on a pledged patent: only with the pledgee's consent (Implementing Rules 2023 r. 86(4))
    bank = world.actor(PartyKind.BANK, Role.CREDIT_OFFICER)
    pledge_in_force(world.factory, aid, owner.party.id, bank.party.id, reg.officer.party.id)
    r = _event(reg, aid, "OL01", "2024-03-05")
    assert r.status_code == 409 and r.json()["code"] == "registry.pledgee_consent_required"
    r = _event(reg, aid, "OL01", "2024-03-05", {"pledgee_consent_id": bank.party.id})
    assert r.status_code == 201, r.text
    assert reg.client.get(f"/ip-assets/{aid}", headers=owner.headers).json()["open_licence"] is True
    assert _event(reg, aid, "OL01", "2024-03-06", {"pledgee_consent_id": bank.party.id}).status_code == 409
    assert _event(reg, aid, "OL02", "2024-03-07").status_code == 201
    assert reg.client.get(f"/ip-assets/{aid}", headers=owner.headers).json()["open_licence"] is False
    # an informational code is recorded as reported and changes nothing
    r = _event(reg, aid, "C06", "2020-01-10")
    assert r.status_code == 201 and r.json()["code"] == "C06" and r.json()["title_en"] == "Publication"
    assert _event(reg, aid, "C06", "2020-01-10").status_code == 409  # the same line twice


def test_a_historical_feed_with_legacy_codes_loads(reg: Register) -> None:
    owner = reg.enterprise()
    granted = reg.patent(owner)  # invention filed 2019-03-01, granted 2021-05-10
    pending = reg.patent(owner, grant_date=None)
    g, a = granted["number"], pending["number"]
    lines = [
        "number,code,effective_date,details",
        f"{g},C06,2019-09-01,",  # publication
        f"{g},C10,2019-10-01,",  # substantive examination
        f"{g},C14,2021-05-10,",  # grant: history, the register has it already
        f'{g},C56,2021-06-01,"{{""name"":""北京更名科技有限公司""}}"',  # holder name -> CP03
        f"{g},C19,2022-03-01,",  # lapse for the annuity -> CF01
        f"{g},C49,2022-05-01,",  # reinstatement -> RR01
        f"{g},C41,2022-06-01,",  # transfer -> TR01 (recorded; owners change through a transfer)
        f"{g},LIC,2022-07-01,",  # licence recorded -> EE01
        f"{g},RINS,2022-08-01,",  # preservation ...
        f"{g},RINS,2022-09-01,",  # ... and its discharge
        f"{g},C32,2023-01-01,",  # full or partial invalidation -> IP01, stays in force
        f'{g},TG01,2023-02-01,"{{""days"":120}}"',  # term adjustment: the expiry moves
        f"{g},LICC,2023-03-01,",  # informational
        f"{g},OL01,2023-04-01,",  # open licence declared (a feed is the registry's own: no consent check)
        f"{a},C02,2022-01-01,",  # the pending application deemed withdrawn -> WD01
        f"{a},C52,2022-02-01,",  # restored -> RR01, pending again
        f"{a},C12,2022-03-01,",  # rejected -> RJ01
        "",
    ]
    r = reg.client.post(
        "/legal-status/feeds?format=csv", content="\n".join(lines).encode(), headers=reg.officer.headers
    )
    assert r.status_code == 201, r.text
    rep = r.json()
    assert (rep["total"], rep["loaded"], rep["rejected"]) == (17, 17, 0), rep["errors"]
    got = reg.client.get(f"/ip-assets/{granted['id']}", headers=owner.headers).json()
    assert got["status"] == "in_force" and not got["preserved"] and got["open_licence"] is True
    assert got["holder_name"] == "北京更名科技有限公司"
    assert got["expiry_date"] == str(dt.date.fromisoformat(granted["expiry_date"]) + dt.timedelta(days=120))
    history = reg.client.get(f"/ip-assets/{granted['id']}/history", headers=owner.headers).json()
    codes = [(e["code"], (e["details"] or {}).get("reported_code")) for e in history]
    assert codes == [
        ("C06", None), ("C10", None), ("C14", None), ("CP03", "C56"), ("CF01", "C19"), ("RR01", "C49"),
        ("TR01", "C41"), ("EE01", "LIC"), ("PP01", "RINS"), ("PD01", "RINS"), ("IP01", "C32"), ("TG01", None),
        ("LICC", None), ("OL01", None),
    ]  # fmt: skip
    assert reg.client.get(f"/ip-assets/{pending['id']}", headers=owner.headers).json()["status"] == "not_granted"
    # the same feed again: every line a duplicate (a legacy line matches its stored equivalent)
    r = reg.client.post(
        "/legal-status/feeds?format=csv", content="\n".join(lines).encode(), headers=reg.officer.headers
    )
    assert (r.json()["loaded"], r.json()["duplicates"], r.json()["rejected"]) == (0, 17, 0), r.json()
    # a term change without its date is one bad line
    body = f"number,code,effective_date\n{g},TP01,2023-05-01\n".encode()
    r = reg.client.post("/legal-status/feeds?format=csv", content=body, headers=reg.officer.headers)
    assert [e["code"] for e in r.json()["errors"]] == ["registry.term_change_date"]
