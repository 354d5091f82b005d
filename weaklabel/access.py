"""Optional access control for the review app.

* A shared token: ``WEAKLABEL_APP_TOKEN`` (compared in constant time).
* Per-annotator passwords: ``WEAKLABEL_APP_USERS="ana=<hash>;ben=<hash>"`` with hashes
  from ``weaklabel hash-password`` (PBKDF2-SHA256, 200k rounds, random salt); only
  listed names may label.
Neither set: the app is open (a trusted network, a single expert).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Mapping

from .exceptions import InputError

ITERATIONS = 200_000


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """``pbkdf2_sha256$<iterations>$<salt>$<hash>`` for a password (never store it in clear)."""
    if not password:
        raise InputError("password: expected a non-empty password")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, ITERATIONS)
    return "pbkdf2_sha256${}${}${}".format(ITERATIONS, base64.b64encode(salt).decode(),
                                           base64.b64encode(digest).decode())


def verify_password(password: str, encoded: str) -> bool:
    try:
        algo, rounds, salt, digest = encoded.split("$")
        if algo != "pbkdf2_sha256":
            return False
        calc = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(rounds))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(calc, base64.b64decode(digest))


def parse_users(spec: str) -> dict[str, str]:
    """``"ana=<hash>;ben=<hash>"`` -> {name: hash}."""
    users = {}
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        name, sep, encoded = part.partition("=")
        if not sep or not name.strip() or not encoded.startswith("pbkdf2_sha256$"):
            raise InputError("WEAKLABEL_APP_USERS: expected 'name=<hash>;...' with hashes from "
                             f"`weaklabel hash-password`, got an entry {part[:20]!r}...")
        users[name.strip()] = encoded.strip()
    return users


class AccessPolicy:
    """Who may label. Built from the environment by :meth:`from_env`."""

    def __init__(self, token: str | None = None, users: Mapping[str, str] | None = None) -> None:
        self.token = token or None
        self.users = dict(users or {})

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AccessPolicy:
        env = os.environ if env is None else env
        users = parse_users(env["WEAKLABEL_APP_USERS"]) if env.get("WEAKLABEL_APP_USERS") else {}
        return cls(env.get("WEAKLABEL_APP_TOKEN"), users)

    @property
    def required(self) -> bool:
        return bool(self.token or self.users)

    def check(self, annotator: str, secret: str) -> bool:
        """True when ``annotator`` may label with ``secret`` (their password, or the token)."""
        if self.users:
            encoded = self.users.get(annotator)
            return encoded is not None and verify_password(secret or "", encoded)
        if self.token:
            return hmac.compare_digest((secret or "").encode(), self.token.encode())
        return True
