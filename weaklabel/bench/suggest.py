"""``weaklabel bench suggest``: LFs suggested from N labels against learning from the N labels.

For each text set (a WRENCH folder with text) and each N, over ``seeds`` draws of N labeled
train rows, four end models (TF-IDF + logistic regression, :class:`~weaklabel.learn.endmodel.EndModel`)
are scored on the test split:

* ``supervised``: trained on the N labeled rows alone;
* ``suggested``: trained on the default label model's output over the train split, its LFs
  the suggestions mined from the N rows (the N labels also enter the label model);
* ``hand``: the same with a hand-written suite (``--lfs``), when given;
* ``hand+suggested``: both suites together.

A GoEmotions-layout folder (multi-label) runs the same four arms with the multi-label pieces:
suggestions per label (:func:`~weaklabel.suggest.suggest_multilabel_lfs`), the default
:class:`~weaklabel.multilabel.MultiLabelModel` and the :class:`~weaklabel.multilabel.MultiLabelEndModel`,
scored by micro F1 (``metric``).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import InputError


def _end_model(df: pd.DataFrame, probs: np.ndarray, covered: np.ndarray, test: Any) -> float:
    from ..learn.endmodel import EndModel

    model = EndModel(text_column="text").fit(df, probs, covered=covered)
    return float((model.predict(test.df) == test.y).mean())


def _weak(df: pd.DataFrame, votes: np.ndarray, y: np.ndarray, test: Any, k: int) -> float:
    from ..matrix import LabelMatrix
    from ..models import LabelModel, LabelModelWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LabelModelWarning)
        model = LabelModel(cardinality=k).fit(LabelMatrix(votes), y)
    probs = model.predict_proba(votes)
    known = y >= 0                    # the labeled rows keep their labels
    probs[known] = np.eye(k)[y[known]]
    covered = (votes >= 0).any(axis=1) | known
    return _end_model(df, probs, covered, test)


def _votes(table: pd.DataFrame, n_rows: int) -> np.ndarray:
    """Return the suggestions' votes on every row, one column each."""
    cols = [np.where(s.candidate.fires, s.candidate.label, -1) for s in table.attrs.get("suggestions", [])]
    return np.column_stack(cols) if cols else np.zeros((n_rows, 0), dtype=np.int64)


def run_suggest_bench(sources: Sequence[str | Path], *, sizes: Sequence[int] = (50, 100, 200), seeds: int = 3,
                      lfs: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per (dataset, N, seed, method).

    The test ``score`` (its ``metric``: accuracy, or micro F1 on a multi-label set), and seconds to
    suggest.
    """
    from ..apply import apply_lfs
    from ..io.suite import load_suite
    from ..multilabel.data import is_multilabel_folder
    from ..suggest import suggest_lfs
    from .harness import _splits

    rows = []
    for src in map(Path, sources):
        if is_multilabel_folder(src):
            rows += _multilabel_rows(src, sizes, seeds, (lfs or {}).get(src.name))
            continue
        splits = _splits(src, None)
        train, test = splits["train"], splits["test"]
        if train.df is None or "text" not in train.df.columns:
            raise InputError(f"{src}: bench suggest needs the items' text (a WRENCH folder with data.text)")
        names = list(train.L.label_space.names) if train.L.label_space is not None else None
        if names is None:
            raise InputError(f"{src}: needs its class names (label.json)")
        k = len(names)
        gold = np.asarray(train.y)
        hand = None
        if lfs and src.name in lfs:
            suite = load_suite(lfs[src.name])
            hand = apply_lfs(suite.lfs, train.df, label_space=names).votes
        for n in sizes:
            for seed in range(seeds):
                pick = np.random.default_rng(seed).choice(np.flatnonzero(gold >= 0), n, replace=False)
                y = np.full(len(gold), -1)
                y[pick] = gold[pick]
                onehot = np.eye(k)[gold[pick]]
                res = {"supervised": _end_model(train.df.iloc[pick], onehot, np.ones(n, bool), test)}
                t0 = time.perf_counter()
                table = suggest_lfs(train.df, y, names)
                took = time.perf_counter() - t0
                sugg = _votes(table, len(gold))
                res["suggested"] = _weak(train.df, sugg, y, test, k) if sugg.shape[1] else float("nan")
                if hand is not None:      # suggestions beside the suite: those it does not already cover
                    res["hand"] = _weak(train.df, hand, y, test, k)
                    extra = _votes(suggest_lfs(train.df, y, names, existing=hand), len(gold))
                    res["hand+suggested"] = _weak(train.df, np.column_stack([hand, extra]), y, test, k)
                for method, acc in res.items():
                    rows.append({"dataset": src.name, "n": n, "seed": seed, "method": method, "score": acc,
                                 "metric": "accuracy", "suggestions": len(table), "suggest_s": took})
    return pd.DataFrame(rows)


def _multilabel_rows(src: Path, sizes: Sequence[int], seeds: int, lfs: str | None) -> list[dict[str, Any]]:
    """Return the four arms on a multi-label set, scored by micro F1 on its test split."""
    from ..io.suite import load_multilabel_suite
    from ..multilabel import MultiLabelEndModel, MultiLabelModel, apply_multilabel_lfs, multilabel_scores
    from ..multilabel.data import read_multilabel_split
    from ..suggest import multilabel_suggested_lfs, suggest_multilabel_lfs

    train, Y, labels = read_multilabel_split(src, "train")
    test, Y_test, _ = read_multilabel_split(src, "test")
    texts, texts_test = train["text"].to_numpy(), test["text"].tolist()

    def end(L: Any, Yp: np.ndarray) -> float:
        P = MultiLabelModel().fit(L).predict_proba(L)
        known = (Yp >= 0).all(axis=1)
        P[known] = Yp[known]                              # the labeled items keep their labels
        keep = L.covered() | known
        model = MultiLabelEndModel().fit(texts[keep], P[keep])
        return multilabel_scores(Y_test, model.predict(texts_test))["micro_f1"]

    hand = None
    if lfs is not None:
        suite, names = load_multilabel_suite(lfs)
        if names != labels:
            raise InputError(f"lfs: {lfs!r} names labels {names[:5]}... but {src}/labels.txt names {labels[:5]}...")
        hand = apply_multilabel_lfs(suite, train, labels)
    rows = []
    for n in sizes:
        for seed in range(seeds):
            pick = np.random.default_rng(seed).choice(len(train), n, replace=False)
            Yp = np.full(Y.shape, -1, dtype=np.int8)
            Yp[pick] = Y[pick]
            sup = MultiLabelEndModel().fit(texts[pick], Y[pick].astype(float))
            res = {"supervised": multilabel_scores(Y_test, sup.predict(texts_test))["micro_f1"]}
            t0 = time.perf_counter()
            table = suggest_multilabel_lfs(train, Yp, labels)
            took = time.perf_counter() - t0
            mined = multilabel_suggested_lfs(table.attrs["suggestions"])
            res["suggested"] = end(apply_multilabel_lfs(mined, train, labels), Yp) if mined else float("nan")
            if hand is not None:     # suggestions beside the suite: those it does not already make
                extra = multilabel_suggested_lfs(suggest_multilabel_lfs(train, Yp, labels, existing=hand)
                                                 .attrs["suggestions"])
                res["hand"] = end(hand, Yp)
                res["hand+suggested"] = end(_stack(hand, apply_multilabel_lfs(extra, train, labels)), Yp) \
                    if extra else res["hand"]
            for method, score in res.items():
                rows.append({"dataset": src.name, "n": n, "seed": seed, "method": method, "score": score,
                             "metric": "micro_f1", "suggestions": len(table), "suggest_s": took})
    return rows


def _stack(a: Any, b: Any) -> Any:
    """Two multi-label matrices over the same items side by side (a's LFs, then b's)."""
    from scipy import sparse

    from ..multilabel import MultiLabelMatrix

    return MultiLabelMatrix(sparse.hstack([a.votes, b.votes]).tocsr(), a.lf_names + b.lf_names, a.labels, a.row_ids)


def summarize_suggest(results: pd.DataFrame) -> pd.DataFrame:
    """Tabulate the mean test score x100 per (dataset, N) and method.

    The score is accuracy, or micro F1 on multi-label sets (``metric``); the table shows the suggested
    LFs' lead over supervised learning from the same N labels.
    """
    table = 100 * results.pivot_table(index=["dataset", "n"], columns="method", values="score", aggfunc="mean")
    if {"suggested", "supervised"} <= set(table.columns):
        table["suggested - supervised"] = table["suggested"] - table["supervised"]
    if {"hand+suggested", "hand"} <= set(table.columns):
        table["hand+suggested - hand"] = table["hand+suggested"] - table["hand"]
    table["suggestions"] = results.groupby(["dataset", "n"])["suggestions"].mean()
    table["suggest_s"] = results.groupby(["dataset", "n"])["suggest_s"].mean()
    table["metric"] = results.groupby(["dataset", "n"])["metric"].first()
    return table.round(2).reset_index()


def plot_suggest(results: pd.DataFrame, path: str | Path) -> Path:
    """Return the curves of :func:`run_suggest_bench`.

    Test accuracy against the number of labels N, per data set, for the end model trained on N labels,
    on the suggested LFs, on the hand-written suite and on both (mean over seeds, with the seeds' range
    shaded). Needs matplotlib.
    """
    from ..exceptions import require

    require("matplotlib", extra="report", feature="the suggestion curves")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sets = sorted(results["dataset"].unique())
    fig, axes = plt.subplots(1, len(sets), figsize=(4.6 * len(sets), 3.6), squeeze=False)
    styles = {"supervised": ("supervised on the N labels", "#7f7f7f", "o"),
              "suggested": ("suggested LFs", "#d62728", "s"),
              "hand": ("hand-written LFs", "#1f77b4", "^"),
              "hand+suggested": ("hand-written + suggested", "#2ca02c", "D")}
    with matplotlib.rc_context({"text.parse_math": False}):
        for ax, name in zip(axes[0], sets):
            part = results[results["dataset"] == name]
            for method, (label, color, marker) in styles.items():
                rows = part[part["method"] == method]
                if rows.empty:
                    continue
                stats = 100 * rows.groupby("n")["score"].agg(["mean", "min", "max"])
                ax.plot(stats.index, stats["mean"], marker=marker, color=color, label=label)
                ax.fill_between(stats.index, stats["min"], stats["max"], color=color, alpha=0.12)
            ax.set_title(str(name))
            ax.set_ylabel(f"end-model test {'micro F1' if part['metric'].iloc[0] == 'micro_f1' else 'accuracy'} (%)")
            ax.set_xlabel("labeled rows N")
            ax.set_xticks(sorted(part["n"].unique()))
            ax.grid(alpha=0.3)
        axes[0][-1].legend(loc="lower right", fontsize=8)
        fig.tight_layout()
        target = Path(path)
        fig.savefig(target, dpi=110)
        plt.close(fig)
    return target
