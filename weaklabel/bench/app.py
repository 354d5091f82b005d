"""``weaklabel bench app``: the review app in a real browser, timed as an expert feels it.

Builds a synthetic text project (default 10,000 items, 6 keyword LFs), starts
``weaklabel app`` on a free local port, and drives headless Chromium with Playwright:
first load (server start -> sign-in form, beside the same time for a bare one-form Streamlit
script, which is Streamlit's and Chromium's own floor; page open -> sign-in form; sign-in ->
first item), then ``decisions``
label keypresses, each timed from the key to the next item on screen. It also counts
the labels that reached the store, so a lost keypress shows as a difference. The first
key is pressed 0.3 s after the first item appears: Streamlit attaches its key shortcuts
just after the buttons first paint, and a key pressed within those milliseconds is
dropped (a race no human reaction wins, but a script does).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from ..exceptions import OptionalDependencyError

WORDS = ("check out my channel", "subscribe", "great song", "love it", "http://spam.example", "nice video",
         "please", "free gift", "the singer", "amazing voice", "click here", "first")


@dataclass(frozen=True)
class SessionPlan:
    """How a long browser session runs (``bench app-spans`` and ``bench app-multilabel``).

    ``experts`` signed-in pages take turns, ``decisions`` each. ``reload`` reloads the first
    expert's page halfway; every ``double_every``-th decision presses Enter twice, 40 ms apart,
    and every ``undo_every``-th first undoes the decision before (``u``); 0 turns either off.
    """

    decisions: int = 60
    experts: int = 1
    reload: bool = False
    double_every: int = 0
    undo_every: int = 0

    @property
    def names(self) -> list[str]:
        """The experts' names, one per signed-in page."""
        return [f"expert-{chr(ord('a') + i)}" for i in range(self.experts)]

    def undo_at(self, i: int) -> bool:
        """Whether decision ``i`` first undoes the one before."""
        return bool(self.undo_every) and i % self.undo_every == self.undo_every - 1

    def double_at(self, i: int) -> bool:
        """Whether decision ``i`` presses Enter twice."""
        return bool(self.double_every) and i % self.double_every == self.double_every - 1

    def reload_at(self, i: int) -> bool:
        """Whether the first expert's page reloads after decision ``i``."""
        return self.reload and i == self.decisions // 2


def expert_checks(ev: pd.DataFrame, live: pd.DataFrame, force: pd.DataFrame, name: str, seen: set[str],
                  kind: str) -> dict[str, int]:
    """One expert's answers in the store after a session.

    Stored (events of ``kind``), in force, undone, and the two that must be 0: documents answered that
    their page never showed (``seen``), and documents with two answers in force.
    """
    mine = force[force["annotator"] == name]
    answered = set(live.loc[live["annotator"] == name, "doc_id"])
    by_them = ev["annotator"] == name
    return {"answers_stored": int(((ev["kind"] == kind) & by_them).sum()), "answers_in_force": len(mine),
            "undos": int(((ev["kind"] == "undo") & by_them).sum()), "answered_unseen": len(answered - seen),
            "answered_twice": int(mine.groupby("doc_id").size().gt(1).sum())}


def make_project(root: Path, n_items: int, seed: int = 0, *, refit_every: int = 10,
                 strategy: str = "conflict") -> Path:
    """Build a text project of ``n_items`` synthetic comments with conflicting keyword LFs.

    The refit interval is the app's default, 10, unless given.
    """
    from ..review.project import Project

    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(WORDS), size=(n_items, 3))
    texts = [" ".join(WORDS[j] for j in row) + f" #{i}" for i, row in enumerate(picks)]
    pd.DataFrame({"id": [f"r{i}" for i in range(n_items)], "text": texts}).to_csv(root / "items.csv", index=False)
    (root / "bench_lfs.py").write_text(
        "from weaklabel import LabelSpace, keyword_lf, regex_lf\n"
        "LABELS = LabelSpace(['HAM', 'SPAM'])\n"
        "LFS = [keyword_lf('check out', 'subscribe', label=LABELS.SPAM, name='promo'),\n"
        "       regex_lf(r'https?://', label=LABELS.SPAM, name='link'),\n"
        "       keyword_lf('free gift', 'click here', label=LABELS.SPAM, name='bait'),\n"
        "       keyword_lf('song', 'love', label=LABELS.HAM, name='fan'),\n"
        "       keyword_lf('singer', 'voice', label=LABELS.HAM, name='music'),\n"
        "       keyword_lf('nice video', label=LABELS.HAM, name='praise')]\n")
    proj = Project(name="bench-app", data="items.csv", id_column="id", text_column="text",
                   display_columns=["text"], lfs="bench_lfs.py", refit_every=refit_every, strategy=strategy)
    return proj.save(root / "weaklabel.toml")


def prefill(path: Path, n_events: int, n_items: int, seed: int = 1) -> int:
    """Store ``n_events`` label events by 30 other experts on random items.

    This is how a store looks after weeks of use: every keypress is timed against it, not an empty
    store.
    """
    from ..review.project import Project

    if n_events <= 0:
        return 0
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, n_items, n_events)
    labels = rng.integers(0, 2, n_events)
    experts = rng.integers(0, 30, n_events)
    store = Project.load(path).open_store()
    return store.add_labels(((f"r{r}", int(lab), f"expert{e}") for r, lab, e in zip(rows, labels, experts)),
                            source="queue")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return cast("int", s.getsockname()[1])


def _wait_for(port: int, seconds: float = 120) -> bool:
    deadline = time.time() + seconds
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.02)   # fine-grained: the start-up times it bounds are about a second
    return False


def row_on_screen(page: Any, timeout_ms: int = 60_000) -> str | None:
    """Return the row id of the item the review page shows (None between renders)."""
    caption = page.get_by_text(re.compile(r"^row \S+ · why this item")).first
    try:
        text = caption.inner_text(timeout=timeout_ms)
    except Exception:  # noqa: BLE001 - the page is between renders
        return None
    m = re.match(r"row (\S+) ·", text)
    return m.group(1).replace("\u2060", "") if m else None   # the word joiner md_escape puts before URLs


def wait_for_next_item(page: Any, before: str | None, seconds: float = 30, timeout_ms: int = 60_000) -> str | None:
    """Poll until the page shows an item other than ``before``; returns it (None on time-out)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        now = row_on_screen(page, timeout_ms)
        if now is not None and now != before:
            return now
        time.sleep(0.01)
    return None


_STREAMLIT_FLAGS = ["--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats",
                    "false"]


def _bare_form(folder: Path) -> Path:
    """Return a Streamlit script with nothing but a one-field form: the floor of a cold start."""
    script = folder / "bare_form.py"
    script.write_text('import streamlit as st\nwith st.form("f"):\n    st.text_input("Your name")\n'
                      '    st.form_submit_button("Sign in")\n')
    return script


def _cold_form(browser: Any, cmd: list[str]) -> tuple[float, subprocess.Popen[bytes], int]:
    """Start ``cmd`` on a free port and time it to a page showing the "Your name" box.

    The browser is already running and ``cmd``'s last argument is the port flag. Returns (seconds, the
    server, its port); the caller stops the server.
    """
    port = _free_port()
    started = time.perf_counter()
    server = subprocess.Popen([*cmd, str(port)], env=dict(os.environ),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not _wait_for(port):
            raise RuntimeError(f"{' '.join(cmd[1:4])} did not start within 120 s")
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.goto(f"http://127.0.0.1:{port}/", timeout=300_000)
        page.get_by_label("Your name").wait_for(timeout=300_000)
        page.close()
    except BaseException:
        _stop(server)
        raise
    return time.perf_counter() - started, server, port


def start_app(path: Path) -> tuple[subprocess.Popen[bytes], int]:
    """Start ``weaklabel app`` on the project at ``path``, on a free port, up and answering.

    Raises RuntimeError after 120 s, with the server stopped. Returns (the server, its port); the caller
    stops it with ``_stop``.
    """
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "weaklabel", "app", "--project", str(path), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not _wait_for(port):
        _stop(server)
        raise RuntimeError("weaklabel app did not start within 120 s")
    return server, port


def sign_in_pages(browser: Any, port: int, names: list[str], on_screen: Callable[[Any], Any], *,
                  height: int = 768) -> tuple[dict[str, Any], dict[str, Any], float]:
    """Return a page per expert on the app at ``port``, each signed in by name.

    Returns the pages, what each shows first (``on_screen(page)``), and the seconds from the first
    expert's Sign in click to its first item.
    """
    pages: dict[str, Any] = {}
    first: dict[str, Any] = {}
    took = 0.0
    for name in names:
        page = pages[name] = browser.new_context(viewport={"width": 1366, "height": height}).new_page()
        page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
        page.get_by_label("Your name").fill(name)
        t0 = time.perf_counter()
        page.get_by_role("button", name="Sign in").click()
        first[name] = on_screen(page)
        took = took or round(time.perf_counter() - t0, 3)
    return pages, first, took


def reload_page(page: Any, on_screen: Callable[[Any], Any]) -> tuple[Any, float, bool]:
    """Reload ``page``: (what it shows after, seconds to it, whether it is still signed in)."""
    t0 = time.perf_counter()
    page.reload()
    shown = on_screen(page)
    return shown, round(time.perf_counter() - t0, 3), page.get_by_label("Your name").count() == 0


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    server.wait(timeout=30)


def browser_tools(what: str, chromium: str | None = None) -> tuple[Any, str]:
    """(playwright's sync API, the Chromium binary) for a browser bench, or a clear error naming what is missing."""
    try:
        from playwright import sync_api
    except ImportError as exc:
        raise OptionalDependencyError(f"{what} needs playwright: pip install 'weaklabel[dev]'") from exc
    chromium = chromium or shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise OptionalDependencyError(f"{what} needs a Chromium binary on PATH (apt install chromium)")
    return sync_api, chromium


def launch(pw: Any, chromium: str) -> Any:
    """Headless Chromium with the flags a container needs."""
    return pw.chromium.launch(executable_path=chromium, headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                                    "--disable-background-networking"])


def run_app_bench(n_items: int = 10_000, decisions: int = 60, chromium: str | None = None, *,
                  prior_events: int = 0, strategy: str = "conflict", refit_every: int = 10) -> dict[str, Any]:
    """Time the app on a store pre-filled with ``prior_events`` label events.

    Returns latency percentiles (seconds) of keypress -> next item, first-load times
    (``cold_sign_in_s``: server start to the sign-in form, with the model still loading), and labels
    stored against keys pressed.
    """
    sync_api, chromium = browser_tools("bench app", chromium)
    from ..review.project import Project

    with tempfile.TemporaryDirectory() as tmp:
        path = make_project(Path(tmp), n_items, refit_every=refit_every, strategy=strategy)
        prefill(path, prior_events, n_items)
        server = None
        try:
            with sync_api.sync_playwright() as pw:
                browser = launch(pw, chromium)
                # Streamlit's own floor first, measured the same way: a bare one-form script
                floor, bare, _ = _cold_form(browser, [sys.executable, "-m", "streamlit", "run",
                                                      str(_bare_form(Path(tmp))), *_STREAMLIT_FLAGS,
                                                      "--server.port"])
                _stop(bare)
                # cold: from the server's start to the sign-in form (the model loads behind it)
                cold, server, port = _cold_form(browser, [sys.executable, "-m", "weaklabel", "app", "--project",
                                                          str(path), "--port"])
                page = browser.new_page(viewport={"width": 1366, "height": 768})
                t0 = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
                page.get_by_label("Your name").wait_for(timeout=120_000)
                first_load = time.perf_counter() - t0
                page.get_by_label("Your name").fill("bench-expert")
                t0 = time.perf_counter()
                page.get_by_role("button", name="Sign in").click()
                current = row_on_screen(page)
                first_item = time.perf_counter() - t0
                # Streamlit attaches the key shortcuts just after the buttons first paint; a key
                # pressed within those few milliseconds does nothing (no human is that fast).
                page.get_by_role("button", name=re.compile(r"^SPAM")).wait_for(timeout=60_000)
                time.sleep(0.3)
                lat = []
                for i in range(decisions):
                    key = "1" if i % 2 else "2"
                    t0 = time.perf_counter()
                    page.keyboard.press(key)
                    current = wait_for_next_item(page, current) or current
                    lat.append(time.perf_counter() - t0)
                browser.close()
            ev = Project.load(path).open_store().events()
            stored = int(((ev["kind"] == "label") & (ev["annotator"] == "bench-expert")).sum())
        finally:
            if server is not None:
                _stop(server)
    arr = np.array(lat)
    return {"items": n_items, "decisions": decisions, "prior_events": prior_events, "strategy": strategy,
            "refit_every": refit_every, "labels_stored": stored, "cold_sign_in_s": round(cold, 3),
            "bare_streamlit_form_s": round(floor, 3),
            "first_load_s": round(first_load, 3), "sign_in_to_first_item_s": round(first_item, 3),
            "p50_s": round(float(np.percentile(arr, 50)), 3), "p90_s": round(float(np.percentile(arr, 90)), 3),
            "p99_s": round(float(np.percentile(arr, 99)), 3), "max_s": round(float(arr.max()), 3),
            "slow_decisions": [i for i, t in enumerate(lat) if t > 1.0]}


def run_decision_bench(n_items: int = 100_000, decisions: int = 200, *, prior_events: int = 100_000,
                       store_url: str | None = None, strategy: str = "conflict") -> dict[str, Any]:
    """Server work per decision, without a browser.

    What the app does on one keypress (store the label, lease the next item, read the progress line),
    timed on a store pre-filled with ``prior_events`` label events, SQLite by default or ``store_url``
    (PostgreSQL).

    Refits run in the background, as in the app; their worker process competes for the CPU
    like it does there.
    """
    import tempfile
    import time
    import uuid

    from ..exceptions import InputError
    from ..review.project import Project
    from ..review.session import ReviewSession

    with tempfile.TemporaryDirectory(prefix="weaklabel-decide-") as tmp:
        path = make_project(Path(tmp), n_items, strategy=strategy)
        if store_url:
            proj = Project.load(path)
            proj.store = store_url
            proj.name = f"bench-{uuid.uuid4().hex[:8]}"   # a shared database: a fresh project each run
            proj.save(path)
        prefill(path, prior_events, n_items)
        sess = ReviewSession(Project.load(path), background_refits=True)
        try:
            name = "bench-expert"
            item = sess.next_item(name)
            parts: dict[str, list[float]] = {"label": [], "next_item": [], "progress": []}
            total = []
            for k in range(decisions):
                if item is None:
                    break
                t0 = time.perf_counter()
                sess.label(item.row_id, k % 2, name, seen_after=item.seen_after)
                t1 = time.perf_counter()
                item = sess.next_item(name)
                t2 = time.perf_counter()
                sess.progress(name)
                t3 = time.perf_counter()
                parts["label"].append(t1 - t0)
                parts["next_item"].append(t2 - t1)
                parts["progress"].append(t3 - t2)
                total.append(t3 - t0)
        finally:
            sess.close()   # the refit worker
        if not total:
            raise InputError(f"items: the {prior_events} prior events left no item to label among {n_items}; "
                             "give more items")
        ms = np.asarray(total) * 1000
        return {"items": n_items, "prior_events": prior_events, "decisions": len(total),
                "store": "postgresql" if store_url else "sqlite",
                "p50_ms": float(np.percentile(ms, 50)), "p90_ms": float(np.percentile(ms, 90)),
                "p99_ms": float(np.percentile(ms, 99)),
                **{f"{k}_p50_ms": float(np.median(v) * 1000) for k, v in parts.items()}}
