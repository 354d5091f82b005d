"""Leave-one-dataset-out choice of the default label model's constants.

For every point of a small grid over three constants (``NEST_CONTAIN``: how much of a narrow
rule's rows a broad rule must cover to be implied; ``SMOOTHING``: pseudo-votes toward the
shared accuracy; ``CHANCE_Z``: how strongly a multi-class LF must contradict the rest before it
may fall below chance), fit the default on each benchmark set and score it on test. Then:

* in-sample: the grid point with the best mean over all sets, and that mean;
* leave-one-dataset-out: for each set, the point with the best mean over the *other* sets,
  scored on the held-out set; the mean of those held-out scores.

Run: python tools/lodo.py ../shared/datasets/{youtube,trec,semeval,chemprot,labelmatrices}
"""

from __future__ import annotations

import itertools
import sys
import warnings

import numpy as np
import pandas as pd

from weaklabel.bench import harness as B
from weaklabel.cli._render import markdown
from weaklabel.models import LabelModel, label_model, probs_to_preds
from weaklabel.models import _patterns as patterns_mod

GRID = {"NEST_CONTAIN": (0.9, 0.95, 0.99), "SMOOTHING": (3.0, 10.0, 30.0), "CHANCE_Z": (-1.64, -2.33, -3.09)}
CURRENT = {"NEST_CONTAIN": 0.95, "SMOOTHING": 10.0, "CHANCE_Z": -2.33}


def _set(point: dict[str, float]) -> None:
    patterns_mod.NEST_CONTAIN = point["NEST_CONTAIN"]
    label_model.SMOOTHING = point["SMOOTHING"]
    label_model.CHANCE_Z = point["CHANCE_Z"]


def scores(sources: list[str]) -> pd.DataFrame:
    rows = []
    points = [dict(zip(GRID, values)) for values in itertools.product(*GRID.values())]
    for src in B.expand_sources(sources):
        splits = B._splits(src, None)
        train, test = splits["train"], splits["test"]
        k = B._cardinality(train.L)
        met = B.auto_metric(test.y, k)
        for point in points:
            _set(point)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                probs = LabelModel().fit(train.L).predict_proba(test.L)
            s = np.mean([B.metric_scores(test.y, probs_to_preds(probs, tie_break_policy="true-random",
                                                                 random_state=r), k, [met])[met] for r in range(5)])
            rows.append({"dataset": B._name(src), **point, "score": float(s)})
        print(f"{B._name(src)} done", file=sys.stderr, flush=True)
    _set(CURRENT)
    return pd.DataFrame(rows)


def report(df: pd.DataFrame) -> str:
    keys = list(GRID)
    table = df.pivot_table(index=keys, columns="dataset", values="score")
    current = table.loc[tuple(CURRENT[k] for k in keys)]
    best_point = table.mean(axis=1).idxmax()
    lodo = {}
    for ds in table.columns:
        others = table.drop(columns=ds).mean(axis=1)
        lodo[ds] = table.loc[others.idxmax(), ds]
    out = pd.DataFrame({"shipped constants": current, "in-sample best": table.loc[best_point],
                        "leave-one-dataset-out": pd.Series(lodo)})
    out.loc["mean"] = out.mean()
    lines = [f"grid: {GRID}", f"shipped: {CURRENT}", f"in-sample best: {dict(zip(keys, best_point))}",
             markdown((100 * out).round(1))]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(scores(sys.argv[1:])))
