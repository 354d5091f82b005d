"""The ``weaklabel bench`` commands: speed and memory, measured beside Snorkel and reported as ratios."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..exceptions import UsageError
from ._args import positive_int
from ._render import markdown as _markdown


def _bench_decide(args: argparse.Namespace) -> int:
    from ..bench.app import run_decision_bench

    res = run_decision_bench(args.items, args.decisions, prior_events=args.prior_events, store_url=args.store)
    return _emit(res, args)


def _bench_store(args: argparse.Namespace) -> int:
    from ..bench.store import run_store_bench

    try:
        writers = [int(w) for w in args.writers.split(",")]
    except ValueError:
        raise UsageError(f"--writers expects counts like 1,4, got {args.writers!r}") from None
    return _emit(run_store_bench(args.labels, writers, repeat=args.repeat, folder=args.dir), args)


def _bench_label_studio(args: argparse.Namespace) -> int:
    from ..bench.label_studio import run_label_studio_bench

    token = os.environ.get(args.token_env, "")
    if not token.strip():
        raise UsageError(f"--token-env: ${args.token_env} is empty; set it to a Label Studio personal access "
                         "token (Account & Settings) of a user who may create projects")
    return _emit(run_label_studio_bench(args.url, token, args.tasks, keep=args.keep), args)


def _bench_app(args: argparse.Namespace) -> int:
    from ..bench.app import run_app_bench

    res = run_app_bench(args.items, args.decisions, prior_events=args.prior_events, strategy=args.strategy,
                        refit_every=args.refit_every)
    return _emit(res, args)


def _bench_suggest(args: argparse.Namespace) -> int:
    from ..bench.suggest import run_suggest_bench, summarize_suggest

    lfs = dict(item.split("=", 1) for item in args.lfs.split(",")) if args.lfs else None
    results = run_suggest_bench(args.dirs, sizes=[int(n) for n in args.sizes.split(",")], seeds=args.seeds,
                                lfs=lfs)
    print(_markdown(summarize_suggest(results).set_index("dataset")))
    if args.json:
        results.to_json(args.json, orient="records", indent=2)
    if args.plot:
        from ..bench.suggest import plot_suggest

        print(f"Wrote the curves to {plot_suggest(results, args.plot)}")
    return 0


def _bench_app_spans(args: argparse.Namespace) -> int:
    from ..bench.app_spans import run_span_app_bench

    res = run_span_app_bench(args.docs, _session_plan(args), source=args.seq, prior_answers=args.prior_answers,
                             refit_every=args.refit_every)
    return _emit(res, args)


def _bench_app_multilabel(args: argparse.Namespace) -> int:
    from ..bench.app_multilabel import run_label_set_app_bench

    res = run_label_set_app_bench(args.items, _session_plan(args), source=args.source, lfs=args.lfs,
                                  split=args.split, prior_answers=args.prior_answers, refit_every=args.refit_every)
    return _emit(res, args)


def _bench_scale(args: argparse.Namespace) -> int:
    import numpy as np

    from ..bench.scale import cached_reapply, dask_engine, out_of_core, parallel_rowwise

    res: dict[str, Any] = {"out_of_core": out_of_core(args.rows, args.lfs, args.chunksize),
                           "dask_engine": dask_engine(args.rows, args.lfs, args.chunksize),
                           "cached_reapply": cached_reapply(), "parallel_rowwise": parallel_rowwise()}
    ooc, dsk = res["out_of_core"], res["dask_engine"]
    if "class_balance" in ooc and "class_balance" in dsk:  # one model, fitted on the same counts
        res["dask_matches_out_of_core"] = bool(np.allclose(list(ooc["class_balance"]),
                                                           list(dsk["class_balance"].values())))
    return _emit(res, args)


def _bench_review(args: argparse.Namespace) -> int:
    from ..bench.review import lift_ratios, run_review_bench, summarize

    budgets = [int(b) for b in args.budgets.split(",")]
    results = run_review_bench(args.dirs, strategies=args.strategies.split(","), budgets=budgets,
                               audit_fraction=args.audit_fraction, seeds=args.seeds)
    summary = summarize(results)
    print(_markdown(summary.set_index("dataset").round(4)))
    if 50 in budgets and "random" in args.strategies:
        print("\nTrain-label accuracy lift at 50 labels, relative to random labels:")
        print(_markdown(lift_ratios(summary, 50).set_index("dataset").round(3)))
    if args.json:
        results.to_json(args.json, orient="records", indent=2)
    return 0


def _bench_review_spans(args: argparse.Namespace) -> int:
    from ..bench.review_spans import run_span_review_bench, strategies_beat_random, summarize_span_review

    results = run_span_review_bench(args.dirs, budget=args.budget, strategies=args.strategies.split(","),
                                    seeds=args.seeds, progress=lambda m: print(m, file=sys.stderr))
    summary = summarize_span_review(results)
    print(_markdown(summary.set_index("dataset")))
    print("\nLifts more than random documents:", json.dumps(strategies_beat_random(summary)))
    if args.json:
        results.to_json(args.json, orient="records", indent=2)
    return 0


def _bench_analysis(args: argparse.Namespace) -> int:
    from ..bench.analysis import format_result as fmt
    from ..bench.analysis import run_analysis_bench

    res = run_analysis_bench(args.rows, args.lfs, repeat=args.repeat)
    print(fmt(res))
    if args.json:
        Path(args.json).write_text(json.dumps(res, indent=2), encoding="utf-8")
    return 0


def _bench_fit(args: argparse.Namespace) -> int:
    from ..bench.fit import format_ratios, run_fit_bench

    try:
        problems = [tuple(int(x) for x in p.split("x")) for p in args.problems.split(",")]
    except ValueError:
        raise UsageError(f"--problems expects ROWSxLFSxCLASSES items, got {args.problems!r}") from None
    if any(len(p) != 3 for p in problems):
        raise UsageError("--problems items need three numbers: ROWSxLFSxCLASSES")
    results = run_fit_bench(problems, tuple(args.models.split(",")), repeat=args.repeat)
    print("\n" + format_ratios(results))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


def _bench_apply(args: argparse.Namespace) -> int:
    from ..bench.apply import format_result, run_apply_bench

    result = run_apply_bench(n_rows=args.rows, repeat=args.repeat)
    print(format_result(result))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


BENCHES: dict[str, Callable[[argparse.Namespace], int]] = {
    "decide": _bench_decide,
    "store": _bench_store,
    "label-studio": _bench_label_studio,
    "app": _bench_app,
    "suggest": _bench_suggest,
    "app-spans": _bench_app_spans,
    "app-multilabel": _bench_app_multilabel,
    "scale": _bench_scale,
    "review": _bench_review,
    "review-spans": _bench_review_spans,
    "analysis": _bench_analysis,
    "fit": _bench_fit,
    "apply": _bench_apply,
}


def cmd_bench(args: argparse.Namespace) -> int:
    """``weaklabel bench BENCH``: run the named bench (:data:`BENCHES`)."""
    return BENCHES[args.bench](args)


def _session_plan(args: argparse.Namespace) -> Any:
    """Return the :class:`~weaklabel.bench.app.SessionPlan` that ``_session_flags`` and ``--decisions`` set."""
    from ..bench.app import SessionPlan

    return SessionPlan(decisions=args.decisions, experts=args.experts, reload=args.reload,
                       double_every=args.double_every, undo_every=args.undo_every)


def _session_flags(b: argparse.ArgumentParser, positive_int: Callable[[str], int]) -> None:
    """Return the long-session flags the span and multi-label browser benches share."""
    b.add_argument("--experts", type=positive_int, default=1, help="signed-in pages taking turns, --decisions each")
    b.add_argument("--reload", action="store_true", help="reload the first expert's page halfway")
    b.add_argument("--double-every", type=int, default=0, help="every n-th decision presses Enter twice, 40 ms apart")
    b.add_argument("--undo-every", type=int, default=0, help="every n-th decision first undoes the one before (u)")
    b.add_argument("--json", help="also write the results here")


def add_parser(sub: Any) -> None:
    """Register the ``bench`` command group (speed, as ratios against Snorkel)."""
    p = sub.add_parser("bench", help="speed benchmarks against Snorkel, reported as ratios")
    p.set_defaults(handler=cmd_bench)
    bsub = p.add_subparsers(dest="bench", required=True, metavar="BENCH")
    b = bsub.add_parser("apply", help="10 keyword/regex LFs on N rows: weaklabel vs Snorkel PandasLFApplier")
    b.add_argument("--rows", type=positive_int, default=100_000)
    b.add_argument("--repeat", type=positive_int, default=5,
                   help="timed runs per side, interleaved, after one untimed warm-up each; medians are compared")
    b.add_argument("--json", help="also write the results here")
    b = bsub.add_parser("analysis", help="lf_summary vs Snorkel's LFAnalysis on a 1M x 50 matrix")
    b.add_argument("--rows", type=positive_int, default=1_000_000)
    b.add_argument("--lfs", type=positive_int, default=50)
    b.add_argument("--repeat", type=positive_int, default=5, help="timed runs per side, interleaved, after a warm-up")
    b.add_argument("--json", help="also write the results here")
    b = bsub.add_parser("scale", help="10M x 50 out of core and on a 2-worker Dask cluster, cached re-apply, "
                                      "n_jobs=2 vs serial vs Snorkel")
    b.add_argument("--rows", type=positive_int, default=10_000_000)
    b.add_argument("--lfs", type=positive_int, default=50)
    b.add_argument("--chunksize", type=positive_int, default=1_000_000)
    b.add_argument("--json", help="also write the results here")
    b = bsub.add_parser("review", help="simulated expert study: queue strategies vs random labels")
    b.add_argument("dirs", nargs="+", help="WRENCH folders or .mat label matrices (or folders of them) with "
                   "train gold (the oracle); a set without a test split is scored on train")
    b.add_argument("--budgets", default="25,50,100,200")
    b.add_argument("--strategies", default="conflict,entropy,margin,disagreement,uncovered,label_issues,random")
    b.add_argument("--audit-fraction", type=float, default=0.0,
                   help="share of each batch drawn at random (audit rows; under label_issues the only ones that teach "
                        "the model)")
    b.add_argument("--seeds", type=positive_int, default=5,
                   help="runs per strategy, averaged (queues break ties at random; random draws its rows)")
    b.add_argument("--json", help="also write the per-run results here")
    b = bsub.add_parser("review-spans", help="simulated span review: documents fixed from the queue vs random ones")
    b.add_argument("dirs", nargs="+", help="WRENCH sequence sets with gold on the fit split (the oracle)")
    b.add_argument("--budget", type=positive_int, default=50, help="documents the expert fixes")
    b.add_argument("--strategies", default="entropy,conflict,random")
    b.add_argument("--seeds", type=positive_int, default=5, help="runs per strategy (ties and random draws)")
    b.add_argument("--json", help="also write the per-run results here")
    b = bsub.add_parser("app", help="the review app in headless Chromium: keypress -> next item latency")
    b.add_argument("--items", type=positive_int, default=10_000, help="synthetic items in the project")
    b.add_argument("--decisions", type=positive_int, default=60, help="label keypresses to time")
    b.add_argument("--prior-events", type=int, default=30_000,
                   help="label events by other experts in the store before the run (default 30,000)")
    b.add_argument("--strategy", default="conflict", help="the project's queue strategy (e.g. label_issues)")
    b.add_argument("--refit-every", type=positive_int, default=10, help="the project's refit interval")
    b.add_argument("--json", help="also write the results here")
    b = bsub.add_parser("label-studio", help="ls pull, re-pull and re-push of N annotated tasks on a running "
                                             "Label Studio (a throwaway project, deleted after)")
    b.add_argument("--url", default="http://127.0.0.1:8080", help="the Label Studio to use")
    b.add_argument("--token-env", default="WEAKLABEL_LS_TOKEN", help="the variable holding its access token")
    b.add_argument("--tasks", type=positive_int, default=10_000, help="tasks, each with one annotation")
    b.add_argument("--keep", action="store_true", help="leave the project in Label Studio")
    b.add_argument("--json", help="also write the results here")
    b = bsub.add_parser("suggest", help="end models from LFs suggested out of N labels vs learning from the N labels")
    b.add_argument("dirs", nargs="+", help="WRENCH folders with text (train and test splits)")
    b.add_argument("--sizes", default="50,100,200", help="labeled rows to draw")
    b.add_argument("--seeds", type=positive_int, default=3)
    b.add_argument("--lfs", help="hand-written suites per set, e.g. youtube=lfs/spam.py,sms=lfs/sms.py")
    b.add_argument("--json", help="also write the per-run results here")
    b.add_argument("--plot", help="also draw accuracy against N here (a PNG; needs weaklabel[report])")
    b = bsub.add_parser("app-spans", help="the span editor in headless Chromium: key -> next document latency")
    b.add_argument("--docs", type=positive_int, default=1000, help="documents in the project")
    b.add_argument("--decisions", type=positive_int, default=60, help="decisions to time (accept, delete, retype)")
    b.add_argument("--seq", help="a WRENCH sequence set to take the documents from (default: synthetic sentences)")
    b.add_argument("--prior-answers", type=int, default=2000,
                   help="other experts' events (answers, one skip in ten) in the store first")
    b.add_argument("--refit-every", type=positive_int, default=10, help="the project's refit interval")
    _session_flags(b, positive_int)
    b = bsub.add_parser("app-multilabel", help="multi-label review in headless Chromium: label key -> switched, "
                                               "Enter -> next item")
    b.add_argument("--items", type=positive_int, default=10_000, help="synthetic items (without --source)")
    b.add_argument("--decisions", type=positive_int, default=100, help="decisions to time")
    b.add_argument("--source", help="a GoEmotions-layout folder (labels.txt, <split>.tsv); needs --lfs")
    b.add_argument("--lfs", help="the source's LF suite, a module with LABELS and LFS (e.g. lfs/goemotions.py)")
    b.add_argument("--split", default="train")
    b.add_argument("--prior-answers", type=int, default=30_000,
                   help="other experts' events (label sets, one skip in ten) in the store first")
    b.add_argument("--refit-every", type=positive_int, default=10, help="the project's refit interval")
    _session_flags(b, positive_int)
    b = bsub.add_parser("decide", help="server work per review decision (label, next item, progress) on a "
                                       "store of 100,000 events, SQLite or --store")
    b.add_argument("--items", type=positive_int, default=100_000)
    b.add_argument("--decisions", type=positive_int, default=200)
    b.add_argument("--prior-events", type=int, default=100_000)
    b.add_argument("--store", help="a database URL (postgresql+psycopg://...); default: SQLite in a temp folder")
    b.add_argument("--json", help="also write the results here")
    b = bsub.add_parser("store", help="expert labels a second into the SQLite label store, 1 and 4 writer "
                                      "processes at once, vs raw sqlite3 with the same durability")
    b.add_argument("--labels", type=positive_int, default=300, help="labels per writer per run")
    b.add_argument("--writers", default="1,4", help="writer counts, comma-separated")
    b.add_argument("--repeat", type=positive_int, default=5, help="timed runs per side, interleaved")
    b.add_argument("--dir", help="where the databases go (default: the temp folder); fsync's cost is the disk's")
    b.add_argument("--json", help="also write the results here")
    b = bsub.add_parser("fit", help="label-model fit+predict on synthetic 1M/10M-row matrices vs Snorkel")
    b.add_argument("--problems", default="1000000x10x2,1000000x50x2,1000000x10x4,1000000x50x4,10000000x50x2",
                   help="comma-separated ROWSxLFSxCLASSES")
    b.add_argument("--models", default="label_model,majority,snorkel",
                   help="comma-separated model names, weaklabel's or peers' (crowdkit_ds and the like need "
                        "weaklabel[anchors])")
    b.add_argument("--repeat", type=positive_int, default=5,
                   help="timed runs per model and problem, each in its own process after a warm-up, interleaved")
    b.add_argument("--json", help="also write the results here")


def _emit(res: Any, args: argparse.Namespace) -> int:
    """Print a bench's result as JSON, and write it to ``--json`` when given."""
    text = json.dumps(res, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text, encoding="utf-8")
    return 0
