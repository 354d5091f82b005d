"""``weaklabel bench analysis``: lf_summary vs Snorkel's LFAnalysis on the same matrix."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from ..analysis import lf_summary
from ..exceptions import require
from .fit import make_problem


def run_analysis_bench(n_rows: int = 1_000_000, n_lfs: int = 50, k: int = 2, *, repeat: int = 5) -> dict[str, Any]:
    """Time ``lf_summary(L, y)`` against Snorkel's ``LFAnalysis(L).lf_summary(Y=y)``.

    Both are timed the same way (:func:`weaklabel.bench._timing.interleaved`); the ratio is of medians.
    """
    from ._timing import interleaved

    L, y, _ = make_problem(n_rows, n_lfs, k)
    sides: dict[str, Any] = {"weaklabel": lambda: lf_summary(L, y)}
    result: dict[str, Any] = {"rows": n_rows, "lfs": n_lfs, "classes": k}
    try:
        analysis = require("snorkel.labeling", extra="snorkel", feature="bench analysis")
    except ImportError as exc:
        result["snorkel_error"] = str(exc)
    else:
        L64 = L.astype(np.int64)   # Snorkel's input type, converted outside its clock

        def snorkel_side() -> Any:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return analysis.LFAnalysis(L64).lf_summary(Y=y)

        sides["snorkel"] = snorkel_side
    timed = interleaved(sides, repeat=repeat)
    result["weaklabel"] = {k_: v for k_, v in timed["weaklabel"].items() if k_ != "result"}
    result["weaklabel_seconds"] = timed["weaklabel"]["median"]
    if "snorkel" in timed:
        result["snorkel"] = {k_: v for k_, v in timed["snorkel"].items() if k_ != "result"}
        result["snorkel_seconds"] = timed["snorkel"]["median"]
        result["speedup"] = result["snorkel_seconds"] / result["weaklabel_seconds"]
        try:
            pd.testing.assert_frame_equal(timed["weaklabel"]["result"], timed["snorkel"]["result"], check_dtype=False)
            result["identical"] = True
        except AssertionError:
            result["identical"] = False
    return result


def format_result(r: dict[str, Any]) -> str:
    """Return the analysis bench's result as report lines."""
    from ._timing import describe

    lines = [f"bench analysis: lf_summary with gold on {r['rows']:,} rows x {r['lfs']} LFs (k={r['classes']}); both "
             "sides warmed up once, then timed in interleaved runs",
             f"  weaklabel lf_summary:          {describe(r['weaklabel'])}"]
    if "snorkel_seconds" in r:
        lines += [f"  snorkel LFAnalysis.lf_summary: {describe(r['snorkel'])}",
                  f"  speedup (ratio of medians): {r['speedup']:.1f}x   identical table: {r['identical']}"]
    else:
        lines.append(f"  snorkel side skipped: {r['snorkel_error']}")
    return "\n".join(lines)
