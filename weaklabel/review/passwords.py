"""Password hashes for the review app's experts.

PBKDF2-SHA256 with a random salt, in one self-describing string
(``pbkdf2_sha256$<iterations>$<salt>$<hash>``), for ``WEAKLABEL_APP_USERS`` (``weaklabel
hash-password``) and the label store's accounts.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import secrets

from ..exceptions import InputError

ITERATIONS = 200_000


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """``pbkdf2_sha256$<iterations>$<salt>$<hash>`` for a password (never store it in clear)."""
    if not password:
        raise InputError("password: expected a non-empty password")
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, ITERATIONS)
    return f"pbkdf2_sha256${ITERATIONS}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def verify_password(password: str, encoded: str) -> bool:
    """Return True when ``password`` matches ``encoded``; False (never an exception) for a malformed hash."""
    try:
        algo, rounds, salt, digest = encoded.split("$")
        if algo != "pbkdf2_sha256":
            return False
        calc = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt, validate=True),
                                   int(rounds))
        return hmac.compare_digest(calc, base64.b64decode(digest, validate=True))
    except (ValueError, TypeError):  # binascii.Error is a ValueError
        return False


def _well_formed(encoded: str) -> bool:
    try:
        algo, rounds, salt, digest = encoded.split("$")
        base64.b64decode(salt, validate=True)
        return algo == "pbkdf2_sha256" and int(rounds) > 0 and len(base64.b64decode(digest, validate=True)) == 32
    except (ValueError, TypeError):
        return False


@functools.cache
def _dummy_hash() -> str:
    """Return a real hash to check unknown names against: a known and an unknown name cost the same time."""
    return hash_password("weaklabel-timing-equaliser", salt=b"\0" * 16)
