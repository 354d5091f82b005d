"""Compare LF suites side by side on the same data.

Coverage, conflicts, label-model score and apply time, one row per suite.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .._validation import has_gold
from ..apply import apply_lfs
from ..exceptions import InputError
from ..io.suite import load_suite
from ..learn.endmodel import pick_text_column
from ..models import LabelModel, LabelModelWarning, MajorityVote, probs_to_preds
from ..pipeline import load_eval_items, load_items


def compare_suites(suites: Sequence[str], data: str, *, split: str = "train", eval_split: str | None = None,
                   data_dir: str | None = None, id_column: str | None = None,
                   gold_column: str | None = None, end_model: bool = False,
                   text_column: str | None = None) -> pd.DataFrame:
    """One row per LF suite.

    Parameters
    ----------
    suites : sequence of str
        LF suite modules; all must share one label space.
    data : str
        Dataset name or table file.
    split : str
        Split to apply the LFs to and fit the label model on.
    eval_split : str, optional
        Score on held-out gold: a split of a dataset, or a file in the layout of ``data``
        (:func:`~weaklabel.pipeline.load_eval_items`); default: ``split``'s gold.
    end_model : bool, default False
        Also train an :class:`~weaklabel.learn.endmodel.EndModel` on each suite's
        probabilistic labels and score it on the evaluation gold.
    text_column : str, optional
        The end model's text feature; default :func:`~weaklabel.learn.endmodel.pick_text_column`
        (as ``weaklabel train`` picks it).

    Returns
    -------
    DataFrame indexed by suite: ``n_lfs``, ``coverage``, ``overlap``, ``conflict``,
    ``apply_seconds``, ``fit_seconds``, and with gold ``label_model_accuracy``,
    ``majority_accuracy`` (ties broken at random; every gold row counts) and
    ``end_model_accuracy`` when requested.
    """
    loaded = [load_suite(s) for s in suites]
    labels = {s.labels.names for s in loaded}
    if len(labels) != 1:
        raise InputError(f"suites: LF suites must share one label space to be compared, got {sorted(labels)}")
    df, gold = load_items(data, split=split, data_dir=data_dir, id_column=id_column, gold_column=gold_column,
                          labels=loaded[0].labels)
    ev_df, ev_gold = df, gold
    if eval_split is not None:
        ev_df, ev_gold, _ = load_eval_items(data, eval_split, data_dir=data_dir, id_column=id_column,
                                            gold_column=gold_column, labels=loaded[0].labels)
    if end_model and text_column is None:
        text_column = pick_text_column(df)
    rows = []
    from .._progress import progress

    for spec, suite in progress(list(zip(suites, loaded)), desc="LF suites"):
        t0 = time.perf_counter()
        L = apply_lfs(suite.lfs, df, label_space=suite.labels)
        apply_s = time.perf_counter() - t0
        v = L.votes
        n_votes = (v >= 0).sum(axis=1)
        lo = np.where(v >= 0, v, 127).min(axis=1)
        row = {"suite": spec, "n_lfs": L.n_lfs, "coverage": float((n_votes > 0).mean()),
               "overlap": float((n_votes > 1).mean()),
               "conflict": float(((n_votes > 1) & (lo != v.max(axis=1))).mean()), "apply_seconds": apply_s}
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", LabelModelWarning)
            lm = LabelModel().fit(L)
        row["fit_seconds"] = time.perf_counter() - t0
        if has_gold(ev_gold):
            L_ev = L if eval_split is None else apply_lfs(suite.lfs, ev_df, label_space=suite.labels)
            known = ev_gold >= 0
            for name, model in (("label_model", lm), ("majority", MajorityVote().fit(L))):
                pred = probs_to_preds(model.predict_proba(L_ev)[known], tie_break_policy="random")
                row[f"{name}_accuracy"] = float(np.mean(pred == ev_gold[known]))
            if end_model:
                from ..learn.endmodel import EndModel

                em = EndModel(text_column=text_column).fit(df, lm.predict_proba(L), covered=(n_votes > 0))
                row["end_model_accuracy"] = em.score(ev_df[known], ev_gold[known])["accuracy"]
        rows.append(row)
    return pd.DataFrame(rows).set_index("suite")
