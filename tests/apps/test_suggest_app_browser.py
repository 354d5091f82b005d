"""The Suggestions tab in headless Chromium (issue 30): an expert accepts a suggestion with the
``a`` key, edits one into their own keywords, and rejects one with ``x``; each decision lands in
the store, accepted rules in the project's ``suggested_lfs.py``. Screenshots of each step go to
the test's folder (and to docs/suggestions.png when WEAKLABEL_UPDATE_DOCS=1)."""

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
sync_api = pytest.importorskip("playwright.sync_api")

from weaklabel.review.project import Project  # noqa: E402
from weaklabel.suggest import SuggestionLog  # noqa: E402

from ..review.test_suggest_review import make_prize_project  # noqa: E402
from .test_review_app_browser import CHROMIUM, _free_port, _wait_for  # noqa: E402
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
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "weaklabel", "app", "--project", str(path), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert _wait_for(port, seconds=120)
        with sync_api.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                         args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
            page = open_and_sign_in(browser, port, "ana", height=1000)
            page.get_by_role("tab", name="Suggestions").click(timeout=60_000)
            first = _headline(page)
            assert "prize" in first and "SPAM" in first
            # five examples, the matched words marked
            page.get_by_text("row c").nth(4).wait_for(timeout=30_000)
            assert page.get_by_text("row c").count() == 5
            assert page.locator("mark", has_text=re.compile(r"^prize$")).count() == 5
            _shot(page, tmp_path / "1-suggestion.png")
            time.sleep(0.5)                       # Streamlit attaches key shortcuts just after the paint
            page.get_by_text("Examples where it fires").click()       # focus the page, not a text box
            page.keyboard.press("a")
            second = _changed(page, first)
            assert _decisions(log, 1) == ["accept"]
            code = (folder / "suggested_lfs.py").read_text()
            assert "'prize'" in code and "LABELS.index('SPAM')" in code
            page.get_by_text("rows without an expert label changed label").first.wait_for(timeout=60_000)
            _shot(page, tmp_path / "2-accepted.png")
            # edit the next one into our own keywords, and accept it
            box = page.get_by_label("Keywords, separated by commas")
            box.fill("great music, well played")
            page.get_by_role("button", name="Accept as edited").click()
            third = _changed(page, second)
            assert _decisions(log, 2) == ["accept", "accept"]
            assert "keyword_lf('great music', 'well played'," in (folder / "suggested_lfs.py").read_text()
            _shot(page, tmp_path / "3-edited.png")
            # and reject the last with x
            time.sleep(0.5)
            page.get_by_text("Examples where it fires").click()
            page.keyboard.press("x")
            page.get_by_text("No suggestions left").wait_for(timeout=60_000)
            assert _decisions(log, 3) == ["accept", "accept", "reject"] and third not in (first, second)
            _shot(page, tmp_path / "4-rejected.png")
            browser.close()
    finally:
        server.terminate()
        server.wait(30)
    names = [lf.name for lf in Project.load(path).suite().lfs]
    assert names[:3] == ["link", "my", "thanks"] and len(names) == 5
    if os.environ.get("WEAKLABEL_UPDATE_DOCS") == "1":   # the README's screenshot, only when asked
        shutil.copy(tmp_path / "1-suggestion.png", DOCS / "suggestions.png")
