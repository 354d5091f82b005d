"""Sign-in for the review app: who the page belongs to, and whether it may be served at all.

Behind a reverse proxy that signs experts in (``WEAKLABEL_APP_PROXY_HEADER``), the proxy's
header names the expert on every run, and only connections from the trusted proxy count.

The URL holds a session token; the label store keeps its hash and is asked on every run, so a
sign-out, a new password or a removed account ends the session at once. Pages under a host
name that is not this server's are refused (DNS rebinding).
"""

from __future__ import annotations

import os

import streamlit as st

from weaklabel.review.access import AccessPolicy, SignInRefused, allowed_host
from weaklabel.review.project import Project
from weaklabel.review.store import ExpertLabelStore


@st.cache_resource(show_spinner=False)
def auth_store(path: str) -> ExpertLabelStore:
    """Return the label store as sign-in needs it (accounts and sessions): opened without the LFs."""
    project = Project.load(path)
    return ExpertLabelStore(project.store_url, project=project.name)


def _proxy_identity(policy: AccessPolicy, path: str) -> str:
    """Return the expert the reverse proxy signed in (raises SignInRefused)."""
    return policy.proxy_identity(auth_store(path), st.context.headers, st.context.ip_address)


def session_live(path: str, annotator: str) -> bool:
    """Whether the session this page holds still signs in ``annotator``.

    Callbacks run before the page, so each one that writes asks the store first (a sign-out elsewhere, a
    new password or a removed account ends the session, and the press is dropped). Behind a signing-in
    proxy, whether the proxy still names that expert.
    """
    policy = AccessPolicy.from_env()
    if policy.proxy_header:
        try:
            if _proxy_identity(policy, path) == annotator:
                return True
        except SignInRefused:
            pass
    elif auth_store(path).session_name(st.query_params.get("s")) == annotator:
        return True
    st.session_state["flash"] = "Your session has ended (signed out elsewhere, or a new password): sign in again."
    return False


def _sign_out(path: str) -> None:
    auth_store(path).close_session(st.query_params.get("s"))   # the link stops working too
    st.session_state.pop("identity", None)
    st.session_state.pop("item", None)
    st.query_params.pop("s", None)


def signed_in(policy: AccessPolicy, project: Project, path: str) -> str:
    """Return the signed-in expert.

    Identity is fixed at sign-in, never read from a text box afterwards. The URL holds a session token;
    the store holds its hash and is asked on every run, so a sign-out, a password change or a removed
    account ends the session at once.
    """
    if policy.proxy_header:   # single sign-on: the proxy says who this is, on every run
        try:
            proxied = _proxy_identity(policy, path)
        except SignInRefused as exc:
            st.error(str(exc))
            st.stop()
        st.session_state["identity"] = proxied
        st.sidebar.caption("Signed in through the proxy as")
        st.sidebar.text(proxied)
        return proxied
    token = st.query_params.get("s")
    ident = auth_store(path).session_name(token) if token else None
    if ident is None:
        st.session_state.pop("identity", None)
        if token:
            st.query_params.pop("s", None)
    else:
        st.session_state["identity"] = ident
        st.sidebar.caption("Signed in as")
        st.sidebar.text(ident)  # as text: a name is never rendered as markdown
        st.sidebar.button("Sign out", key="sign-out", on_click=_sign_out, args=(path,))
        return ident
    with st.form("sign-in"):
        st.write("Sign in to start labeling.")
        team = st.text_input("Team token", type="password", key="sign-in-token") if policy.token else ""
        name = st.text_input("Your name", key="sign-in-name")
        secret = st.text_input("Password", type="password", key="sign-in-secret",
                               help="New to this project? Your first sign-in sets your password (10+ characters)."
                               if policy.token and not policy.users else None)
        submitted = st.form_submit_button("Sign in", type="primary", key="sign-in-submit")
    if submitted:
        try:
            annotator = policy.sign_in(auth_store(path), name, secret, token=team,
                                       client=str(st.context.ip_address or "?"), leads=project.leads)
        except SignInRefused as exc:
            st.error(str(exc))
            st.stop()
        st.session_state["identity"] = annotator
        st.query_params["s"] = auth_store(path).open_session(annotator)
        st.rerun()
    st.stop()


def check_host() -> None:
    """Refuse pages served under another host name.

    This stops DNS rebinding: a page on evil.example that resolves to this machine would otherwise drive
    an app with no token.
    """
    address = str(st.get_option("server.address") or "127.0.0.1")
    extra = os.environ.get("WEAKLABEL_APP_HOSTS", "")
    headers = st.context.headers
    for header in ("Host", "Origin"):
        if not allowed_host(headers.get(header), address, extra):
            st.error(f"This app does not answer under {headers.get(header)!r}. The operator can add the name to "
                     "WEAKLABEL_APP_HOSTS (comma-separated) if it is theirs.")
            st.stop()
