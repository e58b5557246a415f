"""Gateway routes (数据网关接口).

* ``POST /consents`` (the firm grants), ``GET /consents``, ``GET /consents/{id}``, ``POST /consents/{id}/revoke``
  (the firm revokes at once);
* ``GET /access-log``: every read of the caller's data (a firm) or every read the caller made (a bank);
* ``GET /gateway/firms/{firm_id}/{source}?purpose=...&fields=...``: a bank reads a firm's outside data under the
  firm's consent; anything beyond the consent is a 404, and every field read is logged.
"""

from __future__ import annotations

from fastapi import APIRouter, Query

from ippledge.gateway import queries, service
from ippledge.gateway.schemas import AccessOut, ConsentIn, ConsentOut, ReadOut
from ippledge.web.deps import PrincipalDep, SessionDep, TodayDep
from ippledge.web.ids import IdPath, IdQuery

router = APIRouter(tags=["gateway"])


@router.post("/consents", response_model=ConsentOut, status_code=201)
def grant(body: ConsentIn, session: SessionDep, principal: PrincipalDep, today: TodayDep) -> queries.ConsentView:
    """The firm grants a bank the right to read some fields of one source for one purpose, until the expiry."""
    row = service.grant(
        session, principal, body.grantee_id, body.source, body.fields, body.purpose, body.expires_on, today
    )
    return queries.consent_view(row, today)


@router.get("/consents", response_model=list[ConsentOut])
def list_consents(
    session: SessionDep,
    principal: PrincipalDep,
    today: TodayDep,
    firm_id: IdQuery | None = None,
    grantee_id: IdQuery | None = None,
    active: bool = False,
) -> list[queries.ConsentView]:
    """The consents the caller granted (a firm) or holds (a bank), newest first."""
    return queries.consents(session, principal, today, firm_id, grantee_id, active)


@router.get("/consents/{consent_id}", response_model=ConsentOut)
def get_consent(
    consent_id: IdPath, session: SessionDep, principal: PrincipalDep, today: TodayDep
) -> queries.ConsentView:
    return queries.consent(session, principal, consent_id, today)


@router.post("/consents/{consent_id}/revoke", response_model=ConsentOut)
def revoke(consent_id: IdPath, session: SessionDep, principal: PrincipalDep, today: TodayDep) -> queries.ConsentView:
    """The firm revokes its consent; the next read under it is refused."""
    return queries.consent_view(service.revoke(session, principal, consent_id), today)


@router.get("/access-log", response_model=list[AccessOut])
def access_log(
    session: SessionDep,
    principal: PrincipalDep,
    firm_id: IdQuery | None = None,
    limit: int = Query(200, ge=1, le=1000),
) -> list[queries.AccessView]:
    """Who read what of the caller's data, when and why (a firm); the reads the caller made (a bank)."""
    return queries.access_log(session, principal, firm_id, limit)


@router.get("/gateway/firms/{firm_id}/{source}", response_model=ReadOut)
def read(
    firm_id: IdPath,
    source: str,
    session: SessionDep,
    principal: PrincipalDep,
    today: TodayDep,
    purpose: str = Query(max_length=24, description="why the data is read; must match the consent's purpose"),
    fields: list[str] | None = Query(None, max_length=8, description="fields to read; all consented when omitted"),
) -> ReadOut:
    """A bank reads a firm's outside data under the firm's consent (logged); beyond it, 404."""
    values = service.read_fields(session, principal, firm_id, source, fields, purpose, today)
    return ReadOut(firm_id=firm_id, source=source, purpose=purpose, as_of=today, values=values)
