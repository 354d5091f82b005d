"""Access in a real browser: the team token no longer
lets one expert act as another, sign-out ends a session in every tab and its copied link, two
tabs of one expert never both decide an item, a signing-in reverse proxy, and markdown in ids
and notes is never rendered (no image is fetched)."""

import contextlib
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pytest

from weaklabel.review.project import Project

from .test_review_app_browser import CHROMIUM, _chromium, _shown_row, _streamlit, sync_api

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")

TOKEN = "team-token-for-the-browser-test"
PW = {"ana": "ana-password-123", "lea": "lea-password-456"}


class _Pixel(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's name
        _Pixel.hits.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def pixel():
    """A server that records every request: a rendered image or a followed link would hit it."""
    _Pixel.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Pixel)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Pixel.hits
    server.shutdown()
    server.server_close()


@contextlib.contextmanager
def _signing_in_proxy(target_port: int, header: str, user: str):
    """A reverse proxy on a free port of 127.0.0.1 that signs ``user`` in: it sets ``header`` on
    the first request of each connection (the page, and each WebSocket upgrade, which is where
    Streamlit reads headers), dropping any copy the client sent, then pipes bytes both ways. A
    browser's own extra headers are no stand-in: Chromium 150 leaves them off WebSocket upgrades."""
    listener = socket.create_server(("127.0.0.1", 0))
    name = header.lower().encode() + b":"

    def pipe(src, dst):
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (src, dst):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()

    def handle(client):
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = client.recv(65536)
            if not chunk:
                client.close()
                return
            head += chunk
        top, rest = head.split(b"\r\n\r\n", 1)
        lines = [line for line in top.split(b"\r\n") if not line.lower().startswith(name)]
        lines.insert(1, f"{header}: {user}".encode())
        upstream = socket.create_connection(("127.0.0.1", target_port))
        opened.append(upstream)
        upstream.sendall(b"\r\n".join(lines) + b"\r\n\r\n" + rest)
        threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()
        pipe(client, upstream)

    def serve():
        while True:
            try:
                client, _ = listener.accept()
            except OSError:   # closed: the test is over
                return
            opened.append(client)
            threading.Thread(target=handle, args=(client,), daemon=True).start()

    opened: list[socket.socket] = []
    threading.Thread(target=serve, daemon=True).start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        for sock in opened:   # connections still open end with the proxy
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()


def _sign_in(page, port, name, password, token=TOKEN):
    page.goto(f"http://127.0.0.1:{port}/", timeout=60_000)
    page.get_by_label("Your name").wait_for(timeout=60_000)
    page.get_by_role("textbox", name="Team token").fill(token)
    page.get_by_label("Your name").fill(name)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def _labels(store, who):
    ev = store.events()
    return ev[(ev["kind"] == "label") & (ev["annotator"] == who)]


def test_accounts_tabs_sign_out_and_markdown_in_a_real_browser(spam_project, pixel, tmp_path):
    base, hits = pixel
    # every row id is markdown that would fetch an image and make a link, were it rendered
    csv = spam_project.parent / "comments.csv"
    df = pd.read_csv(csv)
    df["id"] = [f"**{r}**[go]({base}/link-{r})![i]({base}/id-{r}.png)" for r in df["id"]]
    df.to_csv(csv, index=False)
    proj = Project.load(spam_project)
    proj.overlap, proj.leads = 2, []
    proj.save(spam_project)
    store = proj.open_store()
    store.add_account("lea", PW["lea"], role="lead")
    split = df["id"].iloc[5]
    store.add_label(split, 1, "ben", note=f"![n]({base}/note.png) **loud** <img src='{base}/html.png'>")
    store.add_label(split, 0, "cy", note=f"[click]({base}/note-link)")
    with _streamlit(spam_project, WEAKLABEL_APP_TOKEN=TOKEN) as (port, _), sync_api.sync_playwright() as pw:
        browser = _chromium(pw)
        ana_ctx, other_ctx = browser.new_context(), browser.new_context()
        # ana claims her name with the team token and a password
        tab1 = ana_ctx.new_page()
        _sign_in(tab1, port, "ana", PW["ana"])
        tab1.get_by_role("button", name=re.compile(r"^SPAM")).wait_for(timeout=60_000)
        link = tab1.url
        assert "s=" in link
        # someone else with the team token cannot act as ana, under any spelling of her name
        intruder = other_ctx.new_page()
        for name in ("ana", "ANA", "Ana"):
            _sign_in(intruder, port, name, "a-guess-at-her-password")
            intruder.get_by_text("Wrong team token, name or password.").wait_for(timeout=30_000)
        assert intruder.get_by_role("button", name=re.compile(r"^SPAM")).count() == 0
        # two tabs of ana show the same item; it is decided once
        tab2 = ana_ctx.new_page()
        tab2.goto(link, timeout=60_000)
        tab2.get_by_role("button", name=re.compile(r"^SPAM")).wait_for(timeout=60_000)
        shown = _shown_row(tab1)
        assert _shown_row(tab2) == shown
        tab1.get_by_text("why this item").click()
        tab1.keyboard.press("2")                               # SPAM in the first tab
        tab1.wait_for_timeout(1500)
        tab2.get_by_text("why this item").click()
        tab2.keyboard.press("1")                               # HAM on the same, now stale, item
        tab2.wait_for_timeout(1500)
        mine = _labels(store, "ana")
        assert mine["row_id"].tolist() == [shown] and mine["label"].tolist() == [1]
        tab1.screenshot(path=str(tmp_path / "tab1.png"), full_page=True)
        # the lead's resolve panel: ids and notes as text, nothing fetched or linked
        lead = other_ctx.new_page()
        _sign_in(lead, port, "lea", PW["lea"])
        lead.get_by_role("button", name=re.compile(r"^SPAM")).wait_for(timeout=60_000)
        lead.get_by_role("tab", name="Agreement").click()
        lead.get_by_text(re.compile(r"disagreements? to resolve")).wait_for(timeout=30_000)
        lead.get_by_text("**loud**", exact=False).first.wait_for(timeout=30_000)   # the markdown, shown as typed
        lead.wait_for_timeout(1000)
        lead.screenshot(path=str(tmp_path / "lead.png"), full_page=True)
        for page in (tab1, tab2, lead):
            assert page.locator(f"img[src^='{base}']").count() == 0
            assert page.locator(f"a[href^='{base}']").count() == 0
        assert hits == []                                      # no image was fetched, no link followed
        # ana signs out in tab 1: tab 2's next press is dropped, and the copied link is dead
        tab1.get_by_role("button", name="Sign out").click()
        tab1.get_by_label("Your name").wait_for(timeout=30_000)
        before = len(_labels(store, "ana"))
        tab2.get_by_text("why this item").first.click()
        tab2.keyboard.press("2")
        tab2.wait_for_timeout(1500)
        assert len(_labels(store, "ana")) == before
        copied = ana_ctx.new_page()
        copied.goto(link, timeout=60_000)
        copied.get_by_label("Your name").wait_for(timeout=60_000)   # the sign-in form, not ana's queue
        assert copied.get_by_role("button", name=re.compile(r"^SPAM")).count() == 0
        browser.close()


def test_a_signing_in_reverse_proxy_names_the_expert(spam_project):
    """WEAKLABEL_APP_PROXY_HEADER: the proxy's header names the expert (no sign-in form); a request
    without it is refused. The proxy runs on 127.0.0.1, the trusted default."""
    with _streamlit(spam_project, WEAKLABEL_APP_PROXY_HEADER="X-Forwarded-User") as (port, _), \
            _signing_in_proxy(port, "X-Forwarded-User", "ana") as proxy, sync_api.sync_playwright() as pw:
        browser = _chromium(pw)
        page = browser.new_context(extra_http_headers={"X-Forwarded-User": "mallory"}).new_page()   # dropped
        page.goto(f"http://127.0.0.1:{proxy}/", timeout=60_000)
        page.get_by_role("button", name=re.compile(r"^SPAM")).wait_for(timeout=60_000)
        assert page.get_by_label("Your name").count() == 0
        page.get_by_text("Signed in through the proxy as").wait_for()
        assert page.get_by_text("mallory").count() == 0
        page.get_by_text("why this item").click()
        page.keyboard.press("2")
        store = Project.load(spam_project).open_store()
        for _ in range(50):
            page.wait_for_timeout(100)
            if len(_labels(store, "ana")):
                break
        assert _labels(store, "ana")["label"].tolist() == [1]
        bare = browser.new_context().new_page()
        bare.goto(f"http://127.0.0.1:{port}/", timeout=60_000)
        bare.get_by_text("sent no signed-in user").wait_for(timeout=60_000)
        assert bare.get_by_role("button", name=re.compile(r"^SPAM")).count() == 0
        browser.close()
