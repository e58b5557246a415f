"""Sealed signing secrets (签名密钥加密存储): webhook secrets at rest are Fernet tokens under ``IPPLEDGE_SECRET_KEY``.

An HMAC needs the secret itself (a digest would not do), so it is encrypted, not hashed: a copy of the database (a
backup, a replica, a read-only account) no longer lets anyone forge the platform's webhooks. Fernet (AES-128-CBC with
HMAC-SHA256, from the ``cryptography`` package) authenticates as well as encrypts, so a tampered column is refused.

``IPPLEDGE_SECRET_KEY`` may list several keys, comma-separated: the first seals, every one unseals, so the key is
changed by putting the new one first, re-sealing (``ippledge events reseal``) and then dropping the old one.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from ippledge.delivery import errors

ENV_VAR = "IPPLEDGE_SECRET_KEY"


class UnsealError(Exception):
    """A stored secret that this key cannot open (another key sealed it, or the column was altered)."""


class Sealer:
    """Seals and unseals signing secrets with the platform key."""

    def __init__(self, keys: str) -> None:
        items = [k.strip() for k in keys.split(",") if k.strip()]
        if not items:
            raise errors.SECRET_KEY_MISSING()
        try:
            self._fernet = MultiFernet([Fernet(k.encode("ascii")) for k in items])
        except (ValueError, UnicodeEncodeError):
            raise errors.SECRET_KEY_BAD() from None

    def seal(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode("utf-8")).decode("ascii")

    def unseal(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode("utf-8")
        except (InvalidToken, UnicodeError):
            raise UnsealError(f"the stored secret cannot be opened with {ENV_VAR} (another key sealed it?)") from None

    def reseal(self, token: str) -> str:
        """The token under the first key (after a key change)."""
        try:
            return self._fernet.rotate(token.encode("ascii")).decode("ascii")
        except InvalidToken:
            raise UnsealError(f"the stored secret cannot be opened with {ENV_VAR}") from None


def sealer_for(key: str | None) -> Sealer:
    """The sealer for the configured key; no key is a clear refusal (``delivery.secret_key_missing``), never a
    fallback to storing the secret as written."""
    if not key or not key.strip():
        raise errors.SECRET_KEY_MISSING()
    return Sealer(key)


def new_key() -> str:
    """A fresh key for ``IPPLEDGE_SECRET_KEY`` (tests and the demo make one per run)."""
    return Fernet.generate_key().decode("ascii")
