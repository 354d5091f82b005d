"""The review app on a multi-label project (weaklabel/app/_label_set_view.py) through Streamlit's AppTest:
the model's labels switched on, a key per label switches one, Enter submits the set, a stale
press is dropped, undo, the lead's resolution and the export. The keys themselves run in the
browser: tests/apps/test_label_set_app_browser.py presses them."""

import threading
from pathlib import Path

import pandas as pd
import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

from weaklabel.app._label_set_view import LABEL_KEYS, act
from weaklabel.review.label_set_session import LabelSetReviewSession
from weaklabel.review.project import Project

from ..review.label_set_fixtures import label_set_project

APP = str(Path(__file__).resolve().parents[2] / "apps" / "review_app.py")


def _app(_path, name):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.text_input(key="sign-in-name").input(name)
    return at.button(key="sign-in-submit").click().run()


def _ok(at):
    """No exception and no error box (a refused sign-in or a failed load shows as an error box)."""
    assert not at.exception, [str(e.value)[:400] for e in at.exception]
    assert not at.error, [str(e.value)[:400] for e in at.error]


def test_every_label_gets_its_own_key_and_none_is_taken_by_streamlit_skip_or_undo():
    assert len(set(LABEL_KEYS)) == len(LABEL_KEYS) >= 28          # GoEmotions' 28 labels all get a key
    assert not {"c", "r", "s", "u"} & set(LABEL_KEYS)


def test_switch_labels_then_submit_stores_the_set_and_serves_the_next_item(tmp_path, monkeypatch):
    path = label_set_project(tmp_path)
    monkeypatch.setenv("WEAKLABEL_PROJECT", str(path))
    at = _app(path, "ana")
    _ok(at)
    item = at.session_state["ml_doc"]
    assert at.session_state["ml_selected"] == item["model_labels"] == ["amusement"]   # c2 or c7: "not funny"
    assert any("LF votes go against the model on amusement" in c.value for c in at.caption)
    shown = at.session_state["ml_shown"]
    at.button(key=f"ml-toggle-1-{shown}").click().run()             # amusement off
    at.button(key=f"ml-toggle-2-{shown}").click().run()             # gratitude on
    _ok(at)
    assert at.session_state["ml_selected"] == ["gratitude"]
    assert any("selected: gratitude" in c.value for c in at.caption)
    at.button(key=f"ml-submit-{shown}").click().run()
    _ok(at)
    store = LabelSetReviewSession(Project.load(path)).store
    cur = store.current()
    assert cur[["doc_id", "annotator", "labels"]].values.tolist() == [[item["doc_id"], "ana", ["gratitude"]]]
    assert at.session_state["ml_doc"]["doc_id"] != item["doc_id"]
    assert any("11 remaining for you" in c.value for c in at.caption)
    # undo: the item comes back with the set the expert had given
    nxt = at.session_state["ml_shown"]
    at.button(key=f"ml-undo-{nxt}").click().run()
    _ok(at)
    assert at.session_state["ml_doc"]["doc_id"] == item["doc_id"] and store.current().empty


def test_a_press_drawn_for_an_item_already_decided_is_dropped(tmp_path):
    sess = LabelSetReviewSession(Project.load(label_set_project(tmp_path)))
    state: dict = {}
    from weaklabel.app._label_set_view import _set_item

    _set_item(sess.next_doc("ana"), state)
    lock, shown = threading.Lock(), state["ml_shown"]
    act(sess, lock, "ana", "submit", shown, state)
    act(sess, lock, "ana", "submit", shown, state)                   # key repeat: the same number
    act(sess, lock, "ana", "toggle", shown, state, "gratitude")      # a late toggle for the old item
    assert len(sess.store.events()) == 1 and "Ignored" in state["ml_flash"]
    assert state["ml_selected"] == state["ml_doc"]["labels"]       # the next item's set, untouched


def test_the_lead_resolves_a_dispute_and_the_export_offers_every_item(tmp_path, monkeypatch):
    path = label_set_project(tmp_path, overlap=2)
    monkeypatch.setenv("WEAKLABEL_PROJECT", str(path))
    store = LabelSetReviewSession(Project.load(path)).store
    store.save("c0", ["gratitude"], "ana")
    store.save("c0", ["gratitude", "admiration"], "ben")
    at = _app(path, "lea")
    at.session_state["ml-tab"] = "Agreement"
    at.run()
    _ok(at)
    assert at.dataframe[0].value["jaccard"].tolist() == [pytest.approx(0.5)]
    assert any(t.value == "ben: admiration, gratitude" for t in at.text), [t.value for t in at.text]
    at.button(key="ml-resolve-c0-ben").click().run()
    assert store.gold(["c0"]) == [["admiration", "gratitude"]]
    at.session_state["ml-tab"] = "Export"
    at.run()
    _ok(at)
    assert any("1 of 12 items carry the experts' set" in c.value for c in at.caption)
    assert at.get("download_button")
    # a non-lead sees disputes but cannot resolve them
    store.save("c1", ["amusement"], "ana")
    store.save("c1", [], "ben")
    at2 = _app(path, "ana")
    at2.session_state["ml-tab"] = "Agreement"
    at2.run()
    _ok(at2)
    assert not [b for b in at2.button if str(b.key).startswith("ml-resolve-")]


def test_labeled_items_export_as_one_hot_columns(tmp_path):
    sess = LabelSetReviewSession(Project.load(label_set_project(tmp_path)))
    sess.save("c3", ["admiration", "gratitude"], "ana")
    path, n = sess.store.export(tmp_path / "x.csv", sess.ids, sess.texts, format="onehot")
    df = pd.read_csv(path)
    assert n == 1 and df[["id", "admiration", "amusement", "gratitude"]].values.tolist() == [["c3", 1, 0, 1]]


def test_a_press_after_the_session_ended_elsewhere_writes_nothing(tmp_path, monkeypatch):
    from weaklabel.review.store import ExpertLabelStore

    path = label_set_project(tmp_path)
    monkeypatch.setenv("WEAKLABEL_PROJECT", str(path))
    at = _app(path, "ana")
    _ok(at)
    proj = Project.load(path)
    ExpertLabelStore(proj.store_url, project=proj.name).close_session(at.query_params["s"])   # signed out in a tab
    at.button(key=f"ml-submit-{at.session_state['ml_shown']}").click().run()
    assert LabelSetReviewSession(proj).store.events().empty
    assert at.text_input(key="sign-in-name")                        # back to the sign-in form
