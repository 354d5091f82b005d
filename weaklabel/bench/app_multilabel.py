"""``weaklabel bench app-multilabel``.

Multi-label review in a real browser, timed as an expert feels it, on a loaded project.

The project is a GoEmotions-layout folder with its LF suite (``source`` and ``lfs``), or ``items``
synthetic comments over six emotions with a keyword LF each. The store is filled with other
experts' answers first (``prior_answers`` events). Then headless Chromium signs in and makes
``decisions``: each switches one or two labels with their keys and submits with Enter (every
third accepts the pre-selected set as it is). Two latencies are timed: a label key to the label
shown switched, and Enter to the next item on screen. Every ``undo_every``-th decision is taken
back with ``u`` and made again. The answers in force are checked against what was on screen:
none unseen, none twice.

The long session (``--experts 2 --reload --double-every 10 --undo-every 25``) has two experts
take turns on one server, reloads the first one's page halfway and presses Enter twice in
haste now and then.
"""

from __future__ import annotations

import re
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from ..exceptions import InputError
from .app import SessionPlan, _stop, browser_tools, expert_checks, launch, reload_page, sign_in_pages, start_app

EMOTIONS = {"joy": ("happy", "glad", "yay"), "anger": ("furious", "angry", "mad"), "fear": ("scared", "afraid"),
            "gratitude": ("thanks", "grateful"), "surprise": ("wow", "whoa"), "sadness": ("sad", "miss")}
FILLER = ("the", "game", "was", "really", "so", "this", "my", "friend", "said", "today", "again", "honestly")


def synthetic_project(root: Path, n_items: int, seed: int = 0) -> Path:
    """Write a synthetic multi-label project and return its path.

    It has ``n_items`` comments mixing filler words with zero to two emotions' cue words, a keyword LF
    per emotion (and one that votes joy on any '!'), and a project file.
    """
    import pandas as pd

    from ..review.project import Project

    rng = np.random.default_rng(seed)
    names = list(EMOTIONS)
    texts = []
    for _ in range(n_items):
        words = [str(w) for w in rng.choice(FILLER, int(rng.integers(4, 12)))]
        for e in rng.choice(len(names), int(rng.integers(0, 3)), replace=False):
            words.insert(int(rng.integers(0, len(words))), str(rng.choice(EMOTIONS[names[e]])))
        texts.append(" ".join(words) + ("!" if rng.random() < 0.3 else "."))
    pd.DataFrame({"id": [f"i{i}" for i in range(n_items)], "text": texts}).to_csv(root / "items.csv", index=False)
    lfs = ["from weaklabel.multilabel import keyword_lf, regex_lf", f"LABELS = {names!r}", "LFS = ["]
    lfs += [f"    keyword_lf(*{words!r}, labels={e!r}, name='kw_{e}')," for e, words in EMOTIONS.items()]
    lfs += ["    regex_lf(r'!', labels='joy', name='re_bang'),", "]"]
    (root / "emotion_lfs.py").write_text("\n".join(lfs) + "\n", encoding="utf-8")
    path = root / "weaklabel.toml"
    Project(name="bench-multilabel", kind="multilabel", data="items.csv", id_column="id", lfs="emotion_lfs.py",
            refit_every=10, overlap=2, audit_fraction=0.05, root=root).save(path)
    return path


def _prefill(sess: Any, n_events: int, seed: int = 1) -> None:
    """Other experts' work, in one transaction: the model's sets by seven experts on random items, one skip in ten."""
    import json

    from ..review._store_engine import begin_write
    from ..review._store_schema import _now

    store, rng = sess.store, np.random.default_rng(seed)
    items = rng.integers(len(sess.ids), size=n_events)
    rows = [dict(project=store.project, doc_id=sess.ids[d], annotator=f"expert{k % 7}", source="review",
                 doc_version=sess.versions[sess.ids[d]], created_at=_now(),
                 **({"kind": "skip", "labels": None} if k % 10 == 9 else
                    {"kind": "labels", "labels": json.dumps(sess.model_labels(d))}))
            for k, d in enumerate(items)]
    if rows:
        with begin_write(store.engine) as c:
            c.execute(store._events.insert(), rows)


_CAPTION = re.compile(r"^item (\S+) · why this item")


def _item_on_screen(page: Any, before: str | None = None, seconds: float = 30) -> str | None:
    """Return the id of the item on screen once it is not ``before`` (None when it does not change)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            m = re.match(r"item (\S+) ·", page.get_by_text(_CAPTION).first.inner_text(timeout=2_000))
        except Exception:  # noqa: BLE001 - the page is between renders
            m = None
        if m is not None and m.group(1) != before:
            return m.group(1)
        time.sleep(0.01)
    return None


def _switched(page: Any, label: str, on: bool, seconds: float = 30) -> bool:
    """Wait until ``label``'s button shows it switched ``on`` (a ✓ before its name) or off."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        if (page.get_by_role("button", name=f"✓ {label}").count() > 0) == on:
            return True
        time.sleep(0.005)
    return False


def _toggle(page: Any, presses: list[tuple[str, str]]) -> list[float]:
    """Press each (key, label) and time it until the label's button shows the switch."""
    times = []
    for key, label in presses:
        was = page.get_by_role("button", name=f"✓ {label}").count() > 0
        t0 = time.perf_counter()
        page.keyboard.press(key)
        if _switched(page, label, not was):
            times.append(time.perf_counter() - t0)
    return times


def _bench_project(root: Path, n_items: int, source: str | None, lfs: str | None, split: str,
                   refit_every: int) -> Path:
    """Return the bench's project file: synthetic items, or ``source`` (a multi-label set) with ``lfs``."""
    from ..review.project import Project

    if source is None:
        return synthetic_project(root, n_items)
    if lfs is None:
        raise InputError("lfs: a source folder needs its LF suite (--lfs FILE, a module with LABELS and LFS)")
    path = root / "weaklabel.toml"
    Project(name="bench-multilabel", kind="multilabel", data=str(Path(source).resolve()), split=split,
            lfs=str(Path(lfs).resolve()), refit_every=refit_every, overlap=2, audit_fraction=0.05,
            root=root).save(path)
    return path


def run_label_set_app_bench(n_items: int = 10_000, plan: SessionPlan = SessionPlan(decisions=100), *,
                            source: str | None = None, lfs: str | None = None, split: str = "train",
                            prior_answers: int = 30_000, refit_every: int = 10,
                            chromium: str | None = None) -> dict[str, Any]:
    """Latency percentiles (seconds).

    A label key -> the label switched on screen, and Enter -> the next item on screen; the answers
    stored and in force per expert; and two checks that must be 0 (items answered that the expert's page
    never showed, items with two answers in force).

    ``plan`` says how the experts work (:class:`~weaklabel.bench.app.SessionPlan`): how many take
    turns, how many decisions each, and when a page reloads, presses Enter twice or undoes.
    """
    sync_api, chromium = browser_tools("bench app-multilabel", chromium)
    from ..review.label_set_session import LabelSetReviewSession
    from ..review.project import Project

    names, decisions, experts = plan.names, plan.decisions, plan.experts
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path = _bench_project(root, n_items, source, lfs, split, refit_every)
        t0 = time.perf_counter()
        sess = LabelSetReviewSession(Project.load(path))
        load_s = time.perf_counter() - t0
        _prefill(sess, prior_answers)
        remaining = sess.progress(names[0]).remaining
        if remaining <= decisions * experts:
            raise InputError(f"prior_answers: {remaining} of {len(sess.ids)} items are left after {prior_answers} "
                             f"events by others (overlap 2), fewer than {decisions} decisions by {experts} experts; "
                             "lower --prior-answers or --decisions")
        keys = [*"1234567890"][:min(len(sess.labels), 10)]
        server, port = start_app(path)
        toggle: list[float] = []
        submit: dict[str, list[float]] = {name: [] for name in names}
        seen: dict[str, set[str]] = {name: set() for name in names}
        out: dict[str, Any] = {}
        try:
            with sync_api.sync_playwright() as pw:
                browser = launch(pw, chromium)
                pages, current, out["sign_in_to_first_item_s"] = sign_in_pages(
                    browser, port, names, lambda page: _item_on_screen(page, seconds=120), height=900)
                for name in names:
                    seen[name].add(str(current[name]))
                time.sleep(0.5)   # Streamlit attaches key shortcuts just after the buttons first paint
                rng = np.random.default_rng(0)
                for i in range(decisions):
                    for name, page in pages.items():
                        if plan.undo_at(i):
                            page.keyboard.press("u")
                            back = _item_on_screen(page, current[name], seconds=10)
                            if back is not None:
                                current[name] = back
                                seen[name].add(back)
                        picks: Any = [] if i % 3 == 2 else rng.choice(len(keys), 1 + i % 2, replace=False)
                        toggle += _toggle(page, [(keys[int(k)], sess.labels[int(k)]) for k in picks])
                        t0 = time.perf_counter()
                        page.keyboard.press("Enter")
                        if plan.double_at(i):
                            page.wait_for_timeout(40)
                            page.keyboard.press("Enter")        # a second, hasty press
                        nxt = _item_on_screen(page, current[name])
                        submit[name].append(time.perf_counter() - t0)
                        if nxt is not None:
                            current[name] = nxt
                            seen[name].add(nxt)
                    if plan.reload_at(i):
                        current[names[0]], out["reload_to_item_s"], out["signed_in_after_reload"] = reload_page(
                            pages[names[0]], lambda page: _item_on_screen(page, seconds=60))
                        seen[names[0]].add(str(current[names[0]]))
                        time.sleep(0.5)
                for name, page in pages.items():        # a press that landed late shows here
                    page.wait_for_timeout(1000)
                    late = _item_on_screen(page, None, seconds=5)
                    if late is not None:
                        seen[name].add(late)
                browser.close()
        finally:
            _stop(server)
            sess.close()
        ev = sess.store.events()
        live = sess.store.current(sess.versions, events=ev)
    from ..review.answer_log import in_force

    force = in_force(ev, ("labels",))

    def pct(xs: list[float]) -> dict[str, float]:
        a = np.asarray(xs) if xs else np.zeros(1)
        return {f"p{q}_s": round(float(np.percentile(a, q)), 3) for q in (50, 90, 99)} | {"max_s": round(float(a.max()),
                                                                                                        3)}

    res: dict[str, Any] = {"items": len(sess.ids), "labels": len(sess.labels), "decisions": decisions,
                           "experts": experts, "prior_events": prior_answers, "first_fit_s": round(load_s, 2), **out,
                           "toggle": pct(toggle), "submit": pct([x for v in submit.values() for x in v])}
    for name in names:
        res[name] = {**expert_checks(ev, live, force, name, seen[name], "labels"), "submit": pct(submit[name])}
    return res
