"""Risk-sharing errors (风险分担错误): every refusal of the capability as a named ``risk.*`` code.

Raised as ``raise CLAIM_EXISTS(loan_id=7)``; the messages' ``{placeholders}`` are filled from the details, which
travel in the response too. A validator that collects several problems (a scheme document, an eligibility check, a
subsidy application) raises one of these with the list in ``details`` (``problems`` or ``reasons``).
"""

from __future__ import annotations

from ippledge.kernel.errors import (
    ConflictError,
    ErrorCode,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)

# Schemes and their versions (方案)
SCHEME_UNKNOWN = ErrorCode(
    "risk.scheme.unknown", NotFoundError, "没有风险分担方案 {code}", "no risk-sharing scheme {code}"
)  # details: ``as_of`` (no version in force then) or ``known`` (the preset codes)
SCHEME_INVALID = ErrorCode(
    "risk.scheme.invalid",
    ValidationError,
    "风险分担方案有 {count} 处问题",
    "risk-sharing scheme has {count} problem(s)",
)
SCHEME_VERSION_EXISTS = ErrorCode(
    "risk.scheme.version_exists",
    ConflictError,
    "方案 {code} 版本 {version} 已存在",
    "scheme {code} version {version} exists",
)
SCHEME_EFFECTIVE_ORDER = ErrorCode(
    "risk.scheme.effective_order",
    ConflictError,
    "新版本的生效日须晚于现行版本",
    "a new version must start after the version in force ({in_force_from})",
)

# Fund pools (资金池)
POOL_MISSING = ErrorCode(
    "risk.pool.missing", NotFoundError, "方案 {code} 尚未设立资金池", "scheme {code} has no fund pool"
)
POOL_EXISTS = ErrorCode("risk.pool.exists", ConflictError, "该方案已有资金池", "the scheme already has a pool")
POOL_INSUFFICIENT = ErrorCode(
    "risk.pool.insufficient", ConflictError, "资金池余额不足", "the pool's balance is below the subsidy"
)

# Whitelist (白名单)
WHITELIST_PARTY = ErrorCode(
    "risk.whitelist.party", ValidationError, "只有企业可以列入白名单", "only an enterprise can be on a whitelist"
)
WHITELIST_DATES = ErrorCode(
    "risk.whitelist.dates", ValidationError, "移出日期须晚于列入日期", "listed_to must be after listed_from"
)

# Enrolment (纳入)
ENROL_BANK = ErrorCode(
    "risk.enrol.bank", PermissionDeniedError, "只有贷款银行可以申请纳入", "only the lending bank may enrol its loan"
)
ENROL_LOAN_STATE = ErrorCode(
    "risk.enrol.loan_state", ConflictError, "只有未结清的贷款可以纳入", "only a live loan may be enrolled"
)
ENROL_EXISTS = ErrorCode("risk.enrol.exists", ConflictError, "该贷款已纳入方案", "the loan is already enrolled")
ENROL_INELIGIBLE = ErrorCode(
    "risk.enrol.ineligible",
    ValidationError,
    "贷款不符合方案准入条件：{why_zh}",
    "the loan does not qualify: {why_en}",
)

# Insurance and guarantees (保险与担保)
COVER_KIND = ErrorCode(
    "risk.cover.kind", ValidationError, "保障类型无效：{kind}", "unknown cover kind {kind} (one of: {kinds})"
)
COVER_TARGET = ErrorCode(
    "risk.cover.target",
    ValidationError,
    "资金池保险须指定方案，单笔保险或担保须指定贷款",
    "pooled cover names a scheme; others a loan",
)
COVER_TERMS = ErrorCode(
    "risk.cover.terms",
    ValidationError,
    "费率或期限无效",
    "premium rate must be 0-10000 bp and the end after the start",
)
COVER_PAYER = ErrorCode(
    "risk.cover.payer",
    ValidationError,
    "付费方不符：{why_zh}",
    "payer not allowed: {why_en}",
)
COVER_INSURED_AMOUNT = ErrorCode(
    "risk.cover.insured_amount",
    ValidationError,
    "资金池保险须给出保险金额",
    "pooled insurance needs an insured amount",
)
COVER_PAID = ErrorCode("risk.cover.paid", ConflictError, "保费已收取", "the premium has been received")
COVER_INSUFFICIENT_FUNDS = ErrorCode(
    "risk.cover.insufficient_funds",
    ConflictError,
    "投保企业结算账户余额不足",
    "the payer's settlement account holds less than the premium",
)

# Claims, settlement and clawback (补偿申请、预付清算、追偿返还)
CLAIM_BANK = ErrorCode(
    "risk.claim.bank", PermissionDeniedError, "只有贷款银行可以申请补偿", "only the lending bank may claim"
)
CLAIM_EVIDENCE = ErrorCode(
    "risk.claim.evidence", ValidationError, "须说明申请理由和证据", "a claim needs a statement of evidence"
)
CLAIM_NOT_ENROLLED = ErrorCode(
    "risk.claim.not_enrolled", ConflictError, "贷款未纳入风险补偿方案", "the loan is not enrolled in a scheme"
)
CLAIM_NOT_TRIGGERED = ErrorCode(
    "risk.claim.not_triggered", ConflictError, "尚未满足方案的代偿条件", "the scheme's trigger has not been met"
)
CLAIM_WINDOW_CLOSED = ErrorCode(
    "risk.claim.window_closed",
    ConflictError,
    "已超过申请时限（{days} 天）",
    "the claim window of {days} days has closed",
)
CLAIM_EXISTS = ErrorCode(
    "risk.claim.exists", ConflictError, "该贷款已有补偿申请", "a claim on this loan is already open or paid"
)
CLAIM_STATE = ErrorCode(
    "risk.claim.state", ConflictError, "申请状态为 {status}，应为 {wanted}", "the claim is {status}, not {wanted}"
)
CLAIM_NOT_WRITTEN_OFF = ErrorCode(
    "risk.claim.not_written_off", ConflictError, "贷款核销后才能清算预付", "an advance is settled after the write-off"
)
CLAIM_NOT_PAID = ErrorCode(
    "risk.claim.not_paid",
    ConflictError,
    "只有已赔付的申请才返还追偿",
    "recoveries are shared back on paid claims only",
)

# The loss split (损失分担测算)
AMOUNT_NEGATIVE = ErrorCode(
    "risk.amount", ValidationError, "{what_zh}不能为负数：{amount}", "{what_en} must not be negative: {amount}"
)
IP_SHARE_NEEDED = ErrorCode(
    "risk.ip_share",
    ValidationError,
    "该方案只补偿知识产权部分，须给出知识产权占担保物比例（0-10000 基点）",
    "this scheme compensates the IP share only: give the IP share of the collateral (0-10000 bp)",
)
RECOVERY_EXCEEDS_LOSS = ErrorCode(
    "risk.recovery.exceeds_loss",
    ValidationError,
    "追回金额 {amount} 超过已分担的损失 {total}",
    "recovery {amount} exceeds the loss shared, {total}",
)

# Subsidies (补贴)
SUBSIDY_INVALID_RULE = ErrorCode("risk.subsidy.invalid_rule", ValidationError, "补贴规则无效", "invalid subsidy rule")
SUBSIDY_EXISTS = ErrorCode(
    "risk.subsidy.exists",
    ConflictError,
    "该贷款本年度已申请此项补贴",
    "already applied under this rule for the loan and year",
)
SUBSIDY_REFUSED = ErrorCode(
    "risk.subsidy.refused",
    ValidationError,
    "补贴申请不符合条件：{why_zh}",
    "the subsidy application does not qualify: {why_en}",
)
SUBSIDY_STATE = ErrorCode("risk.subsidy.state", ConflictError, "申请状态为 {status}", "the application is {status}")

# Portfolio simulation (组合模拟)
SENSITIVITY_PARTY = ErrorCode(
    "risk.sensitivity.party",
    ValidationError,
    "敏感性分析须给出两个不同的参与方（{parties_zh}）：{pair}",
    "sensitivity needs two different parties of {parties_en}: {pair}",
)
SIMULATION_SCENARIOS = ErrorCode(
    "risk.simulation.scenarios",
    ValidationError,
    "情景数不能超过 {most:,}（更大的模拟请用命令行）",
    "at most {most:,} scenarios per request (use the CLI for larger runs)",
)
SIMULATION_BOOK = ErrorCode(
    "risk.simulation.book",
    ValidationError,
    "须给出 loans 和 pd，或 portfolio: true",
    "give loans and pd, or portfolio: true",
)
BOOK_NOT_FOUND = ErrorCode(
    "risk.book.not_found", NotFoundError, "方案 {code} 的在册组合不存在", "the enrolled book of {code} not found"
)
BOOK_EMPTY = ErrorCode(
    "risk.book.empty", ValidationError, "该方案没有在册贷款", "no live loans are enrolled in the scheme"
)

# Command-line input (命令行参数), exit code 2
CLI_PD = ErrorCode(
    "risk.cli.pd", ValidationError, "pd 应在 0 到 1 之间：{value}", "pd must be between 0 and 1: {value}"
)
CLI_LGD = ErrorCode(
    "risk.cli.lgd", ValidationError, "lgd 应在 0 到 1 之间：{value}", "lgd must be between 0 and 1: {value}"
)
CLI_RHO = ErrorCode(
    "risk.cli.rho", ValidationError, "rho 应在 0 到 1 之间：{value}", "rho must be between 0 and 1: {value}"
)
CLI_COUNTS = ErrorCode(
    "risk.cli.counts",
    ValidationError,
    "情景数、线程数、贷款数、年数须为正",
    "scenarios, workers, loans and years must be positive",
)
CLI_SENSITIVITY = ErrorCode(
    "risk.cli.sensitivity",
    ValidationError,
    "敏感性参数应为 FROM:TO",
    "--sensitivity takes FROM:TO, e.g. fund:bank",
)
CLI_HOMOGENEOUS = ErrorCode("risk.cli.homogeneous", ValidationError, "须给出 --loans 和 --pd", "give --loans and --pd")
CLI_EXPOSURE = ErrorCode("risk.cli.exposure", ValidationError, "单笔金额须为正", "exposure must be positive")
CLI_FUND = ErrorCode("risk.cli.fund", ValidationError, "资金池余额不能为负", "fund must not be negative")
CLI_DEVICE = ErrorCode("risk.cli.device", ValidationError, "计算设备不可用：{reason}", "{reason}")
CLI_AS_OF = ErrorCode(
    "risk.cli.as_of", ValidationError, "日期格式应为 YYYY-MM-DD：{as_of}", "--as-of takes YYYY-MM-DD: {as_of}"
)
CLI_EMPTY_BOOK = ErrorCode(
    "risk.cli.empty_book", ValidationError, "该方案没有在册贷款", "no live loans are enrolled in the scheme"
)

# Professional liability insurance, Zhongguancun model (职业责任保险)
LIABILITY_TERMS = ErrorCode(
    "risk.liability.terms",
    ValidationError,
    "保险条款有 {count} 处问题",
    "the policy terms have {count} problem(s)",
)  # details: ``problems``
LIABILITY_INSURED = ErrorCode(
    "risk.liability.insured",
    ValidationError,
    "职业责任保险的投保人和被保险人须为知识产权运营机构",
    "the policyholder and insured of a liability policy must be an IP operations institution",
)
LIABILITY_PREMIUM_PAID = ErrorCode(
    "risk.liability.premium_paid", ConflictError, "保单 {policy_id} 的保费已付清", "policy {policy_id} is paid up"
)
LIABILITY_NO_SHARE = ErrorCode(
    "risk.liability.no_share",
    ConflictError,
    "该机构未就补偿申请 {claim_id} 向银行支付补偿",
    "the institution has paid the bank nothing on compensation claim {claim_id}",
)
LIABILITY_NO_POLICY = ErrorCode(
    "risk.liability.no_policy",
    ConflictError,
    "{triggered_on} 没有有效的职业责任保险单",
    "no liability policy of the institution was in force on {triggered_on}",
)
LIABILITY_CLAIM_EXISTS = ErrorCode(
    "risk.liability.claim_exists",
    ConflictError,
    "补偿申请 {claim_id} 已提出索赔",
    "a liability claim on compensation claim {claim_id} exists",
)
LIABILITY_CLAIM_STATE = ErrorCode(
    "risk.liability.claim_state", ConflictError, "索赔状态为 {status}，不能理算", "the claim is {status}, not filed"
)
LIABILITY_CAUSE = ErrorCode(
    "risk.liability.cause", ValidationError, "未知的出险原因 {cause}", "unknown cause {cause}; one of {causes}"
)
LIABILITY_CONTRIBUTOR = ErrorCode(
    "risk.liability.contributor",
    PermissionDeniedError,
    "只有资金池管理机构（代区知识产权局）或方案的运营机构可以出资",
    "only the pool's fund administrator (for the district IP office) or the scheme's institution may contribute",
)
DISPOSAL_AGENT_EXISTS = ErrorCode(
    "risk.disposal_agent.exists", ConflictError, "贷款 {loan_id} 已委托处置机构", "loan {loan_id} has a disposal agent"
)
DISPOSAL_AGENT_KIND = ErrorCode(
    "risk.disposal_agent.kind",
    ValidationError,
    "处置机构 {agent_id} 不是知识产权运营机构",
    "disposal agent {agent_id} is not an IP operations institution",
)
