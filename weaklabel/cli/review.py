"""The review-loop commands of ``weaklabel``: init, queue, labels export/import, app."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..exceptions import InputError, UsageError
from ..review.choices import GOLD_POLICIES, STRATEGIES
from ._args import label_pairs, positive_int
from ._render import print_records


def cmd_init(args: argparse.Namespace) -> int:
    """``weaklabel init``: write a review project file."""
    from .._atomic import check_out_file
    from ..review.project import Project

    path = check_out_file(args.path, "path")
    if path.exists() and not args.force:
        raise InputError(f"{path} exists; pass --force to overwrite")
    if not 0 <= args.audit_fraction < 1:
        raise UsageError(f"--audit-fraction: expected a share in [0, 1), got {args.audit_fraction}")
    descriptions = {}
    for item in args.label_description:
        name, sep, text = item.partition("=")
        if not sep or not name.strip() or not text.strip():
            raise UsageError(f"--label-description expects LABEL=TEXT, got {item!r}")
        descriptions[name.strip()] = text.strip()
    proj = Project(name=args.name, data=args.data, split=args.split, data_dir=args.data_dir,
                   id_column=args.id_column, text_column=args.text_column,
                   display_columns=[args.text_column] if args.text_column else [], lfs=args.lfs,
                   store=args.store, strategy=args.strategy, refit_every=args.refit_every, overlap=args.overlap,
                   audit_fraction=args.audit_fraction, leads=list(args.lead), guidelines=args.guidelines,
                   label_descriptions=descriptions)
    from .._atomic import atomic_path

    # Validate everything before the old file is touched: write beside it, load that back
    # (keys, types), import the LF module and read the data; only then replace the file.
    with atomic_path(path) as tmp:
        proj.save(tmp)
        staged = Project.load(tmp)
        labels = staged.suite().labels
        staged.items()
        staged.guidelines_text()   # a missing guidelines file is an error now
        unknown = sorted(set(descriptions) - set(labels.names))
        if unknown:
            raise InputError(f"--label-description: {unknown} are not labels of this project "
                             f"{list(labels.names)}")
    print(f"Wrote {path}; start labeling with: weaklabel app --project {path}")
    if args.token:
        import secrets

        print("Team token (not stored in the project file; give it to your experts):\n"
              f"  export WEAKLABEL_APP_TOKEN={secrets.token_urlsafe(24)}")
    return 0


def cmd_queue(args: argparse.Namespace) -> int:
    """``weaklabel queue``: the items experts should label first."""
    from ..review.project import Project
    from ..review.session import ReviewSession

    sess = ReviewSession(Project.load(args.project))
    q = sess.queue(n=args.n, strategy=args.strategy)
    if args.export:
        from ..io.tables import csv_safe

        csv_safe(q).to_csv(args.export, index=False)
        print(f"Wrote {len(q)} items to {args.export}")
    else:   # with each item's text (the display columns), in full
        cols = [c for c in (sess.project.display_columns or [sess.project.text_column]) if c and c in sess.df.columns]
        shown = q.set_index("row_id")
        if cols:
            content = sess.df[cols].copy()
            content.index = sess.df.index.astype(str)
            shown = shown.join(content, on=shown.index.astype(str))
        print_records(shown)
    return 0


def cmd_labels(args: argparse.Namespace) -> int:
    """``weaklabel labels``: import, export and inspect expert labels."""
    from ..review.project import Project

    proj = Project.load(args.project)
    store = proj.open_store()
    names = store.label_space.names if store.label_space is not None else ()  # a project store has its labels
    if args.labels_command == "export":
        print(f"Wrote {store.export(args.out, policy=args.policy)}")
        return 0
    if args.labels_command == "export-ls":
        from ..io import labelstudio
        from ..review.session import ReviewSession

        if Path(args.out).suffix.lower() != ".json":
            raise InputError(f"--out: expected a .json file for the tasks (the labeling config is written beside "
                             f"it as .xml), got {args.out!r}")
        sess = ReviewSession(proj)
        q = sess.queue(n=args.n)
        text = proj.text_column or "text"
        out = labelstudio.write_tasks(args.out, labelstudio.tasks(
            sess.df, q["row_id"].tolist(), sess.probs, sess.labels.names, text_column=text,
            model_version=f"weaklabel-{sess.model_version}", sources=q["source"].tolist(),
            lf_votes=sess.lf_votes(q["row_id"])))
        config = Path(args.out).with_suffix(".xml")
        ours = labelstudio.labeling_config(sess.labels.names, text_column=text)
        if config.exists() and config.read_text(encoding="utf-8", errors="replace") != ours:
            lacking = labelstudio.missing_choices(config.read_text(encoding="utf-8", errors="replace"),
                                                  sess.labels.names)
            note = f"; it offers no choice for {lacking}: add them" if lacking else ""
            print(f"Wrote {len(q)} tasks to {out}; kept the edited labeling config {config}{note}")
            return 0
        from .._atomic import atomic_path

        with atomic_path(config) as tmp:
            tmp.write_text(ours, encoding="utf-8")
        print(f"Wrote {len(q)} tasks to {out} and the labeling config to {config}")
        return 0
    ls_export = _is_label_studio_export(args.file)
    if ls_export:
        from ..io import labelstudio

        amap = labelstudio.read_annotator_map(args.annotator_map) if args.annotator_map else None
        found = labelstudio.read_export(args.file, names, from_name=args.from_name,
                                        label_map=label_pairs(args.label_map, "label-map"), annotator_map=amap)
        records = [(r["row_id"], r["label"], r["annotator"]) for r in found]
        what = "Label Studio annotations"
    else:
        import pandas as pd

        from ..io.tables import read_table

        table = read_table(args.file, text_columns=("row_id", "label", "annotator"))
        missing = [c for c in ("row_id", "label", "annotator") if c not in table.columns]
        if missing:
            raise InputError(f"--file needs columns row_id, label, annotator; {args.file} lacks {missing}")
        blank = [i + 2 for i, v in enumerate(table["row_id"]) if pd.isna(v) or not str(v).strip()]
        if blank:
            raise InputError(f"--file has {len(blank)} row(s) without a row_id (lines {blank[:5]}); nothing imported")
        labels = [_label_value(v, names, i + 2) for i, v in enumerate(table["label"])]
        records = list(zip(table["row_id"], labels, table["annotator"]))
        what = "label events"
    if not args.allow_unknown_ids:
        known = {str(r) for r in proj.items()[0].index}
        unknown = sorted({str(r) for r, _, _ in records} - known)
        if unknown:
            raise InputError(f"{len(unknown)} row id(s) in {args.file} are not items of project {proj.name!r} "
                             f"({unknown[:5]}); nothing imported. Fix the ids (they are compared as text: '7' is not "
                             "'007'), or pass --allow-unknown-ids")
    if ls_export:
        c = store.import_external(found, origin=f"ls:{args.ls_project}")
        print(f"Imported {what} into {proj.name}: {c['added']} new, {c['updated']} updated, "
              f"{c['unchanged']} unchanged, {c['retracted']} retracted (gone from the export)")
        return 0
    n = store.add_labels(records, source="import")
    print(f"Imported {n} {what} into {proj.name}")
    return 0


def _is_label_studio_export(path: str) -> bool:
    """Return a Label Studio export: JSON (full or JSON_MIN), TSV, or a CSV with annotation ids."""
    low = str(path).lower()
    if low.endswith((".json", ".tsv")):
        return True
    if low.endswith(".csv"):
        try:
            with open(path, encoding="utf-8-sig", errors="replace") as f:   # the reader names bad bytes
                header = f.readline()
        except OSError:
            return False
        return "annotation_id" in header
    return False


def cmd_app(args: argparse.Namespace) -> int:
    """``weaklabel app``: serve the review app."""
    import importlib.util
    import os

    from ..exceptions import require
    from ..review.access import AccessPolicy
    from ..review.project import Project

    require("streamlit", extra="app", feature="the review app")
    proj = Project.load(args.project)  # a clear error now rather than inside the browser
    policy = AccessPolicy.from_env()  # a misconfigured secret stops the server from starting
    if args.address not in ("127.0.0.1", "localhost", "::1") and not policy.required:
        from ..review.store import ExpertLabelStore

        if ExpertLabelStore(proj.store_url, project=proj.name).accounts().empty:
            print(f"Warning: serving on {args.address} with no access control: anyone who can reach this "
                  "address can label. Add accounts (weaklabel users add NAME) and set WEAKLABEL_APP_TOKEN, "
                  "or set WEAKLABEL_APP_USERS.", file=sys.stderr)
    spec = importlib.util.find_spec("weaklabel.app.review_app")
    if spec is None or spec.origin is None:
        raise InputError("the review app (weaklabel/app/review_app.py) is not installed with this weaklabel")
    env = dict(os.environ, WEAKLABEL_PROJECT=str(Path(args.project).resolve()))
    _warm_imports(args.address, args.port)
    cmd = [sys.executable, "-m", "streamlit", "run", spec.origin, "--server.port", str(args.port),
           "--server.address", args.address,
           "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--client.toolbarMode", "viewer"]  # no Deploy/Stop menu for experts
    return _run_streamlit(cmd, env)


# what the app's first run imports: pandas, the store, the session, the app's own modules
APP_IMPORTS = ("pandas", "weaklabel.review.session", "weaklabel.app._sign_in", "weaklabel.app._tabs")


def _warm_imports(address: str, port: int) -> None:
    """Import what the app's first run needs, in a background thread.

    It starts once the server listens (not before: it would slow Streamlit's own start) and runs while
    the browser loads Streamlit's page, so the sign-in form waits on none of it.
    """
    import importlib
    import socket
    import threading
    import time

    host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(address, address)   # wildcards

    def warm() -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
                if s.connect_ex((host, port)) == 0:
                    break
            time.sleep(0.01)
        for name in APP_IMPORTS:
            try:
                importlib.import_module(name)
            except Exception:   # noqa: BLE001 - the app's own run reports any real failure
                return

    threading.Thread(target=warm, name="weaklabel-warm-imports", daemon=True).start()


def _run_streamlit(cmd: list[str], env: dict[str, str]) -> int:
    """Run ``cmd`` (``python -m streamlit run ...``) in this process.

    The sign-in form paints about half a second sooner than with a second interpreter to start and
    weaklabel to import again, and stopping ``weaklabel app`` (SIGTERM, Ctrl+C) stops the server by
    Streamlit's own handlers, with no child left holding the port.
    """
    import os

    from streamlit.web import cli as streamlit_cli

    os.environ.update(env)
    try:
        streamlit_cli.main(args=cmd[cmd.index("streamlit") + 1:], prog_name="streamlit")
    except SystemExit as exc:   # click ends with sys.exit, also on success
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return 0


def _label_value(v: Any, names: Sequence[str], line: int) -> int | str:
    """Return a CSV label cell.

    A class name first (names like "1".."5" are names; case alone is resolved when it names one class),
    else a class index.
    """
    from ..exceptions import InputError

    text = "" if v is None else str(v).strip()
    if text in names:
        return text
    folded = [n for n in names if n.casefold() == text.casefold()]
    if len(folded) == 1:   # "NEUTRAL" for "neutral": case alone is resolved, as for Label Studio exports
        return folded[0]
    if text.isdigit() and int(text) < len(names):
        return int(text)
    raise InputError(f"--file line {line}: label {text!r} is neither a class name {list(names)} nor an index "
                     f"0..{len(names) - 1}; nothing imported")


def add_parser(sub: Any) -> None:
    """Register init, queue, labels and app."""
    p = sub.add_parser("init", help="write a weaklabel.toml project file")
    p.set_defaults(handler=cmd_init)
    p.add_argument("--path", default="weaklabel.toml")
    p.add_argument("--name", default="weaklabel")
    p.add_argument("--data", default="breast_cancer", help="dataset name or table file")
    p.add_argument("--lfs", default="weaklabel.demo")
    p.add_argument("--split", default="train")
    p.add_argument("--data-dir", default="")
    p.add_argument("--id-column", default="")
    p.add_argument("--text-column", default="")
    p.add_argument("--store", default="", help="SQLAlchemy URL (default: a SQLite file beside the project)")
    p.add_argument("--strategy", default="conflict", choices=STRATEGIES, help="the review queue's order")
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
    p.set_defaults(handler=cmd_queue)
    p.add_argument("--project", default="weaklabel.toml")
    p.add_argument("--n", type=positive_int, default=20)
    p.add_argument("--strategy", choices=STRATEGIES, help="the review queue's order (default: the project's)")
    p.add_argument("--export", help="write the queue to this CSV instead of printing it")

    p = sub.add_parser("labels", help="export or import expert labels")
    p.set_defaults(handler=cmd_labels)
    lsub = p.add_subparsers(dest="labels_command", required=True, metavar="ACTION")
    q = lsub.add_parser("export", help="resolved expert labels to CSV/Parquet")
    q.add_argument("--project", default="weaklabel.toml")
    q.add_argument("--out", required=True)
    q.add_argument("--policy", default="majority", choices=GOLD_POLICIES,
                   help="how several experts' labels on a row become one (default: majority)")
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

    p = sub.add_parser("app", help="start the Streamlit review app for a project")
    p.set_defaults(handler=cmd_app)
    p.add_argument("--project", default="weaklabel.toml")
    p.add_argument("--port", type=positive_int, default=8501)
    p.add_argument("--address", default="127.0.0.1",
                   help="interface to listen on (default 127.0.0.1: this machine only); 0.0.0.0 serves the "
                        "network, so set WEAKLABEL_APP_TOKEN or WEAKLABEL_APP_USERS first")
