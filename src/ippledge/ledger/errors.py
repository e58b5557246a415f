"""Ledger errors (记账错误): every reason an entry may not be posted, as a named ``ledger.*`` code.

An invalid entry is refused with *all* its problems (``model.validate_entry``): each problem carries one of these
codes and a message filled from the template here (``第{line}行…`` counts postings from 1), and the error raised
(``model.LedgerError``) carries the problems' code when they share one, else ``ledger.invalid``. The other codes
are raised as ``raise CONFLICT()``. Where one code has a second wording, that site builds it with ``CODE.code``.
"""

from __future__ import annotations

from ippledge.kernel.errors import ConflictError, ErrorCode, ValidationError

INVALID = ErrorCode("ledger.invalid", ValidationError, "记账分录无效：{problems}", "invalid journal entry: {problems}")

# Problems of one entry (分录校验)
KIND = ErrorCode("ledger.kind", ValidationError, "分录类型无效：{kind!r}", "bad entry kind: {kind!r}")
REF = ErrorCode("ledger.ref", ValidationError, "业务类型与业务编号必须同时给出", "ref_type and ref_id go together")
IDEMPOTENCY_KEY = ErrorCode(
    "ledger.idempotency_key", ValidationError, "幂等键长度须为1-200个字符", "idempotency key must be 1-200 characters"
)
EMPTY = ErrorCode("ledger.empty", ValidationError, "分录没有记账行", "entry has no postings")
SINGLE_POSTING = ErrorCode(
    "ledger.single_posting", ValidationError, "分录至少需要两行", "an entry needs at least two postings"
)
AMOUNT_TYPE = ErrorCode(
    "ledger.amount_type",
    ValidationError,
    "第{line}行金额必须是有限的十进制数",
    "posting {line}: amount must be a finite Decimal",
)
ZERO_AMOUNT = ErrorCode("ledger.zero_amount", ValidationError, "第{line}行金额为零", "posting {line}: zero amount")
SUB_FEN = ErrorCode(
    "ledger.sub_fen",
    ValidationError,
    "第{line}行金额精度超过分：{amount}",
    "posting {line}: amount has digits below the fen: {amount}",
)
AMOUNT_RANGE = ErrorCode(
    "ledger.amount_range", ValidationError, "第{line}行金额过大", "posting {line}: amount too large"
)
ACCOUNT_FORMAT = ErrorCode(
    "ledger.account_format",
    ValidationError,
    "第{line}行科目代码无效：{account!r}",
    "posting {line}: not an account of the chart: {account!r}",
)  # outside an entry: 科目代码无效：{code!r}
DUPLICATE_ACCOUNT = ErrorCode(
    "ledger.duplicate_account",
    ValidationError,
    "同一科目在分录中出现多次：{listed}",
    "account appears more than once: {listed}",
)
UNBALANCED = ErrorCode(
    "ledger.unbalanced", ValidationError, "借贷不平衡，差额 {difference}", "debits and credits differ by {difference}"
)
UNKNOWN_PARTY = ErrorCode(
    "ledger.unknown_party",
    ValidationError,
    "账户所属机构不存在：{party_ids}",
    "account owner is not a known party: {party_ids}",
)
DUPLICATE_KEY = ErrorCode(
    "ledger.duplicate_key",
    ValidationError,
    "同一批次中幂等键重复：{idempotency_key}",
    "idempotency key repeated in one batch: {idempotency_key}",
)

# Writing (记账)
IDEMPOTENCY_MISMATCH = ErrorCode(
    "ledger.idempotency_mismatch",
    ConflictError,
    "幂等键 {idempotency_key} 已用于内容不同的分录 #{entry_id}",
    "idempotency key {idempotency_key} was used for a different entry #{entry_id}",
)  # a batch: {n}个幂等键已用于内容不同的分录
CONFLICT = ErrorCode("ledger.conflict", ConflictError, "并发记账冲突，请重试", "concurrent posting conflict, retry")
CONCURRENT_BATCH = ErrorCode(
    "ledger.concurrent_batch",
    ConflictError,
    "另一批次同时写入了相同的幂等键，本批次未记账；请重新运行",
    "another batch wrote the same idempotency keys concurrently; nothing was posted, run again",
)
