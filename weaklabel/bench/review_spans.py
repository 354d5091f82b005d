"""Simulated span review.

Do documents fixed from the queue lift the sequence label model more than randomly chosen ones? Gold
stands in for the expert (:func:`weaklabel.spans.review.simulate_review`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from ..exceptions import InputError
from ..spans.review import DOC_STRATEGIES, simulate_review


def run_span_review_bench(dirs: Sequence[str | Path], *, budget: int = 50,
                          strategies: Sequence[str] = DOC_STRATEGIES, seeds: int = 5,
                          progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """One row per (dataset, strategy, seed): F1 on the unfixed documents before and after.

    The fit split is the one the sequence benchmark fits on (train, else valid); it must have gold.
    """
    from ..spans import SeqLabelModelDefault, read_seq_splits

    bad = [s for s in strategies if s not in DOC_STRATEGIES]
    if bad:
        raise InputError(f"strategies: unknown {bad}; expected some of {list(DOC_STRATEGIES)}")
    rows = []
    for src in map(Path, dirs):
        splits = read_seq_splits(src)
        split = next((s for s in ("train", "valid") if s in splits and splits[s].gold is not None), None)
        if split is None:
            raise InputError(f"{src}: no train or valid split with gold to play the expert")
        data = splits[split]
        for strategy in strategies:
            if progress:
                progress(f"{src.name}: {strategy}")
            for seed in range(seeds):
                r = simulate_review(data.L, data.gold or [], budget=budget, strategy=strategy,
                                    make_model=SeqLabelModelDefault, random_state=seed)
                rows.append({"dataset": src.name, "split": split, "strategy": strategy, "seed": seed,
                             "budget": budget, **r})
    return pd.DataFrame(rows)


def summarize_span_review(results: pd.DataFrame) -> pd.DataFrame:
    """Tabulate mean F1 (x100) before and after, and the lift with its spread over seeds.

    It also shows how often the refit took the fixed documents (the default keeps them only where
    cross-validation says so).
    """
    g = results.groupby(["dataset", "strategy"], sort=False)
    out = pd.DataFrame({"before": g["before"].mean() * 100, "after": g["after"].mean() * 100,
                        "lift": g["lift"].mean() * 100, "lift_sd": g["lift"].std(ddof=0) * 100,
                        "uses_gold": g["uses_gold"].mean(), "seeds": g.size()})
    return out.reset_index().round({"before": 2, "after": 2, "lift": 2, "lift_sd": 2, "uses_gold": 2})


def strategies_beat_random(summary: pd.DataFrame) -> dict[str, dict[str, bool]]:
    """Say, per dataset and queue strategy, whether its mean lift is above random's."""
    out: dict[str, dict[str, bool]] = {}
    for ds, part in summary.groupby("dataset", sort=False):
        lift = part.set_index("strategy")["lift"]
        if "random" in lift:
            out[str(ds)] = {s: bool(lift[s] > lift["random"]) for s in lift.index if s != "random"}
    return out
