"""Gateway commands (数据网关命令): ``ippledge gateway consents|grant|revoke|access-log|read --as USER``.

Each command acts as a platform user named by ``--as`` (the firm's user grants and revokes, a bank's user reads),
with the same checks as the API: a read beyond the firm's consent fails like a missing record, and every field read
is logged. Exit 0 on success, 2 on a refusal or bad input.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Annotated, Any

import typer

from ippledge.cmd.options import AsOf, AsUser, DbUrl, business_day, fail, principal_named, session_scope
from ippledge.kernel.errors import IppledgeError

gateway_app = typer.Typer(no_args_is_help=True, help="Data gateway: consents and access logs (数据授权与访问记录)")


def _print(rows: list[Any]) -> None:
    typer.echo(json.dumps([dataclasses.asdict(r) for r in rows], ensure_ascii=False, indent=2, default=str))


@gateway_app.command("consents")
def list_consents(who: AsUser, database_url: DbUrl = None, as_of: AsOf = None) -> None:
    """The consents the user's firm granted, or its bank holds (JSON)."""
    from ippledge.gateway import queries

    with session_scope(database_url) as session:
        _print(queries.consents(session, principal_named(session, who), business_day(as_of)))


@gateway_app.command("grant")
def grant(
    who: AsUser,
    grantee: Annotated[int, typer.Option("--grantee", help="the bank's party id")],
    source: Annotated[str, typer.Option("--source", help="ip_office, copyright, tax, sci_tech, credit_bureau")],
    fields: Annotated[str, typer.Option("--fields", help="comma-separated fields, e.g. credit_grade,revenue")],
    purpose: Annotated[str, typer.Option("--purpose", help="credit_assessment, scheme_eligibility, post_loan, ...")],
    expires: Annotated[str, typer.Option("--expires", help="last day in force, YYYY-MM-DD")],
    database_url: DbUrl = None,
    as_of: AsOf = None,
) -> None:
    """The firm grants a bank a consent."""
    from ippledge.gateway import queries, service

    today, until = business_day(as_of), business_day(expires)
    try:
        with session_scope(database_url) as session:
            principal = principal_named(session, who)
            row = service.grant(session, principal, grantee, source, fields.split(","), purpose, until, today)
            _print([queries.consent_view(row, today)])
    except IppledgeError as exc:
        raise fail(exc) from None


@gateway_app.command("revoke")
def revoke(
    who: AsUser, consent_id: Annotated[int, typer.Argument()], database_url: DbUrl = None, as_of: AsOf = None
) -> None:
    """The firm revokes a consent at once."""
    from ippledge.gateway import queries, service

    try:
        with session_scope(database_url) as session:
            row = service.revoke(session, principal_named(session, who), consent_id)
            _print([queries.consent_view(row, business_day(as_of))])
    except IppledgeError as exc:
        raise fail(exc) from None


@gateway_app.command("access-log")
def access_log(
    who: AsUser,
    database_url: DbUrl = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10_000)] = 200,
) -> None:
    """Who read the user's firm's data, when and why (or what the user's bank read)."""
    from ippledge.gateway import queries

    with session_scope(database_url) as session:
        _print(queries.access_log(session, principal_named(session, who), None, limit))


@gateway_app.command("read")
def read(
    who: AsUser,
    firm: Annotated[int, typer.Option("--firm", help="the firm's party id")],
    source: Annotated[str, typer.Option("--source")],
    purpose: Annotated[str, typer.Option("--purpose")],
    fields: Annotated[str | None, typer.Option("--fields", help="comma-separated; all consented when omitted")] = None,
    database_url: DbUrl = None,
    as_of: AsOf = None,
) -> None:
    """A bank reads a firm's outside data under the firm's consent (logged)."""
    from ippledge.gateway import service

    wanted = None if fields is None else fields.split(",")
    try:
        with session_scope(database_url) as session:
            values = service.read_fields(
                session, principal_named(session, who), firm, source, wanted, purpose, business_day(as_of)
            )
    except IppledgeError as exc:
        raise fail(exc) from None
    typer.echo(json.dumps(values, ensure_ascii=False, indent=2, default=str))
