import pytest

from weaklabel import InputError
from weaklabel.project import Project
from weaklabel.review import ReviewSession


def test_project_round_trip_and_bad_keys(spam_project, tmp_path):
    proj = Project.load(spam_project)
    assert proj.name == "spam-test" and proj.refit_every == 2 and proj.root == spam_project.parent
    assert proj.store_url.endswith("weaklabel-labels.db")
    bad = tmp_path / "bad.toml"
    bad.write_text('[project]\nname = "x"\nlfz = "typo"\n')
    with pytest.raises(InputError, match=r"unknown key\(s\) \['lfz'\].*valid keys"):
        Project.load(bad)
    bad.write_text('[project]\nrefit_every = "ten"\n')
    with pytest.raises(InputError, match="'refit_every' .* must be an integer"):
        Project.load(bad)
    with pytest.raises(InputError, match="weaklabel init"):
        Project.load(tmp_path / "missing.toml")


def test_queue_lease_label_refit_loop(spam_project):
    sess = ReviewSession(Project.load(spam_project))
    q = sess.queue()
    assert len(q) > 0 and set(q["source"]) <= {"queue", "audit"}
    item = sess.next_item("ana")
    other = sess.next_item("ben")
    assert item["row_id"] != other["row_id"]       # leased items are not served twice
    assert set(item["votes"]) <= {"promo", "link", "fan"} and abs(sum(item["probs"].values()) - 1) < 1e-9
    assert sess.label(item["row_id"], 1, "ana") is None
    info = sess.label(other["row_id"], 0, "ben")       # refit_every = 2
    assert info is not None and info["expert_labels"] == 2
    assert sess.progress("ana")["mine"] == 1
    labeled = {item["row_id"], other["row_id"]}
    assert not labeled & set(sess.queue()["row_id"])  # labeled rows never come back
    final = sess.final_labels()
    assert (final.loc[final["row_id"].isin(labeled), "source"] == "expert").all()
    assert final.loc[final["row_id"] == other["row_id"], "label"].item() == "HAM"


def test_undo_and_skip(spam_project):
    sess = ReviewSession(Project.load(spam_project))
    item = sess.next_item("ana")
    sess.label(item["row_id"], 1, "ana")
    assert sess.undo("ana") is not None
    assert sess.expert_gold().max() == -1
    nxt = sess.next_item("ana")
    sess.skip(nxt["row_id"], "ana")
    assert sess.next_item("ana")["row_id"] != nxt["row_id"]


def test_label_issues_strategy_in_a_session(spam_project):
    proj = Project.load(spam_project)
    proj.strategy = "label_issues"
    sess = ReviewSession(proj)
    q = sess.queue()
    assert len(q) == 60 and q["reason"].iloc[0] == "end model disagrees with this row's label"
    proj.text_column = ""
    with pytest.raises(InputError, match="needs text_column"):
        ReviewSession(proj)
