"""Event topics (事件主题): every topic the platform publishes, with what its payload carries. Pure data.

The outbox refuses any other topic; delivery matches subscriptions against this catalogue; docs/events.md lists it.
"""

from __future__ import annotations

# Every topic the platform publishes (the outbox refuses any other), with what its payload carries.
TOPICS: dict[str, str] = {
    "credit.approved": "授信批准 credit decision approved: decision, amount, rate, term, pledged_asset_ids",
    "intake.task_assigned": "受理任务分派 task opened for a party: task_id, application_id, kind, due_on",
    "intake.task_overdue": "受理任务超时 task past its time limit: task_id, application_id, due_on, as_of",
    "ip.status_changed": "知识产权法律状态变化 legal status changed: asset_id, code, status_before/after",
    "lending.contracted": "签订借款合同 loan contracted: loan_id, contract_no",
    "lending.disbursed": "放款 loan disbursed: loan_id, amount, value_date",
    "lending.repaid": "贷款结清 loan repaid in full: loan_id, contract_no, on, release_filings",
    "lending.defaulted": "认定违约 loan declared in default: loan_id, on",
    "lending.written_off": "核销 loan written off: loan_id, on, principal, interest, penalty",
    "lending.restructured": "贷款重组 loan restructured: loan_id, on, floor, observation_ends, reason",
    "lending.advance": "代垫费用 the bank paid for the borrower, owed on the loan: loan_id, amount, on, reason, entry",
    "lending.extended": "展期 loan extended: loan_id, extension_id, on, months, from_maturity, to_maturity, "
    "pledge_change_filings, restructured",
    "lending.repriced": "浮动利率重定价 floating rate repriced from the LPR: loan_id, on, lpr_date, lpr_bp, spread_bp, "
    "from_rate, to_rate, from_period",
    "lending.recalled": "提前收回 loan recalled, all principal due at once: loan_id, recalled_on, decided_on, period, "
    "principal_due, interest, interest_adjustment, dropped_periods, reason",
    "lending.renewed": "续贷/无还本续贷 loan renewed on the same pledge: renewal_id, kind, old_loan_id, new_loan_id, "
    "on, amount, maturity_date, pledge_change_filings, restructured",
    "lending.charged": "贷款费用 a fee charged on the loan: loan_id, charge_id, kind, amount, collect, payee, on",
    "lending.recovered": "核销后收回 recovery on a written-off loan: loan_id, amount",
    "loan.overdue": "贷款逾期 loan newly past due at the daily close: loan_id, on, dpd, overdue_principal_fen",
    "loan.reclassified": "五级分类变化 loan grade moved at the daily close: loan_id, on, from, to, dpd",
    "monitoring.alert": "贷后监测预警 post-loan alert to every risk sharer: alert_id, loan_id, finding, subject, what, "
    "why, action, act_by, watch_entry_id, details",
    "monitoring.action": "贷后措施 a post-loan action proposed, done, refused or overdue: action_id, loan_id, kind, "
    "state, act_by, details",
    "monitoring.watch_changed": "关注名单变化 watch-list entry opened or moved: entry_id, loan_id, rule, from, to, on",
    "pledge.filing_submitted": "质押登记申请已提交 filing submitted: filing_id, filing_no, kind, due_on",
    "pledge.registered": "质押登记生效 pledge registered: pledge_id, registration_no, asset_ids, effective_on",
    "pledge.changed": "质押变更登记 pledge changed: pledge_id, registration_no, changed, version",
    "pledge.released": "质押注销登记 pledge released: pledge_id, registration_no, asset_ids, released_on",
    "pledge.collateral_status_changed": "质物法律状态变化 a pledged IP's legal status changed: pledge_id, asset_id, "
    "code, effective_date, status_before, status_after, preserved, feed_batch_id",
    "pledge.refused": "不予登记 filing refused: filing_id, codes, note",
    "risk.enrolled": "纳入风险补偿方案 loan enrolled in a scheme: loan_id, scheme_code, version, enrolled_on",
    "risk.claim_filed": "补偿申请提交 compensation claim filed: claim_id, loan_id, scheme_code, status, review_due",
    "risk.claim_decided": "补偿申请决定 claim paid, advanced or rejected: claim_id, loan_id, status, shares, fund_owed",
    "risk.claim_settled": "预付清算 advance settled, or its settlement rejected: claim_id, loan_id, status, shares",
    "risk.clawback": "追偿返还 recoveries after payout shared back: claim_id, loan_id, recovered",
    "risk.fund_debt_paid": "应付代偿偿还 the fund paid down what it owed on a claim: claim_id, paid, owed",
    "risk.subsidy_paid": "补贴拨付 subsidy paid: application_id, rule_code, amount, enterprise_id",
    "risk.liability_claim_filed": "职业责任保险索赔 the institution claimed on its policy: liability_claim_id, "
    "policy_id, risk_claim_id, loss, cause",
    "risk.liability_claim_settled": "职业责任保险理算 the insurer settled or declined: liability_claim_id, policy_id, "
    "risk_claim_id, status, indemnity, limited_by",
    "whitelist.pushed": "白名单推送 a list's top firms pushed to a bank: push_id, whitelist_id, list_name, pushed_on, "
    "respond_by, firms (item_id, rank, enterprise_id, name, uscc, score, reasons)",
    "whitelist.follow_up_overdue": "白名单跟进逾期督办 a pushed firm not followed up in time, to the bank and the "
    "regulator: item_id, push_id, whitelist_id, event_id, bank_id, enterprise_id, state, due_on, as_of",
    "outreach.follow_ups": "活动后续对接 an event's attending firms to follow up, to each invited bank: event_id, "
    "push_id, title, held_on, respond_by, firms (item_id, enterprise_id, name, uscc)",
    "valuation.ltv_breach": "质押率超限 loan-to-value above the threshold: pledge_id, loan_ltv_bp, threshold_bp",
}


def known_topic(topic: str) -> bool:
    return topic in TOPICS
