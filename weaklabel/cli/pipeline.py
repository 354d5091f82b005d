"""The pipeline commands: ``run``, ``demo``, ``apply``, ``fit`` and ``cache``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI starts without the scientific stack
    import numpy as np
    import pandas as pd

import argparse
import json
import os
import sys
from typing import Any

from ..backends import ENGINES
from ..exceptions import InputError, UsageError
from ._args import BALANCE_HELP, add_data_args, model_choices, positive_int
from ._render import print_table as _print_table


def _render_run(res: Any) -> None:
    print(f"LF summary ({res.L.n_rows} rows x {res.L.n_lfs} LFs):")
    _print_table(res.summary)
    if getattr(res, "selection", None) is not None:
        print("\n" + res.selection.describe())
        print(res.selection.table.round(4).to_string())
    print(f"\nLabels from {type(res.model).__name__}:")
    print(res.counts.to_string())
    for split, sc in res.scores.items():
        print(_score_lines(split, sc))
    if res.files:
        print("\nWrote " + ", ".join(str(p) for p in res.files.values()))


def _score_lines(split: str, sc: dict[str, float]) -> str:
    """Return a split's scores in words.

    The metrics hold on the rows that got a label, so the coverage goes beside them, and accuracy over
    every gold row (unlabeled ones counted wrong) after.
    """
    n = int(sc.get("gold_rows", 0))
    labeled = round(sc["coverage"] * n) if n else 0
    named = ", ".join(f"{k}={v:.4f}" for k, v in sc.items() if k not in ("coverage", "accuracy_all_rows",
                                                                          "gold_rows"))
    out = (f"\nScored on the gold labels of \"{split}\" ({n} rows):\n  {named} on the {labeled} rows with a label "
           f"(coverage={sc['coverage']:.4f})")
    if "accuracy_all_rows" in sc and "accuracy" in sc:
        out += f"\n  accuracy={sc['accuracy_all_rows']:.4f} over all {n} rows, rows without a label counted wrong"
    return out


def cmd_cache(args: argparse.Namespace) -> int:
    """``weaklabel cache clear``: remove the vote cache's columns."""
    from ..cache import VoteCache

    print(f"Removed {VoteCache(args.cache).clear()} cached vote columns from {args.cache}")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    """``weaklabel run``: apply, fit and write the labels."""
    from ..pipeline import run
    from ..review.project import engine_settings

    conf = engine_settings(args.config)  # the flags win over the file
    engine = args.engine or conf.get("name", "local")
    if engine != "local":
        from ..backends.engines import run_distributed

        summary = run_distributed(engine, args.data, args.lfs, out=args.out, id_column=args.id_column,
                                  model=args.model, scheduler=args.scheduler or conf.get("scheduler"),
                                  master=args.master or conf.get("master"), fault_tolerant=args.fault_tolerant)
        print(json.dumps(summary, indent=2))
        return 0

    if args.chunksize:
        from ..backends.outofcore import run_out_of_core

        if not str(args.data).lower().endswith(".parquet"):
            raise InputError("--chunksize streams Parquet files; convert the data to .parquet")
        summary = run_out_of_core(args.data, args.lfs, out=args.out, chunksize=args.chunksize,
                                  model=args.model, id_column=args.id_column,
                                  fault_tolerant=args.fault_tolerant)
        print(json.dumps(summary, indent=2))
        return 0

    balance = None
    if args.class_balance:
        from ..io.suite import load_suite
        from ._args import class_balance

        balance = class_balance(args.class_balance, load_suite(args.lfs).labels.names)
    res = run(args.data, args.lfs, out=args.out, split=args.split, data_dir=args.data_dir,
              model=args.model, id_column=args.id_column, gold_column=args.gold_column,
              fault_tolerant=args.fault_tolerant, eval_split=args.eval_split,
              metrics=tuple(args.metrics or ("accuracy",)), n_jobs=args.n_jobs,
              cache=None if args.no_cache else args.cache, class_balance=balance)
    report = res.L.apply_report
    if report is not None and (report.cache_hits or report.cache_misses):
        print(f"\nvote cache: {len(report.cache_hits)} hits, {len(report.cache_misses)} misses", file=sys.stderr)
    _render_run(res)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """``weaklabel demo``: the main job on the embedded breast-cancer data."""
    from ..pipeline import run

    print("weaklabel demo: 10 threshold LFs (weaklabel/demo.py) label scikit-learn's breast-cancer data\n")
    res = run("breast_cancer", "weaklabel.demo", out=args.out, split="all")
    _render_run(res)
    return 0


def suite_and_items(args: argparse.Namespace) -> tuple[Any, pd.DataFrame, np.ndarray | None]:
    """Return the suite ``--lfs`` names and the items ``--data`` names, with their gold if any."""
    from ..io.suite import load_suite
    from ..pipeline import load_items

    suite = load_suite(args.lfs)
    df, gold = load_items(args.data, split=args.split, data_dir=args.data_dir, id_column=args.id_column,
                          gold_column=args.gold_column, labels=suite.labels)
    return suite, df, gold


def cmd_apply(args: argparse.Namespace) -> int:
    """``weaklabel apply``: the label matrix and its LF summary."""
    from ..analysis import lf_summary
    from ..apply import apply_lfs

    suite, df, gold = suite_and_items(args)
    L = apply_lfs(suite.lfs, df, label_space=suite.labels, fault_tolerant=args.fault_tolerant,
                  n_jobs=args.n_jobs, cache=None if args.no_cache else args.cache)
    from .._validation import has_gold

    _print_table(lf_summary(L, gold if has_gold(gold) else None))
    rep = L.apply_report
    if rep is not None:
        report = rep.to_frame()
        print(f"\napplied in {report['seconds'].sum():.3f}s; faults: {int(report['faults'].sum())}; "
              f"vote cache: {len(rep.cache_hits)} hits, {len(rep.cache_misses)} misses")
    from .._atomic import check_out_file

    print(f"Wrote {L.save(check_out_file(args.out, 'out'))}")
    return 0


def _read_gold(path: str, L: Any) -> Any:
    """Gold for ``L``'s rows from a CSV with ``row_id`` and ``label`` columns (class names or indices).

    Rows it does not list are -1 (unknown).
    """
    import numpy as np
    import pandas as pd

    from ..exceptions import InputError

    try:
        table = pd.read_csv(path, dtype={"row_id": str})
    except (OSError, ValueError) as exc:
        raise InputError(f"--gold: cannot read {path} as CSV ({exc})") from exc
    missing = {"row_id", "label"} - set(table.columns)
    if missing:
        raise InputError(f"--gold: {path} needs columns row_id and label; missing {sorted(missing)} "
                         f"(found {list(table.columns)})")
    dup = table["row_id"][table["row_id"].duplicated()].unique().tolist()
    if dup:
        raise InputError(f"--gold: row id {dup[0]!r} is listed {int((table['row_id'] == dup[0]).sum())} times "
                         f"({len(dup)} ids repeat); give each row one label (resolve the experts' labels first: "
                         "weaklabel labels export)")
    empty = table["row_id"][table["label"].isna()].tolist()
    if empty:
        raise InputError(f"--gold: {len(empty)} rows have no label (first: row id {empty[0]!r}); drop them or "
                         "label them")
    pos = pd.Series(np.arange(L.n_rows), index=pd.Index(np.asarray(L.row_ids).astype(str)))
    unknown = table.loc[~table["row_id"].isin(pos.index), "row_id"].tolist()
    if unknown:
        raise InputError(f"--gold: {len(unknown)} row ids are not rows of the matrix (first: {unknown[0]!r}); "
                         "use the row ids of the data the matrix was applied to")
    names = list(L.label_space.names) if L.label_space is not None else []

    def code(value: Any) -> int:
        text = str(value).strip()
        if text in names:
            return names.index(text)
        try:
            return int(float(text))
        except ValueError:
            raise InputError(f"--gold: label {text!r} is neither a class name {names} nor a class index") from None

    y = np.full(L.n_rows, -1, dtype=np.int64)
    y[pos[table["row_id"]].to_numpy()] = [code(v) for v in table["label"]]
    from .._validation import check_gold

    return check_gold(y, L.n_rows, name="--gold", label_space=L.label_space)


def cmd_fit(args: argparse.Namespace) -> int:
    """``weaklabel fit``: a label model on a saved label matrix."""
    from ..analysis import label_counts
    from ..io.tables import write_labels
    from ..pipeline import load_run_matrix, model_with_balance
    from ._args import class_balance

    L = load_run_matrix(args.matrix)
    gold = _read_gold(args.gold, L) if args.gold else None
    k = L.cardinality or int(L.votes.max()) + 1
    balance = class_balance(args.class_balance, L.label_space.names if L.label_space is not None
                            else tuple(str(c) for c in range(k)))
    if args.model == "auto":
        from ..models.select import select_model

        if gold is None:
            raise UsageError("--model auto chooses by cross-validated score on gold rows; pass --gold FILE "
                             "(row_id,label) or name a model")
        selection = select_model(L, gold)
        print(selection.describe())
        print(selection.table.round(4).to_string())
        model = model_with_balance(selection.name, balance)
    else:
        model = model_with_balance(args.model, balance)
    import warnings

    with warnings.catch_warnings(record=True) as caught:  # shown as the analyze command shows them
        warnings.simplefilter("always")
        model.fit(L, gold)
    from ..models.guardrails import review_notes

    for msg in [str(w.message) for w in caught] + review_notes(model, L.votes):
        print(f"warning: {msg}", file=sys.stderr)
    preds, probs = model.predict(L, tie_break_policy="abstain", return_probs=True)  # no votes: no label
    from .._atomic import check_out_dir

    out = check_out_dir(args.out, "out")
    out.mkdir(parents=True, exist_ok=True)
    path = write_labels(out / "labels.csv", L.row_ids, probs, preds, L, model.label_names_)
    print(label_counts(preds, model.label_names_, no_votes=(L.votes >= 0).sum(axis=1) == 0).to_string())
    print(f"Wrote {path}")
    return 0


def add_parser(sub: Any) -> None:
    """Register run, demo, apply, fit and cache."""
    p = sub.add_parser("run", help="apply LFs, fit a label model, write labels.csv, L.npz, summary.json")
    p.set_defaults(handler=cmd_run)
    add_data_args(p)
    p.add_argument("--model", default="label_model", choices=[*model_choices(), "auto"], metavar="MODEL",
                   help="a label model: " + ", ".join(model_choices()) + " (default label_model), or auto: "
                        "chosen by cross-validated score on the fit split's gold")
    p.add_argument("--out", default="weaklabel-out", help="output folder (default: weaklabel-out)")
    p.add_argument("--eval-split", help="also score on held-out gold: a split of a dataset (e.g. test), or a file "
                                        "in the layout of --data")
    p.add_argument("--class-balance", help=BALANCE_HELP)
    p.add_argument("--chunksize", type=positive_int,
                   help="stream a Parquet file in chunks of this many rows (data larger than memory)")
    p.add_argument("--metric", action="append", dest="metrics",
                   help="metric on gold: accuracy (default), f1, f1_macro, precision, recall")
    p.add_argument("--engine", choices=ENGINES,
                   help="local (default), or a cluster: dask or spark (Parquet in, partitioned Parquet "
                        "labels out; needs --id-column); default: the [engine] table of --config, else local")
    p.add_argument("--config", default="weaklabel.toml",
                   help="a weaklabel.toml whose [engine] table (name, scheduler, master) sets the defaults "
                        "of --engine, --scheduler and --master (default: ./weaklabel.toml when present)")
    p.add_argument("--scheduler", help="with --engine dask: a scheduler address (default: a local cluster "
                                       "of 2 workers)")
    p.add_argument("--master", help="with --engine spark: a Spark master URL (default: local[*])")

    p = sub.add_parser("demo", help="run on the embedded breast-cancer data with weaklabel/demo.py")
    p.set_defaults(handler=cmd_demo)
    p.add_argument("--out", default="weaklabel-demo", help="output folder (default: weaklabel-demo)")

    p = sub.add_parser("apply", help="apply an LF suite and save the label matrix")
    p.set_defaults(handler=cmd_apply)
    add_data_args(p)
    p.add_argument("--out", default="L.npz", help="where to write the matrix (default: L.npz)")

    p = sub.add_parser("fit", help="fit a label model on a saved matrix and write labels")
    p.set_defaults(handler=cmd_fit)
    p.add_argument("--L", required=True, dest="matrix", help="a matrix written by 'weaklabel apply'")
    p.add_argument("--model", default="label_model", choices=[*model_choices(), "auto"], metavar="MODEL",
                   help="a label model: " + ", ".join(model_choices()) + " (default label_model), or auto: "
                        "chosen by cross-validated score on --gold")
    p.add_argument("--gold", help="CSV of known labels (row_id,label): partial labels for the fit, and what "
                                  "--model auto chooses by")
    p.add_argument("--class-balance", help=BALANCE_HELP)
    p.add_argument("--out", default="weaklabel-out", help="output folder (default: weaklabel-out)")

    p = sub.add_parser("cache", help="manage the vote cache")
    p.set_defaults(handler=cmd_cache)
    csub = p.add_subparsers(dest="cache_command", required=True, metavar="ACTION")
    q = csub.add_parser("clear", help="delete the vote cache's entries (only from a folder weaklabel made)")
    q.add_argument("--cache", default=os.environ.get("WEAKLABEL_CACHE", ".weaklabel-cache"))
