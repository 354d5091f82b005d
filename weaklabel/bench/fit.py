"""``weaklabel bench fit``: label-model fit+predict speed, accuracy and peak memory on
synthetic matrices from a known generative model, ours vs Snorkel's LabelModel.

Each (problem, model) runs in a fresh child process so peak RSS belongs to that run;
the matrix is generated in the child before the clock starts.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

DEFAULT_PROBLEMS = [(1_000_000, 10, 2), (1_000_000, 50, 2), (1_000_000, 10, 4), (1_000_000, 50, 4),
                    (10_000_000, 50, 2)]
DEFAULT_MODELS = ("label_model", "majority", "snorkel")
SNORKEL_MAX_ROWS = 1_000_000  # Snorkel's predict builds dense one-hot copies of L: ~8 GB at 10M x 50


def make_problem(n: int, m: int, k: int, *, seed: int = 0) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    """Conditionally independent LFs of mixed quality plus m//10 correlated pairs."""
    from .synthetic import sample_L

    rng = np.random.default_rng(seed)
    acc = rng.uniform(0.55, 0.9, size=m)
    prop = rng.uniform(0.05, 0.5, size=m)
    cb = np.linspace(1.5, 0.5, k)
    cb /= cb.sum()
    L, y = sample_L(n, acc, prop, cb, seed=seed, correlated=m // 10)
    return L, y, {"accuracies": acc.round(3).tolist(), "class_balance": cb.round(3).tolist()}


def _worker(n: int, m: int, k: int, model_name: str) -> dict[str, Any]:
    import warnings

    from ..models import LabelModelWarning, make_model, probs_to_preds

    L, y, _ = make_problem(n, m, k)
    model = make_model(model_name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LabelModelWarning)
        t0 = time.perf_counter()
        model.fit(L)
        t1 = time.perf_counter()
        probs = model.predict_proba(L)
        t2 = time.perf_counter()
    acc = float(np.mean(probs_to_preds(probs, tie_break_policy="true-random") == y))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB
    return {"rows": n, "lfs": m, "classes": k, "model": model_name, "fit_seconds": t1 - t0,
            "predict_seconds": t2 - t1, "seconds": t2 - t0, "accuracy": acc, "peak_rss_mb": peak_mb}


def run_one(n: int, m: int, k: int, model_name: str, *, timeout: float = 3600) -> dict[str, Any]:
    code = ("import json, sys; from weaklabel.bench.fit import _worker; "
            f"print(json.dumps(_worker({n}, {m}, {k}, {model_name!r})))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        return {"rows": n, "lfs": m, "classes": k, "model": model_name,
                "error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_fit_bench(problems: Sequence[tuple[Any, ...]] = DEFAULT_PROBLEMS, models: Sequence[str] = DEFAULT_MODELS,
                  *, snorkel_max_rows: int = SNORKEL_MAX_ROWS,
                  log: Callable[[str], Any] | None = print) -> list[dict[str, Any]]:
    results = []
    from .._progress import progress

    for n, m, k in progress(problems, desc="fit problems"):
        for name in models:
            if name == "snorkel" and n > snorkel_max_rows:
                results.append({"rows": n, "lfs": m, "classes": k, "model": name,
                                "error": f"skipped above {snorkel_max_rows:,} rows (dense one-hot of L)"})
                continue
            r = run_one(n, m, k, name)
            results.append(r)
            if log:
                log(_line(r))
    return results


def _line(r: dict[str, Any]) -> str:
    head = f"{r['rows']:>11,} x {r['lfs']:>3} LFs, k={r['classes']}  {r['model']:<12}"
    if "error" in r:
        return f"{head} {r['error']}"
    return (f"{head} fit+predict {r['seconds']:8.2f}s  accuracy {r['accuracy']:.4f}  "
            f"peak RSS {r['peak_rss_mb']:8.0f} MB")


def format_ratios(results: list[dict[str, Any]]) -> str:
    """Speed and accuracy of label_model relative to snorkel per problem."""
    by = {(r["rows"], r["lfs"], r["classes"], r["model"]): r for r in results if "error" not in r}
    lines = ["problem                      speedup vs snorkel   accuracy (ours - snorkel)"]
    for (n, m, k, name), r in by.items():
        other = by.get((n, m, k, "snorkel"))
        if name != "label_model" or other is None:
            continue
        lines.append(f"{n:>11,} x {m:>3} LFs, k={k}    {other['seconds'] / r['seconds']:8.1f}x"
                     f"           {r['accuracy'] - other['accuracy']:+.4f}")
    return "\n".join(lines)
