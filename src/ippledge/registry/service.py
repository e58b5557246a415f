"""Register use cases (登记簿): enterprises, recording IP assets with their owners, annuities (年费).

Only the registry writes the register: a registry officer, or an API key of a registry party (the system feed).
Services add and flush; the caller's unit of work commits. Legal-status events, licences and transfers are in
``events_service``; bulk feeds in ``feed``; batch queries in ``batch``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ippledge.access import audit, scope
from ippledge.access import service as access_service
from ippledge.access.model import PartyKind, Principal, Role
from ippledge.access.tables import Party
from ippledge.kernel.errors import ConflictError, NotFoundError, ValidationError
from ippledge.kernel.identifiers import copyright, ipc, patent_application, trademark
from ippledge.kernel.money import money, round_fen, to_fen
from ippledge.registry import model
from ippledge.registry import scope_rules as _scope_rules  # noqa: F401  (registers the register's scope rules)
from ippledge.registry.model import IpKind, LegalState, Subtype
from ippledge.registry.numbers import validate_for
from ippledge.registry.tables import Annuity, Enterprise, IpAsset, IpOwner

SIZES = ("micro", "small", "medium", "large")
_REGION = re.compile(r"\d{6}", re.ASCII)
_INDUSTRY = re.compile(r"[A-T](\d{2}(\d{1,2})?)?", re.ASCII)  # GB/T 4754: section letter, division, group, class


def require_registry_writer(principal: Principal) -> None:
    """The register is written only by the registry: an officer, or a registry party's system key."""
    principal.require_kind(PartyKind.REGISTRY)
    principal.require(Role.REGISTRY_OFFICER)


def _invalid(zh: str, en: str, code: str, **details: object) -> ValidationError:
    return ValidationError(zh, en, code=code, details=details)


# --- enterprises (企业) ----------------------------------------------------------------------------------------------


def register_enterprise(
    session: Session,
    principal: Principal,
    *,
    name: str,
    uscc: str,
    region_code: str,
    industry: str | None = None,
    size: str | None = None,
    annual_revenue: Decimal | str | int | None = None,
    revenue_year: int | None = None,
    employees: int | None = None,
    founded_on: dt.date | None = None,
    high_tech: bool = False,
) -> Enterprise:
    """An enterprise party with its register profile. Registry officers and the platform operator onboard firms."""
    if principal.party_kind is PartyKind.PLATFORM:
        principal.require(Role.ADMIN, Role.OPERATOR)
    else:
        require_registry_writer(principal)
    if not uscc or not uscc.strip():
        raise _invalid("企业必须提供统一社会信用代码", "an enterprise needs a USCC", "registry.uscc_required")
    if not isinstance(region_code, str) or not _REGION.fullmatch(region_code):
        raise _invalid(
            f"行政区划代码应为6位数字：{region_code}",
            f"the region code has 6 digits: {region_code}",
            "registry.region_code",
            region_code=region_code,
        )
    if industry is not None and not _INDUSTRY.fullmatch(industry):
        raise _invalid(
            f"行业代码应为国民经济行业分类（GB/T 4754）代码，如 I65：{industry}",
            f"the industry is a GB/T 4754 code such as I65: {industry}",
            "registry.industry_code",
            industry=industry,
        )
    if size is not None and size not in SIZES:
        raise _invalid(
            f"企业规模应为 micro/small/medium/large 之一：{size}",
            f"size is one of micro, small, medium, large: {size}",
            "registry.enterprise_size",
            size=size,
        )
    revenue_fen = None
    if annual_revenue is not None:
        revenue = money(annual_revenue)
        if revenue < 0:
            raise _invalid("营业收入不能为负", "revenue cannot be negative", "registry.revenue_negative")
        revenue_fen = to_fen(revenue)
    if employees is not None and employees < 0:
        raise _invalid("从业人数不能为负", "employees cannot be negative", "registry.employees_negative")
    party = access_service.create_party(session, principal, PartyKind.ENTERPRISE, name, uscc, region_code)
    ent = Enterprise(
        party_id=party.id,
        industry=industry,
        size=size,
        annual_revenue_fen=revenue_fen,
        revenue_year=revenue_year,
        employees=employees,
        founded_on=founded_on,
        high_tech=high_tech,
    )
    session.add(ent)
    session.flush()
    audit.record(
        session,
        principal,
        "enterprise.registered",
        "party",
        party.id,
        {"uscc": party.uscc, "region_code": region_code, "size": size, "revenue_fen": revenue_fen},
    )
    return ent


def get_enterprise(session: Session, principal: Principal, party_id: int) -> tuple[Enterprise, Party]:
    ent = scope.get_visible(session, Enterprise, party_id, principal)
    party = session.get(Party, party_id)
    assert party is not None
    return ent, party


# --- IP assets (知识产权) --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OwnerShare:
    party_id: int
    share_bp: int = 10_000


def check_owners(session: Session, owners: Sequence[OwnerShare]) -> None:
    """Owners exist, appear once, hold positive shares summing to 10,000 basis points (共有份额)."""
    if not owners:
        raise _invalid("至少需要一个权利人", "at least one owner is required", "registry.owners_required")
    ids = [o.party_id for o in owners]
    if len(set(ids)) != len(ids):
        raise _invalid("权利人重复", "an owner appears twice", "registry.owner_duplicate", owners=ids)
    if any(o.share_bp <= 0 for o in owners) or sum(o.share_bp for o in owners) != 10_000:
        raise _invalid(
            "共有份额须为正数且合计 10000 个基点（100%）",
            "owner shares must be positive and sum to 10,000 basis points (100%)",
            "registry.owner_shares",
            shares=[o.share_bp for o in owners],
        )
    known = set(session.scalars(select(Party.id).where(Party.id.in_(ids), Party.active)))
    missing = sorted(set(ids) - known)
    if missing:
        raise _invalid(
            f"权利人不存在：{missing}", f"unknown owner party: {missing}", "registry.owner_unknown", party_ids=missing
        )


def _check_number(kind: IpKind, subtype: Subtype, number: str, filing_date: dt.date) -> str:
    stored = validate_for(kind, number)
    if kind is IpKind.PATENT:
        actual = patent_application.kind(stored).value
        if actual != subtype.value:
            raise _invalid(
                f"申请号的类型位表示{patent_application.kind(stored).label_zh}，与专利类型不符",
                f"the application number's type digit says {actual}, not {subtype.value}",
                "registry.number_subtype_mismatch",
                number=stored,
                subtype=subtype.value,
            )
        if not patent_application.is_pct(stored) and patent_application.filing_year(stored) != filing_date.year:
            raise _invalid(
                f"申请号中的年份{patent_application.filing_year(stored)}与申请日{filing_date}不符",
                f"the application number's year {patent_application.filing_year(stored)} does not match "
                f"the filing date {filing_date}",
                "registry.filing_year_mismatch",
                number=stored,
            )
    elif kind is IpKind.COPYRIGHT and copyright.kind(stored).value != subtype.value:
        raise _invalid(
            "登记号类型（作品/软件）与版权类型不符",
            f"the registration number is for a {copyright.kind(stored).value}, not {subtype.value}",
            "registry.number_subtype_mismatch",
            number=stored,
            subtype=subtype.value,
        )
    return stored


def _default_status(kind: IpKind, grant_date: dt.date | None) -> LegalState:
    if kind is IpKind.COPYRIGHT:
        return LegalState.IN_FORCE  # copyright exists from creation; registration only records it
    return LegalState.IN_FORCE if grant_date is not None else LegalState.PENDING


def record_asset(
    session: Session,
    principal: Principal,
    *,
    kind: IpKind,
    subtype: Subtype,
    number: str,
    title: str,
    filing_date: dt.date,
    owners: Sequence[OwnerShare],
    as_of: dt.date,
    grant_date: dt.date | None = None,
    expiry_date: dt.date | None = None,
    status: LegalState | None = None,
    ipc_symbols: Sequence[str] = (),
    nice_classes: Sequence[int] = (),
    claims: int | None = None,
    same_day_twin: str | None = None,
    annuities_paid_through: int | None = None,
) -> IpAsset:
    """Record an IP asset (登记) with its owners; patents in force get their annuity schedule."""
    require_registry_writer(principal)
    if model.KIND_OF[subtype] is not kind:
        raise _invalid(
            f"{kind.value} 不能有子类型 {subtype.value}",
            f"a {kind.value} cannot be a {subtype.value}",
            "registry.subtype_mismatch",
            kind=kind.value,
            subtype=subtype.value,
        )
    stored = _check_number(kind, subtype, number, filing_date)
    if not title or not title.strip():
        raise _invalid("名称不能为空", "the title is required", "registry.title_required")
    if grant_date is not None and grant_date < filing_date:
        raise _invalid(
            "授权（注册）日不能早于申请日",
            "the grant date cannot precede the filing date",
            "registry.grant_before_filing",
            filing_date=filing_date.isoformat(),
            grant_date=grant_date.isoformat(),
        )
    state = status or _default_status(kind, grant_date)
    if state is LegalState.PENDING and grant_date is not None:
        raise _invalid("已授权的权利不能为审中状态", "a granted right cannot be pending", "registry.status_pending")
    if state is not LegalState.PENDING and grant_date is None and kind is not IpKind.COPYRIGHT:
        raise _invalid(
            "未授权（注册）的专利或商标只能为审中状态",
            "a patent or trademark without a grant date can only be pending",
            "registry.grant_date_required",
        )
    expiry = expiry_date or model.legal_expiry(subtype, filing_date, grant_date)
    if expiry is not None and expiry < filing_date:
        raise _invalid("届满日不能早于申请日", "expiry cannot precede filing", "registry.expiry_before_filing")
    if state is LegalState.IN_FORCE and expiry is not None and expiry < as_of:
        raise _invalid(
            f"保护期已于{expiry}届满，不能登记为有效",
            f"the term ended on {expiry}: the right cannot be in force",
            "registry.expired_in_force",
            expiry_date=expiry.isoformat(),
        )
    symbols = [ipc.validate(s) for s in ipc_symbols]
    if kind is IpKind.TRADEMARK and not nice_classes:
        raise _invalid("商标须指定尼斯分类", "a trademark needs its Nice classes", "registry.nice_classes_required")
    if kind is not IpKind.TRADEMARK and nice_classes:
        raise _invalid("只有商标有尼斯分类", "only trademarks have Nice classes", "registry.nice_classes_not_allowed")
    classes = sorted({trademark.validate_nice_class(n) for n in nice_classes})
    twin = patent_application.validate(same_day_twin) if same_day_twin else None
    if claims is not None and claims < 0:
        raise _invalid("权利要求数不能为负", "claims cannot be negative", "registry.claims_negative")
    check_owners(session, owners)
    existing = session.scalar(select(IpAsset.id).where(IpAsset.kind == kind.value, IpAsset.number == stored))
    if existing is not None:
        raise ConflictError(
            f"该编号已登记：{stored}",
            f"already on the register: {stored}",
            code="registry.asset_exists",
            details={"number": stored, "id": existing},
        )
    asset = IpAsset(
        kind=kind.value,
        subtype=subtype.value,
        number=stored,
        title=title.strip(),
        filing_date=filing_date,
        grant_date=grant_date,
        expiry_date=expiry,
        status=state.value,
        status_date=grant_date or filing_date,
        ipc_main=symbols[0] if symbols else None,
        ipc_all=" ".join(symbols) or None,
        nice_classes=" ".join(str(n) for n in classes) or None,
        claims=claims,
        same_day_twin=twin,
        preserved=False,
        invalidation_pending=False,
    )
    session.add(asset)
    session.flush()
    session.add_all(
        IpOwner(ip_asset_id=asset.id, party_id=o.party_id, share_bp=o.share_bp, since=grant_date or filing_date)
        for o in owners
    )
    if kind is IpKind.PATENT and state is LegalState.IN_FORCE and grant_date is not None:
        schedule_annuities(session, asset, as_of, annuities_paid_through)
    session.flush()
    audit.record(
        session,
        principal,
        "ip_asset.recorded",
        "ip_asset",
        asset.id,
        {
            "kind": kind.value,
            "subtype": subtype.value,
            "number": stored,
            "status": state.value,
            "owners": [[o.party_id, o.share_bp] for o in owners],
        },
    )
    return asset


def get_asset(session: Session, principal: Principal, asset_id: int) -> IpAsset:
    return scope.get_visible(session, IpAsset, asset_id, principal)


def find_asset(session: Session, principal: Principal, kind: IpKind, number: str) -> IpAsset:
    stored = validate_for(kind, number)
    stmt = select(IpAsset).where(IpAsset.kind == kind.value, IpAsset.number == stored)
    return scope.one_visible(session, stmt, IpAsset, principal)


def owners_of(session: Session, asset_id: int) -> list[IpOwner]:
    return list(session.scalars(select(IpOwner).where(IpOwner.ip_asset_id == asset_id).order_by(IpOwner.party_id)))


# --- annuities (年费) ------------------------------------------------------------------------------------------------


def schedule_annuities(
    session: Session, asset: IpAsset, as_of: dt.date, paid_through: int | None = None
) -> list[Annuity]:
    """Add missing annuity rows for the years already started and the next one.

    ``paid_through``: years up to it are recorded as paid on their due date. When not given for a right in force,
    every year already due on ``as_of`` is taken as paid — the register says the right is alive, so its fees were
    paid; a fee in grace must be recorded with an explicit ``paid_through``.
    """
    if asset.kind != IpKind.PATENT.value or asset.grant_date is None:
        return []
    subtype = Subtype(asset.subtype)
    years = model.annuity_years(subtype, asset.filing_date, asset.grant_date, as_of)
    have = set(session.scalars(select(Annuity.year_no).where(Annuity.ip_asset_id == asset.id)))
    added: list[Annuity] = []
    for year in years:
        if year in have:
            continue
        due = model.annuity_due(asset.filing_date, year)
        fee = to_fen(model.annuity_fee(subtype, year))
        paid = year <= paid_through if paid_through is not None else due <= as_of
        row = Annuity(
            ip_asset_id=asset.id,
            year_no=year,
            due_date=due,
            amount_fen=fee,
            paid_on=due if paid else None,
            paid_fen=fee if paid else None,
        )
        session.add(row)
        added.append(row)
    session.flush()
    return added


def pay_annuity(session: Session, principal: Principal, asset_id: int, year_no: int, paid_on: dt.date) -> Annuity:
    """Record a fee payment; late payments in grace carry the surcharge (滞纳金), after grace they are refused."""
    require_registry_writer(principal)
    asset = get_asset(session, principal, asset_id)
    row = session.get(Annuity, (asset.id, year_no))
    if row is None:
        raise NotFoundError(
            f"第{year_no}年度年费不存在", f"no annuity for year {year_no}", code="registry.annuity_not_found"
        )
    if row.paid_on is not None:
        raise ConflictError(
            f"第{year_no}年度年费已于{row.paid_on}缴纳",
            f"the year {year_no} annuity was paid on {row.paid_on}",
            code="registry.annuity_already_paid",
        )
    if asset.status != LegalState.IN_FORCE.value:
        raise ConflictError(
            f"权利状态为{model.LEGAL_STATE_ZH[LegalState(asset.status)]}，不能缴纳年费",
            f"the right is {asset.status}: no annuity can be paid",
            code="registry.annuity_not_in_force",
        )
    rate = model.surcharge_rate(row.due_date, paid_on)
    amount = Decimal(row.amount_fen) / 100
    row.paid_on = paid_on
    row.paid_fen = to_fen(round_fen(amount * (1 + rate)))
    schedule_annuities(session, asset, max(paid_on, row.due_date) + dt.timedelta(days=1), paid_through=year_no)
    audit.record(
        session,
        principal,
        "annuity.paid",
        "ip_asset",
        asset.id,
        {"year": year_no, "paid_on": paid_on.isoformat(), "paid_fen": row.paid_fen, "surcharge_rate": str(rate)},
    )
    return row
