"""The review app's Suggestions tab (weaklabel/app/_suggest_view.py) through Streamlit's AppTest: the best
suggestion with its numbers and highlighted examples; accept, accept as edited and reject. The
keys and the screenshots are in tests/apps/test_suggest_app_browser.py."""

import time
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

from weaklabel.review.project import Project
from weaklabel.suggest import SuggestionLog

from ..review.test_suggest_review import make_prize_project

APP = str(Path(__file__).resolve().parents[2] / "apps" / "review_app.py")


def _open(path, monkeypatch, name="ana"):
    monkeypatch.setenv("WEAKLABEL_PROJECT", str(path))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.text_input(key="sign-in-name").input(name)
    at.button(key="sign-in-submit").click().run()
    at.session_state["tab"] = "Suggestions"
    return at.run()


def _headline(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("**Suggestion 1 of"))


def _press(at, prefix: str):
    return at.button(key=next(b.key for b in at.button if str(b.key).startswith(prefix))).click().run()


def test_accept_then_reject_from_the_tab(tmp_path, monkeypatch):
    path = make_prize_project(tmp_path)
    at = _open(path, monkeypatch)
    assert not at.exception, [str(e.value)[:300] for e in at.exception]
    first = _headline(at)
    # the template-like spam rows sit close together: their neighbourhood is the best-bounded rule
    assert first.startswith("**Suggestion 1 of 5:** neighbourhood") and "**SPAM**" in first
    assert len([c for c in at.caption if c.value.startswith("row c")]) == 5      # five examples
    _press(at, "suggest-accept-")
    assert not at.exception, [str(e.value)[:300] for e in at.exception]
    code = (tmp_path / "suggested_lfs.py").read_text()
    assert code.count("similar_lf([") == 1 and "LABELS.index('SPAM')" in code
    # the prize keywords fire inside the accepted neighbourhood: no longer proposed
    assert "prize" not in _headline(at) and _headline(at).startswith("**Suggestion 1 of 3:**")
    for _ in range(60):                     # the refit runs in the background; then the tab says what changed
        if any(i.value.startswith("Refit with suggest") for i in at.info):
            break
        assert any(c.value.startswith("Refitting the model with suggest") for c in at.caption)
        time.sleep(0.5)
        at.run()
    assert any(i.value.startswith("Refit with suggest") and "rows without an expert label changed" in i.value
               for i in at.info)
    for _ in range(3):                      # the ham neighbourhood, the tune words, "at most 6 words"
        _press(at, "suggest-reject-")
    assert not at.exception, [str(e.value)[:300] for e in at.exception]
    assert any("No suggestions left" in s.value for s in at.success)
    project = Project.load(path)
    events = SuggestionLog(project.store_url, project=project.name).events()
    assert events["decision"].tolist() == ["accept", "reject", "reject", "reject"]
    # a restart proposes none of them again
    again = _open(path, monkeypatch, "ben")
    assert any("No suggestions left" in s.value for s in again.success)


def test_edit_and_accept_from_the_tab(tmp_path, monkeypatch):
    path = make_prize_project(tmp_path)
    at = _open(path, monkeypatch)
    while "neighbourhood" in _headline(at):          # to the keyword rules first
        _press(at, "suggest-reject-")
    assert "prize" in _headline(at)
    next(t for t in at.text_input if str(t.key).startswith("suggest-text-")).input("free prize, lovely offer")
    at.button(key=next(b.key for b in at.button if "FormSubmitter" in str(b.key))).click().run()
    assert not at.exception, [str(e.value)[:300] for e in at.exception]
    code = (tmp_path / "suggested_lfs.py").read_text()
    assert "keyword_lf('free prize', 'lovely offer', label=LABELS.index('SPAM'), name='suggest_lovely_offer_spam')" \
        in code and "edited by ana" in code
    assert Project.load(path).suite().lfs[-1].name == "suggest_lovely_offer_spam"
    assert _headline(at).startswith("**Suggestion 1 of 2:**")      # the original is not proposed again


def test_a_neighbourhood_is_edited_by_its_cosine(tmp_path, monkeypatch):
    path = make_prize_project(tmp_path)
    at = _open(path, monkeypatch)
    next(n for n in at.number_input if str(n.key).startswith("suggest-cosine-")).set_value(0.7)
    at.button(key=next(b.key for b in at.button if "FormSubmitter" in str(b.key))).click().run()
    assert not at.exception, [str(e.value)[:300] for e in at.exception]
    code = (tmp_path / "suggested_lfs.py").read_text()
    assert "], threshold=0.7, label=LABELS.index('SPAM'), name='suggest_similar_spam')" in code


def test_the_tab_asks_for_labels_first(tmp_path, monkeypatch):
    path = make_prize_project(tmp_path, labeled=4)
    at = _open(path, monkeypatch)
    assert not at.exception
    assert any("label at least 10 items first (4 so far)" in i.value for i in at.info)


def test_a_threshold_suggestion_is_edited_by_its_comparison_and_value(tmp_path, monkeypatch):
    import numpy as np

    project = Project.load(Project(name="cancer", root=tmp_path).save(tmp_path / "weaklabel.toml"))
    df, gold = project.items()
    store = project.open_store()
    for i in np.random.default_rng(0).choice(len(df), 60, replace=False):
        store.add_label(df.index[i], int(gold[i]), "ana")
    at = _open(tmp_path / "weaklabel.toml", monkeypatch)
    assert not at.exception, [str(e.value)[:300] for e in at.exception]
    assert _headline(at).startswith("**Suggestion 1 of") and " threshold " in _headline(at)
    assert any(c.value.startswith("row ") and "expert label" in c.value for c in at.caption)
    next(s for s in at.selectbox if str(s.key).startswith("suggest-op-")).select(">=")
    next(n for n in at.number_input if str(n.key).startswith("suggest-value-")).set_value(12.5)
    at.button(key=next(b.key for b in at.button if "FormSubmitter" in str(b.key))).click().run()
    assert not at.exception, [str(e.value)[:300] for e in at.exception]
    code = (tmp_path / "suggested_lfs.py").read_text()
    assert "'>=', 12.5, label=LABELS.index(" in code and "edited by ana" in code
