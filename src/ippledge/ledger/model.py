"""Journal entries (记账凭证/分录): pure validation of a balanced entry, no I/O.

Sign convention: a posting's ``amount`` is signed; **debit (借) is positive, credit (贷) is negative**. An entry
balances (借贷平衡) when its postings sum to exactly zero. Amounts are ``Decimal`` in whole fen (two places at most)
and are stored as signed integer fen.

Rules an entry must satisfy (``validate_entry`` reports *all* that fail, each with a code):

- ``ledger.empty``: no postings; ``ledger.single_posting``: one posting cannot balance a non-zero amount;
- ``ledger.zero_amount``: a posting of 0 carries no information and is refused (also a CHECK in the database);
- ``ledger.sub_fen``: digits below the fen; ``ledger.amount_type``: not a finite ``Decimal``;
  ``ledger.amount_range``: beyond what a signed 64-bit fen column holds;
- ``ledger.account_format``: not a code of the chart of accounts (``ledger.accounts``);
- ``ledger.duplicate_account``: an account appears twice in one entry. Decision: refused — callers net amounts per
  account, so an entry reads as one line per account and two entries compare as sets of (account, amount);
- ``ledger.unbalanced``: postings do not sum to zero (``details.difference`` is the sum);
- ``ledger.kind``: kind missing or not ``[a-z][a-z0-9_.]*``; ``ledger.ref``: ``ref_type`` without ``ref_id`` or the
  reverse; ``ledger.idempotency_key``: empty or longer than 200 characters.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

from ippledge.kernel.errors import ErrorCode, ValidationError
from ippledge.ledger import errors
from ippledge.ledger.accounts import parse_account

FEN: Final = Decimal("0.01")
MAX_FEN: Final = 2**63 - 1
_KIND_RE: Final = re.compile(r"^[a-z][a-z0-9_.]{0,39}$")
MAX_KEY_LENGTH: Final = 200


@dataclass(frozen=True)
class Posting:
    """One line of an entry: ``amount`` > 0 debits the account, < 0 credits it."""

    account: str
    amount: Decimal


@dataclass(frozen=True)
class EntryDraft:
    """An entry before it is written. ``ref_type``/``ref_id`` name the business record (e.g. ``loan``, ``42``)."""

    entry_date: dt.date
    kind: str
    postings: tuple[Posting, ...]
    ref_type: str | None = None
    ref_id: str | None = None
    memo: str = ""
    idempotency_key: str | None = None

    def content(self) -> tuple[str, str | None, str | None, frozenset[tuple[str, Decimal]]]:
        """What an idempotent retry must repeat exactly: kind, reference and the set of postings."""
        return self.kind, self.ref_type, self.ref_id, frozenset((p.account, p.amount) for p in self.postings)


@dataclass(frozen=True)
class LedgerProblem:
    code: str
    message_zh: str
    message_en: str
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message_zh": self.message_zh, "message_en": self.message_en, **self.details}


class LedgerError(ValidationError):
    """An entry (or a batch) that may not be posted; ``details["problems"]`` lists every reason."""

    default_code = errors.INVALID.code

    @classmethod
    def from_problems(cls, problems: Iterable[LedgerProblem], where: str = "") -> LedgerError:
        items = list(problems)
        zh = "；".join(p.message_zh for p in items)
        en = "; ".join(p.message_en for p in items)
        prefix_zh, prefix_en = (f"{where}：", f"{where}: ") if where else ("", "")
        return cls(
            f"{prefix_zh}记账分录无效：{zh}",
            f"{prefix_en}invalid journal entry: {en}",
            code=items[0].code if len(items) == 1 or len({p.code for p in items}) == 1 else errors.INVALID.code,
            details={"problems": [p.to_dict() for p in items]},
        )


def problem(code: ErrorCode, details: Mapping[str, Any] | None = None, **fill: Any) -> LedgerProblem:
    """A problem with ``code``'s messages, filled from ``details`` and ``fill`` (values only the message shows, such
    as the posting's line number counted from 1)."""
    stored = dict(details or {})
    values = {**stored, **fill}
    return LedgerProblem(code.code, code.zh.format(**values), code.en.format(**values), stored)


def _amount_problems(i: int, p: Posting) -> list[LedgerProblem]:
    a = p.amount
    if isinstance(a, bool) or not isinstance(a, Decimal) or not a.is_finite():
        return [problem(errors.AMOUNT_TYPE, {"posting": i, "amount": repr(a)}, line=i + 1)]
    out: list[LedgerProblem] = []
    if a == 0:
        out.append(problem(errors.ZERO_AMOUNT, {"posting": i}, line=i + 1))
    if a != a.quantize(FEN):
        out.append(problem(errors.SUB_FEN, {"posting": i, "amount": str(a)}, line=i + 1))
    elif abs(a * 100) > MAX_FEN:
        out.append(problem(errors.AMOUNT_RANGE, {"posting": i}, line=i + 1))
    return out


def validate_entry(draft: EntryDraft) -> list[LedgerProblem]:
    """Every reason ``draft`` may not be posted; an empty list means it can be."""
    problems: list[LedgerProblem] = []
    if not isinstance(draft.kind, str) or not _KIND_RE.match(draft.kind):
        problems.append(problem(errors.KIND, kind=draft.kind))
    if (draft.ref_type is None) != (draft.ref_id is None) or draft.ref_type == "" or draft.ref_id == "":
        problems.append(problem(errors.REF))
    key = draft.idempotency_key
    if key is not None and not (0 < len(key) <= MAX_KEY_LENGTH):
        problems.append(problem(errors.IDEMPOTENCY_KEY))
    if not draft.postings:
        problems.append(problem(errors.EMPTY))
        return problems
    if len(draft.postings) == 1:
        problems.append(problem(errors.SINGLE_POSTING))
    amounts_ok = True
    for i, p in enumerate(draft.postings):
        found = _amount_problems(i, p)
        amounts_ok = amounts_ok and not any(f.code == errors.AMOUNT_TYPE.code for f in found)
        problems.extend(found)
        if parse_account(p.account) is None:
            shown = p.account if isinstance(p.account, str) else repr(p.account)
            problems.append(
                problem(errors.ACCOUNT_FORMAT, {"posting": i, "account": shown}, line=i + 1, account=p.account)
            )
    dupes = sorted(
        a for a, n in Counter(p.account for p in draft.postings if isinstance(p.account, str)).items() if n > 1
    )
    if dupes:
        problems.append(problem(errors.DUPLICATE_ACCOUNT, {"accounts": dupes}, listed=", ".join(dupes)))
    if amounts_ok:
        total = sum((p.amount for p in draft.postings), Decimal(0))
        if total != 0:
            problems.append(problem(errors.UNBALANCED, {"difference": str(total)}))
    return problems


def require_valid(draft: EntryDraft) -> None:
    """Raise :class:`LedgerError` listing every problem of ``draft``."""
    problems = validate_entry(draft)
    if problems:
        raise LedgerError.from_problems(problems)


def to_fen(amount: Decimal) -> int:
    """A validated posting amount as integer fen."""
    return int(amount * 100)


def from_fen(fen: int) -> Decimal:
    return (Decimal(fen) / 100).quantize(FEN)
