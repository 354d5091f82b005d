import numpy as np
import pandas as pd
import pytest

from weaklabel import InputError, load_dataset
from weaklabel.learn import lexicon_lf, model_lf, vader_lexicon
from weaklabel.learn.endmodel import EndModel, load_model, save_model


def test_model_lf_votes_only_when_confident():
    ds = load_dataset("breast_cancer", split="all")
    from sklearn.linear_model import LogisticRegression

    X = ds.df[["mean radius", "worst area"]]
    clf = LogisticRegression(max_iter=1000).fit(X.to_numpy(), ds.y)
    lf = model_lf(clf, ["mean radius", "worst area"], name="radius_model", threshold=0.95)
    votes = lf.apply(ds.df)
    fires = votes >= 0
    assert 0.3 < fires.mean() < 1.0
    assert (votes[fires] == ds.y[fires]).mean() > 0.95
    with pytest.raises(InputError, match="threshold"):
        model_lf(clf, "x", name="m", threshold=0)


def test_model_lf_on_text_pipeline_and_lexicon_lf():
    df = pd.DataFrame({"text": ["free cash prize", "win free money", "see you at lunch", "lunch at noon?"] * 3})
    y = np.array([1, 1, 0, 0] * 3)
    em = EndModel(text_column="text").fit(df, np.eye(2)[y])
    lf = model_lf(em.estimator_, "text", name="text_model", threshold=0.6)
    assert lf.apply(df).tolist() == y.tolist()
    lex = lexicon_lf({"great": 3.1, "awful": -2.5, "ok": 0.9}, name="sentiment", positive=1, negative=0)
    assert lex.apply(pd.DataFrame({"text": ["great stuff", "awful, awful", "ok then", "nothing", None]})).tolist() \
        == [1, 0, 1, -1, -1]


def test_vader_lexicon_ships_with_its_package():
    pytest.importorskip("vaderSentiment")
    lex = vader_lexicon()
    assert len(lex) > 7000 and lex["good"] > 1 and lex["horrible"] < -2
    lf = lexicon_lf(lex, name="vader", positive=0, negative=None, threshold=1.5)
    assert lf({"text": "I love this song, it is wonderful"}) == 0


def test_end_model_save_load_is_safe(tmp_path):
    pytest.importorskip("skops")
    df = pd.DataFrame({"text": ["free cash", "win money", "see you", "lunch soon"] * 3})
    y = np.array([1, 1, 0, 0] * 3)
    em = EndModel(text_column="text").fit(df, np.eye(2)[y])
    path = save_model(em, tmp_path / "end.skops")
    back = load_model(path)
    assert np.allclose(back.predict_proba(df), em.predict_proba(df))
    # a file with a type skops does not know is refused unless trusted by name
    from sklearn.pipeline import Pipeline

    class Custom(Pipeline):
        pass

    odd = EndModel(estimator=Custom(em.estimator_.steps), text_column="text").fit(df, np.eye(2)[y])
    save_model(odd, tmp_path / "odd.skops")
    with pytest.raises(InputError, match="not known to be safe"):
        load_model(tmp_path / "odd.skops")


def test_the_public_names_are_the_functions():
    """`from weaklabel.learn import model_lf` gave the module once anything had imported it."""
    import importlib

    import weaklabel.learn.model_lfs  # noqa: F401 - the submodule is loaded, as an LF file would load it

    learn = importlib.import_module("weaklabel.learn")
    assert callable(learn.model_lf) and learn.model_lf.__name__ == "model_lf"
    from weaklabel.learn import model_lf as again

    assert again is learn.model_lf and callable(lexicon_lf) and callable(vader_lexicon)


def test_a_refitted_model_lf_is_never_served_its_old_votes_from_the_cache(tmp_path):
    """The vote cache keyed a model LF by its code only: after the model was refit in place, 17
    cache hits served the old votes. The fitted state is part of the key now."""
    from sklearn.linear_model import LogisticRegression

    from weaklabel import apply_lfs

    ds = load_dataset("breast_cancer", split="all")
    X = ds.df[["mean radius", "worst area"]].to_numpy()
    clf = LogisticRegression(max_iter=1000).fit(X, ds.y)
    lf = model_lf(clf, ["mean radius", "worst area"], name="radius_model", threshold=0.9)
    # the same state gives the same key, every time (a freed temporary's id once read as "seen")
    assert lf.fingerprint is not None and lf.fingerprint == lf.fingerprint
    first = apply_lfs([lf], ds.df, cache=tmp_path)
    assert apply_lfs([lf], ds.df, cache=tmp_path).apply_report.cache_hits == ["radius_model"]   # unchanged: a hit
    clf.fit(X, 1 - ds.y)                                    # the same object, refit in place: votes flip
    again = apply_lfs([lf], ds.df, cache=tmp_path)
    assert again.apply_report.cache_hits == []
    fresh = lf.apply(ds.df)
    assert again.votes[:, 0].tolist() == fresh.tolist() != first.votes[:, 0].tolist()
