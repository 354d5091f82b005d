"""Leave-one-dataset-out choice of the sequence HMM's constants.

Grid: ``duplicate_threshold`` (how much two LFs' entity tokens must overlap, Jaccard, to count as
near copies) x ``max_iter`` (2 EM passes, or to convergence). For each held-out set, the point
with the best mean F1 on the *other* sets; ties (common: three of the four sets barely react to
either constant) are listed, and the held-out score is given for the best and worst tied point.

Run: python tools/lodo_spans.py ../shared/datasets/seq
"""

from __future__ import annotations

import itertools
import sys
import warnings

import numpy as np
import pandas as pd

from weaklabel.bench import harness as B
from weaklabel.cli._render import markdown
from weaklabel.spans.evaluate import span_f1
from weaklabel.spans.hmm import HMM
from weaklabel.spans.wrench import read_seq_splits

GRID = {"duplicate_threshold": (0.5, 0.7, 0.8, 0.9, 0.95, 1.0), "max_iter": (2, 100)}
SHIPPED = (0.9, 100)


def scores(sources: list[str]) -> pd.DataFrame:
    rows = []
    for src in [s for s in B.expand_sources(sources) if B.is_seq_source(s)]:
        splits = read_seq_splits(src)
        train, test = splits.get("train", splits.get("valid")), splits["test"]
        for thr, it in itertools.product(*GRID.values()):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                pred = HMM(duplicate_threshold=thr, max_iter=it).fit(train.L).predict_spans(test.L)
            rows.append({"dataset": src.name, "duplicate_threshold": thr, "max_iter": it,
                         "f1": 100 * span_f1(test.gold, pred)})
        print(f"{src.name} done", file=sys.stderr, flush=True)
    return pd.DataFrame(rows)


def report(df: pd.DataFrame) -> str:
    table = df.pivot_table(index=list(GRID), columns="dataset", values="f1")
    table["mean"] = table.mean(axis=1)
    best = tuple(float(v) for v in table["mean"].idxmax())
    lines = [markdown(table.round(2)), f"shipped {SHIPPED}: mean {table.loc[SHIPPED, 'mean']:.2f}; in-sample best "
             f"{best}: {table['mean'].max():.2f}"]
    best_lodo, worst_lodo = [], []
    for ds in table.columns.drop("mean"):
        others = table.drop(columns=[ds, "mean"]).mean(axis=1)
        tied = others.index[np.isclose(others, others.max(), atol=1e-9)]
        held = table.loc[tied, ds]
        best_lodo.append(held.max())
        worst_lodo.append(held.min())
        lines.append(f"held out {ds}: {len(tied)} tied points on the others; "
                     f"held-out F1 {held.min():.2f}-{held.max():.2f}")
    lines.append(f"leave-one-dataset-out mean: {np.mean(worst_lodo):.2f} (ties broken worst) to "
                 f"{np.mean(best_lodo):.2f} (ties broken best)")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(scores(sys.argv[1:])))
