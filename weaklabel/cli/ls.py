"""``weaklabel ls``: work with a running Label Studio: push tasks, pull annotations, and
serve the label model as its ML backend."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from ..exceptions import InputError


def _settings(proj: Any) -> tuple[str, str, str]:
    ls = proj.labelstudio
    missing = [k for k in ("url", "project") if not ls.get(k)]
    if missing:
        raise InputError(f"labelstudio: weaklabel.toml needs a [labelstudio] table with {missing} "
                         "(url = \"http://127.0.0.1:8080\", project = \"<title>\")")
    env = ls.get("token_env", "WEAKLABEL_LS_TOKEN")
    token = os.environ.get(env, "")
    if not token.strip():
        raise InputError(f"labelstudio: set the Label Studio API token in ${env} (a personal access token "
                         "from Account & Settings); it is never read from weaklabel.toml")
    return ls["url"], ls["project"], token


def cmd_ls(args: argparse.Namespace) -> int:
    from ..io import labelstudio
    from ..io.ls_api import LabelStudioAPI
    from ..review.project import Project
    from ..review.session import ReviewSession

    proj = Project.load(args.project)
    if args.ls_command == "serve":
        return _serve(proj, args)
    url, title, token = _settings(proj)
    api = LabelStudioAPI(url, token)
    sess = ReviewSession(proj)
    text = proj.text_column or "text"
    ls_project = api.project(title, labelstudio.labeling_config(sess.labels.names, text_column=text))
    pid = ls_project["id"]
    if args.ls_command == "push":
        q = sess.queue(n=args.n)
        have = {str((t.get("data") or {}).get("row_id")) for t in api.tasks(pid)}
        q = q[~q["row_id"].astype(str).isin(have)]  # never a task twice
        new = labelstudio.tasks(sess.df, q["row_id"].tolist(), sess.probs, sess.labels.names, text_column=text,
                                model_version=f"weaklabel-{sess.model_version}", sources=q["source"].tolist())
        for task in new:  # LF votes beside the prediction, for the expert's eye and for audits
            i = sess._row_pos[str(task["data"]["row_id"])]
            task["meta"]["lf_votes"] = {n: sess.labels.name(int(v)) for n, v in zip(sess.L.lf_names, sess.L.votes[i])
                                        if v >= 0}
        api.import_tasks(pid, new)
        print(f"Pushed {len(new)} new tasks to Label Studio project {title!r} (id {pid}); "
              f"{len(have)} were there already")
        return 0
    # pull: the full export each time; keyed imports make it idempotent and catch deletions
    exported = api.export(pid)
    if not exported:
        n_tasks = len(api.tasks(pid))
        if n_tasks:   # an export without the project's tasks is a failed export, not deleted annotations
            from ..io.ls_api import LabelStudioError

            raise LabelStudioError(f"Label Studio project {pid} has {n_tasks} tasks but its export holds none; "
                                   "nothing imported or retracted (try again, or check the export in Label Studio)")
    found = labelstudio.parse_export(exported, sess.labels.names, annotator_map=api.users(),
                                     name=f"Label Studio project {pid}")
    if not args.allow_unknown_ids:
        unknown = sorted({r["row_id"] for r in found} - set(sess._row_pos))
        if unknown:
            raise InputError(f"{len(unknown)} annotated row id(s) are not items of project {proj.name!r} "
                             f"({unknown[:5]}); nothing imported (pass --allow-unknown-ids to keep them)")
    c = sess.store.import_external(found, origin=f"ls:{pid}")
    print(f"Pulled from Label Studio project {title!r} (id {pid}): {c['added']} new, {c['updated']} updated, "
          f"{c['unchanged']} unchanged, {c['retracted']} retracted")
    return 0


def _serve(proj: Any, args: argparse.Namespace) -> int:
    from ..review.ls_backend import Backend, check_secret, make_server
    from ..review.session import ReviewSession

    secret = os.environ.get("WEAKLABEL_LS_SECRET", "")
    if not secret.strip():
        raise InputError("WEAKLABEL_LS_SECRET: set a shared secret; give the same one to Label Studio "
                         "(Model > Basic auth password) so only it can call this backend")
    check_secret(secret, "WEAKLABEL_LS_SECRET")
    origin = f"ls:{args.ls_project_id}" if args.ls_project_id else "ls:default"
    backend = Backend(ReviewSession(proj), origin=origin, ls_project_id=args.ls_project_id)
    server = make_server(backend, secret, address=args.address, port=args.port)
    print(f"weaklabel ML backend on http://{args.address}:{server.server_address[1]} "
          f"(model {backend.sess.model_version}); Ctrl+C stops it", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def add_parser(sub: Any) -> None:
    p = sub.add_parser("ls", help="Label Studio: push tasks, pull annotations, serve the model as ML backend")
    lsub = p.add_subparsers(dest="ls_command", required=True, metavar="ACTION")
    q = lsub.add_parser("push", help="create or update the project and push the queue's items as tasks "
                                     "(predictions, LF votes in meta; never a task twice)")
    q.add_argument("--project", default="weaklabel.toml")
    q.add_argument("--n", type=int, default=100, help="queue items to push")
    q = lsub.add_parser("pull", help="import the project's annotations (idempotent; follows updates and "
                                     "deletions)")
    q.add_argument("--project", default="weaklabel.toml")
    q.add_argument("--allow-unknown-ids", action="store_true")
    q = lsub.add_parser("serve", help="serve live label-model predictions to Label Studio (ML backend "
                                      "protocol; needs $WEAKLABEL_LS_SECRET)")
    q.add_argument("--project", default="weaklabel.toml")
    q.add_argument("--address", default="127.0.0.1", help="interface to bind (default: this machine only)")
    q.add_argument("--port", type=int, default=9090)
    q.add_argument("--ls-project-id", help="the Label Studio project id, to key webhook annotations as "
                                           "`ls pull` does")
