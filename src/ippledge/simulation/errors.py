"""Simulator errors (模拟市场错误): the ``simulate.*`` codes of the market generator and its loader."""

from __future__ import annotations

from ippledge.kernel.errors import ConflictError, ErrorCode, ValidationError

BAD_SPEC = ErrorCode(
    "simulate.bad_spec",
    ValidationError,
    "市场参数无效：数量不能为负，至少需要2家企业",
    "invalid market spec: counts must be >= 0 and there must be at least 2 enterprises",
)
UNKNOWN_SCALE = ErrorCode(
    "simulate.unknown_scale",
    ValidationError,
    "未知的模拟市场规模：{scale}（可选：{choices}）",
    "unknown market scale: {scale} (choose one of {choices})",
)
DATABASE_NOT_EMPTY = ErrorCode(
    "simulate.database_not_empty",
    ConflictError,
    "数据库已有数据：模拟市场只装入空数据库（如需追加请使用 --append）",
    "the database is not empty: a simulated market loads into an empty database (use --append to add one)",
)
SEED_TAKEN = ErrorCode(
    "simulate.seed_taken",
    ConflictError,
    "种子 {seed} 的模拟市场已追加过，请换一个种子",
    "a market with seed {seed} was already appended: choose another seed",
)
APPEND_CLASH = ErrorCode(
    "simulate.append_clash",
    ConflictError,
    "追加的模拟市场与已有数据冲突：{uscc} 个统一社会信用代码、{numbers} 个知识产权号已存在；请换一个种子",
    "the appended market clashes with existing data: {uscc} USCCs and {numbers} IP numbers already exist; "
    "choose another seed",
)
