"""``weaklabel ls push-spans`` and ``ls pull-spans``.

Label Studio's NER round trip for a sequence set (a WRENCH folder: tokens and the LFs' spans), with
expert answers in the span store.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from ..exceptions import InputError


def _api(args: argparse.Namespace) -> Any:
    from ..io.ls_api import LabelStudioAPI

    env = getattr(args, "token_env", None) or "WEAKLABEL_LS_TOKEN"
    token = os.environ.get(env, "")
    if not token.strip():
        raise InputError(f"{env}: set it to a Label Studio API token (a personal access token from "
                         "Account & Settings); it is never read from the command line or weaklabel.toml")
    return LabelStudioAPI(args.url, token)


def cmd_project(proj: Any, args: argparse.Namespace) -> int:
    """``ls push`` / ``ls pull`` on a span project.

    The settings come from weaklabel.toml, and the Label Studio project push creates is remembered in
    the store, as for class projects.
    """
    from ..review.store import ExpertLabelStore

    ls = proj.labelstudio
    if not ls.get("url"):
        raise InputError("labelstudio: weaklabel.toml needs a [labelstudio] table with url = \"http://...\"")
    settings = ExpertLabelStore(proj.store_url, project=proj.name)
    key = f"labelstudio:{ls['url'].rstrip('/')}"      # the key cli/ls.py binds class projects under
    pid = ls.get("project_id") or settings.setting(key)
    if args.ls_command == "pull" and pid is None:
        raise InputError(f"no Label Studio project for {proj.name!r} yet: run weaklabel ls push first, or set "
                         "project_id under [labelstudio]")
    ns = argparse.Namespace(folder=proj._path(proj.data), split=proj.split, url=ls["url"], store=proj.store_url,
                            store_project=proj.name, ls_project_id=pid, title=ls.get("project") or proj.name,
                            n=getattr(args, "n", 100), strategy=proj.strategy, token_env=ls.get("token_env"))
    if args.ls_command == "pull":
        return cmd_pull_spans(ns)
    code = cmd_push_spans(ns)
    if pid is None and getattr(ns, "created", None) is not None:
        settings.set_setting(key, str(ns.created))
    return code


def _data(args: argparse.Namespace) -> tuple[Any, Any]:
    from ..review.span_store import SpanStore
    from ..spans.wrench import read_seq_split

    split = read_seq_split(args.folder, args.split)
    name = args.store_project or os.path.basename(os.path.normpath(os.path.abspath(args.folder)))
    store = SpanStore(args.store, project=name, types=split.L.types)
    return split, store


def cmd_push_spans(args: argparse.Namespace) -> int:
    """``weaklabel ls push`` on a span project: documents with the model's spans as predictions."""
    from ..io import labelstudio_spans as lss
    from ..io.ls_api import LabelStudioError
    from ..spans import SeqLabelModelDefault
    from ..spans.review import rank_documents

    split, store = _data(args)
    api = _api(args)
    types = list(split.L.types)
    if args.ls_project_id is not None:
        found = api.get_project(int(args.ls_project_id))
        if found is None:
            raise LabelStudioError(f"Label Studio at {args.url} has no project {args.ls_project_id}; pass the id "
                                   "that push-spans printed, or leave --ls-project-id out to create one")
        config = str(found.get("label_config") or "")
        lacking = [t for t in types if f'value="{t}"' not in config]
        if "<Labels" not in config or lacking:
            raise LabelStudioError(f"Label Studio project {found['id']}'s config has no Labels control offering "
                                   f"{lacking or types}; add them in its Labeling Interface; nothing pushed")
        pid, made = int(found["id"]), False
    else:
        pid = int(api.create_project(args.title, lss.ner_labeling_config(types),
                                     description="Created by weaklabel for span review.")["id"])
        made = True
        args.created = pid
    # the default, taught by the experts' answers so far (it keeps them only if they help)
    gold = store.gold(split.ids)
    model = SeqLabelModelDefault().fit(split.L, gold if any(g is not None for g in gold) else None)
    have = {str((t.get("data") or {}).get(lss.DOC_FIELD)) for t in api.tasks(pid, only=["id", "data"])}
    order = [int(d) for d in rank_documents(split.L, args.strategy, model)]
    todo = [d for d in order if str(split.ids[d]) not in have and gold[d] is None][:args.n]
    pred = model.predict_spans(split.L.docs(todo)) if todo else []
    tasks = lss.span_tasks([split.ids[d] for d in todo], [split.tokens[d] for d in todo], pred,
                           model_version=f"weaklabel-hmm-{len(split.ids)}docs")
    api.import_tasks(pid, tasks)
    print(f"Pushed {len(tasks)} documents to Label Studio project {pid}"
          + (" (created; pass --ls-project-id " + str(pid) + " from now on)" if made else "")
          + f", ranked by {args.strategy!r}, with the label model's spans as predictions; "
          f"{len(have)} were there already")
    return 0


def cmd_pull_spans(args: argparse.Namespace) -> int:
    """``weaklabel ls pull`` on a span project: annotated spans into the span store."""
    from ..io import labelstudio_spans as lss

    split, store = _data(args)
    api = _api(args)
    pid = int(args.ls_project_id)
    exported = api.export(pid)
    records = lss.parse_span_export(exported, split.L.types, project=pid, users=api.users())
    known = {str(i) for i in split.ids}
    unknown = sorted({r["doc_id"] for r in records} - known)
    if unknown:
        raise InputError(f"{len(unknown)} annotated document id(s) are not in {args.folder}/{args.split}.json "
                         f"({unknown[:5]}); nothing imported (push and pull the same split)")
    c = store.import_external(records, origin=f"ls:{pid}:")
    print(f"Pulled spans from Label Studio project {pid}: {c['added']} new, {c['updated']} updated, "
          f"{c['unchanged']} unchanged, {c['retracted']} retracted (store: {store.project!r})")
    return 0


def add_parsers(lsub: Any) -> None:
    """``push-spans`` and ``pull-spans`` under ``weaklabel ls``."""
    for name, helptext in (("push-spans", "push a sequence set's documents, most disputed first, with the label "
                                          "model's spans as predictions (a Labels project)"),
                           ("pull-spans", "import the annotated spans into the span store (idempotent; follows "
                                          "updates and deletions)")):
        q = lsub.add_parser(name, help=helptext)
        q.add_argument("folder", help="a WRENCH sequence set (meta.json and <split>.json)")
        q.add_argument("--split", default="train")
        q.add_argument("--url", required=True, help="Label Studio, e.g. http://127.0.0.1:8080 (token in "
                                                    "$WEAKLABEL_LS_TOKEN)")
        q.add_argument("--store", default=None, help="the label store's URL (default: weaklabel-labels.db here)")
        q.add_argument("--store-project", default=None, help="the span store's project (default: the folder's name)")
        if name == "push-spans":
            q.add_argument("--ls-project-id", default=None, help="push into this project (default: create one)")
            q.add_argument("--title", default="weaklabel spans", help="the title of a project push-spans creates")
            q.add_argument("--n", type=int, default=100, help="documents to push")
            q.add_argument("--strategy", default="conflict", choices=["conflict", "entropy", "random"])
        else:
            q.add_argument("--ls-project-id", required=True)
