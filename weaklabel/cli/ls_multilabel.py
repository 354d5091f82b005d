"""``weaklabel ls push / pull / serve`` on a multi-label project (``kind = "multilabel"``).

Items go to Label Studio as tasks of a ``Choices choice="multiple"`` project with the model's label
set as a prediction, most disputed first; annotated sets come back into the label-set store (``ls
serve``: :func:`weaklabel.cli.ls._serve_documents`).
"""

from __future__ import annotations

import argparse
from typing import Any

from ..exceptions import InputError


def _ls_project(api: Any, proj: Any, sess: Any, args: argparse.Namespace, settings: Any, key: str) -> int:
    """Return the Label Studio project.

    [labelstudio] project_id, else the one an earlier push created (remembered in the store), else (push
    only) a new one with a multi-label config. A project that exists keeps its own config: it must offer
    a multiple-choice control with every label.
    """
    from ..io import labelstudio_multilabel as lsm
    from ..io.ls_api import LabelStudioError

    ls = proj.labelstudio
    pid = ls.get("project_id") or settings.setting(key)
    if pid is None:
        if args.ls_command != "push":
            raise InputError(f"no Label Studio project for {proj.name!r} yet: run weaklabel ls push first, or set "
                             "project_id under [labelstudio]")
        made = api.create_project(ls.get("project") or proj.name, lsm.multilabel_config(sess.labels),
                                  description=f"Created by weaklabel for its multi-label project {proj.name!r}.")
        settings.set_setting(key, str(made["id"]))
        args.created = int(made["id"])
        return int(made["id"])
    found = api.get_project(int(pid))
    if found is None:
        raise LabelStudioError(f"Label Studio at {ls['url']} has no project {pid}; fix project_id under "
                               "[labelstudio]")
    control = lsm.multiple_choices(str(found.get("label_config") or ""))
    lacking = [x for x in sess.labels if control is None or x not in control[2]]
    if args.ls_command == "push" and (control is None or lacking):
        raise LabelStudioError(f"Label Studio project {pid}'s config has no Choices control with choice=\"multiple\" "
                               f"offering {lacking[:8] or sess.labels[:8]}; add them in its Labeling Interface "
                               "(weaklabel never rewrites a team's config); nothing pushed")
    return int(pid)


def cmd_project(proj: Any, args: argparse.Namespace) -> int:
    """Run ``ls push`` or ``ls pull`` on a label-set project.

    ``push`` sends the queue's next ``--n`` items not yet in Label Studio and not answered; ``pull``
    imports every annotation, idempotently (deletions there are retracted here).
    """
    import numpy as np

    from ..io import labelstudio_multilabel as lsm
    from ..review.label_set_session import LabelSetReviewSession
    from ..review.store import ExpertLabelStore
    from .ls_spans import _api

    ls = proj.labelstudio
    if not ls.get("url"):
        raise InputError("labelstudio: weaklabel.toml needs a [labelstudio] table with url = \"http://...\"")
    ns = argparse.Namespace(url=ls["url"], token_env=ls.get("token_env"))
    api = _api(ns)
    sess = LabelSetReviewSession(proj)
    settings = ExpertLabelStore(proj.store_url, project=proj.name)
    key = f"labelstudio:{ls['url'].rstrip('/')}"      # the key class and span projects are bound under
    pid = _ls_project(api, proj, sess, args, settings, key)
    if args.ls_command == "pull":
        from ._args import label_pairs

        label_map = label_pairs(args.label_map, "label-map") if getattr(args, "label_map", None) else None
        records = lsm.parse_label_set_export(api.export(pid), sess.labels, project=pid, users=api.users(),
                                             label_map=label_map)
        unknown = sorted({r["doc_id"] for r in records} - set(sess._pos))
        if unknown and not getattr(args, "allow_unknown_ids", False):
            raise InputError(f"{len(unknown)} annotated item id(s) are not items of {proj.name!r} ({unknown[:5]}); "
                             "nothing imported. Pass --allow-unknown-ids to import the others")
        records = [{**r, "doc_version": sess.versions[r["doc_id"]]} for r in records if r["doc_id"] in sess._pos]
        c = sess.store.import_external(records, origin=f"ls:{pid}:")
        print(f"Pulled label sets from Label Studio project {pid}: {c['added']} new, {c['updated']} updated, "
              f"{c['unchanged']} unchanged, {c['retracted']} retracted"
              + (f"; {len(unknown)} annotations on unknown items left out" if unknown else ""))
        return 0
    have = {str((t.get("data") or {}).get(lsm.DOC_FIELD)) for t in api.tasks(pid, only=["id", "data"])}
    answered = set(sess.store.current()["doc_id"])
    todo = [d for d, _ in sess.order if sess.ids[d] not in have and sess.ids[d] not in answered][:args.n]
    P = sess.marginals[todo].astype(float)
    tasks = lsm.label_set_tasks([sess.ids[d] for d in todo], [sess.texts[d] for d in todo],
                                [sess.model_labels(d) for d in todo],
                                scores=np.mean(np.maximum(P, 1 - P), axis=1) if len(todo) else None,
                                model_version=f"weaklabel-{sess.model_version}")
    if tasks:
        api.import_tasks(pid, tasks)
    made = getattr(args, "created", None) is not None
    print(f"Pushed {len(tasks)} items to Label Studio project {pid}" + (" (created)" if made else "")
          + f", ranked by {proj.strategy!r}, with the model's label sets as predictions; {len(have)} were there "
          "already")
    return 0
