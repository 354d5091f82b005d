"""The span review session (weaklabel/review/span_session.py): the queue, decisions, undo and refits."""

import pytest

from weaklabel import InputError
from weaklabel.review.project import Project
from weaklabel.review.records import Progress
from weaklabel.review.span_session import SpanReviewSession

from .span_fixtures import TOKENS, span_project


@pytest.fixture
def session(tmp_path):
    return SpanReviewSession(Project.load(span_project(tmp_path)))


def test_the_queue_serves_disputed_documents_first_with_the_models_spans(session):
    first = session.next_doc("ana")
    # documents 0, 1 and 6 are the ones whose LFs cast different tags on some token
    assert first["doc_id"] in {"doc0", "doc1", "doc6"} and first["reason"] == "the LFs dispute its tags"
    assert first["spans"] == first["model_spans"] and not first["answered"]
    assert first["tokens"] == TOKENS[int(first["doc_id"][3:])]
    assert set(first["lf_spans"]) <= {"names", "cities"}


def test_answers_and_skips_move_the_queue_and_undo_brings_the_document_back(session):
    a = session.next_doc("ana")
    session.save(a["doc_id"], [(0, 2, "PER")], "ana")
    b = session.next_doc("ana")
    assert b["doc_id"] != a["doc_id"]
    session.skip(b["doc_id"], "ana")
    c = session.next_doc("ana")
    assert c["doc_id"] not in {a["doc_id"], b["doc_id"]}
    back = session.undo("ana")                 # the skip
    assert back["doc_id"] == b["doc_id"]
    back = session.undo("ana")                 # the answer: shown again, the model's spans pre-filled
    assert back["doc_id"] == a["doc_id"] and not back["answered"]
    assert session.undo("ana") is None
    assert session.progress("ana") == Progress(remaining=8, mine=0, answered=0, total=8)


def test_overlap_keeps_a_document_for_a_second_expert(tmp_path):
    sess = SpanReviewSession(Project.load(span_project(tmp_path, overlap=2)))
    a = sess.next_doc("ana")
    sess.save(a["doc_id"], [], "ana")
    assert sess.next_doc("ben")["doc_id"] == a["doc_id"]          # the same document, for the second look
    sess.save(a["doc_id"], [(0, 1, "PER")], "ben")
    assert sess.next_doc("cy")["doc_id"] != a["doc_id"]
    assert sess.progress("cy").remaining == 7
    mine = sess.doc_view(int(a["doc_id"][3:]), "ben")
    assert mine["answered"] and mine["spans"] == [(0, 1, "PER")]


def test_a_refit_says_which_documents_changed(tmp_path):
    sess = SpanReviewSession(Project.load(span_project(tmp_path, refit_every=2)))
    assert sess.last_refit is None
    for _ in range(2):
        d = sess.next_doc("ana")
        sess.save(d["doc_id"], [(s, e, t) for s, e, t in d["model_spans"]], "ana")
    info = sess.last_refit
    assert info["answers"] == 2 and isinstance(info["changed_docs"], list)
    assert not sess.refitting and sess.refit_error is None


@pytest.mark.parametrize("background", [False, True])
def test_a_refit_in_the_worker_process_gives_the_in_process_fit(tmp_path, background):
    """The app refits in a worker process (review/span_refit.py); it must swap in what the same
    fit in the server's own process gives: the model's spans, the queue and how answers were used."""
    import time

    from weaklabel.review.span_refit import fit_spans

    sess = SpanReviewSession(Project.load(span_project(tmp_path, refit_every=3)), background_refits=background)
    for _ in range(3):
        d = sess.next_doc("ana")
        sess.save(d["doc_id"], [(0, 1, "LOC")], "ana")          # answers unlike the model's
    deadline = time.time() + 60
    while (sess.refitting or sess.last_refit is None) and time.time() < deadline:
        time.sleep(0.05)
    assert sess.refit_error is None and sess.last_refit["answers"] == 3
    same = fit_spans(sess.L, sess.store, sess.ids, sess.versions, sess.project.strategy)
    assert sess.model_spans == same["spans"] and [d for d, _ in sess.order] == same["ranked"]
    assert sess.last_refit["how"] == same["how"]
    assert (sess._worker is not None) == background
    sess.close()
    assert sess._worker is None


def test_bad_decisions_are_refused(session):
    with pytest.raises(InputError, match="doc_id"):
        session.save("nope", [], "ana")
    d = session.next_doc("ana")
    with pytest.raises(InputError, match="type"):
        session.save(d["doc_id"], [(0, 1, "ORG")], "ana")
    assert session.store.events().empty


def test_a_class_project_is_not_a_span_project(tmp_path):
    path = span_project(tmp_path, kind="classes")
    with pytest.raises(InputError, match="kind"):
        SpanReviewSession(Project.load(path))
    bad = tmp_path / "bad.toml"
    bad.write_text('[project]\nkind = "boxes"\n')
    with pytest.raises(InputError, match="kind in"):
        Project.load(bad)


def test_the_queue_followed_through_new_events_equals_a_recount(tmp_path):
    """The queue state is counted once and then followed event by event; after any mix of
    answers, skips, undos, stale answers and a lead's resolution by several experts (and another
    writer on the same store) it must equal a count from scratch."""
    import random

    from weaklabel.review.span_store import SpanStore

    sess = SpanReviewSession(Project.load(span_project(tmp_path, overlap=2)))
    other = SpanStore(sess.store.url, project=sess.store.project, types=sess.types)     # a second server
    rng = random.Random(0)
    experts = ["ana", "ben", "cy"]
    for step in range(300):
        doc = rng.choice(sess.ids)
        who = rng.choice(experts)
        tokens = sess.split.tokens[sess.ids.index(doc)]
        store = rng.choice([sess.store, other])
        roll = rng.random()
        if roll < 0.5:
            store.save(doc, [], who, tokens=tokens)
        elif roll < 0.65:
            store.skip(doc, who, tokens=tokens)
        elif roll < 0.75:
            store.undo(who)
        elif roll < 0.85:
            store.save(doc, [], who, tokens=["other", "tokens"])          # given to other tokens: stale
        elif roll < 0.9:
            store.resolve(doc, [], "lea", tokens=tokens)
        if step % 7 == 0:
            for name in experts:
                followed = sess._queue_state(name)
                counted = sess._count(sess.store.events())
                mine = counted["mine"].get(name, set())
                assert followed == (mine, {d: len(w) for d, w in counted["docs"].items() if w},
                                    mine | counted["skipped"].get(name, set())), step
