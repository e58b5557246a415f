"""Words and figures of the console (界面用语与金额格式): Chinese first, English when the user switches.

Statuses, grades and task kinds are shown in the reader's language, never as codes; amounts in 元 with 万元 where a
summary needs them. Pure functions: no framework, so the labels are testable on their own.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ippledge.console.i18n_charts import CHART_LABELS
from ippledge.console.i18n_desks import DESK_FIELD_ERRORS, DESK_LABELS
from ippledge.console.i18n_disposal import DISPOSAL_FIELD_ERRORS, DISPOSAL_LABELS

LANGS = ("zh", "en")

# key -> (zh, en). Keys are the codes the services use, prefixed by what they label.
LABELS: dict[str, tuple[str, str]] = {
    # application status (申请状态)
    "app.submitted": ("已受理", "Submitted"),
    "app.in_review": ("审查中", "In review"),
    "app.approved": ("已获批", "Approved"),
    "app.declined": ("未获批", "Declined"),
    "app.withdrawn": ("已撤回", "Withdrawn"),
    # task kinds and statuses (任务)
    "task.bank_review": ("银行审查", "Bank review"),
    "task.valuation": ("资产评估", "Valuation"),
    "task.internal_valuation": ("银行内部评估", "Internal valuation"),
    "task.underwriting": ("保险或担保审核", "Underwriting"),
    "task.pledge_registration": ("质押登记", "Pledge registration"),
    "task.ip_review": ("知识产权审查", "IP review"),
    "tstatus.open": ("待接收", "Open"),
    "tstatus.accepted": ("办理中", "In progress"),
    "tstatus.declined": ("已拒绝", "Declined"),
    "tstatus.done": ("已完成", "Done"),
    "tstatus.cancelled": ("已取消", "Cancelled"),
    # credit decision status (授信决定)
    "dec.pending": ("待审批", "Awaiting approval"),
    "dec.approved": ("已批准", "Approved"),
    "dec.rejected": ("已否决", "Rejected"),
    "dec.failed": ("规则未通过", "Rules failed"),
    # pledge filings (质押登记申请)
    "filing.draft": ("草稿（尚无一方确认）", "Draft (no side has confirmed)"),
    "filing.awaiting_confirmations": ("待对方确认", "Awaiting the other side"),
    "filing.confirmed": ("双方已确认，待提交", "Confirmed by both, to submit"),
    "filing.submitted": ("已提交登记机关", "Submitted to the registry"),
    "filing.registered": ("准予登记", "Registered"),
    "filing.refused": ("不予登记", "Refused"),
    "filing.withdrawn": ("已撤回", "Withdrawn"),
    # five-tier grades (五级分类)
    "grade.normal": ("正常", "Normal"),
    "grade.special_mention": ("关注", "Special mention"),
    "grade.substandard": ("次级", "Substandard"),
    "grade.doubtful": ("可疑", "Doubtful"),
    "grade.loss": ("损失", "Loss"),
    # loan status (贷款状态)
    "loan.contracted": ("已签约", "Contracted"),
    "loan.active": ("放款后存续", "Active"),
    "loan.repaid": ("已结清", "Repaid"),
    "loan.written_off": ("已核销", "Written off"),
    # IP legal states (法律状态)
    "ip.pending": ("审中", "Pending"),
    "ip.in_force": ("有效", "In force"),
    "ip.terminated": ("终止（未缴年费）", "Terminated (annuity unpaid)"),
    "ip.invalidated": ("全部无效", "Invalidated"),
    "ip.expired": ("期限届满", "Expired"),
    "ip.abandoned": ("放弃", "Abandoned"),
    "ip.revoked": ("被撤销", "Revoked"),
    "ip.cancelled": ("被注销", "Cancelled"),
    "ip.not_granted": ("未授权（驳回或撤回）", "Not granted (rejected or withdrawn)"),
    # lending basis (授信依据)
    "basis.report": ("外部评估报告", "Valuer's report"),
    "basis.internal": ("银行内部评估", "Bank's internal valuation"),
    "basis.model": ("模型估值", "Model value"),
    "basis.mixed": ("混合依据", "Mixed"),
    # valuation governance flags (估值预警)
    "flag.outside_range": ("超出模型区间", "Outside the model's band"),
    "flag.far_from_peers": ("偏离同行评估", "Far from other valuers"),
    "flag.opinion_shopping": ("疑似挑选评估意见", "Possible opinion shopping"),
    "flag.concentration": ("评估业务集中", "Concentration on one client"),
    # roles (角色)
    "role.enterprise_user": ("企业经办人", "Firm finance manager"),
    "role.credit_officer": ("客户经理", "Credit officer"),
    "role.approver": ("审批人", "Approver"),
    "role.admin": ("机构管理员", "Administrator"),
    # page words
    "ui.title": ("知识产权质押融资平台", "IP pledge financing platform"),
    "ui.sign_in": ("登录", "Sign in"),
    "ui.sign_out": ("退出", "Sign out"),
    "ui.username": ("用户名", "Username"),
    "ui.password": ("密码", "Password"),
    "ui.home": ("工作台", "Home"),
    "ui.inbox": ("待办事项", "Inbox"),
    "ui.inbox_empty": ("暂无待办事项", "Nothing to do"),
    "ui.my_ip": ("我的知识产权", "My IP"),
    "ui.apply": ("申请贷款", "Apply for a loan"),
    "ui.applications": ("我的申请", "Applications"),
    "ui.queue": ("工作队列", "Work queue"),
    "ui.book": ("贷款台账", "Loan book"),
    "ui.approvals": ("待我审批", "Awaiting my approval"),
    "ui.due": ("办理时限", "Due"),
    "ui.due_date": ("应还日", "Due date"),
    "ui.elapsed": ("已用工作日", "Working days used"),
    "ui.overdue": ("已超时", "Overdue"),
    "ui.on_time": ("未超时", "On time"),
    "ui.open": ("打开", "Open"),
    "ui.amount": ("金额（元）", "Amount (yuan)"),
    "ui.sum": ("金额", "Amount"),  # a column whose cells carry their unit (万元)
    "ui.term": ("期限（月）", "Term (months)"),
    "ui.purpose": ("用途", "Purpose"),
    "ui.banks": ("申请银行", "Banks"),
    "ui.ip": ("质押知识产权", "IP to pledge"),
    "ui.submit": ("提交", "Submit"),
    "ui.status": ("状态", "Status"),
    "ui.timeline": ("办理进度", "Timeline"),
    "ui.consents": ("授权查询", "Consents"),
    "ui.grant": ("授权", "Grant"),
    "ui.valuations": ("评估结果与模型区间", "Valuations beside the model's band"),
    "ui.model_band": ("模型区间（P10–P90）", "Model band (P10–P90)"),
    "ui.flags": ("预警", "Flags"),
    "ui.decisions": ("授信决定", "Credit decisions"),
    "ui.checks": ("规则检查", "Rule checks"),
    "ui.basis": ("授信依据", "Lending basis"),
    "ui.approve": ("批准", "Approve"),
    "ui.reject": ("否决", "Reject"),
    "ui.reason": ("意见", "Reason"),
    "ui.filings": ("质押登记申请", "Pledge filings"),
    "ui.confirm": ("确认", "Confirm"),
    "ui.confirmed": ("已确认", "Confirmed"),
    "ui.schedule": ("还款计划", "Schedule"),
    "ui.grade": ("五级分类", "Grade"),
    "ui.outstanding": ("贷款余额", "Outstanding"),
    "ui.not_found": ("页面不存在，或您无权查看该记录。", "No such page, or the record is not yours to see."),
    "ui.expired": ("会话已过期，请重新登录。", "Your session has expired; please sign in again."),
    "ui.forbidden": ("无权执行此操作。", "You may not do this."),
    "ui.signed_out": ("您已退出。", "You have signed out."),
    "ui.pass": ("通过", "Pass"),
    "ui.fail": ("未通过", "Fail"),
    "ui.ok": ("已完成", "Done"),
    "ui.firm": ("企业", "Firm"),
    "ui.bank": ("银行", "Bank"),
    "ui.application": ("贷款申请", "Loan application"),
    "ui.loans": ("我的贷款", "My loans"),
    "ui.none": ("无", "None"),
    "ui.basis_kind": ("依据类型", "Basis"),
    "ui.appraisal": ("评估值（记录）", "Appraisal of record"),
    "ui.ltv_cap": ("质押率上限", "LTV cap"),
    "ui.max_supported": ("可支持最高额度", "Most the basis supports"),
    "ui.forced_sale": ("强制变现值", "Forced-sale value"),
    "ui.principal": ("本金", "Principal"),
    "ui.interest": ("利息", "Interest"),
    "ui.payment": ("应还合计", "Payment"),
    "ui.settled": ("结清日", "Settled on"),
    "ui.rule": ("规则", "Rule"),
    "ui.result": ("结果", "Result"),
    "ui.dpd": ("逾期天数", "Days past due"),
    "ui.contract": ("合同编号", "Contract"),
    "ui.number": ("编号", "Number"),
    "ui.overdue_only": ("只看已超时", "Overdue only"),
    "ui.consent_to": ("授权以下机构查询本申请", "Let this party read the application"),
    # roles of the other desks
    "role.registry_officer": ("登记审查员", "Registry officer"),
    "role.valuer": ("评估师", "Valuer"),
    "role.underwriter": ("核保审查员", "Underwriter"),
    "role.fund_reviewer": ("补偿审核员", "Fund reviewer"),
    "role.analyst": ("监管统计员", "Regulator's analyst"),
    "role.operator": ("窗口受理员", "Window officer"),
    "role.operator.ip_operator": ("运营专员", "IP operations officer"),
    # the registry officer (登记审查)
    "ui.registry_queue": ("待审登记", "Filings to decide"),
    "ui.register": ("准予登记", "Register"),
    "ui.debt_term": ("债务履行期限", "Debt term"),
    "ui.refuse": ("不予登记", "Refuse"),
    "ui.grounds": ("不予登记事由", "Refusal grounds"),
    "ui.precheck_clear": ("预审未发现不予登记事由", "The pre-check found no refusal ground"),
    "ui.note": ("说明", "Note"),
    "ui.submitted_on": ("提交日", "Submitted"),
    "ui.registration_no": ("登记号", "Registration no."),
    "ui.register_page": ("登记簿", "Register"),
    "ui.legal_events": ("法律状态事件", "Legal events"),
    "ui.event_date": ("生效日", "Effective"),
    "ui.event": ("事件", "Event"),
    "ui.source": ("来源", "Source"),
    "ui.owners": ("权利人", "Owners"),
    "ui.expiry": ("期限届满日", "Expiry"),
    "ui.filing_date": ("申请日", "Filed"),
    "ui.kind": ("类型", "Kind"),
    "ui.title_col": ("名称", "Title"),
    "ui.pledges": ("质押记录", "Pledges"),
    "ui.effective": ("生效日", "Effective"),
    "ui.released": ("注销日", "Released"),
    # the valuer (评估)
    "ui.valuer_tasks": ("评估任务", "Valuation tasks"),
    "ui.accept": ("接收任务", "Accept"),
    "ui.report": ("提交评估报告", "Submit a report"),
    "ui.value": ("评估值（元）", "Value (yuan)"),
    "ui.method": ("评估方法", "Method"),
    "ui.valuation_date": ("评估基准日", "Valuation date"),
    "ui.my_flags": ("我的评估预警", "Flags on my reports"),
    "ui.league": ("评估机构排行", "Valuers' league table"),
    "ui.reports": ("报告数", "Reports"),
    "ui.median_dev": ("偏离中位数（对数）", "Median abs. log deviation"),
    "ui.outside_share": ("超出区间占比", "Share outside the band"),
    "ui.realised_over_appraised": ("成交价/评估价", "Realised / appraised"),
    "ui.flagged": ("需关注", "Flagged"),
    "method.income": ("收益法", "Income"),
    "method.market": ("市场法", "Market"),
    "method.cost": ("成本法", "Cost"),
    "ui.application_of": ("所属申请", "Application"),
    # the fund (风险补偿资金池)
    "ui.pools": ("资金池", "Pools"),
    "ui.claims": ("补偿申请", "Claims"),
    "ui.enrolled": ("纳入贷款", "Enrolled loans"),
    "ui.subsidies": ("补贴申请", "Subsidies"),
    "ui.enrolled_on": ("纳入日", "Enrolled"),
    "ui.year": ("年度", "Year"),
    "ui.rule_code": ("补贴政策", "Rule"),
    "ui.paid_on": ("发放日", "Paid on"),
    "sub.applied": ("已申请", "Applied"),
    "sub.proposed": ("待复核", "Proposed"),
    "sub.approved": ("已批准", "Approved"),
    "sub.rejected": ("已驳回", "Rejected"),
    "sub.paid": ("已发放", "Paid"),
    "ui.balance": ("资金池余额", "Pool balance"),
    "ui.contributed": ("累计注资", "Contributed"),
    "ui.fund_paid": ("资金池承担", "Fund's share paid"),
    "ui.owed": ("应付代偿", "Owed to banks"),
    "ui.clawed_back": ("追偿返还", "Clawed back"),
    "ui.claims_recovered": ("有追偿的补偿笔数", "Claims with recoveries"),
    "ui.subsidies_paid": ("已发放补贴", "Subsidies paid"),
    "ui.losses": ("净损失", "Net losses"),
    "ui.enrolled_outstanding": ("纳入贷款余额", "Enrolled loans outstanding"),
    "ui.scheme": ("补偿方案", "Scheme"),
    "ui.loss": ("损失", "Loss"),
    "ui.recovered": ("已追回", "Recovered"),
    "ui.review_due": ("审核时限", "Review due"),
    "ui.evidence": ("材料", "Evidence"),
    "ui.shares": ("分担", "Shares"),
    "ui.propose": ("提出审核意见（经办）", "Propose payment (maker)"),
    "ui.trigger": ("触发条件", "Trigger"),
    "claim.filed": ("已申请", "Filed"),
    "claim.proposed": ("待复核", "Proposed"),
    "claim.advanced": ("已预付", "Advanced"),
    "claim.settling": ("清算中", "Settling"),
    "claim.paid": ("已代偿", "Paid"),
    "claim.rejected": ("已驳回", "Rejected"),
    # the regulator (监管统计)
    "ui.supervision": ("监管统计", "Supervision statistics"),
    "ui.rankings": ("银行排名", "Bank rankings"),
    "ui.period": ("统计期间", "Period"),
    "ui.start": ("起始日", "From"),
    "ui.end": ("截止日", "To"),
    "ui.show": ("查询", "Show"),
    "ui.excel": ("下载 Excel", "Download Excel"),
    "ui.csv": ("导出 CSV", "Export CSV"),
    "ui.disbursed": ("累放金额", "Disbursed"),
    "ui.disbursed_count": ("累放笔数", "Loans disbursed"),
    "ui.first_time": ("首贷户", "First-time borrowers"),
    "ui.inclusive_share": ("普惠占比", "Inclusive share"),
    "ui.npl_ratio": ("不良率", "NPL ratio"),
    "ui.growth": ("同比增速", "Year-on-year growth"),
    "ui.registrations": ("质押登记笔数", "Pledge registrations"),
    "ui.registered_amount": ("质押登记金额", "Registered amount"),
    "ui.rank": ("名次", "Rank"),
    "ui.tier": ("档次", "Tier"),
    "ui.not_ranked": ("未参与排名", "Not ranked"),
    "ui.rule_name": ("排名规则", "Ranking rule"),
    "ui.leverage": ("放大倍数", "Leverage"),
    # the window officer (一站式受理窗口)
    "ui.window_queue": ("受理队列", "Intake queue"),
    "ui.open_tasks": ("在办事项", "Open tasks"),
    "ui.applicant": ("申请企业", "Applicant"),
    "ui.checklist": ("登记预审（一次性告知）", "Registry pre-check (told once, in full)"),
    "ui.holder": ("承办机构", "Held by"),
    # lists, search, password
    "ui.search": ("搜索", "Search"),
    "ui.search_hint": ("编号、企业或名称", "Number, firm or title"),
    "ui.count": ("共 {n} 条", "{n} in all"),
    "ui.page": ("第 {p} / {n} 页", "Page {p} of {n}"),
    "ui.prev": ("上一页", "Previous"),
    "ui.next": ("下一页", "Next"),
    # lists: sorting, filters, Excel (decision 0035)
    "ui.all": ("全部", "All"),
    "ui.since": ("起始日", "From"),
    "ui.until": ("截止日", "To"),
    "ui.xlsx": ("导出 Excel", "Export Excel"),
    "ui.overdue_loans": ("只看逾期贷款", "Overdue loans only"),
    "ui.contracted_on": ("签约日", "Contracted"),
    # a loan's money forms: repayment, write-off, recoveries (decision 0035)
    "ui.repay": ("还款", "Repay"),
    "ui.repay_amount": ("还款金额（元）", "Amount to repay (yuan)"),
    "ui.prepay": ("超出到期部分提前还本", "Money beyond what is due repays principal early"),
    "ui.receipts": ("还款记录", "Receipts"),
    "ui.allocated": ("冲抵", "Allocated to"),
    "ui.write_off": ("核销", "Write-off"),
    "ui.propose_write_off": ("提出核销", "Propose the write-off"),
    "ui.recovery": ("核销后收回", "Recovery after write-off"),
    "ui.record_recovery": ("登记收回", "Record the recovery"),
    "ui.recovered_total": ("累计收回", "Recovered so far"),
    "wo.proposed": ("核销待复核", "Write-off awaiting the checker"),
    "wo.approved": ("已核销", "Written off"),
    "wo.rejected": ("核销已驳回", "Write-off rejected"),
    "receipt.repayment": ("还款", "Repayment"),
    "receipt.prepayment": ("提前还款", "Prepayment"),
    "receipt.payoff": ("提前结清", "Payoff"),
    "receipt.recovery": ("核销后收回", "Recovery"),
    "ui.done_ok": ("已办理", "Done"),
    # the centre's window: accept or return, the one-time checklist (decision 0035)
    "ui.window_desk": ("窗口受理", "Window"),
    "ui.documents": ("申请材料清单", "Documents checklist"),
    "ui.presented": ("已提交", "Presented"),
    "ui.window_accept": ("受理", "Accept"),
    "ui.return": ("退回补正", "Return for completion"),
    "ui.window_notice": ("一次性告知书", "One-time notice"),
    "ui.missing": ("须补正的材料", "Documents still to bring"),
    "ui.print": ("打印", "Print"),
    "ui.handoffs": ("流转记录（银行、评估、登记）", "Hand-offs (banks, valuers, registry)"),
    "window.accepted": ("窗口已受理", "Accepted at the window"),
    "window.returned": ("已退回补正", "Returned for completion"),
    # the firm's policy matches and subsidies on a loan (decision 0035)
    "ui.policy_matches": ("政策匹配", "Policy matches"),
    "ui.qualifies": ("符合", "Qualifies"),
    "ui.not_qualified": ("不符合", "Does not qualify"),
    "ui.saving": ("预计节省（元）", "Estimated saving (yuan)"),
    "ui.subsidy_saving": ("补贴合计预计节省", "Subsidies' estimated saving in all"),
    # post-loan actions on a loan's page (decision 0035)
    "ui.post_loan": ("贷后措施", "Post-loan actions"),
    "ui.visit_purpose": ("走访目的", "Purpose of the visit"),
    "ui.plan_visit": ("安排现场走访", "Plan a site visit"),
    "act.annuity_payment": ("代缴年费", "Annuity paid for the pledgor"),
    "act.downgrade_proposal": ("下调分类建议", "Downgrade proposal"),
    "act.site_visit": ("现场走访", "Site visit"),
    "act.inspection": ("贷后检查", "Post-loan inspection"),
    "astate.proposed": ("待办理", "Proposed"),
    "astate.done": ("已执行", "Done"),
    "astate.rejected": ("已否决", "Rejected"),
    "ui.password_change": ("修改密码", "Change password"),
    "ui.old_password": ("原密码", "Current password"),
    "ui.new_password": ("新密码", "New password"),
    "ui.new_password_again": ("再次输入新密码", "New password again"),
    "ui.password_changed": ("密码已修改，请用新密码重新登录。", "Password changed; sign in with the new one."),
    "ui.watch_list": ("关注名单", "Watch list"),
    "ui.show_done": ("显示已办结", "Show finished"),
    "watch.open": ("已列入", "Listed"),
    "watch.acting": ("处置中", "Measures under way"),
    "watch.cured": ("已化解", "Cured"),
    "watch.escalated": ("已升级", "Escalated"),
    "watch.closed": ("已移出", "Closed"),
}

# Bad form input: field -> (zh, en), shown beside the field.
FIELD_ERRORS: dict[str, tuple[str, str]] = {
    "amount": ("请输入大于零的金额，最多两位小数（例如 2000000）", "Enter an amount above zero, at most 2 decimals"),
    "term_months": ("请输入 1 至 360 之间的整数月数", "Enter a whole number of months from 1 to 360"),
    "purpose": ("请填写贷款用途（200 字以内）", "State the purpose (200 characters at most)"),
    "ip_asset_ids": ("请至少选择一项知识产权", "Choose at least one IP"),
    "banks": ("请至少选择一家银行", "Choose at least one bank"),
    "value": ("请输入大于零的评估值，最多两位小数", "Enter a value above zero, at most 2 decimals"),
    "valuation_date": ("请输入评估基准日（YYYY-MM-DD）", "Enter the valuation date (YYYY-MM-DD)"),
    "codes": ("请至少选择一项不予登记事由", "Choose at least one refusal ground"),
    "new_password": ("两次输入的新密码不一致", "The two new passwords differ"),
    "date": ("请输入日期（YYYY-MM-DD）", "Enter a date (YYYY-MM-DD)"),
    "reason": ("请填写理由（2000 字以内）", "State the reason (2000 characters at most)"),
    "purpose_visit": ("请填写走访目的（2000 字以内）", "State the purpose of the visit (2000 characters at most)"),
    "documents": (
        "材料不全，不能受理：请勾选已提交的材料，或退回并一次性告知",
        "Documents missing: tick those presented, or return the application with the full list",
    ),
}


def _merge(into: dict[str, Any], part: dict[str, Any]) -> None:
    """Add a desk's words; a key already defined differently is a bug (one desk would silently relabel another's
    page, as 原因 once replaced the approver's 意见), so importing fails instead."""
    clash = sorted(k for k, v in part.items() if k in into and into[k] != v)
    if clash:
        raise ValueError(f"console labels defined twice with different words: {clash}")
    into.update(part)


_merge(LABELS, DESK_LABELS)  # the later desks' words (i18n_desks)
_merge(FIELD_ERRORS, DESK_FIELD_ERRORS)
_merge(LABELS, DISPOSAL_LABELS)  # the disposal agent's desk and the reverse push (i18n_disposal)
_merge(FIELD_ERRORS, DISPOSAL_FIELD_ERRORS)
_merge(LABELS, CHART_LABELS)  # the charts' words (i18n_charts)


def t(key: str, lang: str) -> str:
    """The label of ``key`` in ``lang``; an unknown key shows itself, so a missing label is visible, not blank."""
    pair = LABELS.get(key)
    if pair is None:
        return key
    return pair[1] if lang == "en" else pair[0]


def both(pair: tuple[str, str], lang: str) -> str:
    """A bilingual message with the reader's language first."""
    return f"{pair[1]} · {pair[0]}" if lang == "en" else f"{pair[0]} · {pair[1]}"


def yuan(value: Any) -> str:
    """``1800000`` -> ``1,800,000.00 元``; an amount to the fen, as a document shows it."""
    if value is None or value == "":
        return "—"
    d = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{d:,.2f} 元"


def wan(value: Any) -> str:
    """``1800000`` -> ``180.00 万元``: the unit of summaries and lists."""
    if value is None or value == "":
        return "—"
    d = (Decimal(str(value)) / Decimal(10000)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return f"{d:,.2f} 万元"


def fmt(key: str, lang: str, **values: Any) -> str:
    """A label with figures in it: ``fmt("ui.count", "zh", n=3)`` -> ``共 3 条``."""
    return t(key, lang).format(**values)


def percent(fraction: Any) -> str:
    """A fraction as a percentage: ``0.0123`` -> ``1.23%``; ``—`` when there is none."""
    if fraction is None or fraction == "":
        return "—"
    return f"{Decimal(str(fraction)) * 100:.2f}%"


def percent_bp(bp: int | None) -> str:
    """Basis points as a percentage: ``350`` -> ``3.50%``."""
    return "—" if bp is None else f"{Decimal(bp) / Decimal(100):.2f}%"
