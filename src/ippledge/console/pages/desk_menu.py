"""The later desks' menu entries (菜单：保险、设置、处置、白名单、对接活动、数据网关、预警), by party kind and role.

``base.menu`` appends these before the password entry; pure, so the menu of a role is testable without a page.
"""

from __future__ import annotations

from ippledge.access.model import PartyKind, Principal, Role

PREFIX = "/console"
BANK_DESK = frozenset({Role.CREDIT_OFFICER, Role.APPROVER})


def desk_menu(p: Principal) -> list[tuple[str, str]]:
    """(label key, address) of the insurer, settings, disposal, whitelist, reverse push, event, gateway and alert
    pages."""
    items: list[tuple[str, str]] = []
    kind = p.party_kind
    if kind is PartyKind.ENTERPRISE and p.has(Role.ENTERPRISE_USER):
        items += [("ui.gateway_consents", f"{PREFIX}/gateway/consents"), ("ui.access_log", f"{PREFIX}/gateway/log")]
    if kind is PartyKind.BANK and p.roles & BANK_DESK:
        items += [("ui.alerts", f"{PREFIX}/alerts"), ("ui.watch_list", f"{PREFIX}/watch-list")]
        items += [("ui.pushes", f"{PREFIX}/whitelist/pushes"), ("ui.reverse_push", f"{PREFIX}/reverse-push")]
    if kind is PartyKind.INSURER and p.roles & {Role.UNDERWRITER, Role.APPROVER}:
        items += [("ui.insurer_claims", f"{PREFIX}/insurer/claims"), ("ui.insurer_loans", f"{PREFIX}/insurer/loans")]
    if kind is PartyKind.PLATFORM and p.has(Role.OPERATOR):
        items += [("ui.whitelists", f"{PREFIX}/whitelists")]
    if kind in (PartyKind.PLATFORM, PartyKind.REGULATOR) and p.roles & {Role.OPERATOR, Role.ANALYST}:
        items += [("ui.overdue_work", f"{PREFIX}/overdue"), ("ui.settings", f"{PREFIX}/settings")]
    organiser = (kind is PartyKind.PLATFORM and p.has(Role.OPERATOR)) or (
        kind is PartyKind.REGULATOR and p.has(Role.ANALYST)
    )
    if (
        organiser
        or (kind is PartyKind.ENTERPRISE and p.has(Role.ENTERPRISE_USER))
        or (kind is PartyKind.BANK and p.roles & BANK_DESK)
    ):
        items += [("ui.events", f"{PREFIX}/events")]
    if kind in (PartyKind.BANK, PartyKind.ENTERPRISE, PartyKind.IP_OPERATOR, PartyKind.PLATFORM):
        items += [("ui.lots", f"{PREFIX}/disposal/lots"), ("ui.listings", f"{PREFIX}/disposal/listings")]
    if (kind is PartyKind.BANK and p.roles & BANK_DESK) or (kind is PartyKind.IP_OPERATOR and p.has(Role.OPERATOR)):
        items += [("ui.open_lot", f"{PREFIX}/disposal/open")]  # the bank or its disposal agent (处置机构)
    return items
