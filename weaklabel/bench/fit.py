"""``weaklabel bench fit``.

Label-model fit+predict speed, accuracy and peak memory on synthetic matrices from a known
generative model, ours vs Snorkel's LabelModel (and any other of weaklabel's models or peers'
models, e.g. crowd-kit's: :data:`weaklabel.bench.peers.PEERS`).

Each (problem, model, run) is a fresh child process, so peak RSS belongs to that run. In the
child, before the clock: the imports, one warm-up fit and predict on a 2,000-row problem of
the same shape, and the matrix. Runs are interleaved (round r runs every model once) and the
report gives the median and the spread with the load average beside each run. Accuracy is
measured twice: with the class balance unknown to every model, and with the true balance
given to every model that takes one.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any, cast

import numpy as np

DEFAULT_PROBLEMS = [(1_000_000, 10, 2), (1_000_000, 50, 2), (1_000_000, 10, 4), (1_000_000, 50, 4),
                    (10_000_000, 50, 2)]
DEFAULT_MODELS = ("label_model", "majority", "snorkel")
SNORKEL_MAX_ROWS = 1_000_000  # Snorkel's predict builds dense one-hot copies of L: ~8 GB at 10M x 50
# peers that cannot live in weaklabel's environment: named, skipped with the reason
NOT_INSTALLABLE = {"flyingsquid": "FlyingSquid needs pgmpy 0.1.12 and numpy < 2, which weaklabel's pins exclude; "
                                  "run it in a venv of its own"}


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


def _worker(n: int, m: int, k: int, model_name: str, with_balance: bool = False) -> dict[str, Any]:
    import warnings

    from ..models import LabelModelWarning, probs_to_preds
    from ..models.registry import _accepts
    from ._timing import load_average
    from .peers import factory, make_benchmark_model

    def fit_predict(L: np.ndarray, **params: Any) -> np.ndarray:
        model = make_benchmark_model(model_name, **params)
        model.fit(L)
        return model.predict_proba(L)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LabelModelWarning)
        fit_predict(make_problem(2_000, m, k, seed=1)[0])        # imports and first calls: off the clock
        L, y, info = make_problem(n, m, k)
        load = load_average()
        t0 = time.perf_counter()
        probs = fit_predict(L)
        seconds = time.perf_counter() - t0
        acc = float(np.mean(probs_to_preds(probs, tie_break_policy="random") == y))
        out = {"rows": n, "lfs": m, "classes": k, "model": model_name, "seconds": seconds, "accuracy": acc,
               "load": load, "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}   # KiB
        if with_balance and _accepts(factory(model_name), "class_balance"):
            given = fit_predict(L, class_balance=np.asarray(info["class_balance"]))
            out["accuracy_given_balance"] = float(np.mean(probs_to_preds(given, tie_break_policy="random") == y))
    return out


def run_one(n: int, m: int, k: int, model_name: str, *, with_balance: bool = False,
            timeout: float = 3600) -> dict[str, Any]:
    """One fit+predict run of ``model_name`` on an (n, m, k) problem, in a fresh process (its own peak RSS)."""
    code = ("import json, sys; from weaklabel.bench.fit import _worker; "
            f"print(json.dumps(_worker({n}, {m}, {k}, {model_name!r}, {with_balance!r})))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        return {"rows": n, "lfs": m, "classes": k, "model": model_name,
                "error": (proc.stderr.strip().splitlines() or ["failed"])[-1]}
    return cast("dict[str, Any]", json.loads(proc.stdout.strip().splitlines()[-1]))


def run_fit_bench(problems: Sequence[tuple[Any, ...]] = DEFAULT_PROBLEMS, models: Sequence[str] = DEFAULT_MODELS,
                  *, repeat: int = 5, snorkel_max_rows: int = SNORKEL_MAX_ROWS,
                  log: Callable[[str], Any] | None = print) -> list[dict[str, Any]]:
    """Per problem and model.

    The median, min and max seconds of ``repeat`` interleaved runs (``runs`` and ``load`` list them),
    accuracy, accuracy given the true balance, peak RSS.
    """
    from .._progress import progress
    from ._timing import spread

    results = []
    for n, m, k in progress(problems, desc="fit problems"):
        runs: dict[str, list[dict[str, Any]]] = {name: [] for name in models}
        for r in range(repeat):
            order = list(models)[r % len(models):] + list(models)[:r % len(models)]
            for name in order:
                if (name == "snorkel" and n > snorkel_max_rows) or name in NOT_INSTALLABLE:
                    continue
                runs[name].append(run_one(n, m, k, name, with_balance=(r == 0)))
        for name in models:
            done = [x for x in runs[name] if "error" not in x]
            if name in NOT_INSTALLABLE:
                rec = {"rows": n, "lfs": m, "classes": k, "model": name, "error": f"skipped: {NOT_INSTALLABLE[name]}"}
            elif name == "snorkel" and n > snorkel_max_rows:
                rec = {"rows": n, "lfs": m, "classes": k, "model": name,
                       "error": f"skipped above {snorkel_max_rows:,} rows (dense one-hot of L)"}
            elif not done:
                rec = runs[name][0]
            else:
                first = runs[name][0]
                t = spread([x["seconds"] for x in done], [x["load"] for x in done])
                rec = {"rows": n, "lfs": m, "classes": k, "model": name, "seconds": t["median"],
                       "seconds_min": t["min"], "seconds_max": t["max"], "runs": t["runs"], "load": t["load"],
                       "accuracy": first["accuracy"], "peak_rss_mb": max(x["peak_rss_mb"] for x in done)}
                if "accuracy_given_balance" in first:
                    rec["accuracy_given_balance"] = first["accuracy_given_balance"]
            results.append(rec)
            if log:
                log(_line(rec))
    return results


def _line(r: dict[str, Any]) -> str:
    head = f"{r['rows']:>11,} x {r['lfs']:>3} LFs, k={r['classes']}  {r['model']:<12}"
    if "error" in r:
        return f"{head} {r['error']}"
    given = r.get("accuracy_given_balance")
    return (f"{head} fit+predict {r['seconds']:8.2f}s median ({r['seconds_min']:.2f}-{r['seconds_max']:.2f}, "
            f"{len(r['runs'])} runs, load {min(r['load']):.1f}-{max(r['load']):.1f})  accuracy {r['accuracy']:.4f}"
            + (f", {given:.4f} given the balance" if given is not None else "")
            + f"  peak RSS {r['peak_rss_mb']:6.0f} MB")


def format_ratios(results: list[dict[str, Any]]) -> str:
    """Format label_model's speed and accuracy relative to snorkel per problem.

    Speed is a ratio of medians; both runs are shown with the balance unknown to both and given to both.
    """
    by = {(r["rows"], r["lfs"], r["classes"], r["model"]): r for r in results if "error" not in r}
    lines = ["problem                      speedup vs snorkel (medians)   accuracy ours - snorkel: "
             "balance unknown / given"]
    for (n, m, k, name), r in by.items():
        other = by.get((n, m, k, "snorkel"))
        if name != "label_model" or other is None:
            continue
        given = ""
        if "accuracy_given_balance" in r and "accuracy_given_balance" in other:
            given = f" / {r['accuracy_given_balance'] - other['accuracy_given_balance']:+.4f}"
        lines.append(f"{n:>11,} x {m:>3} LFs, k={k}    {other['seconds'] / r['seconds']:8.1f}x"
                     f"                      {r['accuracy'] - other['accuracy']:+.4f}{given}")
    return "\n".join(lines)
