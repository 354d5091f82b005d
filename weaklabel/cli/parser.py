"""The ``weaklabel`` command: parse -> call the library -> render.

Exit codes: 0 success, 1 an error (``Error: ...`` on stderr), 2 a usage error.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import __version__

if TYPE_CHECKING:   # the CLI starts without the scientific stack
    import numpy as np
from ..backends import ENGINES
from ..exceptions import WeakLabelError
from . import analysis as cli_analysis
from . import bench as cli_bench
from . import data as cli_data
from . import endmodel as cli_endmodel
from . import ls as cli_ls
from . import pipeline as cli_pipeline
from . import review as cli_review
from . import suggest as cli_suggest

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


BALANCE_HELP = ("the class balance, known from elsewhere: NAME=share pairs (SPAM=0.3,HAM=0.7) or shares in "
                "class order (0.7,0.3); fixes the model's prior instead of estimating it")


def class_balance(spec: str | None, names: Sequence[str]) -> np.ndarray | None:
    """``--class-balance`` as an array in class order (None when not given), or InputError."""
    if spec is None:
        return None
    import numpy as np

    from ..exceptions import InputError

    parts = [x.strip() for x in spec.split(",") if x.strip()]
    named = bool(parts) and all("=" in x for x in parts)
    pairs = [x.split("=", 1) for x in parts] if named else [["", x] for x in parts]
    try:
        values = [float(v) for _, v in pairs]
    except ValueError:
        raise InputError(f"--class-balance: expected numbers, as SPAM=0.3,HAM=0.7 or 0.7,0.3; got {spec!r}") from None
    if named:
        given = {k.strip().casefold(): v for (k, _), v in zip(pairs, values)}
        if set(given) != {n.casefold() for n in names}:
            raise InputError(f"--class-balance: expected a share for each class {list(names)}, got {spec!r}")
        values = [given[n.casefold()] for n in names]
    shares = np.array(values)
    if len(shares) != len(names) or (shares <= 0).any() or abs(shares.sum() - 1) > 1e-6:
        raise InputError(f"--class-balance: expected {len(names)} positive shares summing to 1 for {list(names)}, "
                         f"got {spec!r}")
    return shares


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
    p.add_argument("--model", default="label_model", choices=[*_model_choices(), "auto"], metavar="MODEL",
                   help="a label model: " + ", ".join(_model_choices()) + " (default label_model), or auto: "
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

    p = sub.add_parser("demo", help="run on the embedded breast-cancer data with lfs/cancer.py")
    p.add_argument("--out", default="weaklabel-demo", help="output folder (default: weaklabel-demo)")

    p = sub.add_parser("apply", help="apply an LF suite and save the label matrix")
    _add_data_args(p)
    p.add_argument("--out", default="L.npz", help="where to write the matrix (default: L.npz)")

    p = sub.add_parser("fit", help="fit a label model on a saved matrix and write labels")
    p.add_argument("--L", required=True, dest="matrix", help="a matrix written by 'weaklabel apply'")
    p.add_argument("--model", default="label_model", choices=[*_model_choices(), "auto"], metavar="MODEL",
                   help="a label model: " + ", ".join(_model_choices()) + " (default label_model), or auto: "
                        "chosen by cross-validated score on --gold")
    p.add_argument("--gold", help="CSV of known labels (row_id,label): partial labels for the fit, and what "
                                  "--model auto chooses by")
    p.add_argument("--class-balance", help=BALANCE_HELP)
    p.add_argument("--out", default="weaklabel-out", help="output folder (default: weaklabel-out)")

    p = sub.add_parser("analyze", help="print the LF summary of a saved matrix or of data + LFs")
    p.add_argument("--L", dest="matrix", help="a matrix written by 'weaklabel apply'")
    p.add_argument("--data", help="dataset name or file instead of --L (WRENCH sets: stored votes "
                                  "unless --lfs is given)")
    p.add_argument("--lfs", help="LF suite to apply to --data")
    _add_source_args(p)
    p.add_argument("--format", default="table", choices=FORMATS)
    p.add_argument("--model", default="label_model", choices=[*_model_choices(), "auto", "none"], metavar="MODEL",
                   help="label model for the estimated columns: " + ", ".join(_model_choices())
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
    p.add_argument("suites", nargs="+", help="LF suites (lfs/a.py lfs/b.py ...) with the same labels")
    p.add_argument("--data", required=True, help="dataset name or a CSV/Parquet/JSONL file")
    _add_source_args(p)
    p.add_argument("--eval-split", help="score the label model on this split's gold instead")
    p.add_argument("--format", default="table", choices=FORMATS)
    p.add_argument("--end-model", action="store_true",
                   help="also train an end model on each suite's labels and score it")
    p.add_argument("--text-column", help="the end model's text feature (default: 'text' if present)")

    cli_endmodel.add_parsers(sub, _add_data_args)

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
    p.add_argument("--strategy", default="conflict",
                   help="review queue: conflict, entropy, margin, disagreement, uncovered, label_issues, random")
    p.add_argument("--refit-every", type=positive_int, default=10, help="refit after this many expert labels")
    p.add_argument("--overlap", type=positive_int, default=1, help="experts per item (2 = double labeling)")
    p.add_argument("--audit-fraction", type=float, default=0.05,
                   help="share of items drawn at random (unbiased metrics; they train the model)")
    p.add_argument("--lead", action="append", default=[], help="an expert who resolves disagreements (repeatable)")
    p.add_argument("--guidelines", default="", help="a markdown file beside the project, shown to experts")
    p.add_argument("--label-description", action="append", default=[], metavar="LABEL=TEXT",
                   help="what a label means, shown on its button (repeatable)")
    p.add_argument("--token", action="store_true",
                   help="generate a strong team token and print how to set it (it is not written to the file)")
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

    p = sub.add_parser("users", help="experts' accounts for the review app: add, list, password, role, remove, "
                                     "sign-out")
    usub = p.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    for action, text in (("add", "create an account (the password is read from stdin)"),
                         ("password", "set a new password (stdin); every session of the account ends"),
                         ("role", "make the account a lead or an annotator"),
                         ("remove", "delete the account and end its sessions (its labels stay)"),
                         ("sign-out", "end every session of the account"),
                         ("list", "names and roles")):
        q = usub.add_parser(action, help=text)
        q.add_argument("--project", default="weaklabel.toml")
        if action != "list":
            q.add_argument("name")
        if action == "add":
            q.add_argument("--role", default="annotator", choices=["annotator", "lead"])
        if action == "role":
            q.add_argument("role", choices=["annotator", "lead"])

    p = sub.add_parser("app", help="start the Streamlit review app for a project")
    p.add_argument("--project", default="weaklabel.toml")
    p.add_argument("--port", type=positive_int, default=8501)
    p.add_argument("--address", default="127.0.0.1",
                   help="interface to listen on (default 127.0.0.1: this machine only); 0.0.0.0 serves the "
                        "network, so set WEAKLABEL_APP_TOKEN or WEAKLABEL_APP_USERS first")

    p = sub.add_parser("benchmark", help="compare label models on WRENCH folders and .mat label matrices")
    p.add_argument("dirs", nargs="+", help="WRENCH folders (train/valid/test.json, label.json), .mat files, "
                                           "folders of .mat files, WRENCH sequence sets, multi-label sets "
                                           "(labels.txt, train/dev/test.tsv; with --lfs), or glob patterns")
    p.add_argument("--anchors", action="store_true",
                   help="add the peers: Snorkel (default, tuned), crowd-kit DS/OneCoinDS/GLAD/MACE, HyperLM "
                        "(pip install 'weaklabel[anchors]')")
    p.add_argument("--times", action="store_true", help="show fit+predict seconds in each cell")
    p.add_argument("--models", help="comma-separated; default: all (" + ",".join(_model_names()) + ")")
    p.add_argument("--seeds", type=positive_int, default=5)
    p.add_argument("--use-valid-gold", action="store_true", help="fit with the valid split's gold as partial labels")
    p.add_argument("--metric", help="accuracy, f1, f1_macro, ...; default: F1 for rare-positive binary sets")
    p.add_argument("--lfs", help="re-apply this LF suite to the texts instead of the stored votes (multi-label "
                                 "sets have gold only: their suite, e.g. lfs/goemotions.py)")
    p.add_argument("--gold-curve", help="e.g. 0,50,100,200: the default model's test score vs random gold rows "
                                        "(and given the class balance), on test and on held-out train rows")
    p.add_argument("--draws", type=positive_int, default=10, help="random gold draws per size (default 10)")
    p.add_argument("--json", help="also write the per-seed results here")

    cli_bench.add_parser(sub, positive_int)
    cli_ls.add_parser(sub)
    cli_data.add_parser(sub)
    cli_suggest.add_parser(sub)
    return parser


def _model_choices() -> list[str]:
    from ..models.names import MODEL_NAMES  # the names alone: no model (or numpy) loads

    return list(MODEL_NAMES)


def _model_names() -> list[str]:
    from ..models.names import BENCHMARK_MODELS

    return list(BENCHMARK_MODELS)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from . import _render

    _render.WIDE = bool(args.wide)
    from .. import _progress

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
    except Exception as exc:  # the last line of defence: no traceback for users
        if args.verbose:
            raise
        print(f"Error: unexpected {type(exc).__name__}: {exc}. If the input looks right, this is a bug in "
              "weaklabel: rerun with --verbose for the traceback and report it", file=sys.stderr)
        return 1


def _dispatch(args: argparse.Namespace) -> int:
    handler = {"run": cli_pipeline.cmd_run, "demo": cli_pipeline.cmd_demo, "apply": cli_pipeline.cmd_apply,
               "fit": cli_pipeline.cmd_fit,
               "analyze": cli_analysis.cmd_analyze, "compare": cli_analysis.cmd_compare,
               "benchmark": cli_bench.cmd_benchmark,
               "bench": cli_bench.cmd_bench, "init": cli_review.cmd_init, "queue": cli_review.cmd_queue,
               "labels": cli_review.cmd_labels, "app": cli_review.cmd_app, "train": cli_endmodel.cmd_train,
               "issues": cli_endmodel.cmd_issues, "hash-password": cli_review.cmd_hash_password,
               "users": cli_review.cmd_users,
               "cache": cli_pipeline.cmd_cache, "ls": cli_ls.cmd_ls, "data": cli_data.cmd_data,
               "suggest": cli_suggest.cmd_suggest}[args.command]
    return handler(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
