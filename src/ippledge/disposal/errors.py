"""Disposal errors (押品处置错误): every reason a lot, rule set, bidder, bid or settlement is refused.

A bid refused for its order or timing is a conflict (409) with the reason; nothing is written for it."""

from __future__ import annotations

from ippledge.kernel.errors import ConflictError, ErrorCode, NotFoundError, PermissionDeniedError, ValidationError

RULES_UNKNOWN = ErrorCode(
    "disposal.rules_unknown", NotFoundError, "没有名为{name!r}的处置规则", "no disposal rule set named {name!r}"
)
RULES_INVALID = ErrorCode(
    "disposal.rules_invalid", ValidationError, "处置规则无效：{reason}", "invalid disposal rule set: {reason}"
)
APPRAISAL = ErrorCode(
    "disposal.appraisal",
    ValidationError,
    "评估价必须为正的金额：{value!r}",
    "the appraisal must be a positive amount: {value!r}",
)
NOT_DEFAULTED = ErrorCode(
    "disposal.loan_not_defaulted",
    ConflictError,
    "贷款未违约或核销（状态{status}），不能处置押品",
    "the loan is neither in default nor written off (status {status}): its pledge cannot be disposed of",
)
NO_PLEDGE = ErrorCode(
    "disposal.no_pledge", ConflictError, "贷款没有在押的知识产权", "the loan has no pledged IP in force to dispose of"
)
LOT_OPEN = ErrorCode(
    "disposal.lot_exists",
    ConflictError,
    "该贷款已有处置中的标的（{lot_id}）",
    "the loan already has a lot in disposal ({lot_id})",
)
NOT_AGENT = ErrorCode(
    "disposal.not_agent",
    ConflictError,
    "只有贷款银行或其委托的处置机构可以处置该标的",
    "only the lending bank or the disposal agent it appointed may act on this lot",
)
LOT_STATE = ErrorCode(
    "disposal.lot_state",
    ConflictError,
    "标的状态为{status}，不能{action_zh}",
    "the lot is {status}: cannot {action_en}",
)
START_PRICE = ErrorCode(
    "disposal.start_price",
    ConflictError,
    "起拍价{price}低于规则允许的最低价{minimum}",
    "start price {price} is below the lowest the rules allow, {minimum}",
)
DEPOSIT_RANGE = ErrorCode(
    "disposal.deposit_range",
    ConflictError,
    "保证金{deposit}不在起拍价的允许范围{low}–{high}内",
    "deposit {deposit} is outside the range the rules allow, {low}-{high}",
)
BIDDER_KYC = ErrorCode(
    "disposal.bidder_kyc",
    ConflictError,
    "竞买人未通过身份核验（统一社会信用代码缺失或无效）",
    "the bidder failed the identity check (no valid unified social credit code)",
)
BIDDER_DUPLICATE = ErrorCode(
    "disposal.bidder_registered",
    ConflictError,
    "该竞买人已报名本场拍卖",
    "the bidder is already registered for this auction",
)
BIDDER_BARRED = ErrorCode(
    "disposal.bidder_barred",
    ConflictError,
    "该竞买人曾在本标的悔拍，不得再次竞买",
    "the bidder defaulted on this lot (悔拍) and may not bid on it again",
)
NOT_REGISTERED = ErrorCode(
    "disposal.bid_unregistered",
    ConflictError,
    "未报名或未交保证金的竞买人不能出价",
    "an unregistered bidder, or one whose deposit is not paid, cannot bid",
)
IN_NOTICE = ErrorCode(
    "disposal.bid_in_notice",
    ConflictError,
    "拍卖尚在公告期，{opens_at}开始竞价",
    "the auction is in notice: bidding opens at {opens_at}",
)
CLOSED = ErrorCode("disposal.bid_closed", ConflictError, "竞价已于{ends_at}结束", "bidding closed at {ends_at}")
BID_LOW = ErrorCode(
    "disposal.bid_low",
    ConflictError,
    "出价{amount}低于最低应价{minimum}",
    "bid {amount} is below the lowest acceptable bid, {minimum}",
)
BID_AMOUNT = ErrorCode(
    "disposal.bid_amount",
    ValidationError,
    "出价必须为正的金额：{value!r}",
    "a bid must be a positive amount: {value!r}",
)
NOT_ENDED = ErrorCode(
    "disposal.not_ended", ConflictError, "竞价尚未结束（{ends_at}）", "bidding has not ended yet ({ends_at})"
)
NOT_WRITTEN_OFF = ErrorCode(
    "disposal.settle_not_written_off",
    ConflictError,
    "计算未核销贷款的担保债权须由贷款银行在营业日办理",
    "the secured debt of a loan still on the books is quoted for the lending bank on a business date",
)
COSTS = ErrorCode(
    "disposal.costs",
    ConflictError,
    "处置费用{costs}超过处置款{proceeds}",
    "disposal costs {costs} exceed the proceeds {proceeds}",
)
SIMULATION = ErrorCode(
    "disposal.simulation",
    ValidationError,
    "拍卖模拟参数无效：{reason}",
    "invalid auction simulation input: {reason}",
)
SEALED_ONCE = ErrorCode(
    "disposal.sealed_once",
    ConflictError,
    "密封竞价每位竞买人只能出价一次",
    "in a sealed-bid round each bidder bids once",
)
FORMAT = ErrorCode(
    "disposal.format",
    ValidationError,
    "未知的竞价方式{format!r}",
    "unknown auction format {format!r}",
)
SATISFACTION = ErrorCode(
    "disposal.satisfaction",
    ConflictError,
    "以物抵债须在流拍或变卖不成之后、按该次拍卖的保留价或变卖价进行（{reason}）",
    "the creditor may take the asset in satisfaction only after a failed auction or sale stage, at its reserve or "
    "the sale price ({reason})",
)
FEED_LINE = ErrorCode(
    "disposal.feed_line",
    ValidationError,
    "挂牌信息第{line}行无效：{reason}（未导入任何一行）",
    "listings feed line {line} is invalid: {reason} (nothing was imported)",
)
FEED_OWN_SOURCE = ErrorCode(
    "disposal.feed_own_source",
    ConflictError,
    "第{line}行来源{source!r}是本平台：本平台的标的不从外部导入",
    "line {line} comes from {source!r}, this platform: our own lots are never imported",
)
FEED_IMPORTER = ErrorCode(
    "disposal.feed_importer",
    PermissionDeniedError,
    "只有平台运营方可以导入其他平台的挂牌信息",
    "only the platform operator may import other platforms' listings",
)
BID_RACE = ErrorCode(
    "disposal.bid_overtaken",
    ConflictError,
    "另一出价同时到达并已先行成交，请按最新价格重新出价",
    "another bid arrived at the same time and was taken first: bid again on the new price",
)
OFFER_PRICE = ErrorCode(
    "disposal.offer_price",
    ValidationError,
    "挂牌价必须为正的金额（元，精确到分）：{value!r}",
    "the asking price must be a positive amount in yuan to the fen: {value!r}",
)
OFFER_DEAL = ErrorCode(
    "disposal.offer_deal",
    ValidationError,
    "未知的交易方式{deal!r}（可选：{known}）",
    "unknown kind of deal {deal!r} (one of: {known})",
)
OFFER_INPUT = ErrorCode(
    "disposal.offer_input",
    ValidationError,
    "挂牌信息无效：{reason}",
    "invalid offer: {reason}",
)
OFFER_NOT_OWNER = ErrorCode(
    "disposal.offer_not_owner",
    ConflictError,
    "登记簿上{number}的权利人不是本机构，不能挂牌",
    "the register does not name your organisation as an owner of {number}: you cannot offer it",
)
OFFER_CO_OWNED = ErrorCode(
    "disposal.offer_co_owned",
    ConflictError,
    "{number}为共有，转让、独占许可或开放许可须全体共有人同意；单个共有人只能挂牌普通许可",
    "{number} is co-owned: a transfer, exclusive or open licence needs every co-owner; one co-owner may offer only "
    "an ordinary licence",
)
OFFER_NOT_IN_FORCE = ErrorCode(
    "disposal.offer_not_in_force",
    ConflictError,
    "{number}的法律状态为{status}，不能挂牌",
    "{number} is {status} on the register: it cannot be offered",
)
OFFER_STATE = ErrorCode(
    "disposal.offer_state",
    ConflictError,
    "挂牌状态为{status}，不能撤回",
    "the offer is {status}: it cannot be withdrawn",
)
