"""Journal entry rules and the chart of accounts, without a database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from ippledge.ledger import accounts
from ippledge.ledger.accounts import AccountKind, AccountType, account_code, parse_account
from ippledge.ledger.model import EntryDraft, LedgerError, Posting, require_valid, validate_entry

D = dt.date(2025, 3, 20)


def draft(*postings: tuple[str, str], **kw: object) -> EntryDraft:
    return EntryDraft(D, kw.pop("kind", "disbursement"), tuple(Posting(a, Decimal(x)) for a, x in postings), **kw)  # type: ignore[arg-type]


def codes(problems: list) -> list[str]:  # type: ignore[type-arg]
    return [p.code for p in problems]


def test_chart_of_accounts_codes_and_types() -> None:
    assert account_code(7, "cash") == "P7:cash"
    assert account_code(12, "settlement") == "P12:settlement"
    assert account_code(7, "loan_principal", 42) == "P7:loan:42:principal"
    assert account_code(7, accounts.LOAN_INTEREST, "L-2025.1") == "P7:loan:L-2025.1:interest"
    assert account_code(7, "interest_income") == "P7:income:interest"
    assert account_code(7, "writeoff_loss") == "P7:loss:writeoff"
    parsed = parse_account("P7:loan:42:penalty")
    assert parsed is not None and (parsed.owner_party_id, parsed.kind.name, parsed.subject) == (7, "loan_penalty", "42")
    assert parsed.type is AccountType.ASSET
    assert parse_account("P12:settlement").type is AccountType.LIABILITY  # type: ignore[union-attr]
    assert parse_account("P7:income:recovery").type is AccountType.INCOME  # type: ignore[union-attr]
    for bad in ["P0:cash", "7:cash", "P7:loan:42", "P7:loan::principal", "P7:nonsense", "P07:cash", "p7:cash", ""]:
        assert parse_account(bad) is None, bad
    with pytest.raises(ValueError):
        account_code(7, "loan_principal")  # needs the loan
    with pytest.raises(ValueError):
        account_code(7, "cash", 3)
    with pytest.raises(ValueError):
        account_code(7, "no_such_kind")


def test_chart_is_extensible_by_registration() -> None:
    kind = AccountKind("fund_reserve_t", "fund:reserve", AccountType.LIABILITY, "风险补偿资金", "compensation fund")
    accounts.register_kind(kind)
    accounts.register_kind(kind)  # idempotent
    assert account_code(3, "fund_reserve_t") == "P3:fund:reserve"
    assert parse_account("P3:fund:reserve").kind == kind  # type: ignore[union-attr]
    with pytest.raises(ValueError):
        accounts.register_kind(AccountKind("fund_reserve_t", "fund:other", AccountType.ASSET, "x", "x"))


def test_balanced_entry_is_valid() -> None:
    d = draft(("P7:loan:1:principal", "1000000.00"), ("P12:settlement", "-1000000.00"))
    assert validate_entry(d) == []
    require_valid(d)


def test_every_problem_is_reported_at_once() -> None:
    d = draft(
        ("P7:loan:1:principal", "100.001"),
        ("P7:nope", "0"),
        ("P12:settlement", "-50"),
        ("P12:settlement", "-10"),
        kind="Bad Kind",
        ref_type="loan",
    )
    found = codes(validate_entry(d))
    assert set(found) == {
        "ledger.kind",
        "ledger.ref",
        "ledger.sub_fen",
        "ledger.zero_amount",
        "ledger.account_format",
        "ledger.duplicate_account",
        "ledger.unbalanced",
    }
    with pytest.raises(LedgerError) as exc:
        require_valid(d)
    assert exc.value.code == "ledger.invalid" and exc.value.status == 422
    assert len(exc.value.details["problems"]) == len(found)
    assert "借贷不平衡" in exc.value.message_zh and "debits and credits differ" in exc.value.message_en


def test_unbalanced_reports_the_difference() -> None:
    problems = validate_entry(draft(("P7:cash", "100.00"), ("P12:settlement", "-99.99")))
    assert codes(problems) == ["ledger.unbalanced"]
    assert problems[0].details["difference"] == "0.01"
    with pytest.raises(LedgerError) as exc:
        require_valid(draft(("P7:cash", "100.00"), ("P12:settlement", "-99.99")))
    assert exc.value.code == "ledger.unbalanced"


def test_empty_and_single_posting_entries() -> None:
    assert codes(validate_entry(draft())) == ["ledger.empty"]
    assert set(codes(validate_entry(draft(("P7:cash", "5.00"))))) == {"ledger.single_posting", "ledger.unbalanced"}


def test_float_amount_is_refused() -> None:
    d = EntryDraft(D, "x", (Posting("P7:cash", 1.5), Posting("P12:settlement", Decimal("-1.5"))))  # type: ignore[arg-type]
    assert "ledger.amount_type" in codes(validate_entry(d))


def test_content_ignores_order_and_memo() -> None:
    a = draft(("P7:cash", "1.00"), ("P12:settlement", "-1.00"), memo="a")
    b = draft(("P12:settlement", "-1.00"), ("P7:cash", "1.00"), memo="b")
    assert a.content() == b.content()
