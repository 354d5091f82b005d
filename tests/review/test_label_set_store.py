"""The label-set store (multi-label answers): checked answers, undo, gold, agreement and export,
by hand, on SQLite and (with WEAKLABEL_TEST_POSTGRES_URL) PostgreSQL."""

import os

import numpy as np
import pandas as pd
import pytest

from weaklabel.exceptions import InputError
from weaklabel.review.label_set_store import LabelSetStore, text_version

LABELS = ["joy", "anger", "surprise"]
URLS = ["sqlite"] + (["postgres"] if os.environ.get("WEAKLABEL_TEST_POSTGRES_URL") else [])


@pytest.fixture(params=URLS)
def store(request, tmp_path):
    if request.param == "sqlite":
        yield LabelSetStore(f"sqlite:///{tmp_path / 'labels.db'}", project="p", labels=LABELS)
        return
    import uuid

    s = LabelSetStore(os.environ["WEAKLABEL_TEST_POSTGRES_URL"], project=f"p-{uuid.uuid4().hex[:8]}", labels=LABELS)
    yield s
    s.close()


def test_a_set_is_stored_in_label_order_without_duplicates_and_the_empty_set_is_an_answer(store):
    store.save("c1", ["surprise", "joy", "joy"], "ana")
    store.save("c2", [], "ana")
    cur = store.current()
    assert cur[["doc_id", "labels"]].values.tolist() == [["c1", ["joy", "surprise"]], ["c2", []]]
    assert store.matrix(["c1", "c2", "c3"]).tolist() == [[1, 0, 1], [0, 0, 0], [-1, -1, -1]]


@pytest.mark.parametrize("bad, words", [("joy", "list of label names"), (["fear"], "'fear' is not one of"),
                                         (None, "list of label names")])
def test_a_bad_answer_is_refused_with_the_argument_and_the_fix(store, bad, words):
    with pytest.raises(InputError, match="labels") as err:
        store.save("c1", bad, "ana")
    assert words in str(err.value)
    assert store.current().empty


def test_undo_brings_back_the_answer_before_and_skips_are_undone_too(store):
    store.save("c1", ["joy"], "ana")
    store.save("c1", ["joy", "anger"], "ana")
    store.skip("c2", "ana")
    assert store.skipped("ana") == {"c2"}
    store.undo("ana")                                  # the skip
    assert store.skipped("ana") == set()
    store.undo("ana")                                  # the second answer
    assert store.current()["labels"].tolist() == [["joy"]]
    store.undo("ana")
    assert store.current().empty and store.undo("ana") is None


def test_gold_needs_agreement_or_the_leads_set_and_ignores_stale_answers(store):
    store.save("c1", ["joy"], "ana", text="yay")
    store.save("c1", ["joy"], "ben", text="yay")
    store.save("c2", ["joy"], "ana")
    store.save("c2", ["anger"], "ben")
    assert store.gold(["c1", "c2"]) == [["joy"], None]
    assert store.disagreements()["doc_id"].tolist() == ["c2", "c2"]
    store.resolve("c2", ["anger", "joy"], "lea")
    assert store.gold(["c1", "c2"]) == [["joy"], ["joy", "anger"]]
    assert store.disagreements().empty
    # c1's text changed since: its answers no longer count
    assert store.gold(["c1"], {"c1": text_version("yay!")}) == [None]
    assert store.gold(["c1"], {"c1": text_version("yay")}) == [["joy"]]


def test_agreement_by_hand(store):
    # ana: {joy}, {anger}, {}; ben: {joy, surprise}, {anger}, {}
    for doc, a, b in [("c1", ["joy"], ["joy", "surprise"]), ("c2", ["anger"], ["anger"]), ("c3", [], [])]:
        store.save(doc, a, "ana")
        store.save(doc, b, "ben")
    row = store.agreement().iloc[0]
    assert (row["annotator_a"], row["annotator_b"], row["items"]) == ("ana", "ben", 3)
    assert row["exact"] == pytest.approx(2 / 3)
    assert row["jaccard"] == pytest.approx((0.5 + 1 + 1) / 3)
    # kappa per label used: joy and anger agree fully (1.0); surprise: ana never, ben once:
    # po = 2/3, pe = (1)(2/3) + 0 = 2/3 -> kappa 0
    assert row["mean_kappa"] == pytest.approx((1 + 1 + 0) / 3)


@pytest.mark.parametrize("fmt", ["list", "onehot"])
def test_export_writes_the_agreed_sets_as_a_list_or_one_hot_columns(store, tmp_path, fmt):
    store.save("c1", ["joy", "surprise"], "ana")
    store.save("c2", [], "ana")
    path, n = store.export(tmp_path / "out.csv", ["c1", "c2", "c3"], ["a", "b", "c"], format=fmt)
    df = pd.read_csv(path, keep_default_na=False)
    assert n == 2 and df["id"].tolist() == ["c1", "c2"]
    if fmt == "list":
        assert df["labels"].tolist() == ["joy|surprise", ""]
    else:
        assert df[LABELS].to_numpy().tolist() == [[1, 0, 1], [0, 0, 0]]
    path, _ = store.export(tmp_path / "out.jsonl", ["c1", "c2"], ["a", "b"], format="list")
    assert pd.read_json(path, lines=True)["labels"].tolist() == [["joy", "surprise"], []]
    with pytest.raises(InputError, match="format"):
        store.export(tmp_path / "x.csv", ["c1"], ["a"], format="bio")


def test_imports_are_idempotent_and_a_deletion_there_retracts_the_answer(store):
    recs = [{"doc_id": "c1", "labels": ["joy"], "annotator": "ana", "external_id": "ls:1:7", "version": "t1"}]
    assert store.import_external(recs, origin="ls:1:")["added"] == 1
    assert store.import_external(recs, origin="ls:1:")["unchanged"] == 1
    assert store.import_external([], origin="ls:1:")["retracted"] == 1
    assert store.current().empty


def test_the_store_survives_a_reopen_and_keeps_projects_apart(tmp_path):
    url = f"sqlite:///{tmp_path / 'l.db'}"
    LabelSetStore(url, project="a", labels=LABELS).save("c1", ["joy"], "ana")
    again = LabelSetStore(url, project="a", labels=LABELS)
    other = LabelSetStore(url, project="b", labels=LABELS)
    assert again.current()["labels"].tolist() == [["joy"]] and other.current().empty
    assert np.array_equal(again.matrix(["c1"]), [[1, 0, 0]])
