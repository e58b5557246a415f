"""Maker-checker (双人复核): the proposer of a decision can never be its approver."""

from __future__ import annotations

from ippledge.access import errors
from ippledge.access.errors import SelfApprovalError

__all__ = ["SelfApprovalError", "check_four_eyes"]


def check_four_eyes(proposer_user_id: int | None, checker_user_id: int | None) -> None:
    """Both sides must be identified people, and different ones."""
    if proposer_user_id is None or checker_user_id is None:
        raise errors.ANONYMOUS_APPROVAL()
    if proposer_user_id == checker_user_id:
        raise errors.SELF_APPROVAL()
