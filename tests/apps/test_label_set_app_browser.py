"""A multi-label review session in headless Chromium, as an expert runs it: the model's labels
are switched on, digit keys switch labels, Enter submits the set, u takes it back, s skips. The
page is saved as docs/multilabel-review.png when WEAKLABEL_UPDATE_DOCS=1."""

import os
import re
import time
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
sync_api = pytest.importorskip("playwright.sync_api")

from weaklabel.review.label_set_store import LabelSetStore  # noqa: E402
from weaklabel.review.project import Project  # noqa: E402

from ..review.label_set_fixtures import label_set_project  # noqa: E402
from .test_review_app_browser import CHROMIUM, _chromium, _streamlit  # noqa: E402
from .test_review_session_browser import _wait_events, open_and_sign_in  # noqa: E402

DOCS = Path(__file__).resolve().parents[2] / "docs"
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs a Chromium binary (apt install chromium)")


def _item(page, other: str | None = None, seconds: float = 30) -> str:
    """The id of the item on screen (from its caption), once it is not ``other``."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        caption = page.get_by_text(re.compile(r"^item \S+ · why this item")).first
        try:
            now = re.match(r"item (\S+) ·", caption.inner_text(timeout=5_000)).group(1)
        except Exception:   # noqa: BLE001 - mid re-render: look again
            now = None
        if now is not None and now != other:
            return now
        time.sleep(0.05)
    raise AssertionError(f"the item did not change from {other}")


def _press(page, key: str) -> None:
    page.keyboard.press(key)
    time.sleep(0.4)      # one rerun of the panel per key; the next key goes to the new buttons


def test_an_expert_switches_labels_and_submits_sets_with_the_keyboard(tmp_path):
    path = label_set_project(tmp_path)
    project = Project.load(path)
    store = LabelSetStore(project.store_url, project=project.name, labels=["admiration", "amusement", "gratitude"])
    with _streamlit(path) as (port, _), sync_api.sync_playwright() as pw:
        browser = _chromium(pw)
        page = open_and_sign_in(browser, port, "ana", height=900)
        first = _item(page)
        assert first in ("c2", "c7")                                  # "not funny": disputed amusement
        page.get_by_role("button", name="✓ amusement").wait_for(timeout=30_000)   # the model's label is on
        time.sleep(0.5)       # Streamlit attaches shortcuts just after the buttons first paint
        page.get_by_text("why this item").first.click()              # focus the page
        _press(page, "2")                                             # amusement off
        _press(page, "1")                                             # admiration on
        page.get_by_role("button", name="✓ admiration").wait_for(timeout=30_000)
        if os.environ.get("WEAKLABEL_UPDATE_DOCS") == "1":
            page.screenshot(path=str(DOCS / "multilabel-review.png"), full_page=True)
        _press(page, "Enter")
        second = _item(page, first)
        ev = _wait_events(store, 1)
        assert ev[["doc_id", "kind", "labels"]].values.tolist() == [[first, "labels", ["admiration"]]]
        _press(page, "Enter")                                         # the model's set, as it is
        third = _item(page, second)
        assert _wait_events(store, 2)["doc_id"].tolist() == [first, second]
        _press(page, "u")                                             # take it back: the second item returns
        assert _item(page, third) == second
        _press(page, "s")                                             # skip it instead
        _item(page, second)
        ev = _wait_events(store, 4)
        assert ev["kind"].tolist() == ["labels", "labels", "undo", "skip"]
        assert store.current()["doc_id"].tolist() == [first]
        browser.close()
