"""The research commands of ``weaklabel``: benchmark (quality) and bench (speed)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..exceptions import UsageError
from ._args import model_names, positive_int
from ._render import markdown as _markdown


def cmd_benchmark(args: argparse.Namespace) -> int:
    """``weaklabel benchmark``: label models side by side on benchmark folders and label matrices."""
    from ..bench import harness as benchmark

    if args.gold_curve:
        try:
            sizes = [int(x) for x in args.gold_curve.split(",")]
        except ValueError:
            raise UsageError(f"--gold-curve expects integers like 0,25,50, got {args.gold_curve!r}") from None
        for d in [s for s in benchmark.expand_sources(args.dirs) if not benchmark.is_seq_source(s)]:
            curve = benchmark.gold_curve(d, sizes=sizes, draws=args.draws, metric=args.metric, lfs=args.lfs,
                                         balance=True)
            print(f"{Path(d).name}: LabelModel {curve['metric'].iloc[0]} x100 given random train gold rows or "
                  "train's class balance (mean ± std over draws); 'held-out train': train rows with gold that "
                  "were not given")
            print(_markdown(_gold_table(curve)))
            if curve.attrs.get("skipped_sizes"):
                print(f"(skipped {curve.attrs['skipped_sizes']} gold rows: train has "
                      f"{curve.attrs['labeled_rows']} labeled rows)")
        return 0
    sources = benchmark.expand_sources(args.dirs)
    multi = [s for s in sources if benchmark.is_multilabel_source(s)]
    seq = [s for s in sources if benchmark.is_seq_source(s)]
    classes = [s for s in sources if not benchmark.is_seq_source(s) and s not in multi]
    if multi:
        from ._multilabel import multilabel_benchmark

        multilabel_benchmark(multi, args)
        if not (seq or classes):
            return 0
        print()
    if seq:
        _seq_benchmark(seq, args, beside_classes=bool(classes))
        if not classes:
            return 0
        print()
    models = args.models.split(",") if args.models else None
    results = benchmark.run(classes, models=models, seeds=args.seeds, use_valid_gold=args.use_valid_gold,
                            metric=args.metric, lfs=args.lfs, anchors=args.anchors)
    print(_markdown(benchmark.summarize(results, show_time=args.times)))
    print(f"\n{'valid gold as partial labels' if args.use_valid_gold else 'unsupervised'}; test scores x100, "
          f"mean ± std over {args.seeds} seeds (random tie breaks); '< MV-1': datasets where the model is "
          "more than 1 point below majority vote")
    for measure, what in (("ece", "expected calibration error x100 (10 bins)"), ("brier", "Brier score x100"),
                          ("log_loss", "log-loss (probabilities clipped at 1e-15)")):
        if measure not in results.columns:
            continue
        print(f"\nCalibration of the test probabilities: {what}; lower is better; '<= MV': datasets where the "
              "model is at least as well calibrated as majority vote's vote shares")
        print(_markdown(benchmark.summarize_calibration(results, measure)))
    if args.json:
        results.to_json(args.json, orient="records", indent=2)
    return 0


def _seq_benchmark(sources: list[Path], args: argparse.Namespace, *, beside_classes: bool) -> None:
    """Sequence sets: entity F1 per model (and skweak's HMM and WRENCH's published rows with --anchors)."""
    from tqdm.auto import tqdm

    from .._progress import QUIET
    from ..bench.harness_spans import SEQ_MODELS, run_seq, summarize_seq

    models = [m for m in args.models.split(",") if m in SEQ_MODELS] if args.models else None
    bar = tqdm(disable=QUIET or not sys.stderr.isatty(), unit="fit", total=None)

    def progress(what: str) -> None:
        bar.set_description(what)
        bar.update(1)

    results = run_seq(sources, models=models, anchors=args.anchors, progress=progress)
    bar.close()
    print(_markdown(summarize_seq(results, published=args.anchors)))
    print("\nsequence sets: entity F1 x100 on test (exact match, micro over types), fitted on train (valid where "
          "there is no train split) with the LFs of meta.json's lf_rec; '< MV-1': sets where the model is more "
          "than 1 F1 below token majority vote")
    if args.times:
        times = results.pivot_table(index="model", columns="dataset", values="seconds", sort=False).round(2)
        print("\nfit + predict seconds")
        print(_markdown(times))
    if args.json:   # beside class sets (which take --json), sequence results go to <name>.seq.json
        base = Path(args.json)
        target = base.with_name(base.stem + ".seq" + base.suffix) if beside_classes else base
        results.to_json(target, orient="records", indent=2)


def _gold_table(curve: Any) -> Any:
    """Per 'given'.

    Test and held-out train scores (mean ± std over draws) and their change from the unsupervised fit.
    """
    import pandas as pd

    order = curve["given"].drop_duplicates()
    g = curve.groupby("given", sort=False)
    base = curve[curve["given"] == "none"][["score", "held_out"]].mean() if (curve["given"] == "none").any() else None

    def cell(values: pd.Series) -> str:
        m, sd, n = values.mean(), values.std(), values.count()
        return f"{100 * m:.1f}" + (f" ± {100 * sd:.1f}" if n > 1 else "") if n else "—"

    table = pd.DataFrame({
        "test": [cell(g.get_group(o)["score"]) for o in order],
        "Δ test": [f"{100 * (g.get_group(o)['score'].mean() - base['score']):+.1f}" if base is not None else "—"
                   for o in order],
        "held-out train": [cell(g.get_group(o)["held_out"]) for o in order],
        "Δ held-out": [f"{100 * (g.get_group(o)['held_out'].mean() - base['held_out']):+.1f}"
                       if base is not None else "—" for o in order],
        "test ECE": [cell(g.get_group(o)["ece"]) if "ece" in curve else "—" for o in order],
        "draws": [int(g.get_group(o)["draw"].count()) for o in order]}, index=list(order))
    table.index.name = "given"
    return table


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
    """Register benchmark and bench."""
    p = sub.add_parser("benchmark", help="compare label models on WRENCH folders and .mat label matrices")
    p.set_defaults(handler=cmd_benchmark)
    p.add_argument("dirs", nargs="+", help="WRENCH folders (train/valid/test.json, label.json), .mat files, "
                                           "folders of .mat files, WRENCH sequence sets, multi-label sets "
                                           "(labels.txt, train/dev/test.tsv; with --lfs), or glob patterns")
    p.add_argument("--anchors", action="store_true",
                   help="add the peers: Snorkel (default, tuned), crowd-kit DS/OneCoinDS/GLAD/MACE, HyperLM "
                        "(pip install 'weaklabel[anchors]')")
    p.add_argument("--times", action="store_true", help="show fit+predict seconds in each cell")
    p.add_argument("--models", help="comma-separated; default: all (" + ",".join(model_names()) + ")")
    p.add_argument("--seeds", type=positive_int, default=5)
    p.add_argument("--use-valid-gold", action="store_true", help="fit with the valid split's gold as partial labels")
    p.add_argument("--metric", help="accuracy, f1, f1_macro, ...; default: F1 for rare-positive binary sets")
    p.add_argument("--lfs", help="re-apply this LF suite to the texts instead of the stored votes (multi-label "
                                 "sets have gold only: their suite, e.g. lfs/goemotions.py)")
    p.add_argument("--gold-curve", help="e.g. 0,50,100,200: the default model's test score vs random gold rows "
                                        "(and given the class balance), on test and on held-out train rows")
    p.add_argument("--draws", type=positive_int, default=10, help="random gold draws per size (default 10)")
    p.add_argument("--json", help="also write the per-seed results here")

    """The `bench` command group (speed, as ratios against Snorkel)."""
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
