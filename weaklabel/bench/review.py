"""``weaklabel bench review``: a simulated expert study.

An oracle expert (the gold labels) labels the items each review strategy picks,
in batches, and the label model refits with those labels after every batch.
Reported: accuracy of the resulting train labels (expert labels where given, the
model's elsewhere) and the model's test score, per strategy and labeling budget,
and the lift over the unlabeled start.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..evaluate import metric_scores
from ..exceptions import InputError
from ..models import LabelModel, LabelModelWarning, MajorityVote, probs_to_preds
from ..review.choices import STRATEGIES
from ..review.queue import BY_VOTES, conflict_weights, drawn_at_random, rank
from .harness import auto_metric


def _scores(model: Any, L_tr: np.ndarray, y_tr: np.ndarray, y_exp: np.ndarray, L_te: np.ndarray,
            y_te: np.ndarray, k: int, metric: str) -> tuple[float, float, float]:
    """Score the train labels and the model after a batch.

    Returns (train labels' accuracy with expert overrides, the model's own accuracy on the train rows no
    expert labeled, test score).
    """
    model_pred = probs_to_preds(model.predict_proba(L_tr), tie_break_policy="random")
    train_pred = np.where(y_exp >= 0, y_exp, model_pred)
    test_pred = probs_to_preds(model.predict_proba(L_te), tie_break_policy="random")
    rest = y_exp < 0
    return (float(np.mean(train_pred == y_tr)), float(np.mean(model_pred[rest] == y_tr[rest])),
            metric_scores(y_te, test_pred, k, [metric])[metric])


def _refit(L_tr: np.ndarray, y_exp: np.ndarray, drawn: np.ndarray, strategy: str, k: int) -> Any:
    """Refit the label model after a batch, as the review app refits it.

    The refit is :func:`weaklabel.review.refit.fit_to_expert_labels`: under a votes-only strategy every
    expert label teaches it, as a random sample of its vote pattern; under ``label_issues`` only the
    randomly drawn rows do.
    """
    from ..review.refit import fit_to_expert_labels

    if strategy in BY_VOTES:
        random_sample, y_fit = bool(drawn[y_exp >= 0].all()), y_exp
    else:
        random_sample, y_fit = True, np.where(drawn, y_exp, -1)
    return fit_to_expert_labels("label_model", L_tr, y_fit, random_sample, cardinality=k)


def simulate(L_tr: np.ndarray, y_tr: np.ndarray, L_te: np.ndarray, y_te: np.ndarray, strategy: str, *,
             budgets: Sequence[int] = (25, 50, 100, 200), batch: int = 5, seed: int = 0,
             metric: str = "accuracy", texts: Sequence[str] | None = None,
             audit_fraction: float = 0.0) -> list[dict[str, Any]]:
    """Run one strategy up to ``max(budgets)`` oracle labels; one record per budget (and 0).

    As in the review app, expert labels override their rows and refit the label model:
    all of them under a strategy that ranks by the votes alone, only the randomly drawn
    ones (the ``audit_fraction`` of each batch) under ``label_issues``. Reported per
    budget: the train labels' accuracy (expert labels where given), the model's own
    accuracy on the train rows no expert labeled, and its test score.

    ``label_issues`` needs ``texts``: a cross-validated text model scores how much it
    doubts each row's weak label, once, before the study.
    """
    k = int(max(L_tr.max(), y_tr.max())) + 1
    y_exp = np.full(len(y_tr), -1)
    drawn = np.zeros(len(y_tr), dtype=bool)  # rows labeled from a random draw: these train the model
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LabelModelWarning)
        model = LabelModel(cardinality=k).fit(L_tr)
        mv_probs = MajorityVote(cardinality=k).fit(L_tr).predict_proba(L_tr)
        tr0, md0, te0 = _scores(model, L_tr, y_tr, y_exp, L_te, y_te, k, metric)
        issue_scores = None
        if strategy == "label_issues":
            if texts is None:
                raise ValueError("strategy 'label_issues' needs texts")
            from ..learn.quality import label_issue_scores

            weak = probs_to_preds(model.predict_proba(L_tr), tie_break_policy="random")
            issue_scores = label_issue_scores(pd.DataFrame({"text": list(texts)}), weak, text_column="text")
        out = [{"strategy": strategy, "labels": 0, "seed": seed, "train_accuracy": tr0, "model_accuracy": md0,
                f"test_{metric}": te0}]
        labeled = 0
        for budget in sorted(budgets):
            while labeled < budget:
                take = min(batch, budget - labeled)
                q = rank(L_tr, strategy, probs=model.predict_proba(L_tr), mv_probs=mv_probs, scores=issue_scores,
                         weights=conflict_weights(model, k),
                         label_counts={i: 1 for i in np.flatnonzero(y_exp >= 0)}, audit_fraction=audit_fraction,
                         n=take, random_state=seed * 1000 + labeled)
                rows = q["row_id"].to_numpy(dtype=int)
                random_rows = rows[drawn_at_random(q["source"], strategy)]
                if rows.size < take:  # the strategy ran dry: fill with random unlabeled rows
                    rng = np.random.default_rng(seed * 7919 + labeled)
                    pool = np.setdiff1d(np.flatnonzero(y_exp < 0), rows)
                    fill = rng.choice(pool, size=take - rows.size, replace=False)
                    rows, random_rows = np.concatenate([rows, fill]), np.concatenate([random_rows, fill])
                y_exp[rows] = y_tr[rows]
                drawn[random_rows] = True
                labeled += take
                model = _refit(L_tr, y_exp, drawn, strategy, k)
            tr, md, te = _scores(model, L_tr, y_tr, y_exp, L_te, y_te, k, metric)
            out.append({"strategy": strategy, "labels": budget, "seed": seed, "train_accuracy": tr,
                        "model_accuracy": md, f"test_{metric}": te})
    return out


def run_review_bench(dirs: Sequence[str | Path], *, strategies: Sequence[str] = STRATEGIES,
                     budgets: Sequence[int] = (25, 50, 100, 200), seeds: int = 5,
                     batch: int = 5, audit_fraction: float = 0.0) -> pd.DataFrame:
    """Simulate every strategy on every classification set in ``dirs``.

    Sets are WRENCH folders, ``.mat`` files or folders of them
    (:func:`weaklabel.bench.harness.expand_sources`). Every strategy is averaged over ``seeds`` (each
    strategy breaks ties at random; random draws its rows). A set without a test split is scored on
    train.
    """
    from .harness import _name, _splits, expand_sources, is_seq_source

    rows = []
    for d in [src for src in expand_sources(dirs) if not is_seq_source(src)]:
        splits = _splits(d, None)
        tr, te = splits["train"], splits["test"]
        known = tr.y >= 0
        if not known.any():
            raise InputError(f"{d}: the train split has no gold labels to act as the expert")
        L_tr, y_tr = tr.L.votes[known], tr.y[known]
        texts = tr.df["text"].astype(str).to_numpy()[known] if "text" in tr.df else None
        k = tr.L.cardinality or int(max(L_tr.max(initial=0), y_tr.max(), te.L.votes.max(initial=0),
                                        te.y.max())) + 1
        metric = auto_metric(te.y, k)
        from .._progress import progress

        for s in progress(strategies, desc=f"strategies on {_name(d)}"):
            if s == "label_issues" and texts is None:
                continue
            for seed in range(seeds):   # every queue breaks ties at random, so each strategy draws
                for r in simulate(L_tr, y_tr, te.L.votes, te.y, s, budgets=budgets, batch=batch, seed=seed,
                                  metric=metric, texts=texts, audit_fraction=audit_fraction):
                    rows.append({"dataset": _name(d), **r})
    return pd.DataFrame(rows)


def summarize(results: pd.DataFrame) -> pd.DataFrame:
    """Mean train-label accuracy lift over the 0-label start, per dataset/strategy/budget."""
    test_cols = [c for c in results.columns if c.startswith("test_")]
    cols = ["train_accuracy", *(["model_accuracy"] if "model_accuracy" in results else []), *test_cols]
    g = results.groupby(["dataset", "strategy", "labels"], sort=False)[cols].mean()
    base = g.xs(0, level="labels")["train_accuracy"]
    g["train_lift"] = g["train_accuracy"] - base.reindex(g.index.droplevel("labels")).to_numpy()
    return g.reset_index()


def lift_ratios(summary: pd.DataFrame, budget: int = 50) -> pd.DataFrame:
    """Each strategy's train-label lift at ``budget`` divided by random's."""
    at = summary[summary["labels"] == budget].set_index(["dataset", "strategy"])["train_lift"]
    out = []
    for ds in at.index.get_level_values(0).unique():
        rnd = at.get((ds, "random"), np.nan)
        for strat, lift in at.xs(ds).items():
            out.append({"dataset": ds, "strategy": strat, f"lift@{budget}": lift,
                        "vs_random": lift / rnd if rnd and rnd > 0 else np.nan})
    return pd.DataFrame(out)
