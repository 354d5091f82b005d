"""Label Studio's multi-label round trip.

Items out as tasks with the model's label set as a prediction (a ``Choices`` control with
``choice="multiple"``), annotated sets back as label-set records for
:meth:`~weaklabel.review.label_set_store.LabelSetStore.import_external`.

A task carries the item's text and its id (``data.row_id``, as class tasks do). Tasks made in
Label Studio (no ``row_id``) are skipped on the way back, never an error: a team's own tasks do
not block a pull. An annotation with no choice selected is the empty set (no label applies);
a cancelled one (skipped there) counts as absent, and so does one Label Studio copied from a
prediction with no one looking.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from ..exceptions import InputError
from .labelstudio import _Resolver, is_prediction_copy

DOC_FIELD = "row_id"


def multilabel_config(labels: Sequence[str], *, text_name: str = "text", from_name: str = "labels") -> str:
    """Return a Label Studio config for multi-label items.

    A ``Choices`` control, ``choice="multiple"``, over a ``Text`` object.

    Examples
    --------
    >>> multilabel_config(["joy", "anger"])  # doctest: +ELLIPSIS
    '<View><Text name="text" value="$text"/><Choices name="labels" toName="text" choice="multiple" ...'
    """
    choices = "".join(f'<Choice value="{escape(x, quote=True)}"/>' for x in labels)
    return (f'<View><Text name="{escape(text_name, quote=True)}" value="${escape(text_name)}"/>'
            f'<Choices name="{escape(from_name, quote=True)}" toName="{escape(text_name, quote=True)}" '
            f'choice="multiple" showInline="true">{choices}</Choices></View>')


def multiple_choices(label_config: str) -> tuple[str, str, list[str]] | None:
    """Return the first ``Choices`` control with ``choice="multiple"`` in a config.

    (its name, the object it labels, its values); None when the config has none.
    """
    for m in re.finditer(r"<Choices\b([^>]*)>(.*?)</Choices>", str(label_config or ""), re.S):
        attrs, body = m.group(1), m.group(2)
        if not re.search(r'\bchoice="multiple"', attrs):
            continue
        name = re.search(r'\bname="([^"]+)"', attrs)
        to = re.search(r'\btoName="([^"]+)"', attrs)
        if name and to:
            return name.group(1), to.group(1), re.findall(r'<Choice\b[^>]*\bvalue="([^"]*)"', body)
    return None


def label_set_tasks(ids: Sequence[Any], texts: Sequence[str], sets: Sequence[Sequence[str]] | None = None, *,
                    scores: Sequence[float] | None = None, model_version: str = "weaklabel",
                    from_name: str = "labels", to_name: str = "text") -> list[dict[str, Any]]:
    """Label Studio tasks for items, with ``sets`` (e.g. the model's label sets) as predictions."""
    if len(ids) != len(texts) or (sets is not None and len(sets) != len(ids)) \
            or (scores is not None and len(scores) != len(ids)):
        raise InputError("texts: expected one text (and one label set, one score) per id")
    out = []
    for d, (doc_id, text) in enumerate(zip(ids, texts)):
        task: dict[str, Any] = {"data": {to_name: str(text), DOC_FIELD: str(doc_id)}}
        if sets is not None:
            task["predictions"] = [prediction(sets[d], 1.0 if scores is None else float(scores[d]),
                                              model_version=model_version, from_name=from_name, to_name=to_name)]
        out.append(task)
    return out


def prediction(labels: Sequence[str], score: float, *, model_version: str, from_name: str = "labels",
               to_name: str = "text") -> dict[str, Any]:
    """One prediction: the set as a ``choices`` result (no result when the set is empty)."""
    result = [{"from_name": from_name, "to_name": to_name, "type": "choices",
               "value": {"choices": [str(x) for x in labels]}}] if len(labels) else []
    return {"model_version": model_version, "score": float(score), "result": result}


def parse_label_set_export(exported: Sequence[Mapping[str, Any]], labels: Sequence[str], *, project: Any,
                           users: Mapping[Any, str] | None = None, from_name: str | None = None,
                           label_map: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Read annotated label sets from Label Studio's JSON export, as label-set store records.

    Records have ``doc_id``, ``labels``, ``annotator``, ``external_id`` ``ls:<project>:<annotation id>``
    and ``version``. A value outside ``labels`` (after ``label_map`` and case folding) is an error that
    names the task and the fix.
    """
    res = _Resolver(list(labels), label_map, {str(k): str(v) for k, v in (users or {}).items()})
    for task in exported:
        for ann in task.get("annotations") or []:
            res.learn(ann.get("completed_by"))
    out = []
    for task in exported:
        data = task.get("data") or {}
        doc_id = data.get(DOC_FIELD)
        if doc_id is None or str(doc_id).strip() == "":
            continue                       # made in Label Studio: no item of this project
        where = f"task {task.get('id')}"
        for ann in task.get("annotations") or []:
            if ann.get("was_cancelled") or is_prediction_copy(ann):
                continue
            found: set[str] = set()
            for r in ann.get("result") or []:
                if r.get("type") != "choices" or (from_name is not None and r.get("from_name") != from_name):
                    continue
                found.update(res.label(v, where) for v in (r.get("value") or {}).get("choices") or [])
            out.append({"doc_id": str(doc_id), "labels": [x for x in labels if x in found],
                        "annotator": res.annotator(ann.get("completed_by"), where),
                        "external_id": f"ls:{project}:{ann.get('id')}",
                        "version": str(ann.get("updated_at") or ann.get("created_at") or "")})
    return out
