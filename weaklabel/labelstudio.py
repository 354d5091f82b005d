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
    for task in exported:
        if not isinstance(task, dict) or "data" not in task:
            raise InputError(f"file: {path}: every task needs 'data'; got {str(task)[:80]}")
        rid = task["data"].get("row_id")
        if rid is None:
            raise InputError(f"file: task {task.get('id')!r} has no data.row_id; export tasks with weaklabel "
                             "(weaklabel labels export-ls) so annotations can be joined back")
        for ann in task.get("annotations", []):
            if ann.get("was_cancelled"):
                continue
            who = ann.get("completed_by")
            annotator = str(who.get("email") or who.get("id")) if isinstance(who, dict) else f"ls-user-{who}"
            for res in ann.get("result", []):
                if res.get("type") != "choices" or (from_name and res.get("from_name") != from_name):
                    continue
                for choice in res.get("value", {}).get("choices", []):
                    if choice not in known:
                        raise InputError(f"file: task {task.get('id')!r} (row {rid!r}) has label {choice!r}, "
                                         f"not one of {sorted(known)}; fix the labeling config or the LF suite")
                    out.append((rid, choice, annotator))
    return out
