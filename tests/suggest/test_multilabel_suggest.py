"""Suggested LFs for multi-label items: a hand-made corpus where the right keyword per label is
known, the filters (chance, a vote that is mostly right, what an existing LF already makes), the
written module round-tripping to the same votes, and the bench's multi-label arm."""

import numpy as np
import pandas as pd
import pytest

from weaklabel.exceptions import InputError
from weaklabel.multilabel import apply_multilabel_lfs, keyword_lf
from weaklabel.suggest import multilabel_suggested_lfs, suggest_multilabel_lfs, write_multilabel_suggestions

LABELS = ["joy", "anger", "gratitude"]


def _corpus(n=300, seed=0):
    """'yay' marks joy (90% of the time), 'furious' anger, 'thanks' gratitude; 'the' is everywhere."""
    rng = np.random.default_rng(seed)
    texts, Y = [], np.zeros((n, 3), dtype=np.int8)
    for i in range(n):
        words = ["the", "day", "was", str(rng.choice(["long", "short", "odd"]))]
        for j, cue in enumerate(["yay", "furious", "thanks"]):
            if rng.random() < 0.25:
                Y[i, j] = 1
                if rng.random() < 0.9:
                    words.insert(int(rng.integers(0, len(words))), cue)
        texts.append(" ".join(words))
    return pd.DataFrame({"text": texts}), Y


def _labeled(Y, n, seed=0):
    Yp = np.full(Y.shape, -1, dtype=np.int8)
    pick = np.random.default_rng(seed).choice(len(Y), n, replace=False)
    Yp[pick] = Y[pick]
    return Yp


def test_each_labels_cue_word_is_found_and_the_word_everywhere_is_not():
    df, Y = _corpus()
    table = suggest_multilabel_lfs(df, _labeled(Y, 80), LABELS)
    rules = {(r["label"], r["rule"]) for _, r in table.iterrows()}
    assert {("joy", "'yay' -> joy"), ("anger", "'furious' -> anger"), ("gratitude", "'thanks' -> gratitude")} <= rules
    assert not any("'the'" in r for _, r in rules)                 # on every item: no evidence for any label
    assert (table["precision"] > 0.5).all() and (table["lower"] > 0.2).all()


def test_a_rule_an_existing_lf_makes_is_left_out_and_bad_input_is_refused():
    df, Y = _corpus()
    have = apply_multilabel_lfs([keyword_lf("yay", labels="joy", name="cheer")], df, LABELS)
    table = suggest_multilabel_lfs(df, _labeled(Y, 80), LABELS, existing=have)
    assert "joy" not in set(table["label"]) and {"anger", "gratitude"} <= set(table["label"])
    with pytest.raises(InputError, match="Y: "):
        suggest_multilabel_lfs(df, Y[:10], LABELS)
    with pytest.raises(InputError, match="column"):
        suggest_multilabel_lfs(df, _labeled(Y, 80), LABELS, column="body")
    with pytest.raises(InputError, match="at least 6 labeled items"):
        suggest_multilabel_lfs(df, _labeled(Y, 4), LABELS)


def test_the_written_module_loads_and_votes_as_the_suggestions_do(tmp_path):
    from weaklabel.io.suite import load_multilabel_suite

    df, Y = _corpus()
    table = suggest_multilabel_lfs(df, _labeled(Y, 80), LABELS)
    path = write_multilabel_suggestions(tmp_path / "suggested.py", table.attrs["suggestions"], LABELS)
    assert "# precision" in path.read_text()
    lfs, labels = load_multilabel_suite(str(path))
    assert labels == LABELS
    direct = apply_multilabel_lfs(multilabel_suggested_lfs(table.attrs["suggestions"]), df, LABELS)
    loaded = apply_multilabel_lfs(lfs, df, LABELS)
    assert np.array_equal(direct.votes.toarray(), loaded.votes.toarray())
    # each suggestion fires exactly where the table says
    for s, j in zip(table.attrs["suggestions"], range(len(lfs))):
        assert np.array_equal(s.candidate.fires, np.asarray(loaded.votes[:, j * 3:(j + 1) * 3].sum(axis=1)).ravel() > 0)


def test_the_bench_runs_the_multilabel_arms_scored_by_micro_f1(tmp_path):
    from weaklabel.bench.suggest import run_suggest_bench, summarize_suggest

    df, Y = _corpus(600)
    folder = tmp_path / "emo"
    folder.mkdir()
    (folder / "labels.txt").write_text("\n".join(LABELS))
    for split, part in (("train", slice(0, 450)), ("test", slice(450, 600))):
        ids = [",".join(str(j) for j in np.flatnonzero(row)) for row in Y[part]]
        pd.DataFrame({"t": df["text"][part], "l": ids, "i": [f"x{i}" for i in range(len(ids))]}).to_csv(
            folder / f"{split}.tsv", sep="\t", header=False, index=False)
    (tmp_path / "hand.py").write_text("from weaklabel.multilabel import keyword_lf\nLABELS = " + repr(LABELS)
                                      + "\nLFS = [keyword_lf('yay', labels='joy', name='cheer')]\n")
    res = run_suggest_bench([folder], sizes=[60], seeds=1, lfs={"emo": str(tmp_path / "hand.py")})
    assert set(res["method"]) == {"supervised", "suggested", "hand", "hand+suggested"}
    assert set(res["metric"]) == {"micro_f1"} and res["score"].between(0, 1).all()
    score = res.set_index("method")["score"]
    assert score["suggested"] > 0.8 and score["hand+suggested"] >= score["hand"]     # the cue words are the labels
    assert summarize_suggest(res)["metric"].tolist() == ["micro_f1"]


def test_weaklabel_suggest_on_a_multilabel_project_mines_the_experts_sets(tmp_path, capsys):
    from weaklabel.cli import main
    from weaklabel.review.label_set_store import LabelSetStore
    from weaklabel.review.project import Project

    df, Y = _corpus(200)
    pd.DataFrame({"cid": [f"c{i}" for i in range(len(df))], "body": df["text"]}).to_csv(tmp_path / "items.csv",
                                                                                      index=False)
    (tmp_path / "lfs.py").write_text("from weaklabel.multilabel import keyword_lf\nLABELS = " + repr(LABELS)
                                     + "\nLFS = [keyword_lf('yay', labels='joy', column='body', name='cheer')]\n")
    path = tmp_path / "weaklabel.toml"
    Project(name="emo", kind="multilabel", data="items.csv", id_column="cid", text_column="body", lfs="lfs.py",
            root=tmp_path).save(path)
    store = LabelSetStore(Project.load(path).store_url, project="emo", labels=LABELS)
    for i in range(80):
        store.save(f"c{i}", [x for x, on in zip(LABELS, Y[i]) if on], "ana", text=df["text"][i])
    assert main(["suggest", "--project", str(path), "--out", str(tmp_path / "more.py")]) == 0
    out = capsys.readouterr().out
    assert "from 80 items with an agreed label set" in out
    assert "'furious' -> anger" in out and "'yay' -> joy" not in out          # the project's LF makes that one
    assert "column='body'" in (tmp_path / "more.py").read_text()
