"""Optional access control for the review app.

* A shared token: ``WEAKLABEL_APP_TOKEN`` (compared in constant time).
* Per-annotator passwords: ``WEAKLABEL_APP_USERS="ana=<hash>;ben=<hash>"`` with hashes
  from ``weaklabel hash-password`` (PBKDF2-SHA256, 200k rounds, random salt); only
  listed names may label.
Neither set: the app is open (a trusted network, a single expert); ``weaklabel app``
then binds 127.0.0.1 only. A variable that is set but empty is an error, never an open app.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import secrets
import threading
import time
from collections.abc import Mapping

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
    """True when ``password`` matches ``encoded``; False (never an exception) for a malformed hash."""
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
    """A real hash to check unknown names against: a known and an unknown name cost the same time."""
    return hash_password("weaklabel-timing-equaliser", salt=b"\0" * 16)


def parse_users(spec: str) -> dict[str, str]:
    """``"ana=<hash>;ben=<hash>"`` -> {name: hash}.

    Errors say which entry is wrong and how, never what it holds (it may hold a
    password typed in place of a hash).
    """
    users = {}
    for i, part in enumerate(filter(None, (p.strip() for p in spec.split(";"))), start=1):
        name, sep, encoded = part.partition("=")
        if not sep or not name.strip() or not _well_formed(encoded.strip()):
            raise InputError(f"WEAKLABEL_APP_USERS: entry {i} is not 'name=<hash>' with a hash from "
                             "`weaklabel hash-password` (its content is not shown: it may be a secret)")
        users[name.strip()] = encoded.strip()
    if not users:
        raise InputError("WEAKLABEL_APP_USERS: set but empty; list 'name=<hash>;...' or unset it")
    return users


MAX_FAILURES = 5
FAILURE_WINDOW = 300.0
LOCKOUT_SECONDS = 300.0


class _Lockout:
    """Failed sign-ins per name, and names locked out (thread-safe: Streamlit runs sessions in threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._fails: dict[str, list[float]] = {}
        self._until: dict[str, float] = {}

    def locked(self, name: str, now: float) -> bool:
        with self._lock:
            return self._until.get(name, -1.0) > now

    def failed(self, name: str, now: float) -> None:
        with self._lock:
            recent = [t for t in self._fails.get(name, []) if now - t < FAILURE_WINDOW] + [now]
            if len(recent) >= MAX_FAILURES:
                self._until[name] = now + LOCKOUT_SECONDS
                recent = []
            self._fails[name] = recent


_LOCKOUT = _Lockout()


class AccessPolicy:
    """Who may label. Built from the environment by :meth:`from_env`."""

    def __init__(self, token: str | None = None, users: Mapping[str, str] | None = None) -> None:
        self.token = token or None
        self.users = dict(users or {})

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AccessPolicy:
        """The policy from ``WEAKLABEL_APP_TOKEN`` / ``WEAKLABEL_APP_USERS``.

        A variable that is set but empty (an unset variable interpolated by compose or
        systemd) is a configuration error, not an open app.
        """
        env = os.environ if env is None else env
        token = env.get("WEAKLABEL_APP_TOKEN")
        if token is not None and not token.strip():
            raise InputError("WEAKLABEL_APP_TOKEN: set but empty, which would open the app to anyone; "
                             "set a token, or unset the variable for an open app")
        users = parse_users(env["WEAKLABEL_APP_USERS"]) if "WEAKLABEL_APP_USERS" in env else {}
        return cls(token, users)

    @property
    def required(self) -> bool:
        return bool(self.token or self.users)

    def check(self, annotator: str, secret: str, *, now: float | None = None) -> bool:
        """True when ``annotator`` may label with ``secret`` (their password, or the token).

        After ``MAX_FAILURES`` wrong secrets for one name within ``FAILURE_WINDOW`` seconds,
        that name is locked out for ``LOCKOUT_SECONDS`` (every check fails, right or wrong),
        so guessing costs time. Counts live in this server process.
        """
        if not self.required:
            return True
        now = time.monotonic() if now is None else now
        if _LOCKOUT.locked(annotator, now):
            return False
        if self.users:
            encoded = self.users.get(annotator)
            ok = verify_password(secret or "", encoded if encoded is not None else _dummy_hash())
            ok = encoded is not None and ok
        else:
            ok = hmac.compare_digest((secret or "").encode(), (self.token or "").encode())
        if not ok:
            _LOCKOUT.failed(annotator, now)
        return ok

    @staticmethod
    def locked_out(annotator: str, *, now: float | None = None) -> bool:
        """Whether ``annotator`` is locked out after too many wrong secrets."""
        return _LOCKOUT.locked(annotator, time.monotonic() if now is None else now)


# -- signed sign-in tokens: a reload keeps the signed-in expert ---------------
SESSION_HOURS = 12


def session_key(root: str | os.PathLike[str]) -> bytes:
    """The key that signs sign-in tokens: ``$WEAKLABEL_APP_SECRET``, else a random key kept
    in ``<project>/.weaklabel/app.key`` (owner-only), created on first use. Deleting the
    file signs everyone out."""
    env = os.environ.get("WEAKLABEL_APP_SECRET")
    if env:
        return env.encode()
    from pathlib import Path

    path = Path(root) / ".weaklabel" / "app.key"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(key)
        return key


def sign_identity(name: str, key: bytes, *, now: float | None = None, hours: float = SESSION_HOURS) -> str:
    """A token naming the signed-in expert, valid for ``hours``: ``<name>.<expiry>.<mac>``
    (the name base64url-encoded, so any Unicode name fits)."""
    expiry = int((time.time() if now is None else now) + hours * 3600)
    body = f"{base64.urlsafe_b64encode(name.encode()).decode().rstrip('=')}.{expiry}"
    mac = hmac.new(key, body.encode(), hashlib.sha256).hexdigest()
    return f"{body}.{mac}"


def verify_identity(token: str, key: bytes, *, now: float | None = None) -> str | None:
    """The expert a token names, or None when it is forged, damaged or expired."""
    try:
        enc, expiry, mac = token.split(".")
        good = hmac.new(key, f"{enc}.{expiry}".encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(good, mac) or int(expiry) < (time.time() if now is None else now):
            return None
        return base64.urlsafe_b64decode(enc + "=" * (-len(enc) % 4)).decode()
    except (ValueError, UnicodeDecodeError):
        return None
