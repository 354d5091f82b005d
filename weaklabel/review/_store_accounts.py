"""Expert accounts and sign-in sessions, kept in the label store (a mixin of ``ExpertLabelStore``).

* An account is a name, a password hash (PBKDF2, ``passwords.hash_password``) and a role
  (``annotator`` or ``lead``). Names are compared by their *skeleton*: NFKC-normalised,
  case-folded, and with letters that look alike across scripts mapped to one, so "Ana",
  "ana" and a Cyrillic "аna" are one expert; a name that mixes scripts is refused.
* A session is a random token the browser keeps; the store keeps only its sha256, the
  account and an expiry. Signing out ends it; a password change or a removed account ends
  every session of that account at once.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd

from ..exceptions import InputError
from ._store_schema import _now, check_annotator, db_now
from .passwords import _dummy_hash, hash_password, verify_password

ROLES = ("annotator", "lead")
SESSION_HOURS = 12

# Letters that render like a Latin letter in common fonts (Unicode's confusables, the part
# that matters for names typed on Latin, Cyrillic and Greek keyboards).
_LOOKALIKE = str.maketrans({
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ѵ": "v", "ӏ": "l",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t",
    "υ": "u", "χ": "x", "γ": "y", "ω": "w",
})


def _script(ch: str) -> str | None:
    """Return the script of a letter (its Unicode name's first word: LATIN, CYRILLIC, ...); None otherwise."""
    if not ch.isalpha():
        return None
    return unicodedata.name(ch, "UNKNOWN").split(" ")[0]


def name_key(name: str) -> str:
    """Return the key two names are the same expert by: NFKC, case-folded, lookalikes mapped.

    Raises
    ------
    InputError
        The name is not a valid annotator name, or mixes letters of two scripts (a Cyrillic
        "а" in a Latin "ana"), which is how lookalike names are made.
    """
    clean = unicodedata.normalize("NFKC", check_annotator(name))
    scripts = {s for s in map(_script, clean) if s is not None}
    if len(scripts) > 1:
        raise InputError(f"name: {name!r} mixes letters of {sorted(scripts)}; use one script (lookalike letters "
                         "from another script make names that impersonate others)")
    return clean.casefold().translate(_LOOKALIKE)


class Account(NamedTuple):
    name: str
    role: str


class _Accounts:
    """Needs ``_sa``, ``_accounts``, ``_sessions``, ``project``, ``engine``, ``is_sqlite`` and ``_write``."""

    _sa: Any
    _accounts: Any
    _sessions: Any
    project: str
    engine: Any
    is_sqlite: bool

    if TYPE_CHECKING:  # provided by ExpertLabelStore
        def _write(self) -> AbstractContextManager[Any]: ...

    # -- accounts -----------------------------------------------------------
    def add_account(self, name: str, password: str, *, role: str = "annotator") -> Account:
        """Create an account; refused when its name is (or looks like) an existing one."""
        if role not in ROLES:
            raise InputError(f"role: expected one of {list(ROLES)}, got {role!r}")
        key, shown = name_key(name), check_annotator(name)
        check_password(password)
        sa, a = self._sa, self._accounts
        with self._write() as c:
            clash = c.execute(sa.select(a.c.name).where(sa.and_(a.c.project == self.project, a.c.key == key))).first()
            if clash is not None:
                raise InputError(f"name: {shown!r} is taken, or looks like the account {clash[0]!r}; choose "
                                 "another name")
            c.execute(a.insert().values(project=self.project, key=key, name=shown, role=role,
                                        password_hash=hash_password(password), updated_at=_now()))
        return Account(shown, role)

    def account(self, name: str) -> Account | None:
        """Return the account ``name`` signs in to (by its key), or None."""
        sa, a = self._sa, self._accounts
        with self.engine.connect() as c:
            row = c.execute(sa.select(a.c.name, a.c.role).where(sa.and_(
                a.c.project == self.project, a.c.key == name_key(name)))).first()
        return None if row is None else Account(row.name, row.role)

    def accounts(self) -> pd.DataFrame:
        """Every account: name, role, updated_at (never a hash)."""
        sa, a = self._sa, self._accounts
        with self.engine.connect() as c:
            rows = c.execute(sa.select(a.c.name, a.c.role, a.c.updated_at).where(a.c.project == self.project)
                             .order_by(a.c.name)).all()
        return pd.DataFrame(rows, columns=["name", "role", "updated_at"])

    def verify_account(self, name: str, password: str) -> Account | None:
        """Return the account when ``password`` is its password.

        None otherwise (an unknown name costs as long as a known one).
        """
        try:
            key = name_key(name)
        except InputError:
            return None
        sa, a = self._sa, self._accounts
        with self.engine.connect() as c:
            row = c.execute(sa.select(a.c.name, a.c.role, a.c.password_hash).where(sa.and_(
                a.c.project == self.project, a.c.key == key))).first()
        ok = verify_password(password or "", row.password_hash if row is not None else _dummy_hash())
        return Account(row.name, row.role) if row is not None and ok else None

    def set_password(self, name: str, password: str) -> None:
        """Change an account's password; every session of the account ends."""
        check_password(password)
        self._change(name, password_hash=hash_password(password))

    def set_role(self, name: str, role: str) -> None:
        if role not in ROLES:
            raise InputError(f"role: expected one of {list(ROLES)}, got {role!r}")
        self._change(name, role=role)

    def remove_account(self, name: str) -> None:
        """Delete an account and end its sessions (its labels stay: the log is append-only)."""
        sa, a = self._sa, self._accounts
        key = name_key(name)
        with self._write() as c:
            gone = c.execute(a.delete().where(sa.and_(a.c.project == self.project, a.c.key == key))).rowcount
            if not gone:
                raise InputError(f"name: no account {name!r}")
            self._end_sessions(c, key)

    def _change(self, name: str, **values: Any) -> None:
        sa, a = self._sa, self._accounts
        key = name_key(name)
        with self._write() as c:
            done = c.execute(a.update().where(sa.and_(a.c.project == self.project, a.c.key == key))
                             .values(updated_at=_now(), **values)).rowcount
            if not done:
                raise InputError(f"name: no account {name!r}; create it with weaklabel users add")
            self._end_sessions(c, key)

    # -- sessions -----------------------------------------------------------
    def open_session(self, name: str, *, hours: float = SESSION_HOURS) -> str:
        """Start a new session for the expert ``name`` and return its token (the store keeps its hash)."""
        token = secrets.token_urlsafe(32)
        with self._write() as c:
            now = db_now(c, self.is_sqlite)
            c.execute(self._sessions.delete().where(self._sessions.c.expires_at < now))   # keep the table small
            c.execute(self._sessions.insert().values(
                id=_digest(token), project=self.project, key=name_key(name), name=check_annotator(name),
                expires_at=now + timedelta(hours=hours)))
        return token

    def session_name(self, token: str | None) -> str | None:
        """Return the expert a live session token belongs to, or None (unknown, ended or expired)."""
        if not token or len(token) > 200:
            return None
        sa, s = self._sa, self._sessions
        with self.engine.connect() as c:
            row = c.execute(sa.select(s.c.name, s.c.expires_at).where(sa.and_(
                s.c.id == _digest(token), s.c.project == self.project))).first()
            if row is None:
                return None
            expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=db_now(
                c, self.is_sqlite).tzinfo)
            return row.name if expires > db_now(c, self.is_sqlite) else None

    def close_session(self, token: str | None) -> None:
        """End one session (sign-out)."""
        if token:
            with self._write() as c:
                c.execute(self._sessions.delete().where(self._sessions.c.id == _digest(token)))

    def end_sessions(self, name: str) -> None:
        """End every session of ``name`` (say, after a password leak)."""
        with self._write() as c:
            self._end_sessions(c, name_key(name))

    def _end_sessions(self, c: Any, key: str) -> None:
        sa, s = self._sa, self._sessions
        c.execute(s.delete().where(sa.and_(s.c.project == self.project, s.c.key == key)))


def check_password(password: Any) -> str:
    """Passwords of at least 10 characters (a short one falls to guessing despite the lockout)."""
    if not isinstance(password, str) or len(password) < 10:
        raise InputError("password: expected at least 10 characters")
    return password


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
