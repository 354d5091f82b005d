"""The analysis commands of ``weaklabel``.

Analyze (LF report, drill-down, contribution, HTML) and compare (LF suites side by side).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the CLI starts without the scientific stack
    import pandas as pd

import argparse
import sys

from ..exceptions import InputError, UsageError
from ._args import FORMATS, add_source_args, model_choices
from ._render import print_records
from ._render import print_table as _print_table


def _analysis_matrix(args: argparse.Namespace) -> tuple[Any, pd.DataFrame | None, Any]:
    """Return the votes ``analyze`` reads, with the items and their gold where there are any.

    The votes are a saved matrix, LFs applied to data, or a dataset's stored votes.
    """
    from ..apply import apply_lfs
    from ..pipeline import load_run_matrix

    if args.matrix:
        return load_run_matrix(args.matrix), None, None
    if args.data and args.lfs:
        from .pipeline import suite_and_items

        suite, data, gold = suite_and_items(args)
        return apply_lfs(suite.lfs, data, label_space=suite.labels), data, gold
    if args.data:  # a WRENCH dataset's stored votes
        from ..io.datasets import load_dataset

        ds = load_dataset(args.data, split=args.split, data_dir=args.data_dir)
        if ds.L is None:
            raise UsageError(f"dataset {args.data!r} has no stored votes; pass --lfs")
        return ds.L, ds.df, ds.y
    raise UsageError("analyze needs --L FILE, or --data (with --lfs unless it is a WRENCH dataset)")


def _print_contribution(args: argparse.Namespace, L: Any, gold: Any) -> None:
    from ..analysis import contribution
    from ..pipeline import make_model

    proto = make_model("label_model" if args.model == "none" else args.model)
    table = contribution(L, model=proto, y=gold)
    _print_table(table, args.format)
    if args.format == "table" and len(table):
        basis = str(table["score_basis"].iloc[0])
        full = float(table["score_without"].iloc[0] + table["score_gain"].iloc[0])
        print(f"\nscore_without: the {basis} of the label model refit without that LF; score_gain: the full "
              f"model's {full:.3f} minus that (positive = the LF helps); coverage_gain: the share of rows "
              "only that LF covers.", file=sys.stderr)


def _analysis_model(args: argparse.Namespace, L: Any, gold: Any) -> Any:
    """Return the label model ``--model`` names, fitted on ``L`` (``auto``: chosen on ``gold``), its warnings printed.

    None for ``--model none``.
    """
    import warnings

    from ..models.guardrails import review_notes
    from ..pipeline import make_model

    fit_gold = None
    if args.model == "none":
        return None
    if args.model == "auto":
        if gold is None:
            raise UsageError("--model auto chooses by cross-validated score on gold; this data has none (give it a "
                             "gold column, or a dataset split with labels), or name a model")
        from ..models.select import select_model

        selection = select_model(L, gold)
        print(selection.describe(), file=sys.stderr)
        model, fit_gold = make_model(selection.name), gold
    else:
        model = make_model(args.model)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(L, fit_gold)
    for msg in [str(w.message) for w in caught] + review_notes(model, L.votes):
        print(f"warning: {msg}", file=sys.stderr)
    return model


def cmd_analyze(args: argparse.Namespace) -> int:
    """``weaklabel analyze``: the LF report (or one LF's rows, or each LF's contribution)."""
    import time

    from .._validation import has_gold
    from ..analysis import lf_report, lf_rows, write_html_report

    t0 = time.perf_counter()
    L, data, gold = _analysis_matrix(args)
    gold = gold if has_gold(gold) else None
    if args.drill:
        rows = lf_rows(L, args.drill, args.kind, y=gold, data=data, limit=args.limit)
        print_records(rows, args.format)   # the texts in full: they are what the user drilled down to read
        return 0
    if args.contribution:
        _print_contribution(args, L, gold)
        return 0
    model = _analysis_model(args, L, gold)
    report = lf_report(L, gold, model=model)
    _print_table(report, args.format)
    if args.format == "table":
        print(f"\n{L.n_rows} rows x {L.n_lfs} LFs; summary computed in {time.perf_counter() - t0:.3f}s",
              file=sys.stderr)
    slices = None
    if getattr(args, "slices", None):
        slices = _slice_tables(args.slices, L, data, gold, model)
        for what, table in slices.items():
            print(f"\nSlices: {what}")
            _print_table(table, args.format)
    if args.html:
        path = write_html_report(args.html, L, y=gold, model=model, slices=slices,
                                 title=f"weaklabel report: {args.lfs or args.matrix} on {args.data or ''}")
        print(f"Wrote {path}", file=sys.stderr)
    return 0


def _slice_tables(spec: str, L: Any, data: pd.DataFrame, gold: Any, model: Any) -> dict[str, Any]:
    """Per-slice scores of the label model and of an end model trained on its labels."""
    import numpy as np

    from ..slicing import apply_slices, load_slices, slice_scores

    if data is None:
        raise InputError("--slices: slicing functions read the items; pass --data (not only --L)")
    if gold is None:
        raise InputError("--slices: per-slice metrics need gold labels; give --data a gold column "
                         "(--gold-column) or a dataset split with labels")
    if model is None:
        raise InputError("--slices: needs a label model (--model other than none)")
    S = apply_slices(load_slices(spec), data)
    k = L.label_space.cardinality if L.label_space is not None else model.cardinality_
    metrics = ("accuracy", "coverage", "f1_macro")
    preds, probs = model.predict(L, tie_break_policy="abstain", return_probs=True)
    tables = {"label model": slice_scores(S, gold, preds, metrics=metrics, k=k)}
    try:
        from ..learn.endmodel import EndModel, pick_text_column

        covered = np.asarray((L.votes >= 0).any(axis=1))
        end = EndModel(text_column=pick_text_column(data)).fit(data, probs, covered=covered)
        tables["end model (trained on the label model's labels)"] = slice_scores(
            S, gold, end.predict(data), metrics=metrics, k=k)
    except InputError as exc:  # e.g. no usable feature column
        print(f"note: no end-model slice table ({exc})", file=sys.stderr)
    return tables


def cmd_compare(args: argparse.Namespace) -> int:
    """``weaklabel compare``: LF suites side by side on one data set."""
    from ..analysis.compare import compare_suites

    table = compare_suites(args.suites, args.data, split=args.split, eval_split=args.eval_split,
                           data_dir=args.data_dir, id_column=args.id_column, gold_column=args.gold_column,
                           end_model=args.end_model, text_column=args.text_column)
    _print_table(table, args.format)
    return 0


def add_parser(sub: Any) -> None:
    """Register analyze and compare."""
    p = sub.add_parser("analyze", help="print the LF summary of a saved matrix or of data + LFs")
    p.set_defaults(handler=cmd_analyze)
    p.add_argument("--L", dest="matrix", help="a matrix written by 'weaklabel apply'")
    p.add_argument("--data", help="dataset name or file instead of --L (WRENCH sets: stored votes "
                                  "unless --lfs is given)")
    p.add_argument("--lfs", help="LF suite to apply to --data")
    add_source_args(p)
    p.add_argument("--format", default="table", choices=FORMATS)
    p.add_argument("--model", default="label_model", choices=[*model_choices(), "auto", "none"], metavar="MODEL",
                   help="label model for the estimated columns: " + ", ".join(model_choices())
                        + " (default label_model), auto (chosen by cross-validated score on the data's gold), "
                          "or none")
    p.add_argument("--html", help="also write a self-contained HTML report with charts here")
    p.add_argument("--slices", metavar="SFS.py",
                   help="slicing functions (a module): label-model and end-model metrics per slice, "
                        "with 95%% Wilson intervals; needs --data")
    p.add_argument("--drill", metavar="LF", help="instead of the summary, list the rows of this LF")
    p.add_argument("--contribution", action="store_true",
                   help="instead of the summary, refit without each LF and show what changes")
    p.add_argument("--kind", default="fires", help="with --drill: fires, incorrect, conflicts, abstains")
    p.add_argument("--limit", type=int, default=50, help="with --drill: at most this many rows")

    p = sub.add_parser("compare", help="compare LF suites side by side on the same data")
    p.set_defaults(handler=cmd_compare)
    p.add_argument("suites", nargs="+", help="LF suites (lfs/a.py lfs/b.py ...) with the same labels")
    p.add_argument("--data", required=True, help="dataset name or a CSV/Parquet/JSONL file")
    add_source_args(p)
    p.add_argument("--eval-split", help="score the label model on this split's gold instead")
    p.add_argument("--format", default="table", choices=FORMATS)
    p.add_argument("--end-model", action="store_true",
                   help="also train an end model on each suite's labels and score it")
    p.add_argument("--text-column", help="the end model's text feature (default: 'text' if present)")
