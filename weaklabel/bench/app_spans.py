"""``weaklabel bench app-spans``: the span editor in a real browser, timed as an expert feels it.

Builds a span project of ``n_docs`` documents (synthetic sentences with a names LF and a cities
LF that dispute boundaries, or the first documents of a WRENCH sequence set given as
``source``), fills the store with other experts' answers (``prior_answers``), starts ``weaklabel
app``, and drives headless Chromium: each decision is one of accept (Enter), delete the first
span then save (x, Enter) and retype the first two tokens then save (Shift+→, 1, Enter), timed
from the last key to the next document on screen. Answers that reached the store are counted,
so a lost key shows.

The long session (``--experts 2 --reload --double-every 10 --undo-every 25``, hundreds of
decisions on a store of 30,000 events) adds a reload, hasty double presses and undos, and checks
that no document was answered unseen or twice.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any, cast

import numpy as np

from ..exceptions import InputError
from .app import SessionPlan, _stop, browser_tools, expert_checks, launch, reload_page, sign_in_pages, start_app

FIRST = ("Ada", "Alan", "Grace", "Mary", "Charles", "Eve", "Max", "Bob", "Lin", "Noor")
LAST = ("Lovelace", "Turing", "Hopper", "Somerville", "Babbage", "Curie", "Planck", "Noether")
CITIES = ("London", "Paris", "New York", "Rome", "Manchester", "Florence", "Oslo", "Lagos")
FILLER = ("met", "visited", "wrote", "to", "about", "in", "from", "with", "the", "committee", "on", "Monday")


def synthetic_set(folder: Path, n_docs: int, seed: int = 0) -> None:
    """Return a WRENCH sequence set of ``n_docs`` sentences.

    Names (PER) and cities (LOC); the names LF finds first and last names, the cities LF finds cities
    and, on some documents, grabs the token before one too, so the two dispute boundaries.
    """
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


def _prefill(sess: Any, n_events: int, seed: int = 1) -> None:
    """Other experts' work already in the store, written in one transaction.

    Answers (the model's spans) by seven experts on random documents, with one skip in ten.
    """
    import json

    from ..review._store_engine import begin_write
    from ..review._store_schema import _now

    store, rng = sess.store, np.random.default_rng(seed)
    docs = rng.integers(len(sess.ids), size=n_events)
    rows = [dict(project=store.project, doc_id=sess.ids[d], annotator=f"expert{k % 7}", source="review",
                 doc_version=sess.versions[sess.ids[d]], created_at=_now(),
                 **({"kind": "skip", "spans": None} if k % 10 == 9 else
                    {"kind": "spans", "spans": json.dumps([list(s) for s in sess.model_spans[d]])}))
            for k, d in enumerate(docs)]
    if rows:
        with begin_write(store.engine) as c:
            c.execute(store._events.insert(), rows)


def run_span_app_bench(n_docs: int = 1000, plan: SessionPlan = SessionPlan(), *, source: str | None = None,
                       prior_answers: int = 2000, refit_every: int = 10, chromium: str | None = None) -> dict[str, Any]:
    """Latency percentiles (seconds) of the last key of a decision -> the next document on screen.

    ``plan`` says how the experts work (:class:`~weaklabel.bench.app.SessionPlan`); an undone
    decision is saved again. Returns the percentiles, the answers stored per expert, and two
    checks that must be 0: documents answered that the expert's page never showed, and documents
    with two answers in force by one expert.
    """
    sync_api, chromium = browser_tools("bench app-spans", chromium)
    from ..review.project import Project
    from ..review.span_session import SpanReviewSession

    names, decisions, experts = plan.names, plan.decisions, plan.experts
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
        _prefill(sess, prior_answers)
        remaining = sess.progress(names[0]).remaining
        if remaining <= decisions * experts:
            raise InputError(f"prior_answers: after {prior_answers} events by others (overlap 2), {remaining} of {n} "
                             f"documents are left, fewer than {decisions} decisions by {experts} experts; lower "
                             "--prior-answers or --decisions, or use more documents")
        server, port = start_app(path)
        lat: dict[str, list[float]] = {name: [] for name in names}
        seen: dict[str, set[str]] = {name: set() for name in names}
        out: dict[str, Any] = {}
        try:
            with sync_api.sync_playwright() as pw:
                browser = launch(pw, chromium)
                pages, current, out["sign_in_to_first_document_s"] = sign_in_pages(browser, port, names,
                                                                                     _doc_on_screen)
                for name in names:
                    seen[name].add(_doc_id(current[name]))
                time.sleep(0.3)     # the editor attaches its key handler as it mounts
                plans = (["Enter"], ["x", "Enter"], ["Shift+ArrowRight", "1", "Enter"])
                for i in range(decisions):
                    for name, page in pages.items():
                        if plan.undo_at(i):
                            for _ in range(4):   # the last answer comes back on screen ... A key is dropped
                                page.keyboard.press("u")   # in the instant before the editor listens, or
                                back = _wait_next(page, current[name], seconds=5)   # while a hasty second
                                if back is None:            # Enter's save is still on its way: press again
                                    continue
                                current[name] = back
                                if _doc_id(back) in seen[name]:   # a document answered before: the undo
                                    break
                                seen[name].add(_doc_id(back))     # that save's next document: undo again
                        keys = plans[i % 3]
                        for key in keys[:-1]:
                            page.keyboard.press(key)
                        t0 = time.perf_counter()
                        page.keyboard.press(keys[-1])           # ... and is saved again
                        if plan.double_at(i):
                            page.wait_for_timeout(40)
                            page.keyboard.press("Enter")        # a second, hasty press
                        current[name] = _wait_next(page, current[name], seen=seen[name])
                        lat[name].append(time.perf_counter() - t0)
                    if plan.reload_at(i):
                        current[names[0]], out["reload_to_document_s"], out["signed_in_after_reload"] = reload_page(
                            pages[names[0]], _doc_on_screen)
                        seen[names[0]].add(_doc_id(current[names[0]]))
                        time.sleep(0.3)
                for name, page in pages.items():        # a press that landed late shows here
                    page.wait_for_timeout(1000)
                    seen[name].add(_doc_id(_doc_on_screen(page, 5_000)))
                browser.close()
        finally:
            _stop(server)
        ev = sess.store.events()
        live = sess.store.current(sess.versions, events=ev)
    stored = {name: int(((ev["kind"] == "spans") & (ev["annotator"] == name)).sum()) for name in names}
    from ..review.span_store import in_force

    force = in_force(ev)
    allv = np.array([x for v in lat.values() for x in v])
    res: dict[str, Any] = {"documents": n, "decisions": decisions, "experts": experts, "prior_events": prior_answers,
                           "refit_every": refit_every, "documents_left_for_the_experts": remaining, **out,
                           "p50_s": round(float(np.percentile(allv, 50)), 3),
                           "p90_s": round(float(np.percentile(allv, 90)), 3),
                           "p99_s": round(float(np.percentile(allv, 99)), 3), "max_s": round(float(allv.max()), 3)}
    res["answers_stored"] = sum(stored.values()) if experts > 1 else stored[names[0]]
    for name in names:
        res[name] = {**expert_checks(ev, live, force, name, seen[name], "spans"),
                     **{f"p{q}_s": round(float(np.percentile(lat[name], q)), 3) for q in (50, 90, 99)}}
    return res


def _doc_id(key: str | None) -> str:
    return "" if key is None else key.split("#")[0]


def _doc_on_screen(page: Any, timeout_ms: int = 60_000) -> str | None:
    """Return the key (document id and display number) the editor's keys act on.

    The document is there for the expert only once the editor shows it, a moment after the caption above
    it.
    """
    try:
        return cast("str | None", page.locator(".doc[data-key]").first.get_attribute("data-key", timeout=timeout_ms))
    except Exception:  # noqa: BLE001 - the page is between renders
        return None


def _wait_next(page: Any, before: str | None, seconds: float = 30, seen: set[str] | None = None) -> str | None:
    """Wait for the editor to show a document other than ``before``; adds it to ``seen``."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        now = _doc_on_screen(page)
        if now is not None and now != before:
            if seen is not None:
                seen.add(_doc_id(now))
            return now
        time.sleep(0.01)
    return None
