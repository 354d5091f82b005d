"""Suggested LFs (weaklabel/suggest/): hand-made corpora where the right rule is known, the
Wilson bound, a gain that never sees the rows it was mined on, and code that round-trips."""

import numpy as np
import pandas as pd
import pytest

from weaklabel import InputError
from weaklabel.analysis.summary import wilson_interval
from weaklabel.io.suite import load_suite
from weaklabel.suggest import rank, suggest_lfs, write_suggestions

FILLER = ["the", "a", "video", "song", "today", "nice", "is", "was", "and", "my", "we", "it"]


def _corpus(n=400, seed=0):
    """Class 1 ('refund' complaints) says 'refund' in 90% of its rows and 'order 12345' often;
    class 0 never does. Words otherwise random."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    texts = []
    for c in y:
        words = list(rng.choice(FILLER, 6))
        if c == 1 and rng.random() < 0.9:
            words.insert(int(rng.integers(0, 6)), "refund")
        if c == 1 and rng.random() < 0.5:
            words += ["order", str(int(rng.integers(10000, 99999)))]
        if c == 0 and rng.random() < 0.6:
            words.insert(0, "thanks")
        texts.append(" ".join(words))
    return pd.DataFrame({"text": texts}), y


def _labeled(y, n, seed=0):
    out = np.full(y.size, -1)
    pick = np.random.default_rng(seed).choice(y.size, n, replace=False)
    out[pick] = y[pick]
    return out


def test_the_known_keywords_and_shapes_are_found_for_their_class():
    df, y = _corpus()
    table = suggest_lfs(df, _labeled(y, 80), ["OK", "REFUND"])
    rules = dict(zip(table["rule"], table["label"]))
    assert any("'refund'" in r and lab == "REFUND" for r, lab in rules.items())
    assert any("'thanks'" in r and lab == "OK" for r, lab in rules.items())
    # 'order' and the number shape fire on the same rows: one rule, the other in its merged list
    order = [m for r, m in zip(table["rule"], table["merged"]) if r == "'order' -> REFUND"]
    assert order and any("d+" in x for x in order[0])
    assert not any("'song'" in r or "'video'" in r for r in rules)                 # noise words clear no bound


def test_precision_comes_with_its_wilson_lower_bound_and_clears_chance():
    df, y = _corpus()
    yl = _labeled(y, 80)
    table = suggest_lfs(df, yl, ["OK", "REFUND"])
    share = np.bincount(yl[yl >= 0], minlength=2) / (yl >= 0).sum()
    for s in table.attrs["suggestions"]:
        hit = s.candidate.fires & (yl >= 0)
        correct = int((yl[hit] == s.candidate.label).sum())
        assert s.n == int(hit.sum()) and s.precision == pytest.approx(correct / s.n)
        assert s.lower == pytest.approx(wilson_interval(np.array([correct]), np.array([s.n]))[0][0])
        assert s.lower > share[s.candidate.label]
    # the bound by hand: 10 of 10 -> 0.722 (z = 1.96)
    assert wilson_interval(np.array([10]), np.array([10]))[0][0] == pytest.approx(0.7225, abs=1e-4)


def test_the_gain_is_estimated_without_the_rows_it_was_mined_on(monkeypatch):
    df, y = _corpus()
    yl = _labeled(y, 60)
    mined_on, scored_on = [], []
    select, accuracy = rank._select, rank._accuracy

    def spy_select(features, y_fit, *a, **kw):
        mined_on.append(set(np.flatnonzero(y_fit >= 0)))
        return select(features, y_fit, *a, **kw)

    def spy_accuracy(votes, y_fit, rows, y_true, k):
        scored_on.append((set(rows.tolist()), set(np.flatnonzero(y_fit >= 0))))
        return accuracy(votes, y_fit, rows, y_true, k)

    monkeypatch.setattr(rank, "_select", spy_select)
    monkeypatch.setattr(rank, "_accuracy", spy_accuracy)
    suggest_lfs(df, yl, ["OK", "REFUND"], n_folds=5)
    assert len(mined_on) == 6                       # the full run, then one per fold
    for held, trained in scored_on:
        assert held and not held & trained          # held-out rows never trained nor mined on
    folds = mined_on[1:]
    assert all(len(f) < (yl >= 0).sum() for f in folds)


def test_generated_code_round_trips_to_the_same_votes(tmp_path):
    df, y = _corpus()
    table = suggest_lfs(df, _labeled(y, 80), ["OK", "REFUND"], top=6)
    path = write_suggestions(tmp_path / "suggested.py", table.attrs["suggestions"], ["OK", "REFUND"])
    text = path.read_text()
    assert "Wilson lower bound" in text and "keyword_lf(" in text
    suite = load_suite(str(path))
    assert [lf.name for lf in suite.lfs] == list(table["name"])
    pool = _labeled(y, 80) < 0
    for lf, s in zip(suite.lfs, table.attrs["suggestions"]):
        votes = np.asarray(lf.apply(df))
        # a neighbourhood's labeled rows were each left out of their own: compare on the pool
        rows = pool if s.candidate.kind == "similar" else np.ones_like(pool)
        assert np.array_equal(votes[rows] >= 0, s.candidate.fires[rows])
        assert set(votes[votes >= 0].tolist()) == {s.candidate.label}


def test_suggestions_an_existing_lf_already_makes_are_left_out():
    df, y = _corpus()
    yl = _labeled(y, 80)
    refund = np.where(df["text"].str.contains(r"\brefund\b"), 1, -1)[:, None]
    table = suggest_lfs(df, yl, ["OK", "REFUND"], existing=refund)
    assert not any(r == "'refund' -> REFUND" for r in table["rule"])
    assert (table["overlap"] >= 0).all()


def test_bad_inputs_name_the_argument():
    df, y = _corpus(40)
    with pytest.raises(InputError, match="y: needs at least"):
        suggest_lfs(df, np.full(40, -1), ["OK", "REFUND"])
    with pytest.raises(InputError, match="column"):
        suggest_lfs(df, y, ["OK", "REFUND"], column="body")
    with pytest.raises(InputError, match="one label"):
        suggest_lfs(df, y[:10], ["OK", "REFUND"])


def test_the_command_suggests_from_the_projects_expert_labels_and_writes_python(spam_project, capsys, tmp_path):
    from weaklabel.cli import main
    from weaklabel.review.project import Project

    proj = Project.load(spam_project)
    df, _ = proj.items()
    store = proj.open_store()
    for rid, text in zip(df.index, df["text"]):      # an expert labels every comment
        store.add_label(rid, int("http" in text or "subscribe" in text), "ana")
    # the project's own three LFs already say all there is: nothing new to suggest
    assert main(["suggest", "--project", str(spam_project)]) == 0
    assert capsys.readouterr().out.startswith("0 suggestions from 60 expert-labeled rows of 60")
    # with only the link rule, the words the expert's labels follow come back, as Python
    (spam_project.parent / "spam_lfs.py").write_text(
        "from weaklabel import LabelSpace, regex_lf\n"
        "LABELS = LabelSpace(['HAM', 'SPAM'])\n"
        "LFS = [regex_lf(r'https?://', label=LABELS.SPAM, name='link')]\n")
    out = tmp_path / "suggested.py"
    assert main(["suggest", "--project", str(spam_project), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "suggest_please_subscribe_spam" in printed and "suggest_love_it_ham" in printed
    assert f"LFs to {out}" in printed and load_suite(str(out)).lfs
    # a rule an expert rejected in the app is not suggested again here either
    from weaklabel.suggest import SuggestionLog

    rejected = next(s for s in load_suite(str(out)).lfs if s.name == "suggest_love_it_ham")
    rule = next(r for r in _rules_of(out) if r["name"] == rejected.name)
    SuggestionLog(proj.store_url, project=proj.name).decide(rule, "reject", "ana")
    assert main(["suggest", "--project", str(spam_project)]) == 0
    assert "suggest_love_it_ham" not in capsys.readouterr().out


def _rules_of(path):
    """The rules of a written suggestions module, read back from its keyword_lf calls."""
    import ast

    rules = []
    for call in ast.walk(ast.parse(path.read_text())):
        if isinstance(call, ast.Call) and getattr(call.func, "id", "") == "keyword_lf":
            kw = {k.arg: k.value for k in call.keywords}
            rules.append({"kind": "keyword", "terms": [ast.literal_eval(a) for a in call.args],
                          "label": ast.literal_eval(kw["label"].args[0]), "name": ast.literal_eval(kw["name"])})
    return rules


def test_bench_suggest_runs_the_four_arms_and_draws_their_curves(data_dir, tmp_path):
    from weaklabel.bench.suggest import plot_suggest, run_suggest_bench, summarize_suggest

    res = run_suggest_bench([data_dir / "youtube"], sizes=[60], seeds=1, lfs={"youtube": "lfs/spam.py"})
    assert set(res["method"]) == {"supervised", "suggested", "hand", "hand+suggested"}
    assert res["score"].between(0.5, 1).all() and set(res["metric"]) == {"accuracy"}
    table = summarize_suggest(res)
    assert {"suggested - supervised", "hand+suggested - hand"} <= set(table.columns)
    png = plot_suggest(res, tmp_path / "curves.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000


# -- thresholds on numeric columns (decision stumps) ------------------------------------------------
def _numbers(n=500, seed=0):
    """Class 1 exactly where size > 60 (size uniform on 0-100); noise is unrelated to the class."""
    rng = np.random.default_rng(seed)
    size = rng.uniform(0, 100, n)
    return pd.DataFrame({"size": size, "noise": rng.normal(size=n)}), (size > 60).astype(int)


def test_the_known_threshold_is_found_on_each_side_and_noise_is_not():
    df, y = _numbers()
    table = suggest_lfs(df, _labeled(y, 80), ["SMALL", "LARGE"], column=None, top=4)
    rules = [s.rule() for s in table.attrs["suggestions"]]
    large = [r for r in rules if r["label"] == "LARGE"]
    small = [r for r in rules if r["label"] == "SMALL"]
    assert large and small and all(r["kind"] == "threshold" and r["column"] == "size" for r in large + small)
    # a stump never crosses the true boundary the wrong way: precision 1 on every labeled row
    assert large[0]["op"] == ">" and 55 <= large[0]["value"] <= 70
    assert small[0]["op"] == "<" and 35 <= small[0]["value"] <= 65
    assert (table["precision"] == 1.0).all() and not any("noise" in r for r in table["rule"])
    assert table["name"].iloc[0].startswith("suggest_size_")


def test_threshold_suggestions_round_trip_through_generated_code(tmp_path):
    df, y = _numbers()
    table = suggest_lfs(df, _labeled(y, 80), ["SMALL", "LARGE"], column=None, top=4)
    path = write_suggestions(tmp_path / "stumps.py", table.attrs["suggestions"], ["SMALL", "LARGE"])
    assert "threshold_lf('size', '>'," in path.read_text()
    for lf, s in zip(load_suite(str(path)).lfs, table.attrs["suggestions"]):
        votes = np.asarray(lf.apply(df))
        assert np.array_equal(votes >= 0, s.candidate.fires) and set(votes[votes >= 0]) == {s.candidate.label}


def test_text_and_numbers_are_mined_together_and_a_table_with_neither_is_refused():
    df, y = _corpus()
    df["length"] = df["text"].str.len() + np.where(y == 1, 100, 0)     # a numeric column that tells the class
    table = suggest_lfs(df, _labeled(y, 80), ["OK", "REFUND"], top=8)
    kinds = {s.candidate.kind for s in table.attrs["suggestions"]}
    assert {"keyword", "threshold"} <= kinds
    with pytest.raises(InputError, match="no text column and no numeric column"):
        suggest_lfs(pd.DataFrame({"tag": ["a", "b"] * 20}), np.tile([0, 1], 20), ["OK", "REFUND"], column=None)


def test_a_gold_column_named_label_is_never_mined():
    df, y = _numbers()
    df["label"] = y                                    # the data's own gold, as WRENCH tables carry it
    table = suggest_lfs(df, _labeled(y, 80), ["SMALL", "LARGE"], column=None, top=6)
    assert len(table) and not any(s.candidate.column == "label" for s in table.attrs["suggestions"])


# -- neighbourhoods (similar_lf) ------------------------------------------------------------------------
def _families(n_per=60, seed=0):
    """Class 0: paraphrases of three complaints (no word of them is rare, every row has close
    neighbours); class 1: rows of random words, each unlike any other."""
    rng = np.random.default_rng(seed)
    bases = ["the parcel arrived broken and late", "my order came damaged again today",
             "delivery was late and the box was crushed"]
    vocab = [f"w{i}" for i in range(3000)]
    texts, y = [], []
    for i in range(n_per * 3):
        words = bases[i % 3].split()
        words[int(rng.integers(len(words)))] = str(rng.choice(["really", "sadly", "again", "so"]))
        texts.append(" ".join(words))
        y.append(0)
    for _ in range(n_per * 3):
        texts.append(" ".join(rng.choice(vocab, 6)))
        y.append(1)
    return pd.DataFrame({"text": texts}), np.array(y)


def test_a_neighbourhood_is_found_where_a_class_has_close_rows_and_its_precision_is_not_its_own_echo():
    df, y = _families()
    table = suggest_lfs(df, _labeled(y, 80), ["COMPLAINT", "NOISE"], top=10)
    similar = [s for s in table.attrs["suggestions"] if s.candidate.kind == "similar"]
    # every labeled row is close to itself: were it counted, NOISE would get a neighbourhood too
    assert [s.label_name for s in similar] == ["COMPLAINT"]
    s = similar[0]
    assert s.precision == 1.0 and 0 < s.candidate.value <= 0.8 and s.name == "suggest_similar_complaint"
    assert s.candidate.fires[y == 0].mean() > 0.9 and not s.candidate.fires[y == 1].any()


def test_neighbourhood_code_round_trips_on_the_rows_it_was_not_mined_from(tmp_path):
    df, y = _families()
    yl = _labeled(y, 80)
    table = suggest_lfs(df, yl, ["COMPLAINT", "NOISE"], top=10)
    path = write_suggestions(tmp_path / "near.py", table.attrs["suggestions"], ["COMPLAINT", "NOISE"])
    assert "similar_lf([" in path.read_text()
    pool = yl < 0
    for lf, s in zip(load_suite(str(path)).lfs, table.attrs["suggestions"]):
        assert np.array_equal(np.asarray(lf.apply(df))[pool] >= 0, s.candidate.fires[pool])


def test_similar_lf_checks_its_arguments_and_votes_the_same_row_by_row_and_by_column():
    from weaklabel import similar_lf

    with pytest.raises(InputError, match="threshold"):
        similar_lf(["a text"], label=0, threshold=1.5)
    with pytest.raises(InputError, match="examples"):
        similar_lf([" "], label=0, threshold=0.5)
    lf = similar_lf(["the parcel arrived broken", "my order came damaged"], label=0, threshold=0.3)
    df = pd.DataFrame({"text": ["parcel arrived broken again", "lovely weather", None]})
    assert np.asarray(lf.apply(df)).tolist() == [0, -1, -1]
    assert [lf({"text": t}) for t in ["parcel arrived broken again", "lovely weather"]] == [0, -1]


def test_the_command_on_the_embedded_default_suggests_thresholds(tmp_path, capsys):
    """The default project (breast-cancer measurements, no text column) gets threshold LFs."""
    from weaklabel.cli import main
    from weaklabel.review.project import Project

    path = Project(name="cancer", root=tmp_path).save(tmp_path / "weaklabel.toml")
    proj = Project.load(path)
    df, gold = proj.items()
    store = proj.open_store()
    for i in np.random.default_rng(0).choice(len(df), 60, replace=False):
        store.add_label(df.index[i], int(gold[i]), "ana")
    out = tmp_path / "stumps.py"
    assert main(["suggest", "--project", str(path), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "from 60 expert-labeled rows" in printed and "threshold_lf(" in out.read_text()
    assert "'label'" not in out.read_text()


def test_the_neighbourhood_cosine_counts_a_texts_unseen_words_in_its_length():
    """Cosine in the examples' TF-IDF space, by hand: sublinear counts times the examples' IDF,
    a word no example has weighed as the rarest one the examples have."""
    import collections

    from weaklabel.templates import _Space

    space = _Space(("great song love it", "this tune is lovely", "nice video thanks"))
    texts = ["love this song", "check out my channel please", "", "nice nice video", "love love love love"]
    got = space.cosines(texts).toarray()
    vocab, idf, ex = space.vec.vocabulary_, space.vec.idf_, space.ex.toarray()
    analyse = space.vec.build_analyzer()
    for text, row in zip(texts, got):
        counts = collections.Counter(analyse(text))
        weight = {g: (1 + np.log(c)) * (idf[vocab[g]] if g in vocab else idf.max()) for g, c in counts.items()}
        length = np.sqrt(sum(w * w for w in weight.values()))
        vec = np.zeros(len(idf))
        for g, w in weight.items():
            if g in vocab:
                vec[vocab[g]] = w
        assert np.allclose(row, vec @ ex / length if length else 0.0)
    assert got[1].max() == 0 and got[0, 0] > got[0, 2]          # no shared word; "love ... song" is nearest the first


def _short_and_long(n=300, seed=0):
    """Class 0 rows are 1-3 filler words, class 1 rows 6-12: only the length tells them apart."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    texts = [" ".join(rng.choice(FILLER, int(rng.integers(1, 4) if c == 0 else rng.integers(6, 13)))) for c in y]
    return pd.DataFrame({"text": texts}), y


def test_a_short_text_rule_is_found_for_the_class_of_short_rows_and_writes_a_regex_lf(tmp_path):
    df, y = _short_and_long()
    yl = _labeled(y, 80)
    table = suggest_lfs(df, yl, ["SHORT", "LONG"], top=6)
    short = [s for s in table.attrs["suggestions"] if s.candidate.name.startswith("suggest_at_most_")]
    assert short and all(s.label_name == "SHORT" for s in short)
    n = int(short[0].candidate.name.split("_")[3])
    assert 3 <= n <= 5                     # the rule's bound sits in the gap between the classes
    assert short[0].precision == 1.0
    assert short[0].describe() == f"suggest_at_most_{n}_words_short: 'at most {n} words' -> SHORT"   # not the regex
    # no "long text" rule is ever proposed (it would repeat the keyword rules' evidence)
    assert not any("at_least" in s.candidate.name for s in table.attrs["suggestions"])
    path = write_suggestions(tmp_path / "suggested.py", table.attrs["suggestions"], ["SHORT", "LONG"])
    assert "regex_lf(" in path.read_text()
    lf = next(lf for lf in load_suite(str(path)).lfs if lf.name == short[0].candidate.name)
    n_words = df["text"].str.split().str.len().to_numpy()
    assert np.array_equal(np.asarray(lf.apply(df)) >= 0, n_words <= n)


@pytest.mark.parametrize("n", [1, 2, 5])
def test_the_short_text_pattern_counts_words_as_str_split_does(n):
    import re

    from weaklabel.suggest.mine import words_limit, words_pattern

    texts = ["", "  ", "a", "a b", " a  b ", "a\tb\nc", "one two three four five six", "x" * 50, "word! again?"]
    rx = re.compile(words_pattern(n))
    assert [rx.search(t) is not None for t in texts] == [len(t.split()) <= n for t in texts]
    assert words_limit(words_pattern(n)) == n and words_limit(r"^\s*\S+$") is None
