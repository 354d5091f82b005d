"""The ``weaklabel`` command: parse -> call the library -> render.

Exit codes: 0 success, 1 an error (``Error: ...`` on stderr), 2 a usage error.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from typing import Any

from . import __version__, cli_analysis, cli_bench, cli_data, cli_ls, cli_model, cli_review
from ._render import print_table as _print_table
from .exceptions import WeakLabelError

log = logging.getLogger("weaklabel")


FORMATS = ["table", "json", "csv", "markdown"]


def _add_source_args(p: argparse.ArgumentParser) -> None:
    """Where --data comes from: split, data folder, id and gold columns."""
    p.add_argument("--split", default="train", help="dataset split to use (default: train)")
    p.add_argument("--data-dir", help="folder with the WRENCH/raw data (or set WEAKLABEL_DATA)")
    p.add_argument("--id-column", help="column with stable row ids (files; default: row order)")
    p.add_argument("--gold-column", help="column with gold labels (files; default: 'label' if present)")


def _add_data_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", required=True,
                   help="dataset name (breast_cancer, youtube, sms) or a CSV/Parquet/JSONL file")
    p.add_argument("--lfs", required=True, help="LF suite: lfs/spam.py or lfs.spam")
    _add_source_args(p)
    p.add_argument("--fault-tolerant", action="store_true",
                   help="an LF that raises on a row abstains there (counted) instead of stopping")
    p.add_argument("--n-jobs", type=int, default=1, help="processes for row-wise LFs (-1: all CPUs)")
    p.add_argument("--cache", default=os.environ.get("WEAKLABEL_CACHE", ".weaklabel-cache"),
                   help="vote cache folder (default $WEAKLABEL_CACHE or .weaklabel-cache): unchanged LFs "
                        "on unchanged data are not re-run")
    p.add_argument("--no-cache", action="store_true", help="apply every LF afresh; write no cache")


def positive_int(text: str) -> int:
    """An argparse type: an integer >= 1 (so `--n -2` or `--chunksize 0` is a usage error)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="weaklabel", description="weaklabel: labeling functions -> label model -> probabilistic labels, "
                                      "expert review, benchmarks.")
    parser.add_argument("--version", action="version", version=f"weaklabel {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    parser.add_argument("--wide", action="store_true",
                        help="tables with full column names and whole cells (default: fit 100 columns)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("run", help="apply LFs, fit a label model, write labels.csv, L.npz, summary.json")
    _add_data_args(p)
    p.add_argument("--model", default="label_model", choices=_model_choices(), metavar="MODEL",
                   help="a label model: " + ", ".join(_model_choices()) + " (default label_model)")
    p.add_argument("--out", default="weaklabel-out", help="output folder (default: weaklabel-out)")
    p.add_argument("--eval-split", help="also score on this split's gold (e.g. test)")
    p.add_argument("--chunksize", type=positive_int,
                   help="stream a Parquet file in chunks of this many rows (data larger than memory)")
    p.add_argument("--metric", action="append", dest="metrics",
                   help="metric on gold: accuracy (default), f1, f1_macro, precision, recall")
    p.add_argument("--engine", default="local", choices=("local", "dask", "spark"),
                   help="local (default), or a cluster: dask or spark (Parquet in, partitioned Parquet "
                        "labels out; needs --id-column)")
    p.add_argument("--scheduler", help="with --engine dask: a scheduler address (default: a local cluster "
                                       "of 2 workers)")
    p.add_argument("--master", help="with --engine spark: a Spark master URL (default: local[*])")

    p = sub.add_parser("demo", help="run on the embedded breast-cancer data with lfs/cancer.py")
    p.add_argument("--out", default="weaklabel-demo", help="output folder (default: weaklabel-demo)")

    p = sub.add_parser("apply", help="apply an LF suite and save the label matrix")
    _add_data_args(p)
    p.add_argument("--out", default="L.npz", help="where to write the matrix (default: L.npz)")

    p = sub.add_parser("fit", help="fit a label model on a saved matrix and write labels")
    p.add_argument("--L", required=True, dest="matrix", help="a matrix written by 'weaklabel apply'")
    p.add_argument("--model", default="label_model", choices=_model_choices(), metavar="MODEL",
                   help="a label model: " + ", ".join(_model_choices()) + " (default label_model)")
    p.add_argument("--out", default="weaklabel-out", help="output folder (default: weaklabel-out)")

    p = sub.add_parser("analyze", help="print the LF summary of a saved matrix or of data + LFs")
    p.add_argument("--L", dest="matrix", help="a matrix written by 'weaklabel apply'")
    p.add_argument("--data", help="dataset name or file instead of --L (WRENCH sets: stored votes "
                                  "unless --lfs is given)")
    p.add_argument("--lfs", help="LF suite to apply to --data")
    _add_source_args(p)
    p.add_argument("--format", default="table", choices=FORMATS)
    p.add_argument("--model", default="label_model", choices=[*_model_choices(), "none"], metavar="MODEL",
                   help="label model for the estimated columns: " + ", ".join(_model_choices())
                        + " (default label_model), or none")
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
    p.add_argument("suites", nargs="+", help="LF suites (lfs/a.py lfs/b.py ...) with the same labels")
    p.add_argument("--data", required=True, help="dataset name or a CSV/Parquet/JSONL file")
    _add_source_args(p)
    p.add_argument("--eval-split", help="score the label model on this split's gold instead")
    p.add_argument("--format", default="table", choices=FORMATS)
    p.add_argument("--end-model", action="store_true",
                   help="also train an end model on each suite's labels and score it")
    p.add_argument("--text-column", help="the end model's text feature (default: 'text' if present)")

    cli_model.add_parsers(sub, _add_data_args)

    p = sub.add_parser("init", help="write a weaklabel.toml project file")
    p.add_argument("--path", default="weaklabel.toml")
    p.add_argument("--name", default="weaklabel")
    p.add_argument("--data", default="breast_cancer", help="dataset name or table file")
    p.add_argument("--lfs", default="lfs.cancer")
    p.add_argument("--split", default="train")
    p.add_argument("--data-dir", default="")
    p.add_argument("--id-column", default="")
    p.add_argument("--text-column", default="")
    p.add_argument("--store", default="", help="SQLAlchemy URL (default: a SQLite file beside the project)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")

    p = sub.add_parser("queue", help="print or export the top items for expert review")
    p.add_argument("--project", default="weaklabel.toml")
    p.add_argument("--n", type=positive_int, default=20)
    p.add_argument("--strategy", help="conflict, entropy, margin, disagreement, uncovered, random")
    p.add_argument("--export", help="write the queue to this CSV instead of printing it")

    p = sub.add_parser("labels", help="export or import expert labels")
    lsub = p.add_subparsers(dest="labels_command", required=True, metavar="ACTION")
    q = lsub.add_parser("export", help="resolved expert labels to CSV/Parquet")
    q.add_argument("--project", default="weaklabel.toml")
    q.add_argument("--out", required=True)
    q.add_argument("--policy", default="majority", help="majority, latest, adjudicated")
    q = lsub.add_parser("export-ls", help="the queue's top items as Label Studio tasks with predictions")
    q.add_argument("--project", default="weaklabel.toml")
    q.add_argument("--out", required=True, help="tasks JSON; the labeling config is written beside it")
    q.add_argument("--n", type=positive_int, default=100)
    q = lsub.add_parser("import", help="CSV (row_id, label, annotator) or a Label Studio export "
                                       "(JSON, JSON_MIN, CSV, TSV; re-importing is idempotent)")
    q.add_argument("--project", default="weaklabel.toml")
    q.add_argument("--file", required=True)
    q.add_argument("--annotator-map", help="Label Studio user id -> email: a CSV (id,email) or JSON object")
    q.add_argument("--label-map", help="Label Studio value or alias -> label, e.g. ham=HAM,spam=SPAM")
    q.add_argument("--from-name", help="the Choices control to read (default: any; 'label' in flat exports)")
    q.add_argument("--ls-project", default="default",
                   help="names the Label Studio project the export comes from (keys its annotation ids)")
    q.add_argument("--allow-unknown-ids", action="store_true",
                   help="import labels for row ids the project's data does not have (refused by default)")

    p = sub.add_parser("cache", help="manage the vote cache")
    csub = p.add_subparsers(dest="cache_command", required=True, metavar="ACTION")
    q = csub.add_parser("clear", help="delete the vote cache's entries (only from a folder weaklabel made)")
    q.add_argument("--cache", default=os.environ.get("WEAKLABEL_CACHE", ".weaklabel-cache"))

    p = sub.add_parser("hash-password", help="hash a password for WEAKLABEL_APP_USERS (reads stdin)")
    p.add_argument("--name", required=True, help="the annotator the password belongs to")

    p = sub.add_parser("app", help="start the Streamlit review app for a project")
    p.add_argument("--project", default="weaklabel.toml")
    p.add_argument("--port", type=positive_int, default=8501)
    p.add_argument("--address", default="127.0.0.1",
                   help="interface to listen on (default 127.0.0.1: this machine only); 0.0.0.0 serves the "
                        "network, so set WEAKLABEL_APP_TOKEN or WEAKLABEL_APP_USERS first")

    p = sub.add_parser("benchmark", help="compare label models on WRENCH folders and .mat label matrices")
    p.add_argument("dirs", nargs="+", help="WRENCH folders (train/valid/test.json, label.json), .mat files, "
                                           "folders of .mat files, or glob patterns")
    p.add_argument("--anchors", action="store_true",
                   help="add the peers: Snorkel (default, tuned), crowd-kit DS/OneCoinDS/GLAD/MACE, HyperLM "
                        "(pip install 'weaklabel[anchors]')")
    p.add_argument("--times", action="store_true", help="show fit+predict seconds in each cell")
    p.add_argument("--models", help="comma-separated; default: all (" + ",".join(_model_names()) + ")")
    p.add_argument("--seeds", type=positive_int, default=5)
    p.add_argument("--use-valid-gold", action="store_true", help="fit with the valid split's gold as partial labels")
    p.add_argument("--metric", help="accuracy, f1, f1_macro, ...; default: F1 for rare-positive binary sets")
    p.add_argument("--lfs", help="re-apply this LF suite to the texts instead of the stored votes")
    p.add_argument("--gold-curve", help="e.g. 0,25,50,100,200: the default model's test score vs gold rows")
    p.add_argument("--json", help="also write the per-seed results here")

    cli_bench.add_parser(sub, positive_int)
    cli_ls.add_parser(sub)
    cli_data.add_parser(sub)
    return parser


def _model_choices() -> list[str]:
    from .models import MODELS  # loaded by `import weaklabel` already: no start-up cost

    return list(MODELS)


def _model_names() -> list[str]:
    from .benchmark import DEFAULT_MODELS

    return list(DEFAULT_MODELS)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from . import _render

    _render.WIDE = bool(args.wide)
    from . import _progress

    _progress.QUIET = bool(args.quiet)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return _dispatch(args)
    except WeakLabelError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a missing file, a folder where a file belongs, a full disk, ...
        where = f": {exc.filename}" if getattr(exc, "filename", None) else ""
        print(f"Error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: no traceback for users
        if args.verbose:
            raise
        print(f"Error: unexpected {type(exc).__name__}: {exc}. If the input looks right, this is a bug in "
              "weaklabel: rerun with --verbose for the traceback and report it", file=sys.stderr)
        return 1


def _dispatch(args: argparse.Namespace) -> int:
    handler = {"run": _cmd_run, "demo": _cmd_demo, "apply": _cmd_apply, "fit": _cmd_fit,
               "analyze": cli_analysis.cmd_analyze, "compare": cli_analysis.cmd_compare,
               "benchmark": cli_bench.cmd_benchmark,
               "bench": cli_bench.cmd_bench, "init": cli_review.cmd_init, "queue": cli_review.cmd_queue,
               "labels": cli_review.cmd_labels, "app": cli_review.cmd_app, "train": cli_model.cmd_train,
               "issues": cli_model.cmd_issues, "hash-password": cli_review.cmd_hash_password,
               "cache": _cmd_cache, "ls": cli_ls.cmd_ls, "data": cli_data.cmd_data}[args.command]
    return handler(args)


def _render_run(res: Any) -> None:
    print(f"LF summary ({res.L.n_rows} rows x {res.L.n_lfs} LFs):")
    _print_table(res.summary)
    print(f"\nLabels from {type(res.model).__name__} (ties left as ABSTAIN):")
    print(res.counts.to_string())
    for split, sc in res.scores.items():
        print(f"\nScore on {split} gold: " + ", ".join(f"{k}={v:.4f}" for k, v in sc.items()))
    if res.files:
        print("\nWrote " + ", ".join(str(p) for p in res.files.values()))


def _cmd_cache(args: argparse.Namespace) -> int:
    from .cache import VoteCache

    print(f"Removed {VoteCache(args.cache).clear()} cached vote columns from {args.cache}")
    return 0


def _cmd_run(args: argparse.Namespace) -> int:
    from .pipeline import run

    if args.engine != "local":
        from .engines import run_distributed

        summary = run_distributed(args.engine, args.data, args.lfs, out=args.out, id_column=args.id_column,
                                  model=args.model, scheduler=args.scheduler, master=args.master,
                                  fault_tolerant=args.fault_tolerant)
        print(json.dumps(summary, indent=2))
        return 0

    if args.chunksize:
        from .outofcore import run_out_of_core

        if not str(args.data).lower().endswith(".parquet"):
            print("Error: --chunksize streams Parquet files; convert the data to .parquet", file=sys.stderr)
            return 1
        summary = run_out_of_core(args.data, args.lfs, out=args.out, chunksize=args.chunksize,
                                  model=args.model, id_column=args.id_column,
                                  fault_tolerant=args.fault_tolerant)
        print(json.dumps(summary, indent=2))
        return 0

    res = run(args.data, args.lfs, out=args.out, split=args.split, data_dir=args.data_dir,
              model=args.model, id_column=args.id_column, gold_column=args.gold_column,
              fault_tolerant=args.fault_tolerant, eval_split=args.eval_split,
              metrics=tuple(args.metrics or ("accuracy",)), n_jobs=args.n_jobs,
              cache=None if args.no_cache else args.cache)
    report = res.L.apply_report
    if report is not None and (report.cache_hits or report.cache_misses):
        print(f"\nvote cache: {len(report.cache_hits)} hits, {len(report.cache_misses)} misses", file=sys.stderr)
    _render_run(res)
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from .pipeline import run

    print("weaklabel demo: 10 threshold LFs (lfs/cancer.py) label scikit-learn's breast-cancer data\n")
    res = run("breast_cancer", "lfs.cancer", out=args.out, split="all")
    _render_run(res)
    return 0


def _suite_and_items(args: argparse.Namespace):
    from .pipeline import load_items
    from .suite import load_suite

    suite = load_suite(args.lfs)
    df, gold = load_items(args.data, split=args.split, data_dir=args.data_dir, id_column=args.id_column,
                          gold_column=args.gold_column, labels=suite.labels)
    return suite, df, gold


def _cmd_apply(args: argparse.Namespace) -> int:
    from .analysis import lf_summary
    from .apply import apply_lfs

    suite, df, gold = _suite_and_items(args)
    L = apply_lfs(suite.lfs, df, label_space=suite.labels, fault_tolerant=args.fault_tolerant,
                  n_jobs=args.n_jobs, cache=None if args.no_cache else args.cache)
    _print_table(lf_summary(L, gold if gold is not None and (gold >= 0).any() else None))
    rep = L.apply_report
    if rep is not None:
        report = rep.to_frame()
        print(f"\napplied in {report['seconds'].sum():.3f}s; faults: {int(report['faults'].sum())}; "
              f"vote cache: {len(rep.cache_hits)} hits, {len(rep.cache_misses)} misses")
    from ._atomic import check_out_file

    print(f"Wrote {L.save(check_out_file(args.out, 'out'))}")
    return 0


def _cmd_fit(args: argparse.Namespace) -> int:
    from .analysis import label_counts
    from .io import write_labels
    from .pipeline import load_run_matrix, make_model

    L = load_run_matrix(args.matrix)
    model = make_model(args.model).fit(L)
    preds, probs = model.predict(L, tie_break_policy="abstain", return_probs=True)  # no votes: no label
    from ._atomic import check_out_dir

    out = check_out_dir(args.out, "out")
    out.mkdir(parents=True, exist_ok=True)
    path = write_labels(out / "labels.csv", L.row_ids, probs, preds, L, model.label_names_)
    print(label_counts(preds, model.label_names_).to_string())
    print(f"Wrote {path}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
