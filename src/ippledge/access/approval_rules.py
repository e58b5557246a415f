"""Maker-checker (双人复核): the proposer of a decision can never be its approver."""

from __future__ import annotations

from ippledge.kernel.errors import PermissionDeniedError


class SelfApprovalError(PermissionDeniedError):
    default_code = "access.self_approval"


def check_four_eyes(proposer_user_id: int | None, checker_user_id: int | None) -> None:
    """Both sides must be identified people, and different ones."""
    if proposer_user_id is None or checker_user_id is None:
        raise PermissionDeniedError(
            "双人复核必须由具名用户提出和审批",
            "maker-checker needs a named user on both sides",
            code="access.anonymous_approval",
        )
    if proposer_user_id == checker_user_id:
        raise SelfApprovalError("提出人不能审批自己的提议", "the proposer cannot approve their own proposal")
