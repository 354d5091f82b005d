"""History, disagreements and per-expert numbers, on hand-made label histories."""

import pandas as pd
import pytest

from weaklabel.exceptions import InputError
from weaklabel.review.project import Project
from weaklabel.review.session import ReviewSession


@pytest.fixture
def sess(spam_project):
    proj = Project.load(spam_project)
    proj.overlap, proj.leads, proj.refit_every = 2, ["lea"], 1000
    return ReviewSession(proj)


def test_history_lists_my_labels_newest_first_and_a_change_is_a_new_event(sess):
    sess.label("c1", 1, "ana", note="a link")
    sess.label("c21", 0, "ana")
    sess.label("c2", 1, "ben")
    h = sess.label_history("ana")
    assert h["row_id"].tolist() == ["c21", "c1"] and h["label"].tolist() == ["HAM", "SPAM"]
    assert h.loc[h["row_id"] == "c1", "note"].item() == "a link"
    assert h.loc[h["row_id"] == "c1", "text"].item().startswith("check out my channel 0")
    assert sess.label_history("ana", search="GREAT SONG")["row_id"].tolist() == ["c21"]
    assert sess.label_history("ana", label="SPAM")["row_id"].tolist() == ["c1"]
    assert sess.label_history("ana", since=pd.Timestamp("2100-01-01")).empty
    sess.change_label("c1", 0, "ana")
    h = sess.label_history("ana")
    assert h["row_id"].tolist() == ["c1", "c21"] and h["label"].tolist() == ["HAM", "HAM"]
    ev = sess.store.events()
    assert (ev["row_id"] == "c1").sum() == 2  # the old label stays in the log
    with pytest.raises(InputError, match="no label on row 'c5'"):
        sess.change_label("c5", 0, "ana")


def test_disagreements_are_listed_and_a_lead_resolves_them(sess, tmp_path):
    sess.label("c1", 1, "ana", note="link spam")
    sess.label("c1", 0, "ben", note="fan")
    sess.label("c2", 1, "ana")
    sess.label("c2", 1, "ben")                     # agree: not a disagreement
    d = sess.disagreements()
    assert d[["row_id", "experts", "resolved"]].values.tolist() == [
        ["c1", "ana: SPAM (link spam); ben: HAM (fan)", ""]]
    assert sess.store.gold("adjudicated")["c1"] == -1
    with pytest.raises(InputError, match="'ana' is not a lead"):
        sess.adjudicate("c1", 1, "ana")
    sess.adjudicate("c1", "SPAM", "lea")
    assert sess.disagreements()["resolved"].tolist() == ["SPAM"]
    out = sess.store.export(tmp_path / "adj.csv", policy="adjudicated")
    got = pd.read_csv(out).set_index("row_id")["label"].to_dict()
    assert got == {"c1": 1, "c2": 1}  # no -1 left for the resolved row


def test_annotator_stats(sess):
    for rid, a, b in [("c1", 1, 1), ("c2", 1, 1), ("c21", 0, 1), ("c22", 0, 0)]:
        sess.label(rid, a, "ana")
        sess.label(rid, b, "ben")
    st = sess.annotator_stats()
    assert st.loc["ana", "labels"] == 4 and st.loc["ben", "labels"] == 4
    # ana vs ben: agree on 3 of 4; p_o = .75, p_e = (.5*.75 + .5*.25) = .5, kappa = .5
    assert st.loc["ana", "kappa_with_peers"] == pytest.approx(0.5)
    assert st.loc["ana", "median_seconds"] >= 0
    assert 0 <= st.loc["ana", "agreement_with_model"] <= 1
