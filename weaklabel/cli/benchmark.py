"""The ``weaklabel benchmark`` command: label models side by side on benchmark sets (quality)."""

from __future__ import annotations

import argparse
import sys
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


def add_parser(sub: Any) -> None:
    """Register the ``benchmark`` command."""
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
