"""Password rules (密码规则): what a new password must satisfy, with the refused list kept as data.

A new password is long enough (``PasswordPolicy.min_length``, ``IPPLEDGE_PASSWORD_MIN_LENGTH``), not absurdly long
(argon2 hashes any length, but a cap keeps a request from costing much), does not contain the username, and is not on
the list of common passwords (``ippledge/data/common_passwords.txt``, compared case-insensitively).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from ippledge.access import errors

MAX_LENGTH = 200


@dataclass(frozen=True)
class PasswordPolicy:
    """The rules' parameters; the defaults are the platform's, tests and settings may change them."""

    min_length: int = 10


DEFAULT_PASSWORD_POLICY = PasswordPolicy()


@cache
def common_passwords() -> frozenset[str]:
    """The refused list, lower-cased (read once from the packaged data file)."""
    text = resources.files("ippledge").joinpath("data", "common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def check_password(password: str, username: str, policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY) -> None:
    """Raise the first rule ``password`` breaks for ``username``; return quietly when it is acceptable."""
    if len(password) < policy.min_length:
        raise errors.PASSWORD_TOO_SHORT(min_length=policy.min_length)
    if len(password) > MAX_LENGTH:
        raise errors.PASSWORD_TOO_LONG(max_length=MAX_LENGTH)
    if len(username) >= 3 and username.lower() in password.lower():
        raise errors.PASSWORD_HAS_USERNAME()
    if password.lower() in common_passwords():
        raise errors.PASSWORD_COMMON()
