"""Risk-sharing commands (风险分担命令接口): what the edges (HTTP, CLI) and other capabilities ask risk_sharing to do.

Every command runs inside the caller's unit of work (it flushes, never commits) and checks who may act. A command
returns the row it wrote, for this capability's own edge to answer from; other capabilities read results through
``risk_sharing.queries``. Most commands are a sub-capability's own function, published here under the name a fund
administrator would use; only the contribution joins two of them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy.orm import Session

from ippledge.access.model import Principal
from ippledge.risk_sharing.claims import clawback, debts, settlement
from ippledge.risk_sharing.claims import service as claims
from ippledge.risk_sharing.claims import store as claim_store
from ippledge.risk_sharing.claims.tables import Claim
from ippledge.risk_sharing.covers import service as covers
from ippledge.risk_sharing.enrolments import renewal as enrolment_renewal
from ippledge.risk_sharing.enrolments import service as enrolments
from ippledge.risk_sharing.errors import CLAIM_EVIDENCE, LIABILITY_NO_SHARE
from ippledge.risk_sharing.liability import service as liability
from ippledge.risk_sharing.liability.tables import LiabilityClaim
from ippledge.risk_sharing.model import Party
from ippledge.risk_sharing.pools import service as pools
from ippledge.risk_sharing.pools.tables import FundPool
from ippledge.risk_sharing.schemes import service as schemes
from ippledge.risk_sharing.schemes import whitelist
from ippledge.risk_sharing.subsidies import service as subsidies

add_scheme_version = schemes.add_version  # 方案版本: a scheme document as a new version
record_whitelisting = whitelist.record_listing  # 白名单: an enterprise named on a scheme's whitelist
create_pool = pools.create_pool  # 资金池: the fund's pool for a scheme
enrol = enrolments.enrol  # 纳入: the lending bank enrols its loan; a refusal lists every reason
carry_enrolment = (
    enrolment_renewal.carry_enrolment
)  # 续贷纳入: a renewal's new loan joins the old loan's scheme, or says why not
add_cover = covers.add_cover  # 保险/担保: a cover of a loan, or pooled over a scheme
pay_premium = covers.pay_premium  # 保费: the payer pays the cover's premium
file_claim = claims.file_claim  # 补偿申请: the bank files a claim on a loan in default
review_claim = claims.propose_payment  # 初审: the fund's reviewer proposes paying (maker)
decide_claim = claims.decide  # 复核: a different approver pays, advances or rejects (checker)
settle_claim = settlement.settle_claim  # 预付清算: an advance settled, or its settlement rejected, after write-off
recover = clawback.recover  # 追偿: a recovery on a claimed loan
share_back = clawback.share_back  # 返还: recoveries shared back in the borne proportions
add_subsidy_rule = subsidies.add_rule  # 补贴规则
apply_subsidy = subsidies.apply  # 补贴申请
quote_subsidy = subsidies.quote  # 补贴测算: the application worked out, nothing written
review_subsidy = subsidies.propose  # 补贴初审 (maker)
decide_subsidy = subsidies.decide  # 补贴复核 (checker)
pay_subsidy = subsidies.pay  # 补贴拨付
write_liability_policy = liability.write_policy  # 职业责任保险单: the insurer writes the institution's policy
pay_liability_premium = liability.pay_premium  # 保费: the institution pays; the pool pays the subsidy back
settle_liability_claim = liability.settle  # 理算: the insurer indemnifies the institution within the limits
appoint_disposal_agent = liability.appoint_disposal_agent  # 处置代理: the bank appoints the institution


def contribute(
    session: Session, principal: Principal, scheme_code: str, amount: Decimal | str, day: dt.date, key: str
) -> FundPool:
    """注资: money paid into the pool (once per ``key``); what the fund owes banks on claims is then paid out of it,
    oldest first (``claims.debts.pay_down``), in the same transaction."""
    pool, new = pools.contribute(session, principal, scheme_code, amount, day, key)
    if new:
        debts.pay_down(session, principal, pool, day)
    return pool


def co_contribute(
    session: Session, principal: Principal, scheme_code: str, amount: Decimal | str, day: dt.date, key: str
) -> FundPool:
    """共建出资: the district IP office's money (through the fund) or the institution's own into the pool; what the
    fund owes banks is then paid out of it, as after any contribution."""
    pool, _, new = liability.co_contribute(session, principal, scheme_code, amount, day, key)
    if new:
        debts.pay_down(session, principal, pool, day)
    return pool


def file_liability_claim(
    session: Session, principal: Principal, risk_claim_id: int, cause: str, statement: str, today: dt.date
) -> LiabilityClaim:
    """索赔: the institution claims on its liability policy for what it paid the bank on a compensation claim (its
    ``ip_operator`` share, paid through the ledger); another party's claim, or one it paid nothing on, is refused."""
    reason = liability.parse_cause(cause)
    claim = session.get(Claim, risk_claim_id)
    share = None
    if claim is not None:
        share = next((r for r in claim_store.shares_of(session, claim.id) if r.role == Party.IP_OPERATOR.value), None)
    if claim is None or share is None or share.party_id != principal.party_id or share.entry_id is None:
        raise LIABILITY_NO_SHARE(claim_id=risk_claim_id)
    if not (statement or "").strip():
        raise CLAIM_EVIDENCE()
    return liability.file_claim(
        session,
        principal,
        scheme_code=claim.scheme_code,
        risk_claim_id=claim.id,
        triggered_on=claim.triggered_on,
        loss=share.amount - share.clawed_back,
        cause=reason,
        statement=statement.strip(),
        today=today,
    )
