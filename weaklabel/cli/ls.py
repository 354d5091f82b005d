"""``weaklabel ls``.

Work with a running Label Studio: push tasks, pull annotations, and serve the label model as its ML
backend.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, cast

from ..exceptions import InputError


def _settings(proj: Any) -> tuple[str, str, str]:
    ls = proj.labelstudio
    missing = [k for k in ("url",) if not ls.get(k)] + ([] if ls.get("project") or ls.get("project_id")
                                                         else ["project"])
    if missing:
        raise InputError(f"labelstudio: weaklabel.toml needs a [labelstudio] table with {missing} "
                         "(url = \"http://127.0.0.1:8080\", project = \"<title>\" or project_id = <id>)")
    env = ls.get("token_env", "WEAKLABEL_LS_TOKEN")
    token = os.environ.get(env, "")
    if not token.strip():
        raise InputError(f"labelstudio: set the Label Studio API token in ${env} (a personal access token "
                         "from Account & Settings); it is never read from weaklabel.toml")
    return ls["url"], str(ls.get("project") or ""), token


def _ls_project(api: Any, proj: Any, sess: Any, url: str, title: str, *, create: bool) -> dict[str, Any]:
    """Return the Label Studio project this weaklabel project works with, never one found by title alone.

    ``project_id`` in ``[labelstudio]`` names it; else the project this store created on its
    first push (its id is kept in the store). A title match that this store did not create is
    another team's project as far as weaklabel can tell: refused, with the way to claim it.
    A team's labeling config is never rewritten; push only checks that it offers every label.
    """
    from ..io import labelstudio
    from ..io.ls_api import LabelStudioError

    key = f"labelstudio:{url.rstrip('/')}"
    configured, bound = proj.labelstudio.get("project_id"), sess.store.setting(key)
    if configured is not None or bound is not None:
        pid = int(configured if configured is not None else bound)
        found = api.get_project(pid)
        if found is None:
            where = "project_id in [labelstudio]" if configured is not None else "this store's first push"
            raise LabelStudioError(f"Label Studio at {url} has no project {pid} (from {where}); it was deleted "
                                   "or the URL is another server. Set project_id to the right one")
        if configured is not None and str(configured) != str(bound):
            sess.store.set_setting(key, str(pid))
        if create:
            lacking = labelstudio.missing_choices(str(found.get("label_config") or ""), sess.labels.names)
            if lacking:
                raise LabelStudioError(f"Label Studio project {pid}'s labeling config offers no choice for "
                                       f"{lacking}; add them in its Settings > Labeling Interface (weaklabel "
                                       "does not rewrite a team's config); nothing pushed")
        return cast("dict[str, Any]", found)
    same = api.projects_titled(title)
    if same:
        ids = [p.get("id") for p in same]
        raise LabelStudioError(f"Label Studio already has {len(same)} project(s) titled {title!r} (ids {ids}) that "
                               f"this weaklabel project did not create; if one is yours, set project_id = {ids[0]} "
                               "under [labelstudio], else choose another title. Nothing was pushed or pulled")
    if not create:
        raise LabelStudioError(f"no Label Studio project for {proj.name!r} yet: run weaklabel ls push first, or set "
                               "project_id under [labelstudio]")
    text = proj.text_column or "text"
    made = api.create_project(title, labelstudio.labeling_config(sess.labels.names, text_column=text),
                              description=f"Created by weaklabel for its project {proj.name!r}.")
    sess.store.set_setting(key, str(made["id"]))
    return cast("dict[str, Any]", made)


def cmd_ls(args: argparse.Namespace) -> int:
    """``weaklabel ls``: push to, pull from and serve Label Studio."""
    from ..io import labelstudio
    from ..io.ls_api import LabelStudioAPI
    from ..review.project import Project
    from ..review.session import ReviewSession

    if args.ls_command in ("push-spans", "pull-spans"):
        from . import ls_spans

        return (ls_spans.cmd_push_spans if args.ls_command == "push-spans" else ls_spans.cmd_pull_spans)(args)
    proj = Project.load(args.project)
    if proj.kind == "spans" and args.ls_command in ("push", "pull"):
        from . import ls_spans

        return ls_spans.cmd_project(proj, args)
    if proj.kind == "multilabel" and args.ls_command in ("push", "pull"):
        from . import ls_multilabel

        return ls_multilabel.cmd_project(proj, args)
    if args.ls_command == "serve":
        return _serve(proj, args)
    url, title, token = _settings(proj)
    api = LabelStudioAPI(url, token)
    sess = ReviewSession(proj)
    text = proj.text_column or "text"
    ls_project = _ls_project(api, proj, sess, url, title, create=args.ls_command == "push")
    pid = ls_project["id"]
    title = ls_project.get("title") or title
    if args.ls_command == "push":
        q = sess.queue(n=args.n)
        queued = len(q)
        version = f"weaklabel-{sess.model_version}"
        # the project's own control names and values (a team's config), else weaklabel's
        controls = labelstudio.read_controls(str(ls_project.get("label_config") or ""), sess.labels.names) or {}
        where = {"from_name": controls.get("from_name", "label"), "to_name": controls.get("to_name") or text,
                 "values": controls.get("values")}
        have = {str((t.get("data") or {}).get("row_id")): t for t in api.tasks(pid, only=["id", "data"])}
        q = q[~q["row_id"].astype(str).isin(have)]  # never a task twice
        new = labelstudio.tasks(sess.df, q["row_id"].tolist(), sess.probs, sess.labels.names, text_column=text,
                                model_version=version, sources=q["source"].tolist(), **where,
                                lf_votes=sess.lf_votes(q["row_id"]))   # beside the prediction, for the eye
        # tasks pushed with another fit's predictions get this fit's, in one call (older ones stay);
        # the store keeps which fit the project's tasks last had
        pushed_key = f"labelstudio:{url.rstrip('/')}:{pid}:model_version"
        stale = [] if sess.store.setting(pushed_key) in (None, version) else \
            [(t, sess._row_pos[rid]) for rid, t in have.items() if rid in sess._row_pos]
        api.import_predictions(pid, [{"task": t["id"], **labelstudio.prediction(
            sess.probs[i], sess.labels.names, model_version=version, **where)} for t, i in stale])
        # the LF votes shown beside a task go stale when the LF suite changes: patched where they differ
        votes = _changed_lf_votes(sess, have)
        api.update_task_data(votes)
        api.import_tasks(pid, new)
        sess.store.set_setting(pushed_key, version)
        print(f"Pushed {len(new)} new tasks to Label Studio project {title!r} (id {pid}); "
              f"{len(have)} were there already" + (f", {len(stale)} of them given this fit's prediction ({version})"
                                                   if stale else "")
              + (f"; the LF votes shown on {len(votes)} of them updated" if votes else ""))
        if queued < args.n:   # say why fewer than asked
            print(f"The review queue holds {queued} items, not the {args.n} asked for: the {proj.strategy!r} "
                  "strategy ranks only rows with a positive score (for 'conflict': rows where the LFs disagree), "
                  "plus audit rows, and leaves out rows with enough labels. See weaklabel queue, or set strategy "
                  "in weaklabel.toml")
        return 0
    # pull: the full export each time; keyed imports make it idempotent and catch deletions
    size = sum(int(ls_project.get(k) or 0) for k in ("task_number", "total_annotations_number"))
    from .._progress import Waiting

    # Label Studio builds the whole export before it answers (about 8 ms per annotation here)
    with Waiting(2.0 + 0.008 * size, desc=f"Label Studio exports project {pid}"):
        exported = api.export(pid, size=size)
    if not exported:
        n_tasks = len(api.tasks(pid, only=["id"]))
        if n_tasks:   # an export without the project's tasks is a failed export, not deleted annotations
            from ..io.ls_api import LabelStudioError

            raise LabelStudioError(f"Label Studio project {pid} has {n_tasks} tasks but its export holds none; "
                                   "nothing imported or retracted (try again, or check the export in Label Studio)")
    # tasks created in Label Studio itself (no row_id) are not rows of this project: counted, not fatal
    ours: list[Any] = []
    foreign: list[Any] = []
    for t in exported:
        made_there = isinstance(t, dict) and isinstance(t.get("data"), dict) and \
            not str(t["data"].get("row_id", "")).strip()
        (foreign if made_there else ours).append(t)
    exported = ours
    from ._args import label_pairs

    found = labelstudio.parse_export(exported, sess.labels.names, annotator_map=api.users(),
                                     label_map=label_pairs(args.label_map, "label-map"),
                                     name=f"Label Studio project {pid}")
    if not args.allow_unknown_ids:
        unknown = sorted({r["row_id"] for r in found} - set(sess._row_pos))
        if unknown:
            raise InputError(f"{len(unknown)} annotated row id(s) are not items of project {proj.name!r} "
                             f"({unknown[:5]}); nothing imported (pass --allow-unknown-ids to keep them)")
    c = sess.store.import_external(found, origin=f"ls:{pid}")
    print(f"Pulled from Label Studio project {title!r} (id {pid}): {c['added']} new, {c['updated']} updated, "
          f"{c['unchanged']} unchanged, {c['retracted']} retracted")
    if foreign:
        n_ann = sum(len(t.get("annotations") or []) for t in foreign)
        print(f"Skipped {len(foreign)} task(s) made in Label Studio, with {n_ann} annotation(s): they have no "
              f"data.row_id, so they are not items of project {proj.name!r} (ids {[t.get('id') for t in foreign][:5]})")
    return 0


def _changed_lf_votes(sess: Any, have: dict[str, dict[str, Any]]) -> list[tuple[int, dict[str, Any]]]:
    """(task id, new data) for the tasks weaklabel pushed with LF votes that the LFs now vote otherwise.

    Tasks without the field (made elsewhere, or pushed without votes) are left alone.
    """
    from ..io.labelstudio import LF_VOTES_FIELD, votes_text

    ours = [(rid, t) for rid, t in have.items() if rid in sess._row_pos and LF_VOTES_FIELD in (t.get("data") or {})]
    if not ours:
        return []
    now = sess.lf_votes([rid for rid, _ in ours])
    return [(t["id"], {**t["data"], LF_VOTES_FIELD: text}) for (_, t), v in zip(ours, now)
            if t["data"][LF_VOTES_FIELD] != (text := votes_text(v))]


def _serve(proj: Any, args: argparse.Namespace) -> int:
    from ..review.ls_backend import Backend, check_secret, make_server
    from ..review.session import ReviewSession

    secret = os.environ.get("WEAKLABEL_LS_SECRET", "")
    if not secret.strip():
        raise InputError("WEAKLABEL_LS_SECRET: set a shared secret; give the same one to Label Studio "
                         "(Model > Basic auth password) so only it can call this backend")
    check_secret(secret, "WEAKLABEL_LS_SECRET")
    if proj.kind in ("spans", "multilabel"):
        return _serve_documents(proj, args, secret)
    sess = ReviewSession(proj)
    ls = proj.labelstudio
    pid = _served_project(proj, args, sess.store)
    fetch_users = None
    token = os.environ.get(ls.get("token_env", "WEAKLABEL_LS_TOKEN"), "")
    if ls.get("url") and token.strip():   # emails for user ids, as ls pull resolves them
        from ..io.ls_api import LabelStudioAPI

        fetch_users = LabelStudioAPI(ls["url"], token).users
    backend = Backend(sess, origin=f"ls:{pid}" if pid is not None else "ls:default", ls_project_id=pid,
                      fetch_users=fetch_users)
    server = make_server(backend, secret, address=args.address, port=args.port)
    secret_url = f"http://{args.address}:{server.server_address[1]}/s/<WEAKLABEL_LS_SECRET>"
    return _run(server, f"weaklabel ML backend on http://{args.address}:{server.server_address[1]} (model "
                        f"{backend.sess.model_version}); Ctrl+C stops it. In Label Studio, connect it as "
                        f"{secret_url} (then its own webhook works too) or with Basic auth")


def _run(server: Any, banner: str) -> int:
    """Serve until Ctrl+C, after saying where (on stderr: stdout stays for data)."""
    print(banner, file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _served_project(proj: Any, args: argparse.Namespace, store: Any = None) -> int | None:
    """Return the Label Studio project a backend serves.

    As given, else as [labelstudio] or this store's first push names it (``store``: the project's label
    store, opened if not given).
    """
    ls = proj.labelstudio
    pid = args.ls_project_id or ls.get("project_id")
    if pid is None and ls.get("url"):
        if store is None:
            from ..review.store import ExpertLabelStore

            store = ExpertLabelStore(proj.store_url, project=proj.name)
        pid = store.setting(f"labelstudio:{ls['url'].rstrip('/')}")
    if pid is not None and not str(pid).strip().isdigit():
        raise InputError(f"ls-project-id: expected Label Studio's numeric project id, got {pid!r}")
    return int(pid) if pid is not None else None


def _serve_documents(proj: Any, args: argparse.Namespace, secret: str) -> int:
    """``ls serve`` for a span or a multi-label project: that model's predictions and webhooks."""
    from ..review.ls_backend import make_server

    backend: Any
    if proj.kind == "spans":
        from ..review.ls_span_backend import SpanBackend
        from ..review.span_session import SpanReviewSession

        backend, what = SpanBackend(SpanReviewSession(proj), ls_project_id=_served_project(proj, args)), "span"
    else:
        from ..review.label_set_session import LabelSetReviewSession
        from ..review.ls_label_set_backend import LabelSetBackend

        backend = LabelSetBackend(LabelSetReviewSession(proj), ls_project_id=_served_project(proj, args))
        what = "multi-label"
    server = make_server(backend, secret, address=args.address, port=args.port)
    return _run(server, f"weaklabel {what} ML backend on http://{args.address}:{server.server_address[1]} (model "
                        f"{backend.sess.model_version}); Ctrl+C stops it")


def add_parser(sub: Any) -> None:
    """Register ``ls``."""
    p = sub.add_parser("ls", help="Label Studio: push tasks, pull annotations, serve the model as ML backend")
    p.set_defaults(handler=cmd_ls)
    lsub = p.add_subparsers(dest="ls_command", required=True, metavar="ACTION")
    q = lsub.add_parser("push", help="create or update the project and push the queue's items as tasks "
                                     "(predictions, LF votes in meta; never a task twice)")
    q.add_argument("--project", default="weaklabel.toml")
    q.add_argument("--n", type=int, default=100, help="queue items to push")
    q = lsub.add_parser("pull", help="import the project's annotations (idempotent; follows updates and "
                                     "deletions)")
    q.add_argument("--project", default="weaklabel.toml")
    q.add_argument("--allow-unknown-ids", action="store_true")
    q.add_argument("--label-map", help="Label Studio value or alias -> label, e.g. ham=HAM,spam=SPAM (case-only "
                                       "differences need none)")
    q = lsub.add_parser("serve", help="serve live label-model predictions to Label Studio (ML backend "
                                      "protocol; needs $WEAKLABEL_LS_SECRET)")
    q.add_argument("--project", default="weaklabel.toml")
    q.add_argument("--address", default="127.0.0.1", help="interface to bind (default: this machine only)")
    q.add_argument("--port", type=int, default=9090)
    q.add_argument("--ls-project-id", help="the Label Studio project id, to key webhook annotations as "
                                           "`ls pull` does")
    from .ls_spans import add_parsers

    add_parsers(lsub)
