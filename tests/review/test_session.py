import numpy as np
import pytest

from weaklabel import InputError
from weaklabel.review.project import Project
from weaklabel.review.session import ReviewSession


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
    assert item.row_id != other.row_id       # leased items are not served twice
    assert set(item.votes) <= {"promo", "link", "fan"} and abs(sum(item.probs.values()) - 1) < 1e-9
    assert sess.label(item.row_id, 1, "ana") is None
    info = sess.label(other.row_id, 0, "ben")       # refit_every = 2
    assert info is not None and info.expert_labels == 2
    assert sess.progress("ana").mine == 1
    labeled = {item.row_id, other.row_id}
    assert not labeled & set(sess.queue()["row_id"])  # labeled rows never come back
    final = sess.final_labels()
    assert (final.loc[final["row_id"].isin(labeled), "source"] == "expert").all()
    assert final.loc[final["row_id"] == other.row_id, "label"].item() == "HAM"


def test_undo_and_skip(spam_project):
    sess = ReviewSession(Project.load(spam_project))
    item = sess.next_item("ana")
    sess.label(item.row_id, 1, "ana")
    assert sess.undo("ana") is not None
    assert sess.expert_gold().max() == -1
    nxt = sess.next_item("ana")
    sess.skip(nxt.row_id, "ana")
    assert sess.next_item("ana").row_id != nxt.row_id


def test_label_issues_strategy_in_a_session(spam_project):
    proj = Project.load(spam_project)
    proj.strategy = "label_issues"
    sess = ReviewSession(proj)
    q = sess.queue()
    assert len(q) == 60 and q["reason"].iloc[0] == "end model disagrees with this row's label"
    assert sess.notice is None
    proj.text_column = ""  # cannot run: falls back to conflict and says so in one line
    sess = ReviewSession(proj)
    assert sess.notice == ("label_issues cannot rank yet (it needs text_column in weaklabel.toml); "
                           "ranking by conflict meanwhile")
    assert sess.queue()["reason"].iloc[0].startswith("LFs disagree")


def test_undo_brings_the_item_back_to_its_expert(spam_project):
    sess = ReviewSession(Project.load(spam_project))
    first = sess.next_item("ana")
    sess.label(first.row_id, 1, "ana")
    assert sess.next_item("ana").row_id != first.row_id
    assert sess.undo("ana") == str(first.row_id)
    # the undone row is available to ana again, and item_for leases it to her
    assert str(first.row_id) in map(str, sess.store.available([first.row_id], "ana"))
    assert str(sess.item_for(first.row_id, "ana").row_id) == str(first.row_id)
    assert sess.undo("ana") is None


def test_audit_rows_come_at_the_configured_rate_from_the_first_items(spam_project):
    proj = Project.load(spam_project)
    proj.audit_fraction = 0.25
    proj.refit_every = 10_000
    sess = ReviewSession(proj)
    sources = []
    for _ in range(12):
        item = sess.next_item("ana")
        sources.append(item.source)
        sess.label(item.row_id, 0, "ana", source=item.source)
    # one in four, from the first block on: q q q a q q q a ...
    assert sources == ["queue", "queue", "queue", "audit"] * 3


def test_remaining_is_exact_for_each_expert(spam_project):
    proj = Project.load(spam_project)
    proj.audit_fraction = 0.0
    sess = ReviewSession(proj)
    start = sess.progress("ana").remaining
    item = sess.next_item("bo")  # leased to bo: no longer available to ana
    assert sess.progress("ana").remaining == start - 1
    sess.label(item.row_id, 0, "bo")
    n = 0
    while (item := sess.next_item("ana")) is not None:
        sess.label(item.row_id, 1, "ana")
        n += 1
    assert n == start - 1 and sess.progress("ana").remaining == 0


def test_which_expert_labels_train_the_model(spam_project):
    sess = ReviewSession(Project.load(spam_project))
    assert sess.project.strategy == "conflict"
    rows = list(sess.L.row_ids[:4])
    sess.label(rows[0], 1, "ana")                        # a votes-only queue: its rows teach
    info = sess.label(rows[1], 0, "ana")
    assert info.expert_labels == 2 and info.fitted_on == 2
    # ... as observed labels in EM with a balance stratified by vote pattern; never through the
    # per-LF correction or the temperature, which assume a random sample
    assert sess.model.gold_weight == 1.0 and sess.model.gold_correction is None and sess.model.temperature is None
    assert sess.model.get_params()["class_balance"] is not None
    sess.label(rows[2], 1, "ana", source="audit")        # audit rows are a random sample
    info = sess.label(rows[3], 0, "ana", source="audit")
    assert info.expert_labels == 4 and info.fitted_on == 4
    assert list(sess.sampled_gold()[:4]) == [-1, -1, 1, 0]
    y_fit, random_sample = sess.fit_labels()
    assert list(y_fit[:4]) == [1, 0, 1, 0] and not random_sample
    final = sess.final_labels().set_index("row_id")
    assert (final.loc[rows, "source"] == "expert").all()  # every expert label overrides its row
    assert list(final.loc[rows, "label"]) == ["SPAM", "HAM", "SPAM", "HAM"]
    # label_issues ranks by a text model's doubt: only its audit rows teach
    sess.project.strategy = "label_issues"
    y_fit, random_sample = sess.fit_labels()
    assert list(y_fit[:4]) == [-1, -1, 1, 0] and random_sample


def test_fit_gold_by_strategy_and_source():
    from weaklabel.review.queue import fit_gold

    y = np.array([1, 0, 1, 0, -1])
    src = np.array(["queue", "audit", "import", "queue", ""])
    assert fit_gold(src, "conflict", y)[0].tolist() == [1, 0, -1, 0, -1]
    assert fit_gold(src, "conflict", y)[1] is False
    assert fit_gold(src, "random", y)[0].tolist() == [1, 0, -1, 0, -1]
    assert fit_gold(src, "random", y)[1] is True              # under random the queue is a random draw
    assert fit_gold(src, "label_issues", y)[0].tolist() == [-1, 0, -1, -1, -1]
    assert fit_gold(src, "label_issues", y)[1] is True


def test_audit_fraction_is_a_project_setting(spam_project, tmp_path):
    proj = Project.load(spam_project)
    assert proj.audit_fraction == 0.05
    proj.audit_fraction = 0.5
    sess = ReviewSession(Project.load(proj.save(spam_project)))
    q = sess.queue(n=10)
    assert (q["source"] == "audit").sum() == 5
    bad = tmp_path / "bad.toml"
    for value, msg in (('"half"', "'audit_fraction' .* must be a number"), ("1.5", r"share in \[0, 1\)")):
        bad.write_text(f"[project]\naudit_fraction = {value}\n")
        with pytest.raises(InputError, match=msg):
            Project.load(bad)


def test_images_are_served_only_from_the_project_folder(spam_project, tmp_path):
    from weaklabel.review.project import Project
    from weaklabel.review.session import ReviewSession

    sess = ReviewSession(Project.load(spam_project))
    inside = spam_project.parent / "img" / "a.png"
    inside.parent.mkdir()
    inside.write_bytes(b"\x89PNG\r\n\x1a\n")
    outside = tmp_path.parent / "secret.png"
    outside.write_bytes(b"\x89PNG\r\n\x1a\n")
    assert sess.media_path("img/a.png") == inside.resolve()
    assert sess.media_path(str(outside)) is None and sess.media_path("../secret.png") is None
    assert sess.media_path("x" * 300 + ".png") is None  # too long for the OS: no OSError
    assert sess.media_path("/etc/passwd") is None and sess.media_path(3) is None


def test_display_columns_must_exist(spam_project):
    import pytest

    from weaklabel import InputError
    from weaklabel.review.project import Project
    from weaklabel.review.session import ReviewSession

    proj = Project.load(spam_project)
    proj.display_columns = ["nope"]
    with pytest.raises(InputError, match=r"display_columns: \['nope'\] are not columns"):
        ReviewSession(proj)


def test_agreement_with_model_lines_up_rows_after_an_import_of_unknown_ids(spam_project):
    from weaklabel.review.project import Project
    from weaklabel.review.session import ReviewSession

    sess = ReviewSession(Project.load(spam_project))
    pred = sess.model.predict(sess.L, tie_break_policy="random")
    row = {str(r): int(p) for r, p in zip(sess.L.row_ids, pred)}
    # an unknown id first, then two rows: one the model agrees with, one it does not
    sess.store.add_labels([("0-ghost", 1 - row["c1"], "ana"), ("c1", row["c1"], "ana"), ("c45", 1 - row["c45"], "ana")])
    assert sess.progress("ana").agreement_with_model == 0.5


def test_progress_aligns_labels_and_predictions_when_an_imported_row_is_absent(spam_project):
    # regression: an imported label on a row the project lacks shifted labels against predictions
    sess = ReviewSession(Project.load(spam_project))
    pos = {str(r): i for i, r in enumerate(sess.L.row_ids)}
    pred = {r: int(sess.probs[i].argmax()) for r, i in pos.items()}
    sess.store.add_labels([("zz-gone", 1 - pred["c1"], "ana"), ("c1", pred["c1"], "ana"),
                           ("c2", pred["c2"], "ana")], source="import")
    prog = sess.progress("ana")
    assert prog.mine == 3 and prog.agreement_with_model == 1.0   # only c1 and c2 are scored


def test_background_refits_leave_keypresses_alone(spam_project, monkeypatch):
    """With background refits, the label that reaches refit_every returns at
    once; decisions made while the fit runs are all stored and count toward the next refit."""
    import threading

    sess = ReviewSession(Project.load(spam_project), background_refits=True)
    gate = threading.Event()
    slow = sess._fit_snapshot

    def held_fit():
        gate.wait(10)          # the fit cannot finish until the test lets it
        return slow()

    monkeypatch.setattr(sess, "_fit_snapshot", held_fit)
    labeled = []
    for annotator in ("ana", "ana"):                       # refit_every = 2
        item = sess.next_item(annotator)
        assert sess.label(item.row_id, 1, annotator) is None
        labeled.append(item.row_id)
    assert sess.refitting and len(sess.history) == 1         # the fit runs; nothing swapped yet
    for _ in range(3):                                       # keep labeling during the fit
        item = sess.next_item("ana")
        sess.label(item.row_id, 0, "ana")
        labeled.append(item.row_id)
    assert not sess.refit_in_background()                    # one refit at a time
    gate.set()
    sess.wait_for_refit(30)
    assert not sess.refitting and len(sess.history) == 2
    assert sess.history[-1].expert_labels >= 2
    ev = sess.store.events()
    assert ev.loc[ev["kind"] == "label", "row_id"].tolist() == labeled       # every decision stored
    assert not set(labeled) & set(sess.queue()["row_id"])
    assert sess.since_refit == 3     # the labels made during the fit count toward the next one
    sess.close()


def test_a_failed_background_refit_keeps_the_model(spam_project, monkeypatch):
    sess = ReviewSession(Project.load(spam_project), background_refits=True)
    model = sess.model

    def broken():
        raise RuntimeError("disk full")

    monkeypatch.setattr(sess, "_fit_snapshot", broken)
    assert sess.refit_in_background()
    sess.wait_for_refit(30)
    assert sess.refit_error == "RuntimeError: disk full" and sess.model is model
    assert sess.next_item("ana") is not None


def test_a_background_refit_fits_in_a_worker_process_like_a_refit_here(spam_project):
    here = ReviewSession(Project.load(spam_project))
    there = ReviewSession(Project.load(spam_project), background_refits=True)
    for _ in range(2):                                          # refit_every = 2
        item = there.next_item("ana")
        there.label(item.row_id, 1, "ana")
    there.wait_for_refit(120)
    assert there.refit_error is None and len(there.history) == 2
    assert there._worker_process.alive                           # the fit ran in the worker
    here.refit()                                                 # same store, same labels, in-process
    assert np.allclose(here.probs, there.probs)
    assert here._ranked["row_id"].tolist() == there._ranked["row_id"].tolist()
    worker = there._worker_process
    there.close()
    assert not worker.alive


def test_a_second_tab_cannot_overwrite_what_the_first_decided(spam_project):
    """Two tabs of one expert show the same item; once one tab decides it, a
    press in the stale tab is refused instead of silently replacing the label."""
    from weaklabel.review.session import StaleDecision

    sess = ReviewSession(Project.load(spam_project))
    tab_a, tab_b = sess.next_item("ana"), sess.next_item("ana")
    assert tab_a.row_id == tab_b.row_id                    # the expert's lease, renewed
    sess.label(tab_a.row_id, 1, "ana", seen_after=tab_a.seen_after)
    with pytest.raises(StaleDecision, match="already decided this item"):
        sess.label(tab_b.row_id, 0, "ana", seen_after=tab_b.seen_after)
    with pytest.raises(StaleDecision):
        sess.skip(tab_b.row_id, "ana", seen_after=tab_b.seen_after)
    ev = sess.store.events()
    assert ev["kind"].tolist() == ["label"] and ev["label"].tolist() == [1]
    # undo brings the item back, stamped afresh: labeling it again is a decision, not a stale one
    undone = sess.undo("ana")
    again = sess.item_for(undone, "ana")
    sess.label(again.row_id, 0, "ana", seen_after=again.seen_after)
    assert sess.store.gold().to_dict() == {str(tab_a.row_id): 0}


@pytest.mark.parametrize("key", ["refit_every", "overlap"])
def test_a_bad_count_in_weaklabel_toml_names_its_key(tmp_path, key):
    """The message "refit_every and overlap must be >= 1" did not say which key was wrong."""
    bad = tmp_path / "bad.toml"
    bad.write_text(f"[project]\n{key} = 0\n")
    with pytest.raises(InputError, match=rf"key '{key}' in .*bad.toml must be >= 1, got 0"):
        Project.load(bad)


def test_the_refit_banner_counts_moves_without_expert_labels_and_names_the_ones_going_back():
    """The banner said 483 rows changed, then two flipped back 10 labels later.
    Rows an expert labeled are not moves (the export gives the expert's label); a row going
    back is named as such; the examples are the most decided moves. Hand-computed: 5 rows."""
    from weaklabel.review.records import LabelMove
    from weaklabel.review.refit import label_moves

    old = np.array([0, 0, 1, 1, 0])
    new = np.array([1, 1, 0, 1, 1])            # rows 0, 1, 2 and 4 move
    before = np.array([1, 0, 1, 1, 0])         # row 0 was 1 two fits ago: it goes back
    probs = np.array([[0.45, 0.55], [0.1, 0.9], [0.6, 0.4], [0.2, 0.8], [0.3, 0.7]])
    known = np.array([False, False, False, False, True])   # row 4 has an expert label
    changed, back, examples = label_moves(old, new, probs, known, before=before, row_ids=["a", "b", "c", "d", "e"],
                                          names=["HAM", "SPAM"], examples=2)
    assert changed == 3 and back == 1
    # gains: b 0.8, c 0.2, a 0.1 -> the two most decided first
    assert examples == (LabelMove("b", "HAM", "SPAM"), LabelMove("c", "SPAM", "HAM"))
    assert label_moves(old, new, probs, known, before=None, row_ids=list("abcde"), names=["H", "S"])[1] == 0


def test_a_session_banner_sees_a_row_go_back(spam_project):
    sess = ReviewSession(Project.load(spam_project))
    base = sess.probs.copy()
    flipped = base[:, ::-1].copy()
    snap = {"model": sess.model, "ranked": sess._ranked, "issue_scores": None, "issue_error": None,
            "y": np.full(len(base), -1), "y_fit": np.full(len(base), -1)}
    decided = np.abs(base[:, 0] - base[:, 1]) > 1e-3
    first = sess._install({**snap, "probs": flipped})          # every decided row moves
    assert first.changed == int(decided.sum()) and first.back == 0
    again = sess._install({**snap, "probs": base})              # and all of them go back
    assert again.changed == int(decided.sum()) and again.back == again.changed
    assert sess.history[-1] is again


def test_a_label_given_through_the_api_is_recorded_as_the_app_records_it(spam_project):
    """ReviewSession.label() defaulted to source "queue", so an audit row labeled
    through the API never trained the model as the same label given in the app does."""
    proj = Project.load(spam_project)
    proj.audit_fraction = 1.0                  # every item is an audit row: drawn at random
    sess = ReviewSession(proj)
    item = sess.next_item("ana")
    assert item.source == "audit"
    sess.label(item.row_id, 1, "ana")       # no source given, as an API user writes it
    ev = sess.store.events()
    assert ev["source"].tolist() == ["audit"]
    y_fit, random_sample = sess.fit_labels()
    assert random_sample and (y_fit >= 0).sum() == 1     # it trains the model, as an audit row
    sess.label("c7", 0, "ana")                 # a row this session never served: "queue"
    assert sess.store.events()["source"].tolist() == ["audit", "queue"]
