"""Loan errors (贷款业务错误): every refusal carries a ``lending.*`` code and a Chinese and English message."""

from __future__ import annotations

from typing import Any

from ippledge.kernel.errors import ConflictError, ValidationError


def conflict(code: str, zh: str, en: str, **details: Any) -> ConflictError:
    return ConflictError(zh, en, code=f"lending.{code}", details=details)


def invalid(code: str, zh: str, en: str, **details: Any) -> ValidationError:
    return ValidationError(zh, en, code=f"lending.{code}", details=details)


def not_active(status: str) -> ConflictError:
    return conflict(
        "not_active", f"贷款状态为{status}，不能办理", f"the loan is {status}; this needs an active loan", status=status
    )
