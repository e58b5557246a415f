"""The registry's pre-check (登记预审): every refusal that applies to a filing or to the IP offered before a contract
exists, never only the first, so the parties can fix a filing in one round; similar marks pledged together (the
duty of 商标专用权质权登记程序 2020). Pure, no I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ippledge.pledge.model.grounds import FilingFacts, Refusal, RefusalGround
from ippledge.registry.model import (
    AnnuityState,
    AssetFacts,
    IpKind,
    LegalState,
    MarkTerm,
    annuity_state,
    grace_end,
    mark_term,
    renewal_grace_end,
)

_DEAD = frozenset(
    {
        LegalState.TERMINATED,
        LegalState.INVALIDATED,
        LegalState.EXPIRED,
        LegalState.ABANDONED,
        LegalState.REVOKED,
        LegalState.CANCELLED,
    }
)


def _missing_contract_fields(f: FilingFacts, assets: Sequence[AssetFacts]) -> list[str]:
    missing: list[str] = []
    if f.pledgor_id is None:
        missing.append("pledgor")
    if f.pledgee_id is None:
        missing.append("pledgee")
    if not (f.debt_type or "").strip():
        missing.append("debt_type")
    if f.debt_amount is None or f.debt_amount <= 0:
        missing.append("debt_amount")
    if f.debt_end is None:
        missing.append("debt_end")
    if not (f.security_scope or "").strip():
        missing.append("security_scope")
    if not assets:
        missing.append("ip_items")
    for a in assets:
        if not a.title.strip():
            missing.append(f"ip[{a.number}].title")
        if not a.number.strip():
            missing.append(f"ip[{a.id}].number")
        # A pending application has no grant date; ground 3 already says so, so it is not listed twice.
        if a.grant_date is None and a.status is not LegalState.PENDING:
            missing.append(f"ip[{a.number}].grant_date")
    return missing


def _mark_expired(add: Callable[..., None], n: str, expiry: dt.date, as_of: dt.date) -> None:
    if mark_term(expiry, as_of) is MarkTerm.IN_GRACE:
        until = renewal_grace_end(expiry)
        add(
            RefusalGround.MARK_EXPIRED,
            f"{n}：注册商标已于{expiry.isoformat()}期满，尚在宽展期（至{until.isoformat()}），须先办理续展",
            f"{n}: the mark expired on {expiry.isoformat()}; it can still be renewed until {until.isoformat()} "
            "(grace period), and must be before it is pledged",
            expiry_date=expiry.isoformat(),
            renewable_until=until.isoformat(),
        )
        return
    add(
        RefusalGround.MARK_EXPIRED,
        f"{n}：注册商标已于{expiry.isoformat()}期满且未续展",
        f"{n}: the mark expired on {expiry.isoformat()} and was not renewed",
        expiry_date=expiry.isoformat(),
    )


def _mark_key(title: str) -> str:
    return "".join(ch for ch in title.casefold() if ch.isalnum())


def similar_marks(a: AssetFacts, b: AssetFacts) -> bool:
    """Identical or similar marks on identical or similar goods (相同或近似商标、同一种或类似商品).

    The register holds the mark's text and Nice classes, not its design or the 类似商品和服务区分表 groups, so this
    is the part that can be decided from them: the same text, or one text inside the other (华信 / 华信达), in a
    shared Nice class.
    """
    if a.kind is not IpKind.TRADEMARK or b.kind is not IpKind.TRADEMARK or not (a.nice_classes & b.nice_classes):
        return False
    ka, kb = _mark_key(a.title), _mark_key(b.title)
    if not ka or not kb:
        return False
    return ka == kb or (min(len(ka), len(kb)) >= 2 and (ka in kb or kb in ka))


def marks_apart(assets: Sequence[AssetFacts], pledgor_marks: Sequence[AssetFacts]) -> list[Refusal]:
    """Ground 17: each filed live mark with a live identical or similar mark of the pledgor left out of the filing
    (a filed mark that is itself dead is refused for that; listing its twins would add nothing)."""
    filed = {a.id for a in assets}
    out: list[Refusal] = []
    for a in assets:
        if a.status is not LegalState.IN_FORCE:
            continue
        left = sorted(
            m.number
            for m in pledgor_marks
            if m.id not in filed and m.status is LegalState.IN_FORCE and similar_marks(a, m)
        )
        if left:
            out.append(
                Refusal(
                    RefusalGround.SIMILAR_MARKS_APART,
                    f"{a.number}：同一种或类似商品上的相同或近似商标（{', '.join(left)}）须一并出质",
                    f"{a.number}: identical or similar marks on similar goods ({', '.join(left)}) must be pledged too",
                    asset_id=a.id,
                    number=a.number,
                    details={"left_out": left},
                )
            )
    return out


def _per_asset(f: FilingFacts, a: AssetFacts, in_force: Mapping[int, str], as_of: dt.date) -> list[Refusal]:
    out: list[Refusal] = []
    n = a.number

    def add(ground: RefusalGround, zh: str, en: str, **details: Any) -> None:
        out.append(Refusal(ground, zh, en, asset_id=a.id, number=n, details=details))

    if f.registry_kinds is not None and a.kind not in f.registry_kinds:
        kinds = sorted(k.value for k in f.registry_kinds)
        add(
            RefusalGround.OTHER,
            f"{n}：该登记机关不办理此类知识产权（{a.kind.value}）的质押登记",
            f"{n}: this registry does not register pledges of {a.kind.value} rights",
            reason="wrong_registry",
            registry_kinds=kinds,
        )
    owner_ids = {o.party_id for o in a.owners}
    if f.pledgor_id is not None and f.pledgor_id not in owner_ids:
        add(RefusalGround.NOT_OWNER, f"{n}：出质人不是登记的权利人", f"{n}: the pledgor is not the registered owner")
    expired = a.expiry_date is not None and a.expiry_date < as_of
    mark = a.kind is IpKind.TRADEMARK
    if mark and a.status is LegalState.REVOKED:
        add(RefusalGround.MARK_REVOKED, f"{n}：注册商标已被撤销", f"{n}: the mark has been revoked")
    elif mark and a.status is LegalState.CANCELLED:
        add(RefusalGround.MARK_CANCELLED, f"{n}：注册商标已被注销", f"{n}: the mark has been cancelled")
    elif mark and a.expiry_date is not None and (a.status is LegalState.EXPIRED or expired):
        _mark_expired(add, n, a.expiry_date, as_of)
    elif a.status in _DEAD or (expired and a.status is not LegalState.PENDING):
        add(
            RefusalGround.RIGHT_NOT_ALIVE,
            f"{n}：权利已终止、届满或被宣告无效",
            f"{n}: the right has terminated, expired or been invalidated ({a.status.value})",
            status=a.status.value,
        )
    if a.status is LegalState.PENDING:
        add(RefusalGround.NOT_GRANTED, f"{n}：申请尚未授权", f"{n}: the application has not been granted")
    if a.status is LegalState.IN_FORCE and not expired:
        for due in a.unpaid_due_dates:
            state = annuity_state(due, None, as_of)
            if state is AnnuityState.IN_GRACE:
                add(
                    RefusalGround.ANNUITY_UNPAID,
                    f"{n}：{due.isoformat()}到期的年费未缴，处于滞纳期（至{grace_end(due).isoformat()}），权利有终止风险",
                    f"{n}: annuity due {due.isoformat()} unpaid, in the grace period until "
                    f"{grace_end(due).isoformat()}; the right is at risk",
                    due=due.isoformat(),
                    state=state.value,
                )
            elif state is AnnuityState.LAPSED:
                add(
                    RefusalGround.ANNUITY_UNPAID,
                    f"{n}：{due.isoformat()}到期的年费滞纳期已过仍未缴纳，权利已终止",
                    f"{n}: annuity due {due.isoformat()} unpaid past the grace period; the right has lapsed",
                    due=due.isoformat(),
                    state=state.value,
                )
    if a.preserved and mark:
        add(
            RefusalGround.MARK_SEALED,
            f"{n}：注册商标已被法院查封、冻结",
            f"{n}: the mark is sealed or frozen by a court",
        )
    elif a.preserved:
        add(
            RefusalGround.PRESERVED,
            f"{n}：因权属纠纷中止或已被法院保全",
            f"{n}: suspended for an ownership dispute or under court preservation",
        )
    # Ground 6 is about a right still running; one already past its term is refused as such (ground 2 or 15).
    if f.debt_end is not None and a.expiry_date is not None and not expired and f.debt_end > a.expiry_date:
        add(
            RefusalGround.DEBT_PAST_EXPIRY,
            f"{n}：债务履行期限（{f.debt_end.isoformat()}）超过权利有效期（{a.expiry_date.isoformat()}）",
            f"{n}: the debt runs to {f.debt_end.isoformat()}, past the right's expiry {a.expiry_date.isoformat()}",
            debt_end=f.debt_end.isoformat(),
            expiry_date=a.expiry_date.isoformat(),
        )
    if f.pledgor_id is not None and f.pledgor_id in owner_ids and len(owner_ids) > 1:
        missing = sorted(owner_ids - {f.pledgor_id} - f.consenting_party_ids)
        if missing and not f.coowner_agreement:  # 未取得全体共有人同意且无特别约定
            add(
                RefusalGround.COOWNER_CONSENT_MISSING,
                f"{n}：共有权利缺少共有人同意（共有人编号：{', '.join(map(str, missing))}）",
                f"{n}: co-owned right lacks the consent of co-owner(s) {', '.join(map(str, missing))}",
                missing_party_ids=missing,
            )
    if a.id in in_force:
        reg = in_force[a.id]
        add(
            RefusalGround.ALREADY_PLEDGED,
            f"{n}：已被质押（登记号 {reg}），质押尚未注销",
            f"{n}: already pledged under registration {reg}, not yet released",
            registration_no=reg,
        )
    if a.same_day_twin and not f.confirms_same_day_dual:
        add(
            RefusalGround.SAME_DAY_DUAL,
            f"{n}：与{a.same_day_twin}为同日申请的发明和实用新型，需当事人确认后方可登记",
            f"{n}: same-day invention/utility model pair with {a.same_day_twin}; needs the parties' confirmation",
            twin=a.same_day_twin,
        )
    if a.invalidation_pending and not f.confirms_invalidation_pending:
        add(
            RefusalGround.INVALIDATION_PENDING,
            f"{n}：无效宣告请求正在审查中，需当事人确认后方可登记",
            f"{n}: an invalidation request is pending; needs the parties' confirmation",
        )
    return out


def precheck(
    filing: FilingFacts,
    assets: Sequence[AssetFacts],
    in_force: Mapping[int, str],
    as_of: dt.date,
    pledgor_marks: Sequence[AssetFacts] = (),
) -> list[Refusal]:
    """Every refusal that applies to ``filing`` on ``as_of``.

    ``in_force`` maps asset id -> registration number of a pledge in force on it (other than the one a change
    filing amends). Grounds 10 and 11 pass only when the filing records the parties' confirmation; ground 12
    (other) is raised here only for an IP kind the registry does not handle, otherwise by an officer's decision.
    ``pledgor_marks``: the pledgor's other marks, for the duty to pledge similar marks together (ground 17).
    A forfeiture clause is not a ground: see :func:`warnings`.
    """
    refusals: list[Refusal] = []
    missing = _missing_contract_fields(filing, assets)
    if missing:
        refusals.append(
            Refusal(
                RefusalGround.CONTRACT_INCOMPLETE,
                f"质押合同缺少必备内容：{', '.join(missing)}",
                f"the pledge contract lacks mandatory content: {', '.join(missing)}",
                details={"missing": missing},
            )
        )
    for a in assets:
        refusals.extend(_per_asset(filing, a, in_force, as_of))
    refusals.extend(marks_apart(assets, pledgor_marks))
    return sorted(refusals, key=lambda r: (r.ground.number, r.number or ""))


def asset_precheck(
    pledgor_id: int,
    assets: Sequence[AssetFacts],
    in_force: Mapping[int, str],
    as_of: dt.date,
    *,
    debt_end: dt.date | None = None,
    registry_kinds: frozenset[IpKind] | None = None,
    pledgor_marks: Sequence[AssetFacts] = (),
) -> list[Refusal]:
    """The registry's pre-check on the offered IP before any contract exists (intake, credit): every per-IP ground,
    with the contract's grounds left out (no contract yet) and ground 6 only when the debt's end is known."""
    facts = FilingFacts(pledgor_id=pledgor_id, pledgee_id=None, debt_end=debt_end, registry_kinds=registry_kinds)
    out: list[Refusal] = []
    for a in assets:
        out.extend(_per_asset(facts, a, in_force, as_of))
    out.extend(marks_apart(assets, pledgor_marks))
    return sorted(out, key=lambda r: (r.ground.number, r.number or ""))
