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
from ippledge.risk_sharing.covers import service as covers
from ippledge.risk_sharing.enrolments import service as enrolments
from ippledge.risk_sharing.pools import service as pools
from ippledge.risk_sharing.pools.tables import FundPool
from ippledge.risk_sharing.schemes import service as schemes
from ippledge.risk_sharing.schemes import whitelist
from ippledge.risk_sharing.subsidies import service as subsidies

add_scheme_version = schemes.add_version  # 方案版本: a scheme document as a new version
record_whitelisting = whitelist.record_listing  # 白名单: an enterprise named on a scheme's whitelist
create_pool = pools.create_pool  # 资金池: the fund's pool for a scheme
enrol = enrolments.enrol  # 纳入: the lending bank enrols its loan; a refusal lists every reason
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
review_subsidy = subsidies.propose  # 补贴初审 (maker)
decide_subsidy = subsidies.decide  # 补贴复核 (checker)
pay_subsidy = subsidies.pay  # 补贴拨付


def contribute(
    session: Session, principal: Principal, scheme_code: str, amount: Decimal | str, day: dt.date, key: str
) -> FundPool:
    """注资: money paid into the pool (once per ``key``); what the fund owes banks on claims is then paid out of it,
    oldest first (``claims.debts.pay_down``), in the same transaction."""
    pool, new = pools.contribute(session, principal, scheme_code, amount, day, key)
    if new:
        debts.pay_down(session, principal, pool, day)
    return pool
