"""Label Studio interop: queue items out as tasks with predictions, annotations back in
as expert label events.

Tasks follow Label Studio's import format (``data`` + ``predictions`` with
``model_version``, ``score`` and a ``choices`` result); annotations are read from
its JSON export (``annotations[].result[].value.choices``, ``completed_by``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ._atomic import atomic_path
from .exceptions import InputError
from .io import _jsonable


def labeling_config(label_names: Sequence[str], *, text_column: str = "text", from_name: str = "label") -> str:
    """The Label Studio labeling config (XML) matching the exported tasks."""
    choices = "".join(f'<Choice value="{escape(n, quote=True)}"/>' for n in label_names)
    return (f'<View><Text name="{escape(text_column)}" value="${escape(text_column)}"/>'
            f'<Choices name="{escape(from_name)}" toName="{escape(text_column)}" choice="single">'
            f"{choices}</Choices></View>")


def tasks(df: pd.DataFrame, row_ids: Sequence[Any], probs: np.ndarray | None, label_names: Sequence[str], *,
          data_columns: Sequence[str] | None = None, text_column: str = "text", from_name: str = "label",
          model_version: str = "weaklabel") -> list[dict[str, Any]]:
    """Label Studio tasks for ``row_ids`` (e.g. the review queue's top items).

    Parameters
    ----------
    df : DataFrame indexed by row id
    row_ids : sequence
    probs : ndarray of shape (len(df), k), optional
        The label model's probabilities (rows aligned with ``df``); each task gets a
        prediction with the argmax class and its probability as ``score``.
    label_names : sequence of str
    """
    pos = {r: i for i, r in enumerate(df.index)}
    cols = list(data_columns) if data_columns is not None else [text_column]
    out = []
    for rid in row_ids:
        if rid not in pos:
            raise InputError(f"row_ids: {rid!r} is not in df's index")
        i = pos[rid]
        data = {c: _jsonable(df.iloc[i][c]) for c in cols}
        data["row_id"] = _jsonable(rid)
        task: dict[str, Any] = {"data": data}
        if probs is not None:
            c = int(np.argmax(probs[i]))
            task["predictions"] = [{
                "model_version": model_version, "score": float(probs[i, c]),
                "result": [{"from_name": from_name, "to_name": text_column, "type": "choices",
                            "value": {"choices": [label_names[c]]}}]}]
        out.append(task)
    return out


def write_tasks(path: str | os.PathLike[str], task_list: list[dict[str, Any]]) -> Path:
    """Write tasks as a JSON array, atomically."""
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(task_list, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def _annotator(who: Any, where: str) -> str:
    """The annotator of a Label Studio annotation: its email, else its user id."""
    if isinstance(who, dict):
        email, uid = who.get("email"), who.get("id")
        if email:
            return str(email)
        if uid is not None:
            return f"ls-user-{uid}"
    elif who is not None and not isinstance(who, (list, bool)):
        return f"ls-user-{who}"
    raise InputError(f"{where}: an annotation has no completed_by email or id, so its annotator is unknown")


def read_annotations(path: str | os.PathLike[str], label_names: Sequence[str], *,
                     from_name: str | None = None) -> list[tuple[Any, str, str]]:
    """``(row_id, label_name, annotator)`` from a Label Studio JSON export.

    Cancelled (skipped) annotations are left out. The row id comes from
    ``data.row_id`` (written by :func:`tasks`); the annotator from ``completed_by``
    (its email, else its id).
    """
    path = Path(path)
    try:
        exported = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError(f"file: {path} is not a Label Studio JSON export ({exc})") from exc
    if not isinstance(exported, list):
        raise InputError(f"file: {path}: expected a JSON array of tasks (Label Studio's JSON export)")
    known = set(label_names)
    out = []
    for i, task in enumerate(exported):
        where = f"file: {path}: task {task.get('id', i) if isinstance(task, dict) else i!r}"
        if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
            raise InputError(f"{where}: expected an object with a 'data' object (Label Studio's JSON export); "
                             f"got {type(task.get('data') if isinstance(task, dict) else task).__name__}")
        rid = task["data"].get("row_id")
        if rid is None or not str(rid).strip():
            raise InputError(f"{where} has no data.row_id; export tasks with weaklabel "
                             "(weaklabel labels export-ls) so annotations can be joined back")
        anns = task.get("annotations") or []
        if not isinstance(anns, list):
            raise InputError(f"{where}: 'annotations' must be a list, got {type(anns).__name__}")
        for ann in anns:
            if not isinstance(ann, dict):
                raise InputError(f"{where}: an annotation must be an object, got {type(ann).__name__}")
            if ann.get("was_cancelled"):
                continue
            annotator = _annotator(ann.get("completed_by"), where)
            results = ann.get("result") or []
            if not isinstance(results, list):
                raise InputError(f"{where}: an annotation's 'result' must be a list, got {type(results).__name__}")
            for res in results:
                if not isinstance(res, dict) or res.get("type") != "choices" \
                        or (from_name and res.get("from_name") != from_name):
                    continue
                choices = (res.get("value") or {}).get("choices") or []
                if isinstance(choices, str) or not isinstance(choices, list):
                    raise InputError(f"{where}: value.choices must be a list of labels, got {choices!r}")
                if len(choices) > 1:
                    raise InputError(f"{where} (row {rid!r}) has {len(choices)} choices {choices} in one "
                                     "single-choice result; one label per annotation, so fix it in Label Studio")
                for choice in choices:
                    if choice not in known:
                        raise InputError(f"{where} (row {rid!r}) has label {choice!r}, "
                                         f"not one of {sorted(known)}; fix the labeling config or the LF suite")
                    out.append((str(rid), choice, annotator))
    return out
