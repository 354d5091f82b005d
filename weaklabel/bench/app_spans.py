"""``weaklabel bench app-spans``: the span editor in a real browser, timed as an expert feels it.

Builds a span project of ``n_docs`` documents (synthetic sentences with a names LF and a cities
LF that dispute boundaries, or the first documents of a WRENCH sequence set given as
``source``), fills the store with other experts' answers (``prior_answers``), starts ``weaklabel
app``, and drives headless Chromium: each decision is one of accept (Enter), delete the first
span then save (x, Enter) and retype the first two tokens then save (Shift+→, 1, Enter), timed
from the last key to the next document on screen. Answers that reached the store are counted,
so a lost key shows.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import InputError
from .app import _free_port, _stop, _wait_for, browser_tools, launch

FIRST = ("Ada", "Alan", "Grace", "Mary", "Charles", "Eve", "Max", "Bob", "Lin", "Noor")
LAST = ("Lovelace", "Turing", "Hopper", "Somerville", "Babbage", "Curie", "Planck", "Noether")
CITIES = ("London", "Paris", "New York", "Rome", "Manchester", "Florence", "Oslo", "Lagos")
FILLER = ("met", "visited", "wrote", "to", "about", "in", "from", "with", "the", "committee", "on", "Monday")


def synthetic_set(folder: Path, n_docs: int, seed: int = 0) -> None:
    """A WRENCH sequence set of ``n_docs`` sentences: names (PER) and cities (LOC); the names LF
    finds first and last names, the cities LF finds cities and, on some documents, grabs the token
    before one too, so the two dispute boundaries."""
    from ..spans import SeqSplit, SpanMatrix, write_seq_split

    rng = np.random.default_rng(seed)
    tokens, votes = [], []
    for _ in range(n_docs):
        toks: list[str] = []
        names: list[tuple[int, int, str]] = []
        cities: list[tuple[int, int, str]] = []
        for _ in range(int(rng.integers(2, 5))):
            toks += [str(w) for w in rng.choice(FILLER, int(rng.integers(1, 4)))]
            if rng.random() < 0.6:
                start = len(toks)
                toks += [str(rng.choice(FIRST)), str(rng.choice(LAST))]
                names.append((start, len(toks) if rng.random() < 0.8 else start + 1, "PER"))
            else:
                city = str(rng.choice(CITIES)).split()
                start = len(toks)
                toks += city
                wide = rng.random() < 0.3 and start > 0
                cities.append((start - 1 if wide else start, len(toks), "LOC"))
        toks.append(".")
        tokens.append(toks)
        votes.append([names, cities])
    L = SpanMatrix.from_spans(votes, [len(t) for t in tokens], ["PER", "LOC"], ["names", "cities"])
    write_seq_split(folder, "train", SeqSplit([f"d{i}" for i in range(n_docs)], tokens, None, L))


def _subset(source: Path, folder: Path, n_docs: int) -> None:
    from ..spans import SeqSplit, read_seq_split, write_seq_split

    split = read_seq_split(source, "train")
    keep = list(range(min(n_docs, len(split.ids))))
    write_seq_split(folder, "train", SeqSplit([split.ids[i] for i in keep], [split.tokens[i] for i in keep], None,
                                              split.L.docs(keep)))


def run_span_app_bench(n_docs: int = 1000, decisions: int = 60, *, source: str | None = None,
                       prior_answers: int = 2000, refit_every: int = 10,
                       chromium: str | None = None) -> dict[str, Any]:
    """Latency percentiles (seconds) of the last key of a decision -> the next document on screen."""
    sync_api, chromium = browser_tools("bench app-spans", chromium)
    from ..review.project import Project
    from ..review.span_session import SpanReviewSession

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        if source is None:
            synthetic_set(root / "docs", n_docs)
        else:
            _subset(Path(source), root / "docs", n_docs)
        path = root / "weaklabel.toml"
        Project(name="bench-spans", kind="spans", data="docs", split="train", refit_every=refit_every,
                overlap=2, audit_fraction=0.05, root=root).save(path)
        sess = SpanReviewSession(Project.load(path))
        n = len(sess.ids)
        rng = np.random.default_rng(1)
        for k in range(prior_answers):       # other experts' answers: a store in use
            d = int(rng.integers(n))
            sess.store.save(sess.ids[d], sess.model_spans[d], f"expert{k % 7}", tokens=sess.split.tokens[d])
        remaining = sess.progress("bench-expert")["remaining"]
        if remaining <= decisions:
            raise InputError(f"prior_answers: after {prior_answers} answers by others (overlap 2), {remaining} of {n} "
                             f"documents are left for the timed expert, fewer than {decisions} decisions; lower "
                             "--prior-answers or --decisions, or use more documents")
        port = _free_port()
        server = subprocess.Popen([sys.executable, "-m", "weaklabel", "app", "--project", str(path), "--port",
                                   str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        lat: list[float] = []
        try:
            if not _wait_for(port):
                raise RuntimeError("weaklabel app did not start within 120 s")
            with sync_api.sync_playwright() as pw:
                browser = launch(pw, chromium)
                page = browser.new_page(viewport={"width": 1366, "height": 768})
                page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
                page.get_by_label("Your name").fill("bench-expert")
                t0 = time.perf_counter()
                page.get_by_role("button", name="Sign in").click()
                current = _doc_on_screen(page)
                first_doc = time.perf_counter() - t0
                time.sleep(0.3)     # the editor attaches its key handler as it mounts
                plans = (["Enter"], ["x", "Enter"], ["Shift+ArrowRight", "1", "Enter"])
                for i in range(decisions):
                    keys = plans[i % 3]
                    for key in keys[:-1]:
                        page.keyboard.press(key)
                    t0 = time.perf_counter()
                    page.keyboard.press(keys[-1])
                    current = _wait_next(page, current)
                    lat.append(time.perf_counter() - t0)
                browser.close()
        finally:
            _stop(server)
        ev = sess.store.events()
        stored = int(((ev["kind"] == "spans") & (ev["annotator"] == "bench-expert")).sum())
    arr = np.array(lat)
    return {"documents": n, "decisions": decisions, "prior_answers": prior_answers, "refit_every": refit_every,
            "documents_left_for_the_expert": remaining,
            "answers_stored": stored, "sign_in_to_first_document_s": round(first_doc, 3),
            "p50_s": round(float(np.percentile(arr, 50)), 3), "p90_s": round(float(np.percentile(arr, 90)), 3),
            "p99_s": round(float(np.percentile(arr, 99)), 3), "max_s": round(float(arr.max()), 3)}


def _doc_on_screen(page: Any, timeout_ms: int = 60_000) -> str | None:
    """The key (document id and display number) the editor's keys act on: the document is there
    for the expert only once the editor shows it, a moment after the caption above it."""
    try:
        return page.locator(".doc[data-key]").first.get_attribute("data-key", timeout=timeout_ms)
    except Exception:  # noqa: BLE001 - the page is between renders
        return None


def _wait_next(page: Any, before: str | None, seconds: float = 30) -> str | None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        now = _doc_on_screen(page)
        if now is not None and now != before:
            return now
        time.sleep(0.01)
    return None
