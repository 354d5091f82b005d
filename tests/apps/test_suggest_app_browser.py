"""The Suggestions tab in headless Chromium: an expert rejects a neighbourhood with
``x``, accepts another with ``a``, edits a keyword rule into their own keywords, and rejects the
rest; each decision lands in the store, accepted rules in the project's ``suggested_lfs.py``.
Screenshots of each step go to the test's folder (and to docs/suggestions.png when
WEAKLABEL_UPDATE_DOCS=1)."""

import os
import shutil
import time
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
sync_api = pytest.importorskip("playwright.sync_api")

from weaklabel.review.project import Project  # noqa: E402
from weaklabel.suggest import SuggestionLog  # noqa: E402

from ..review.test_suggest_review import make_prize_project  # noqa: E402
from .test_review_app_browser import CHROMIUM, _chromium, _streamlit  # noqa: E402
from .test_review_session_browser import open_and_sign_in  # noqa: E402

DOCS = Path(__file__).resolve().parents[2] / "docs"
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs a Chromium binary (apt install chromium)")


def _headline(page) -> str:
    loc = page.locator("p", has_text="Suggestion 1 of").first
    loc.wait_for(timeout=60_000)
    return loc.inner_text()


def _changed(page, old: str, seconds: float = 30) -> str:
    deadline = time.time() + seconds
    while time.time() < deadline:
        loc = page.locator("p", has_text="Suggestion 1 of")
        now = loc.first.inner_text() if loc.count() else ""
        if now and now != old:            # "" while the page re-renders
            return now
        time.sleep(0.1)
    raise AssertionError(f"the suggestion did not change from {old!r}")


def _shot(page, path: Path, seconds: float = 20) -> None:
    """A screenshot once the page has settled: Streamlit keeps the last run's elements, marked
    stale, on screen until the new run replaces them."""
    deadline = time.time() + seconds
    while time.time() < deadline and page.locator("[data-stale='true']").count():
        time.sleep(0.1)
    page.wait_for_timeout(300)
    page.screenshot(path=str(path), full_page=True)


def _decisions(log: SuggestionLog, n: int, seconds: float = 20) -> list[str]:
    deadline = time.time() + seconds
    while time.time() < deadline:
        ev = log.events()
        if len(ev) >= n:
            return ev["decision"].tolist()
        time.sleep(0.1)
    return log.events()["decision"].tolist()


def test_accept_edit_and_reject_suggestions_in_chromium(tmp_path):
    folder = tmp_path / "project"
    folder.mkdir()
    # three suggestions wait: the prize words (SPAM), and two kinds of fans' words (HAM)
    path = make_prize_project(folder, labeled=60, music=True)
    project = Project.load(path)
    log = SuggestionLog(project.store_url, project=project.name)
    with _streamlit(path) as (port, _), sync_api.sync_playwright() as pw:
        browser = _chromium(pw)
        page = open_and_sign_in(browser, port, "ana", height=1000)
        page.get_by_role("tab", name="Suggestions").click(timeout=60_000)
        first = _headline(page)
        # the template-like rows of each class sit close together: neighbourhoods come first
        assert "neighbourhood" in first
        page.get_by_text("row c").nth(4).wait_for(timeout=30_000)
        assert page.get_by_text("row c").count() == 5                 # five examples
        _shot(page, tmp_path / "1-neighbourhood.png")
        time.sleep(0.5)                       # Streamlit attaches key shortcuts just after the paint
        page.get_by_text("Examples where it fires").click()       # focus the page, not a text box
        page.keyboard.press("x")                                   # reject the first neighbourhood
        second = _changed(page, first)
        assert _decisions(log, 1) == ["reject"] and "neighbourhood" in second
        time.sleep(0.5)
        page.get_by_text("Examples where it fires").click()
        page.keyboard.press("a")                                   # accept the other
        third = _changed(page, second)
        assert _decisions(log, 2) == ["reject", "accept"]
        assert "similar_lf([" in (folder / "suggested_lfs.py").read_text()
        page.get_by_text("rows without an expert label changed label").first.wait_for(timeout=60_000)
        _shot(page, tmp_path / "2-accepted.png")
        # a keyword rule now: its words are marked in the examples; edit it into our own and accept
        assert "keywords" in third
        page.get_by_text("row c").nth(4).wait_for(timeout=30_000)
        assert page.locator("mark").count() >= 5
        _shot(page, tmp_path / "3-keywords.png")
        page.get_by_label("Keywords, separated by commas").fill("great music, well played")
        page.get_by_role("button", name="Accept as edited").click()
        fourth = _changed(page, third)
        assert _decisions(log, 3) == ["reject", "accept", "accept"]
        assert "keyword_lf('great music', 'well played'," in (folder / "suggested_lfs.py").read_text()
        # and reject what is left with x
        rejected = 0
        while "No suggestions left" not in page.inner_text("body") and rejected < 10:
            time.sleep(0.5)
            page.get_by_text("Examples where it fires").click()
            page.keyboard.press("x")
            rejected += 1
            assert _decisions(log, 3 + rejected) == ["reject", "accept", "accept"] + ["reject"] * rejected
            deadline = time.time() + 30        # the next suggestion, or none left
            while time.time() < deadline and "No suggestions left" not in page.inner_text("body"):
                loc = page.locator("p", has_text="Suggestion 1 of")
                try:                           # the headline can go between count() and the read
                    shown = loc.first.inner_text(timeout=2000) if loc.count() else ""
                except sync_api.TimeoutError:  # (the last one rejected): look again
                    shown = ""
                if shown not in ("", fourth):
                    fourth = shown
                    break
                time.sleep(0.1)
        page.get_by_text("No suggestions left").wait_for(timeout=60_000)
        assert _decisions(log, 3 + rejected) == ["reject", "accept", "accept"] + ["reject"] * rejected
        _shot(page, tmp_path / "4-done.png")
        browser.close()
    names = [lf.name for lf in Project.load(path).suite().lfs]
    assert names[:3] == ["link", "my", "thanks"] and len(names) == 5
    if os.environ.get("WEAKLABEL_UPDATE_DOCS") == "1":   # the README's screenshot, only when asked
        shutil.copy(tmp_path / "3-keywords.png", DOCS / "suggestions.png")
