"""Credentials (凭证): argon2 password hashes, opaque bearer tokens and API keys.

Tokens and API keys are random secrets shown once; only their SHA-256 digests are stored (they have 256 bits of
entropy, so a slow hash adds nothing). Passwords are argon2id.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()
_dummy_hash: str | None = None  # a hash of a random secret at the current cost, for logins of unknown users


def configure_hasher(time_cost: int, memory_cost_kib: int) -> None:
    """Change the argon2 cost for new hashes (tests and bulk demo loads use a cheap one; hashes record their cost)."""
    global _hasher, _dummy_hash
    _hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost_kib, parallelism=1)
    _dummy_hash = None


TOKEN_PREFIX = "ipt_"
API_KEY_PREFIX = "ipk_"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def hash_public_password(password: str) -> str:
    """A cheap argon2 hash for a password that is public anyway (the simulated market's demo accounts).

    The hash records its own cost, so verification stays correct; it only makes the demo's logins fast.
    """
    return PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def verify_dummy(password: str) -> bool:
    """Spend what verifying a real user's password costs, and fail: a login for an unknown username must take as long
    as one for a known username, or the response time tells which usernames exist."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = _hasher.hash(secrets.token_urlsafe(16))
    verify_password(_dummy_hash, password)
    return False


def same_digest(secret: str, stored: str) -> bool:
    """Whether ``secret`` has the stored digest, compared in constant time."""
    return hmac.compare_digest(digest(secret), stored)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def new_api_key() -> tuple[str, str]:
    """Returns (prefix, full key). The prefix identifies the key row; the rest is the secret."""
    prefix = secrets.token_hex(6)
    return prefix, f"{API_KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"


def split_api_key(key: str) -> str | None:
    """The prefix of a well-formed API key, or None."""
    if not key.startswith(API_KEY_PREFIX):
        return None
    body = key[len(API_KEY_PREFIX) :]
    prefix, sep, rest = body.partition("_")
    return prefix if sep and prefix and rest else None
