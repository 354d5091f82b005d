"""A multi-label review session (kind = "multilabel"): the queue by per-label disagreement, the
pre-selected sets, answers, undo, what refits learn from, export, and the real GoEmotions data."""

from pathlib import Path

import numpy as np
import pytest

from weaklabel.exceptions import InputError
from weaklabel.review.label_set_session import LabelSetReviewSession
from weaklabel.review.project import Project
from weaklabel.review.records import Progress

from .label_set_fixtures import TEXTS, label_set_project


@pytest.fixture
def sess(tmp_path):
    return LabelSetReviewSession(Project.load(label_set_project(tmp_path)))


def test_items_where_an_lf_votes_against_the_model_come_first_and_say_on_which_label(sess):
    # c2 and c7 say "not funny": the keyword LF votes amusement, not_funny votes against it
    first = [sess.ids[d] for d, _ in sess.order[:2]]
    assert sorted(first) == ["c2", "c7"]
    view = sess.next_doc("ana")
    assert view["doc_id"] in ("c2", "c7") and view["lf_votes"]["not_funny"] == ["not amusement"]
    assert view["reason"].startswith("LF votes go against the model on amusement")
    assert view["labels"] == view["model_labels"] == sess.model_labels(view["index"])


def test_an_answer_moves_the_queue_on_and_undo_brings_the_item_back_with_the_answer_before(sess):
    a = sess.next_doc("ana")["doc_id"]
    sess.save(a, ["gratitude", "admiration"], "ana")
    b = sess.next_doc("ana")["doc_id"]
    assert b != a and sess.progress("ana") == Progress(remaining=11, mine=1, answered=1, total=12)
    assert sess.store.current()["labels"].tolist() == [["admiration", "gratitude"]]   # label order
    sess.save(b, [], "ana")                                # the empty set: no label applies
    back = sess.undo("ana")
    assert back["doc_id"] == b and not back["answered"] and sess.next_doc("ana")["doc_id"] == b
    sess.save(a, ["amusement"], "ana")                     # a second answer to a replaces the first
    assert sess.doc_view(sess.ids.index(a), "ana")["labels"] == ["amusement"]
    with pytest.raises(InputError, match="'fear' is not one of"):
        sess.save(b, ["fear"], "ana")


def test_overlap_two_serves_an_item_to_two_experts_and_not_to_a_third(tmp_path):
    sess = LabelSetReviewSession(Project.load(label_set_project(tmp_path, overlap=2)))
    doc = sess.next_doc("ana")["doc_id"]
    sess.save(doc, ["amusement"], "ana")
    assert sess.next_doc("ben")["doc_id"] == doc
    sess.save(doc, ["amusement"], "ben")
    assert sess.next_doc("cy")["doc_id"] != doc


def test_audit_answers_tune_the_thresholds_and_queue_answers_only_fix_their_items(tmp_path, monkeypatch):
    monkeypatch.setattr("weaklabel.models.correction.MIN_GOLD_FOR_CORRECTION", 3)
    sess = LabelSetReviewSession(Project.load(label_set_project(tmp_path, audit_fraction=0.5)))
    audit = sess.audit_ids()
    assert len(audit) == 6 and all(why.startswith("audit") for d, why in sess.order if sess.ids[d] in audit)
    queue_only = [d for d in sess.ids if d not in audit]
    for d in queue_only:                                    # every queue item says "no label"
        sess.save(d, [], "ana")
    sess.refit()
    assert sess.last_refit["taught"] == 0 and np.allclose(sess.thresholds, 0.5)
    assert sess.labeled_frame().set_index("id").loc[queue_only, "labels"].map(len).eq(0).all()
    for d in audit:                                         # the audit items: amusement only where laughing
        text = TEXTS[sess.ids.index(d)]
        sess.save(d, ["amusement"] if any(w in text for w in ("lol", "haha", "hilarious")) else [], "ana")
    sess.refit()
    assert sess.last_refit["taught"] == 6 and not np.allclose(sess.thresholds, 0.5)


def test_the_labeled_frame_takes_the_experts_set_where_there_is_one(sess):
    sess.save("c6", ["admiration"], "ana")
    df = sess.labeled_frame().set_index("id")
    assert df.loc["c6", "labels"] == ["admiration"] and df.loc["c6", "source"] == "expert"
    assert df.loc["c0", "source"] == "model" and df.loc["c0", "labels"] == sess.model_labels(0)
    onehot = sess.labeled_frame("onehot").set_index("id")
    assert onehot.loc["c6", ["admiration", "amusement", "gratitude"]].tolist() == [1, 0, 0]


def test_a_background_refit_runs_in_a_worker_process_and_swaps_in(tmp_path):
    import time

    sess = LabelSetReviewSession(Project.load(label_set_project(tmp_path)), background_refits=True)
    try:
        sess.save("c9", ["admiration"], "ana")
        assert sess.refit()
        deadline = time.time() + 60
        while sess.refitting and time.time() < deadline:
            time.sleep(0.05)
        assert sess.refit_error is None and sess.fits == 2 and sess.last_refit["answers"] == 1
    finally:
        sess.close()


def test_the_project_is_checked(tmp_path):
    path = label_set_project(tmp_path, text_column="text")
    with pytest.raises(InputError, match="text_column: 'text' is not a column"):
        LabelSetReviewSession(Project.load(path))
    path = label_set_project(tmp_path, strategy="uncertainty")
    with pytest.raises(InputError, match="strategy"):
        LabelSetReviewSession(Project.load(path))
    path = label_set_project(tmp_path)
    (tmp_path / "items.csv").write_text("cid,body\nc1,yay\nc1,thanks\n")
    with pytest.raises(InputError, match="duplicate ids"):
        LabelSetReviewSession(Project.load(path))
    folder = tmp_path / "emo"                      # a GoEmotions-layout folder whose labels differ from LABELS
    folder.mkdir()
    (folder / "labels.txt").write_text("joy\nanger\n")
    (folder / "train.tsv").write_text("yay\t0\tx1\n")
    path = label_set_project(tmp_path, data="emo")
    with pytest.raises(InputError, match="LABELS must list labels.txt's names"):
        LabelSetReviewSession(Project.load(path))


def test_a_goemotions_folder_is_a_project(data_dir, tmp_path):
    folder = data_dir / "multilabel" / "goemotions"
    lfs = Path(__file__).resolve().parents[2] / "lfs" / "goemotions.py"
    path = tmp_path / "weaklabel.toml"
    Project(name="ge", kind="multilabel", data=str(folder), split="dev", lfs=str(lfs), root=tmp_path).save(path)
    sess = LabelSetReviewSession(Project.load(path))
    assert len(sess.ids) == 5426 and len(sess.labels) == 28
    view = sess.next_doc("ana")
    assert view["lf_votes"] and view["reason"]
    # outside the audit places, every item with a disputed label comes before every item without
    from weaklabel.multilabel.review import disputed_labels

    ranked = [d for d, why in sess.order if not why.startswith("audit")]
    disputed = disputed_labels(sess.L, sess.pred).any(axis=1)[ranked]
    assert disputed.sum() > 0 and not disputed[disputed.sum():].any()


def test_a_refit_with_nothing_new_to_learn_reuses_the_last_fit(sess, monkeypatch):
    calls = []
    from weaklabel.multilabel import MultiLabelModel

    real = MultiLabelModel.fit
    monkeypatch.setattr(MultiLabelModel, "fit", lambda self, *a, **k: calls.append(1) or real(self, *a, **k))
    before = sess.marginals
    sess.save("c6", ["admiration"], "ana")          # a queue answer: it fixes its own item only
    sess.refit()
    assert calls == [] and sess.last_refit["answers"] == 1 and sess.marginals is before
    assert sess.labeled_frame().set_index("id").loc["c6", "labels"] == ["admiration"]


def test_commands_built_on_class_lfs_say_what_works_on_a_multilabel_project(tmp_path, capsys):
    from weaklabel.cli import main

    path = label_set_project(tmp_path)
    assert main(["queue", "--project", str(path)]) == 1
    err = capsys.readouterr().err
    assert "'toy-emotions' is a 'multilabel' project" in err and "weaklabel app" in err
