"""The review app on a span project (weaklabel/app/_span_view.py, weaklabel/app/_span_editor.py): decisions as the
editor sends them, and the tabs through Streamlit's AppTest. The keys themselves (select, type,
delete, take back) run in the browser: tests/apps/test_span_app_browser.py drives them."""

import threading
from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

from weaklabel.app._span_editor import _JS
from weaklabel.app._span_view import _key, _set_doc, apply_action
from weaklabel.review.project import Project
from weaklabel.review.span_session import SpanReviewSession

from ..review.span_fixtures import span_project

APP = str(Path(__file__).resolve().parents[2] / "apps" / "review_app.py")


@pytest.fixture
def sess(tmp_path):
    return SpanReviewSession(Project.load(span_project(tmp_path, overlap=2)))


def _on_screen(sess, who="ana"):
    state: dict = {}
    _set_doc(sess.next_doc(who), state)
    return state


def test_a_save_stores_the_spans_and_serves_the_next_document(sess):
    state, lock = _on_screen(sess), threading.Lock()
    doc = state["span_doc"]
    apply_action(sess, lock, "ana", {"kind": "save", "key": _key(doc, state), "spans": [[0, 2, "PER"]]}, state)
    cur = sess.store.current()
    assert cur[["doc_id", "annotator", "spans"]].values.tolist() == [[doc["doc_id"], "ana", [(0, 2, "PER")]]]
    assert state["span_doc"]["doc_id"] != doc["doc_id"]


def test_a_second_press_for_a_decided_document_is_dropped(sess):
    state, lock = _on_screen(sess), threading.Lock()
    stale_key = _key(state["span_doc"], state)
    apply_action(sess, lock, "ana", {"kind": "save", "key": stale_key, "spans": []}, state)
    apply_action(sess, lock, "ana", {"kind": "save", "key": stale_key, "spans": []}, state)   # key repeat
    assert len(sess.store.events()) == 1 and "Ignored" in state["span_flash"]


def test_skip_then_undo_brings_the_document_back_and_a_bad_span_is_not_saved(sess):
    state, lock = _on_screen(sess), threading.Lock()
    first = state["span_doc"]["doc_id"]
    apply_action(sess, lock, "ana", {"kind": "skip", "key": _key(state["span_doc"], state)}, state)
    assert state["span_doc"]["doc_id"] != first
    apply_action(sess, lock, "ana", {"kind": "undo", "key": _key(state["span_doc"], state)}, state)
    assert state["span_doc"]["doc_id"] == first and "Took back" in state["span_flash"]
    apply_action(sess, lock, "ana", {"kind": "save", "key": _key(state["span_doc"], state),
                                     "spans": [[0, 99, "PER"]]}, state)
    assert "Not saved" in state["span_flash"] and state["span_doc"]["doc_id"] == first
    assert sess.store.current().empty


def test_the_editor_script_writes_data_as_text_never_as_html():
    assert "innerHTML" not in _JS and "insertAdjacentHTML" not in _JS and "textContent" in _JS


# -- the app through AppTest ------------------------------------------------------------------------
def _app(_path, name):
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.text_input(key="sign-in-name").input(name)
    return at.button(key="sign-in-submit").click().run()


def test_the_label_tab_shows_the_queues_document_and_what_the_lfs_found(tmp_path, monkeypatch):
    path = span_project(tmp_path, overlap=2)
    monkeypatch.setenv("WEAKLABEL_PROJECT", str(path))
    at = _app(path, "ana")
    assert not at.exception, [str(e.value)[:300] for e in at.exception]
    captions = [c.value for c in at.caption]
    assert any(c.startswith("document doc") and "the LFs dispute its tags" in c for c in captions)
    assert any("8 remaining for you" in c for c in captions)
    table = at.dataframe[0].value
    assert {"model", "names", "cities"} >= set(table["source"]) and "model" in set(table["source"])


def test_agreement_tab_lets_the_lead_resolve_and_export_tab_offers_the_files(tmp_path, monkeypatch):
    path = span_project(tmp_path, overlap=2)
    monkeypatch.setenv("WEAKLABEL_PROJECT", str(path))
    store = SpanReviewSession(Project.load(path)).store
    store.save("doc0", [(0, 2, "PER"), (6, 7, "LOC")], "ana")
    store.save("doc0", [(0, 2, "PER")], "ben")
    store.save("doc3", [(0, 1, "PER")], "ana")
    store.save("doc3", [(0, 1, "PER")], "ben")
    at = _app(path, "lea")
    at.session_state["span-tab"] = "Agreement"
    at.run()
    assert not at.exception, [str(e.value)[:300] for e in at.exception]
    # ana 3 spans, ben 2, 2 shared: F1 = 2 * 2 / (3 + 2)
    assert at.dataframe[0].value["span_f1"].tolist() == [pytest.approx(0.8)]
    assert any(t.value.startswith("ana: Ada Lovelace [PER]; London [LOC]") for t in at.text), [t.value for t in at.text]
    at.button(key="resolve-doc0-ben").click().run()
    assert store.gold(["doc0", "doc3"]) == [[(0, 2, "PER")], [(0, 1, "PER")]]
    at.session_state["span-tab"] = "Export"
    at.run()
    assert any("2 documents with an agreed or resolved answer" in c.value for c in at.caption), (
        [c.value for c in at.caption], [str(e.value)[:300] for e in at.exception])
    assert at.get("download_button")
    # an expert who is not a lead sees the dispute but no resolve button
    store.save("doc1", [], "ana")
    store.save("doc1", [(5, 6, "LOC")], "ben")
    at2 = _app(path, "ana")
    at2.session_state["span-tab"] = "Agreement"
    at2.run()
    assert not [b for b in at2.button if str(b.key).startswith("resolve-")]


def test_the_empty_queue_screen_undoes_the_last_answer_and_finds_documents_freed_later(tmp_path, monkeypatch):
    """With nothing left the editor is gone, so the 'u' key is too: a button takes back the last
    answer, and another looks again for documents freed since (here by another expert's undo)."""
    path = span_project(tmp_path, overlap=1)
    monkeypatch.setenv("WEAKLABEL_PROJECT", str(path))
    sess = SpanReviewSession(Project.load(path))
    ids = sess.ids
    for d in ids[:-1]:
        sess.store.save(d, [], "ben")
    sess.store.save(ids[-1], [(0, 1, "PER")], "ana")         # ana's last answer
    at = _app(path, "ana")
    assert not at.exception, [str(e.value)[:300] for e in at.exception]
    assert any("Nothing left in your queue" in s.value for s in at.success)
    at.button(key="span-undo-done").click().run()
    assert not at.exception, [str(e.value)[:300] for e in at.exception]
    assert at.session_state["span_doc"]["doc_id"] == ids[-1]
    assert sess.store.current()["annotator"].tolist() == ["ben"] * (len(ids) - 1)
    # ana saves it again (as the editor would) and the queue is empty once more
    apply_action(sess, threading.Lock(), "ana", {"kind": "save", "key": _key(at.session_state["span_doc"],
                 at.session_state), "spans": []}, at.session_state)
    at.run()
    assert any("Nothing left in your queue" in s.value for s in at.success)
    sess.store.undo("ben")                                     # ben takes back his last answer: a document is free
    at.button(key="span-look-again").click().run()
    assert at.session_state["span_doc"]["doc_id"] == ids[-2]
