"""Suggested LFs inside a review session (weaklabel/review/suggest_review.py) and the decision log
(weaklabel/suggest/decisions.py): accept, edit and reject, remembered across restarts."""

import numpy as np
import pandas as pd
import pytest

from weaklabel import InputError
from weaklabel.review.project import Project
from weaklabel.review.session import ReviewSession
from weaklabel.suggest.decisions import SuggestionLog, check_rule, rule_key


def make_prize_project(folder, labeled: int = 40, *, music: bool = False):
    """80 comments: prize spam (no LF knows it), link spam (two LFs), and two kinds of fan
    comments (one LF knows one kind); an expert labeled the first ``labeled`` rows of a shuffled order.
    ``music`` adds 20 fan comments of a third kind (a third suggestion)."""
    texts = ([f"win a free prize now, offer {i}" for i in range(20)]
             + [f"visit my page {i} http://x.example" for i in range(10)]
             + [f"see my site {i} today" for i in range(10)]
             + [f"nice video {i}, thanks for sharing" for i in range(20)]
             + [f"this tune is lovely {i}" for i in range(20)]
             + ([f"great music, well played {i}" for i in range(20)] if music else []))
    gold = ["SPAM"] * 40 + ["HAM"] * (len(texts) - 40)
    order = np.random.default_rng(0).permutation(len(texts))
    df = pd.DataFrame({"id": [f"c{i}" for i in order], "text": [texts[i] for i in order]})
    df.to_csv(folder / "comments.csv", index=False)
    (folder / "lfs.py").write_text(
        "from weaklabel import LabelSpace, keyword_lf, regex_lf\n"
        "LABELS = LabelSpace(['HAM', 'SPAM'])\n"
        "LFS = [regex_lf(r'https?://', label=LABELS.SPAM, name='link'),\n"
        "       keyword_lf('my', label=LABELS.SPAM, name='my'),\n"
        "       keyword_lf('thanks', label=LABELS.HAM, name='thanks')]\n")
    path = Project(name="prize", data="comments.csv", id_column="id", text_column="text", display_columns=["text"],
                   lfs="lfs.py", refit_every=1000).save(folder / "weaklabel.toml")
    store = Project.load(path).open_store()
    for i in order[:labeled]:
        store.add_label(f"c{i}", gold[i], "ana")
    return path


@pytest.fixture
def sess(tmp_path):
    s = ReviewSession(Project.load(make_prize_project(tmp_path)))
    yield s
    s.close()


def _rule(table, word):
    return next(s.rule() for s in table.attrs["suggestions"] if word in s.rule().get("terms", ()))


def test_the_prize_words_are_suggested_with_examples_whose_matches_are_marked(sess):
    table = sess.suggestions()
    rule = _rule(table, "prize")
    assert rule["label"] == "SPAM" and rule["evidence"].startswith("precision 1.00")
    ex = sess.examples(rule)
    assert len(ex) == 5 and all(e["expert"] in ("SPAM", None) for e in ex)
    assert ex[0]["expert"] == "SPAM"                       # expert-labeled examples first
    for e in ex:
        assert "prize" in [e["text"][a:b] for a, b in e["spans"]]


def test_accepting_adds_the_lf_everywhere_the_project_is_loaded_and_refits(sess, tmp_path):
    rule = _rule(sess.suggestions(), "prize")
    fits = len(sess.history)
    name = sess.accept_rule(rule, "ana")
    assert sess.L.lf_names == ("link", "my", "thanks", name) and len(sess.history) == fits + 1
    assert (sess.L.column(name) == 1).sum() == 20          # it votes SPAM on the 20 prize comments
    # the file is ordinary code that the project loads beside its own LFs: the same votes
    suite = Project.load(tmp_path / "weaklabel.toml").suite()
    assert [lf.name for lf in suite.lfs] == ["link", "my", "thanks", name]
    df, _ = Project.load(tmp_path / "weaklabel.toml").items()
    assert np.array_equal(np.asarray(suite.lfs[3].apply(df)), sess.L.column(name))
    assert "# precision 1.00" in (tmp_path / "suggested_lfs.py").read_text()
    # accepted once: not proposed again, and a second accept (a double press) adds nothing
    assert rule_key(rule) not in {rule_key(s.rule()) for s in sess.suggestions().attrs["suggestions"]}
    assert sess.accept_rule(rule, "ben") == name and sess.L.n_lfs == 4


def test_a_rejected_suggestion_stays_rejected_after_a_restart(tmp_path):
    path = make_prize_project(tmp_path)
    first = ReviewSession(Project.load(path))
    rule = _rule(first.suggestions(), "prize")
    first.reject_rule(rule, "ana")
    first.close()
    again = ReviewSession(Project.load(path))
    keys = {rule_key(s.rule()) for s in again.suggestions().attrs["suggestions"]}
    assert rule_key(rule) not in keys and again.L.lf_names == ("link", "my", "thanks")
    assert not (tmp_path / "suggested_lfs.py").exists()
    again.close()


def test_an_edited_suggestion_is_accepted_as_edited_and_neither_is_proposed_again(sess):
    rule = _rule(sess.suggestions(), "prize")
    edited = {"kind": "keyword", "terms": ["prize", "free", "win"], "label": "SPAM", "name": ""}
    name = sess.accept_rule(edited, "ana", origin=rule)
    assert name == "suggest_prize_spam" and sess.L.n_lfs == 4
    log = sess.suggestion_log
    assert log.accepted()[0]["terms"] == ["prize", "free", "win"] and "edited by ana" in log.accepted()[0]["evidence"]
    assert {rule_key(rule), rule_key(edited)} <= log.decided_keys()
    proposed = {rule_key(s.rule()) for s in sess.suggestions().attrs["suggestions"]}
    assert not {rule_key(rule), rule_key(edited)} & proposed


@pytest.mark.parametrize("rule, fragment", [
    ({"kind": "keyword", "terms": [" ", ""], "label": "SPAM"}, "one or more keywords"),
    ({"kind": "keyword", "terms": "free", "label": "SPAM"}, "one or more keywords"),
    ({"kind": "regex", "pattern": "(unclosed", "label": "SPAM"}, "not a valid regular expression"),
    ({"kind": "keyword", "terms": ["free"], "label": "EGGS"}, "one of the project's classes"),
    ({"kind": "stump", "label": "SPAM"}, "kind must be one of"),
])
def test_a_bad_rule_is_refused_and_nothing_is_recorded(sess, rule, fragment):
    with pytest.raises(InputError, match=fragment):
        sess.accept_rule(rule, "ana")
    with pytest.raises(InputError, match=fragment):
        sess.reject_rule(rule, "ana")
    assert sess.suggestion_log.events().empty and sess.L.n_lfs == 3


def test_the_latest_decision_is_in_force():
    log = SuggestionLog("sqlite:///:memory:", project="p")
    a = check_rule({"kind": "keyword", "terms": ["free"], "label": "SPAM", "name": "a"}, ["HAM", "SPAM"])
    b = check_rule({"kind": "regex", "pattern": r"\d{5,}", "label": "SPAM", "name": "b"}, ["HAM", "SPAM"])
    log.decide(a, "accept", "ana")
    log.decide(b, "accept", "ana")
    log.decide(a, "reject", "ben")                     # ben took it back
    assert [r["name"] for r in log.accepted()] == ["b"]
    log.decide(a, "accept", "ana")                     # and ana again: b was accepted first
    assert [r["name"] for r in log.accepted()] == ["a", "b"]
    assert rule_key({**a, "terms": ["FREE"], "name": "other"}) == rule_key(a)   # what it matches, not its name


def test_a_numeric_project_gets_thresholds_never_on_its_gold_column(tmp_path):
    """The embedded default (breast cancer measurements, no text): the suggestions are thresholds,
    none on the data's own gold column; an edited threshold becomes a threshold_lf."""
    project = Project.load(Project(name="cancer", root=tmp_path).save(tmp_path / "weaklabel.toml"))
    df, gold = project.items()
    sess = ReviewSession(project)
    for i in np.random.default_rng(0).choice(len(df), 60, replace=False):
        sess.store.add_label(df.index[i], int(gold[i]), "ana")
    rules = [s.rule() for s in sess.suggestions().attrs["suggestions"]]
    assert rules and all(r["kind"] == "threshold" and r["column"] != "label" for r in rules)
    edited = {**rules[0], "value": round(rules[0]["value"] * 1.1, 2), "name": ""}
    name = sess.accept_rule(edited, "ana", origin=rules[0])
    assert f"threshold_lf({rules[0]['column']!r}, {rules[0]['op']!r}, {edited['value']!r}" in \
        (tmp_path / "suggested_lfs.py").read_text()
    assert sess.L.lf_names[-1] == name and sess.L.n_lfs == 11
    with pytest.raises(InputError, match="not a numeric column"):
        sess.accept_rule({**edited, "column": "no such column"}, "ana")
    sess.close()


def test_hostile_keywords_are_written_as_data_never_as_code(sess, tmp_path):
    """An edit box is free text: quotes, newlines, markup and Python must reach the generated module
    as string literals, which load back to the same keywords."""
    evil = ["'), __import__('os').system('echo pwned'), ('", "<script>alert(1)</script>", 'a"\nb', "\\x00 \\"]
    name = sess.accept_rule({"kind": "keyword", "terms": evil, "label": "SPAM", "name": ""}, "ana")
    suite = Project.load(tmp_path / "weaklabel.toml").suite()
    lf = next(lf for lf in suite.lfs if lf.name == name)
    votes = lf.apply(pd.DataFrame({"text": [f"x {t} y" for t in evil] + ["nothing here"]}))
    assert np.asarray(votes).tolist() == [1, 1, 1, 1, -1]          # the same keywords, matched as text
    code = (tmp_path / "suggested_lfs.py").read_text()
    assert "__import__('os')" not in code.replace(repr(evil[0]), "")     # only inside its literal
    assert not (tmp_path / "pwned").exists()
