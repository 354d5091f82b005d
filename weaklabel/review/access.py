"""Optional access control for the review app.

* A shared token: ``WEAKLABEL_APP_TOKEN`` (compared in constant time).
* Per-annotator passwords: ``WEAKLABEL_APP_USERS="ana=<hash>;ben=<hash>"`` with hashes
  from ``weaklabel hash-password`` (PBKDF2-SHA256, 200k rounds, random salt); only
  listed names may label.
* Accounts in the label store (``weaklabel users``), behind the token or alone.
* A reverse proxy that signs experts in (single sign-on): ``WEAKLABEL_APP_PROXY_HEADER``
  names the header carrying the user, believed only from ``WEAKLABEL_APP_TRUSTED_PROXIES``.
None set: the app is open (a trusted network, a single expert); ``weaklabel app``
then binds 127.0.0.1 only. A variable that is set but empty is an error, never an open app.
"""

from __future__ import annotations

import hmac
import os
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from ..exceptions import InputError
from .passwords import _dummy_hash, _well_formed, verify_password


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


LOOPBACK = ("127.0.0.1/32", "::1/128")   # the default trusted proxy: one on this machine


def parse_proxies(spec: str) -> tuple[str, ...]:
    """``"127.0.0.1, 10.0.0.0/8"`` -> the networks a reverse proxy may connect from."""
    import ipaddress

    out = []
    for part in filter(None, (p.strip() for p in spec.split(","))):
        try:
            out.append(str(ipaddress.ip_network(part, strict=False)))
        except ValueError:
            raise InputError(f"WEAKLABEL_APP_TRUSTED_PROXIES: {part!r} is not an IP address or network "
                             "(e.g. 127.0.0.1 or 10.0.0.0/8); list them comma-separated") from None
    if not out:
        raise InputError("WEAKLABEL_APP_TRUSTED_PROXIES: set but empty; name the proxy's address, or unset it "
                         "(a proxy on this machine)")
    return tuple(out)


MAX_FAILURES = 5            # wrong sign-ins per client address ...
FAILURE_WINDOW = 300.0      # ... within this many seconds lock that address out ...
LOCKOUT_SECONDS = 300.0     # ... for this long
GLOBAL_FAILURES = 30        # wrong sign-ins per minute from all addresses together: beyond it,
                            # every sign-in waits the minute out (sessions already open go on)


class SignInRefused(InputError):
    """A sign-in that fails; the message is safe to show the visitor."""


class Throttle:
    """Failed attempts per client address and in total (thread-safe: the app and ``ls serve`` answer from threads).

    Keyed by address, never by the name typed: a lockout per name would let anyone lock a known expert
    out, and 2,000 guesses under 2,000 names would never lock.

    Parameters
    ----------
    limit, window, lockout : ``limit`` failures from one address within ``window`` seconds lock
        it out for ``lockout`` seconds (the right secret included).
    total : more than this many failures a minute from all addresses make everyone wait the
        minute out (None: no cap).
    """

    def __init__(self, limit: int = MAX_FAILURES, window: float = FAILURE_WINDOW, lockout: float = LOCKOUT_SECONDS,
                 total: int | None = GLOBAL_FAILURES) -> None:
        self.limit, self.window, self.lockout, self.total = limit, window, lockout, total
        self._lock = threading.Lock()
        self._fails: dict[str, list[float]] = {}
        self._until: dict[str, float] = {}
        self._all: list[float] = []

    def wait(self, client: str, now: float | None = None) -> float:
        """Seconds until ``client`` may try again (0: now)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._all = [t for t in self._all if now - t < 60.0]
            mine = max(0.0, self._until.get(client, -1.0) - now)
            crowd = (self._all[0] + 60.0 - now) if self.total is not None and len(self._all) >= self.total else 0.0
            return max(mine, crowd)

    def failed(self, client: str, now: float | None = None) -> None:
        """Record a wrong secret from ``client`` (and lock it out past the limit)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            if self.total is not None:
                self._all.append(now)
            recent = [t for t in self._fails.get(client, []) if now - t < self.window] + [now]
            if len(recent) >= self.limit:
                self._until[client] = now + self.lockout
                recent = []
            self._fails[client] = recent
            if len(self._fails) > 10_000:   # forget quiet addresses
                for c in [c for c, ts in self._fails.items() if not ts or now - ts[-1] > self.window]:
                    self._fails.pop(c, None)


_THROTTLE = Throttle()


class AccessPolicy:
    """Who may label. Built from the environment by :meth:`from_env`.

    * No token, no users: an open app on 127.0.0.1 (``weaklabel app`` warns elsewhere);
      names with an account in the store still need its password.
    * ``WEAKLABEL_APP_USERS``: those names and password hashes.
    * Accounts in the label store (``weaklabel users add``): name, password, role.
    * ``WEAKLABEL_APP_TOKEN``: the team token only opens the sign-in. Each expert then signs in
      to their account; a name without one is claimed by its first sign-in, which sets its
      password (names of leads are not: ``weaklabel users add NAME --role lead``).
    """

    def __init__(self, token: str | None = None, users: Mapping[str, str] | None = None, *,
                 proxy_header: str | None = None, trusted_proxies: Sequence[str] = LOOPBACK) -> None:
        self.token = token or None
        self.users = dict(users or {})
        self.proxy_header = proxy_header or None
        self.trusted_proxies = tuple(trusted_proxies)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AccessPolicy:
        """Return the policy from ``WEAKLABEL_APP_TOKEN`` / ``WEAKLABEL_APP_USERS``.

        A variable that is set but empty (an unset variable interpolated by compose or
        systemd) is a configuration error, not an open app.
        """
        env = os.environ if env is None else env
        token = env.get("WEAKLABEL_APP_TOKEN")
        if token is not None and not token.strip():
            raise InputError("WEAKLABEL_APP_TOKEN: set but empty, which would open the app to anyone; "
                             "set a token, or unset the variable for an open app")
        users = parse_users(env["WEAKLABEL_APP_USERS"]) if "WEAKLABEL_APP_USERS" in env else {}
        header = env.get("WEAKLABEL_APP_PROXY_HEADER")
        if header is not None:
            header = header.strip()
            if not header or not all(ch.isalnum() or ch in "-_" for ch in header):
                raise InputError(f"WEAKLABEL_APP_PROXY_HEADER: expected a header name such as X-Forwarded-User, got "
                                 f"{header!r}; or unset it to sign in with passwords")
            if token or users:
                raise InputError("WEAKLABEL_APP_PROXY_HEADER: the proxy signs experts in, so WEAKLABEL_APP_TOKEN "
                                 "and WEAKLABEL_APP_USERS would never be asked; unset them, or unset the header")
        proxies = parse_proxies(env.get("WEAKLABEL_APP_TRUSTED_PROXIES", ",".join(LOOPBACK)))
        return cls(token, users, proxy_header=header, trusted_proxies=proxies)

    @property
    def required(self) -> bool:
        """Whether experts must sign in with a secret (a token, accounts or a proxy header)."""
        return bool(self.token or self.users or self.proxy_header)

    def proxy_identity(self, store: Any, headers: Mapping[str, str], peer: str | None) -> str:
        """Return the expert a reverse proxy signed in (``WEAKLABEL_APP_PROXY_HEADER``), or :class:`SignInRefused`.

        The header is believed only on a connection from a trusted proxy
        (``WEAKLABEL_APP_TRUSTED_PROXIES``; the TCP peer, which a visitor cannot forge): anyone
        else could send it too. The proxy must set the header itself on every request,
        replacing any copy a visitor sent. A name with an account in the store is spelled as
        the account is (so "Ana" and "ana" stay one expert).

        Parameters
        ----------
        headers : mapping
            The request's headers (case-insensitive names, as Streamlit gives them).
        peer : str or None
            The TCP peer's address; None is loopback (Streamlit reports it so).
        """
        import ipaddress

        assert self.proxy_header is not None
        try:
            address = ipaddress.ip_address(peer or "127.0.0.1")
        except ValueError:
            raise SignInRefused("This app signs experts in through its reverse proxy; open it there.") from None
        if not any(address in ipaddress.ip_network(n, strict=False) for n in self.trusted_proxies):
            raise SignInRefused("This app signs experts in through its reverse proxy; this connection did not "
                                "come from it. Open the app through the proxy.")
        value = (headers.get(self.proxy_header) or "").strip()
        if not value:
            raise SignInRefused(f"The reverse proxy sent no signed-in user ({self.proxy_header}); check its "
                                "configuration.")
        try:
            name = check_annotator_name(value)
        except InputError as exc:
            raise SignInRefused(str(exc)) from None
        account = store.account(name)
        return str(account.name) if account is not None else name

    def sign_in(self, store: Any, name: str, password: str, *, token: str = "", client: str = "?",
                leads: Sequence[str] = (), now: float | None = None) -> str:
        """Return the expert ``name`` signs in as, or :class:`SignInRefused`.

        Parameters
        ----------
        store : ExpertLabelStore
            Where accounts live.
        token : str
            The team token, when ``WEAKLABEL_APP_TOKEN`` is set.
        client : str
            The visitor's address: failures are counted per address and in total.
        leads : names
            Leads from weaklabel.toml: their names cannot be claimed at sign-in.
        """
        from ._store_accounts import check_password, name_key

        now = time.monotonic() if now is None else now
        wait = _THROTTLE.wait(client, now)
        if wait > 0:
            raise SignInRefused(f"Too many failed sign-ins; try again in {int(wait // 60) + 1} minute(s).")
        try:
            name = check_annotator_name(name)
            if self.token and not hmac.compare_digest((token or "").encode(), self.token.encode()):
                raise SignInRefused("Wrong team token, name or password.")
            if self.users:
                encoded = self.users.get(name)
                ok = verify_password(password or "", encoded if encoded is not None else _dummy_hash())
                if encoded is None or not ok:
                    raise SignInRefused("Wrong name or password.")
                return name
            account = store.account(name)
            if account is not None:
                found = store.verify_account(name, password)
                if found is None:
                    raise SignInRefused("Wrong team token, name or password." if self.token
                                        else "Wrong name or password.")
                return str(found.name)
            if self.token:   # a new name behind the team token: its first sign-in claims it
                if name_key(name) in {name_key(n) for n in leads}:
                    raise SignInRefused("A lead's account is made by the operator (weaklabel users add NAME "
                                        "--role lead), not at sign-in.")
                try:
                    check_password(password)
                except InputError:
                    raise SignInRefused("New here? Choose a password of at least 10 characters: it keeps your "
                                        "name yours.") from None
                return str(store.add_account(name, password).name)
            if not store.accounts().empty:
                raise SignInRefused("Wrong name or password.")
            return name   # an open app
        except SignInRefused:
            _THROTTLE.failed(client, now)
            raise
        except InputError as exc:
            _THROTTLE.failed(client, now)
            raise SignInRefused(str(exc)) from None


def check_annotator_name(name: str) -> str:
    """Return a name that can sign in: a valid annotator name in one script (see ``name_key``)."""
    from ._store_accounts import name_key
    from ._store_schema import check_annotator

    shown = check_annotator(name)
    name_key(shown)
    return shown


def allowed_host(host: str | None, address: str, extra: str = "") -> bool:
    """Whether a request's Host (or Origin) header names this server.

    127.0.0.1, localhost, the address it serves on, or one of ``extra`` (comma-separated,
    ``$WEAKLABEL_APP_HOSTS``). A page on another name that resolves here (DNS rebinding) is refused.
    """
    if not host:
        return True   # not a browser (a health check): nothing to rebind
    value = host.strip().lower()
    if "://" in value:
        value = value.split("://", 1)[1]
    value = value.split("/", 1)[0]
    if value.startswith("["):                      # [::1]:8501
        hostname = value[1:value.find("]")]
    elif value.count(":") == 1:                    # name:port
        hostname = value.split(":")[0]
    else:
        hostname = value
    allowed = {"127.0.0.1", "localhost", "::1", address.strip().lower()}
    allowed |= {h.strip().lower() for h in extra.split(",") if h.strip()}
    return hostname in allowed
