"""A span review session in headless Chromium, as two experts and their lead would run it:
accept the model's spans with one key, fix a boundary and a type, delete a span, take
back an edit, undo a saved document, a second expert on the same document, the lead's resolution,
and the export. The editor is saved as docs/span-review.png when WEAKLABEL_UPDATE_DOCS=1."""

import json
import os
import time
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
sync_api = pytest.importorskip("playwright.sync_api")

from weaklabel.review.project import Project  # noqa: E402
from weaklabel.review.span_session import SpanReviewSession  # noqa: E402

from ..review.span_fixtures import span_project  # noqa: E402
from .test_review_app_browser import CHROMIUM, _chromium, _streamlit  # noqa: E402
from .test_review_session_browser import open_and_sign_in  # noqa: E402

DOCS = Path(__file__).resolve().parents[2] / "docs"
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs a Chromium binary (apt install chromium)")


def _key(page) -> str:
    """The editor's key (document id # display number): the keys act on this document. The
    caption above it can show the next document a moment before the editor does."""
    return page.locator(".doc[data-key]").first.get_attribute("data-key", timeout=60_000)


def _doc(page) -> str:
    return _key(page).split("#")[0]


def _next(page, old: str, seconds: float = 30) -> str:
    """Wait until the editor shows a document other than ``old`` (a document id); returns it."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        now = _doc(page)
        if now != old:
            return now
        time.sleep(0.05)
    raise AssertionError(f"the document did not change from {old}")


def _sign_in(browser, port: int, name: str):
    page = open_and_sign_in(browser, port, name, height=900)
    page.locator(".doc[data-key]").first.wait_for(timeout=60_000)   # the editor, mounted
    return page


def _answer(store, who: str, doc: str, seconds: float = 20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        cur = store.current()
        row = cur[(cur["annotator"] == who) & (cur["doc_id"] == doc)]
        if len(row):
            return sorted(row.iloc[-1]["spans"])
        time.sleep(0.1)
    return None


def _without(spans, a: int, b: int):
    return sorted(s for s in spans if s[1] <= a or s[0] >= b)


def test_two_experts_and_a_lead_fix_spans_in_chromium(tmp_path):
    path = span_project(tmp_path, overlap=2, leads=["lea"])
    sess = SpanReviewSession(Project.load(path))       # the same fit the app makes: the pre-filled spans
    model = {d: sorted(tuple(s) for s in sess.model_spans[i]) for i, d in enumerate(sess.ids)}
    store = sess.store
    with _streamlit(path) as (port, _), sync_api.sync_playwright() as pw:
        browser = _chromium(pw)
        ana = _sign_in(browser, port, "ana")
        first = _doc(ana)
        ana.keyboard.press("Enter")                                   # accept the model's spans
        second = _next(ana, first)
        assert _answer(store, "ana", first) == model[first]
        # fix a boundary and a type: select tokens 0-1 (Shift+→), make them LOC (key 2)
        ana.keyboard.press("Shift+ArrowRight")
        ana.keyboard.press("2")
        ana.keyboard.press("1")                                       # ...no: PER
        ana.keyboard.press("z")                                       # take that back: LOC again
        ana.screenshot(path=str(tmp_path / "editor.png"))
        ana.keyboard.press("Enter")
        third = _next(ana, second)
        assert _answer(store, "ana", second) == sorted(_without(model[second], 0, 2) + [(0, 2, "LOC")])
        # delete the span under the cursor (token 0), then save
        ana.keyboard.press("x")
        ana.keyboard.press("Enter")
        fourth = _next(ana, third)
        assert _answer(store, "ana", third) == _without(model[third], 0, 1)
        # undo: the last saved document comes back, its answer taken back
        ana.keyboard.press("u")
        assert _next(ana, fourth) == third
        assert _answer(store, "ana", third, seconds=1) is None
        ana.keyboard.press("Enter")
        _next(ana, third)
        assert _answer(store, "ana", third) == model[third]

        # a second expert gets ana's first document (overlap 2) and marks only a name
        ben = _sign_in(browser, port, "ben")
        assert _doc(ben) == first
        ben.keyboard.press("x")
        ben.keyboard.press("Enter")
        _next(ben, first)
        assert _answer(store, "ben", first) == _without(model[first], 0, 1)

        # the lead sees the disagreement and takes ana's answer; then exports
        lea = _sign_in(browser, port, "lea")
        lea.get_by_role("tab", name="Agreement").click()
        lea.get_by_role("button", name="Resolve with ana's answer").click()
        deadline = time.time() + 20
        while store.gold([first])[0] is None and time.time() < deadline:
            time.sleep(0.1)
        assert sorted(store.gold([first])[0]) == model[first]
        lea.get_by_role("tab", name="Export").click()
        with lea.expect_download(timeout=30_000) as dl:
            lea.get_by_role("button", name="Download WRENCH JSON").click()
        exported = json.loads(Path(dl.value.path()).read_text())
        assert sorted(tuple(x) for x in exported[first]["label"]) == model[first]
        assert second in exported and third in exported
        browser.close()
    assert (tmp_path / "editor.png").stat().st_size > 10_000
    if os.environ.get("WEAKLABEL_UPDATE_DOCS") == "1":   # the README's screenshot, only when asked
        import shutil

        shutil.copy(tmp_path / "editor.png", DOCS / "span-review.png")
