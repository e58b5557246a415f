"""Loan errors (贷款业务错误): every refusal of lending, its close and its provisioning, as a named ``lending.*`` code.

Raised as ``raise NOT_ACTIVE(status=loan.status)``: the messages are filled from the details, which travel in the
response. Details are JSON values (dates and amounts as strings).
"""

from __future__ import annotations

from ippledge.kernel.errors import ConflictError, ErrorCode, PermissionDeniedError, ValidationError


class ClassificationError(ValidationError):
    """A five-tier classification the rules refuse (五级分类不符合规则)."""

    default_code = "lending.classification"


# ---- who may act ------------------------------------------------------------------------------------------------

NOT_THE_BANK = ErrorCode(
    "lending.not_the_bank", PermissionDeniedError, "只有贷款银行可以办理此事项", "only the lending bank may do this"
)
NOT_A_PARTY = ErrorCode(
    "lending.not_a_party",
    PermissionDeniedError,
    "只有借款人或贷款银行可以办理还款",
    "only the borrower or the lending bank may record a repayment",
)

# ---- the loan's state -------------------------------------------------------------------------------------------

NOT_ACTIVE = ErrorCode(
    "lending.not_active",
    ConflictError,
    "贷款状态为{status}，不能办理",
    "the loan is {status}; this needs an active loan",
)
CONTRACT_EXISTS = ErrorCode(
    "lending.contract_exists", ConflictError, "该授信决定已签订借款合同", "a contract exists for this decision"
)
CONTRACT_NO_TAKEN = ErrorCode(
    "lending.contract_no_taken", ConflictError, "合同编号已存在：{number}", "contract number in use: {number}"
)
PLEDGE_NOT_OURS = ErrorCode(
    "lending.pledge_not_ours",
    ConflictError,
    "质押登记{pledge_id}不是该借款人向本行出质的",
    "pledge {pledge_id} is not one from this borrower to this bank",
)
PLEDGE_NOT_IN_FORCE = ErrorCode(
    "lending.pledge_not_in_force",
    ConflictError,
    "质押登记{pledge_id}未生效或不涉及本笔授信的质押物",
    "pledge {pledge_id} is not in force on this loan's pledged assets",
)
ALREADY_DISBURSED = ErrorCode(
    "lending.already_disbursed",
    ConflictError,
    "贷款已放款（{disbursed_on}）",
    "the loan was already disbursed ({disbursed_on})",
)
PLEDGE_NOT_REGISTERED = ErrorCode(
    "lending.pledge_not_registered",
    ConflictError,
    "质押物尚未全部办妥质押登记，不能放款：{assets}",
    "every pledged asset must be under a registered pledge to this bank before disbursement: {assets}",
)
INSUFFICIENT_FUNDS = ErrorCode(
    "lending.insufficient_funds",
    ConflictError,
    "借款人结算账户余额 {balance} 不足以支付 {needed}",
    "the borrower's settlement account holds {balance}, less than {needed}",
)
ALREADY_DEFAULTED = ErrorCode(
    "lending.already_defaulted", ConflictError, "已于{defaulted_on}认定违约", "in default since {defaulted_on}"
)
NOT_WRITABLE = ErrorCode(
    "lending.not_writable",
    ConflictError,
    "只有不良（次级及以下）或已违约的贷款可以核销",
    "only a non-performing (substandard or worse) or defaulted loan may be written off",
)
WRITE_OFF_EXISTS = ErrorCode(
    "lending.write_off_exists", ConflictError, "该贷款已提出核销", "a write-off was already proposed"
)
NOT_WRITTEN_OFF = ErrorCode(
    "lending.not_written_off",
    ConflictError,
    "只有已核销的贷款才能登记核销后收回",
    "recoveries follow a write-off",
)

# ---- requests ---------------------------------------------------------------------------------------------------

VALUE_DATE = ErrorCode(
    "lending.value_date",
    ValidationError,
    "{what_zh} {value_date} 早于{limit_zh} {limit}",
    "value date {value_date} precedes the {limit_en} {limit}",
)
VALUE_DATE_FUTURE = ErrorCode(
    "lending.value_date_future",
    ValidationError,
    "{what_zh} {value_date} 晚于营业日 {today}：不能预先记账",
    "value date {value_date} is after the business date {today}: money cannot be booked ahead",
)
UPGRADE_REFUSED = ErrorCode(
    "lending.upgrade_refused",
    ValidationError,
    "不良贷款暂不能上调为{requested_zh}（商业银行金融资产风险分类办法第十二条）：{reasons_zh}",
    "a non-performing loan may not be upgraded to {requested} yet (2023 classification rules art. 12): {reasons_en}",
)
RESTRUCTURE_STATE = ErrorCode(
    "lending.restructure_state",
    ConflictError,
    "只有正在还款的贷款可以重组（当前状态：{status}）",
    "only an active loan can be restructured (status: {status})",
)
OVERPAYMENT = ErrorCode(
    "lending.overpayment",
    ValidationError,
    "还款金额超过应还金额 {due}；提前还款请注明（须有未到期的本金）",
    "the payment exceeds what is due ({due}); ask for a prepayment explicitly (some principal must be not yet due)",
)
USE_PAYOFF = ErrorCode(
    "lending.use_payoff",
    ValidationError,
    "提前还款金额足以结清贷款，请使用提前结清",
    "the prepayment would repay the whole loan: use payoff",
)
PAYOFF_INCOMPLETE = ErrorCode(
    "lending.payoff_incomplete", ValidationError, "结清后仍有未结金额", "amounts remain after the payoff"
)
REASON_REQUIRED = ErrorCode(
    "lending.reason_required", ValidationError, "{action_zh}须说明理由", "{action_en} needs a reason"
)
UPGRADE_REASON_REQUIRED = ErrorCode(
    "lending.upgrade_reason_required", ValidationError, "上调分类须说明理由", "an upgrade needs a reason"
)
DATE = ErrorCode("lending.date", ValidationError, "日期格式应为 YYYY-MM-DD：{text}", "date must be YYYY-MM-DD: {text}")

# ---- the rules (lending.model) -----------------------------------------------------------------------------------

PRINCIPAL = ErrorCode(
    "lending.principal",
    ValidationError,
    "本金必须大于零且精确到分：{principal}",
    "principal must be positive and in whole fen: {principal}",
)
RATE = ErrorCode(
    "lending.rate",
    ValidationError,
    "年利率须在0到36%之间（4.9%写作0.049或4.9%）：{rate}",
    "annual rate must be between 0 and 36% (write 4.9% as 0.049 or 4.9%): {rate}",
)
MONTHS = ErrorCode(
    "lending.months",
    ValidationError,
    "期限须为1到{max_months}个月：{months}",
    "term must be 1 to {max_months} months: {months}",
)
METHOD = ErrorCode(
    "lending.method",
    ValidationError,
    "还款方式无效：{method}（可选：{allowed}）",
    "unknown repayment method {method} (one of: {allowed})",
)
ACCRUAL_DAY = ErrorCode(
    "lending.accrual_day",
    ValidationError,
    "计提日 {day} 不在计息期 [{start}, {end}) 内",
    "accrual day {day} is outside the period [{start}, {end})",
)
AMOUNT = ErrorCode(
    "lending.amount",
    ValidationError,
    "{what_zh}不能为负且须精确到分：{amount}",
    "{what_en} must be non-negative whole fen: {amount}",
)
ALLOCATION_ORDER = ErrorCode(
    "lending.allocation_order",
    ValidationError,
    "冲抵顺序须恰好包含罚息、复利、利息、本金各一次",
    "the allocation order must name penalty, compound, interest and principal once each",
)
PENALTY_UPLIFT = ErrorCode(
    "lending.penalty_uplift",
    ValidationError,
    "罚息上浮比例须在0到100%之间：{uplift}",
    "penalty uplift must be between 0 and 100%: {uplift}",
)
DPD = ErrorCode("lending.dpd", ValidationError, "逾期天数不能为负：{dpd}", "days past due cannot be negative: {dpd}")
GRADE = ErrorCode(
    "lending.grade",
    ValidationError,
    "五级分类无效：{grade}（可选：{allowed}）",
    "unknown grade {grade} (one of: {allowed})",
)
BELOW_FLOOR = ErrorCode(
    "lending.classification_below_floor",
    ClassificationError,
    "逾期{dpd}天的贷款至少应为{floor_zh}类，不能分为{requested_zh}类",
    "a loan {dpd} days past due must be at least {floor}, not {requested}",
)
DOWNGRADE_REASON_REQUIRED = ErrorCode(
    "lending.downgrade_reason_required",
    ClassificationError,
    "下调至{requested_zh}类须说明理由",
    "a downgrade to {requested} needs a reason",
)
PREPAYMENT_FEE = ErrorCode(
    "lending.prepayment_fee",
    ValidationError,
    "提前还款违约金费率须在0到10%之间：{fee_rate}",
    "prepayment fee rate must be between 0 and 10%: {fee_rate}",
)
PREPAYMENT_DATE = ErrorCode(
    "lending.prepayment_date",
    ValidationError,
    "提前还款日 {prepay_date} 无效：{why_zh}",
    "prepayment date {prepay_date} is not possible: {why_en}",
)
PREPAYMENT_PERIOD = ErrorCode(
    "lending.prepayment_period", ValidationError, "已还期数无效", "invalid number of paid instalments"
)
PREPAYMENT_AMOUNT = ErrorCode(
    "lending.prepayment_amount",
    ValidationError,
    "部分提前还款金额须大于零、小于剩余本金 {outstanding}",
    "a partial prepayment must be above zero and below the outstanding principal {outstanding}",
)
PREPAYMENT_MODE = ErrorCode(
    "lending.prepayment_mode",
    ValidationError,
    "提前还款方式{mode}不可用（可选 reduce_payment 减少月供、reduce_term 缩短期限；"
    "先息后本和到期一次还本付息贷款只能减少月供）",
    "prepayment mode {mode} is not available (reduce_payment or reduce_term; an interest-first or bullet loan can "
    "only reduce the payment)",
)

# ---- the daily close (lending.close) -------------------------------------------------------------------------------

CLOSE_DATE = ErrorCode(
    "lending.close_date", ValidationError, "日期格式应为 YYYY-MM-DD：{date}", "date must be YYYY-MM-DD: {date}"
)
CLOSE_GAP = ErrorCode(
    "lending.close_gap",
    ValidationError,
    "距上次日终（{last_closed}）超过{max_days}天，请检查日期：{date}",
    "more than {max_days} days after the last close ({last_closed}); check the date: {date}",
)
CLOSE_FUTURE = ErrorCode(
    "lending.close_future",
    ValidationError,
    "不能关闭未来的营业日：{date}（今天是{today}）",
    "cannot close a future business date: {date} (today is {today})",
)

# ---- provisioning (lending.provisioning) ---------------------------------------------------------------------------

PROVISION_POLICY_INVALID = ErrorCode(
    "lending.provision_policy_invalid",
    ValidationError,
    "贷款损失准备计提政策有误：{summary_zh}",
    "the provisioning policy is invalid: {summary_en}",
)
PROVISION_VERSION_OVERLAP = ErrorCode(
    "lending.provision_version_overlap",
    ConflictError,
    "已有{effective_from}生效的版本，新版本须晚于它",
    "a version in force from {effective_from} exists; a new one must start later",
)

EXTENSION_STATE = ErrorCode(
    "lending.extension_state",
    ConflictError,
    "贷款状态为{status}，不能展期",
    "the loan is {status}: only an active loan can be extended",
)
EXTENSION_MATURED = ErrorCode(
    "lending.extension_matured",
    ConflictError,
    "展期须在贷款到期日{maturity}前申请",
    "an extension must be applied for before the loan matures on {maturity}",
)
EXTENSION_LIMIT = ErrorCode(
    "lending.extension_limit", ConflictError, "不能展期：{reason_zh}", "no extension: {reason_en}"
)
EXTENSION_PENDING = ErrorCode(
    "lending.extension_pending",
    ConflictError,
    "该贷款已有待审批的展期申请（第{extension_id}号）",
    "an extension of this loan (no. {extension_id}) is already waiting for a decision",
)
EXTENSION_MONTHS = ErrorCode(
    "lending.extension_months",
    ValidationError,
    "展期月数应为1至36：{months}",
    "extension months must be 1-36: {months}",
)
UPGRADE_IN_OBSERVATION = ErrorCode(
    "lending.upgrade_in_observation",
    ConflictError,
    "重组贷款观察期至{observation_ends}，观察期内不能优于{floor_zh}类（不能调为{requested_zh}类）",
    "the restructured loan is in its observation period until {observation_ends}: it stays at least {floor}, "
    "not {requested}",
)

FLOATING_EXISTS = ErrorCode(
    "lending.floating_exists", ConflictError, "该贷款已约定浮动利率", "the loan already has a floating-rate clause"
)
FLOATING_PERIOD = ErrorCode(
    "lending.floating_period",
    ValidationError,
    "重定价周期应为1、3、6或12个月：{every_months}",
    "the repricing period must be 1, 3, 6 or 12 months: {every_months}",
)
FLOATING_SPREAD = ErrorCode(
    "lending.floating_spread",
    ValidationError,
    "加点应在-300至1000个基点之间：{spread_bp}",
    "the spread must be between -300 and 1000 bp: {spread_bp}",
)

RENEWAL_STATE = ErrorCode(
    "lending.renewal_state",
    ConflictError,
    "贷款状态为{status}，不能续贷",
    "the loan is {status}: only an active loan can be renewed",
)
RENEWAL_REFUSED = ErrorCode(
    "lending.renewal_refused", ConflictError, "不能续贷：{reason_zh}", "no renewal: {reason_en}"
)
NOT_FOR_QUARTERLY = ErrorCode(
    "lending.not_for_quarterly",
    ConflictError,
    "按季结息贷款暂不支持{what_zh}",
    "{what_en} is not available for a loan with quarterly interest settlement (按季结息) yet",
)
RECALL_STATE = ErrorCode(
    "lending.recall_state",
    ConflictError,
    "贷款状态为{status}，不能提前收回",
    "the loan is {status}: only an active loan can be recalled",
)
RECALLED_ALREADY = ErrorCode(
    "lending.recalled_already",
    ConflictError,
    "贷款已于{recalled_on}提前收回",
    "the loan was already recalled on {recalled_on}",
)
RECALL_NOTHING = ErrorCode(
    "lending.recall_nothing",
    ConflictError,
    "贷款本金均已到期，无可提前收回的本金",
    "all principal is already due: there is nothing to accelerate",
)
RECALL_DATE = ErrorCode(
    "lending.recall_date",
    ValidationError,
    "提前收回日{recall_on}不能早于营业日{today}",
    "the recall date {recall_on} cannot be before the business date {today}",
)
