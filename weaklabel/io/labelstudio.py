"""Label Studio interop: queue items out as tasks with predictions, annotations back in as expert label events.

Tasks follow Label Studio's import format (``data`` + ``meta`` + ``predictions`` with
``model_version``, ``score`` and a ``choices`` result). Annotations come back from any of
its exports for choices (JSON, JSON_MIN, CSV, TSV), keyed by annotation id and
``updated_at`` so that re-importing is idempotent (see ``ExpertLabelStore.import_external``).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from .._atomic import atomic_path
from ..exceptions import InputError
from ._files import read_json_file
from .wrench import _jsonable

SOURCE_KEY = "weaklabel_source"  # in task meta and data: did the row come from the queue or the audit sample?


LF_VOTES_FIELD = "weaklabel_lf_votes"   # task data: the LFs that fired and their votes, as text


def votes_text(votes: dict[str, str]) -> str:
    """``{"promo": "SPAM", "fan": "HAM"}`` -> ``"promo: SPAM · fan: HAM"`` (or that none fired)."""
    return " · ".join(f"{lf}: {label}" for lf, label in votes.items()) or "no LF voted"


def labeling_config(label_names: Sequence[str], *, text_column: str = "text", from_name: str = "label") -> str:
    """Return the Label Studio labeling config (XML) matching the exported tasks.

    The text, the choices, and the LFs' votes in a panel below (``$weaklabel_lf_votes``).
    """
    choices = "".join(f'<Choice value="{escape(n, quote=True)}"/>' for n in label_names)
    return (f'<View><Text name="{escape(text_column)}" value="${escape(text_column)}"/>'
            f'<Choices name="{escape(from_name)}" toName="{escape(text_column)}" choice="single">'
            f"{choices}</Choices>"
            # Headers, not a Text object: Label Studio then accepts tasks without the field (a
            # team's own), where a Text object would make it refuse them
            f'<View style="margin-top: 1em; color: #555"><Header value="What the labeling functions say" size="6"/>'
            f'<Header value="${LF_VOTES_FIELD}" size="5"/></View></View>')


def missing_choices(label_config: str, label_names: Sequence[str]) -> list[str]:
    """Return the label names that no ``<Choices>`` of a Label Studio labeling config offers.

    A name is offered by value or alias, case aside (none is when the config is not XML): a team's
    config may differ from weaklabel's in any other way.
    """
    found = read_controls(label_config, label_names)
    return [n for n in label_names if found is None or n not in found["values"]]


def read_controls(label_config: str, label_names: Sequence[str]) -> dict[str, Any] | None:
    """Return what a team's labeling config names.

    The ``<Choices>`` control that offers the most of ``label_names`` (``from_name``, and ``to_name``,
    the object it labels), the task field that object shows (``field``: ``$review`` -> ``"review"``),
    and each label's value in results (``values``: a ``<Choice>``'s ``alias`` where it has one, else its
    ``value``; matched by case too). None when the config is not XML or offers none of the labels.
    """
    import xml.etree.ElementTree as ET

    try:
        root = ET.fromstring(label_config or "")
    except ET.ParseError:
        return None
    best: dict[str, Any] | None = None
    for ch in root.iter("Choices"):
        by_text: dict[str, str] = {}
        for c in ch.iter("Choice"):
            shown = str(c.get("value") or "")
            stored = str(c.get("alias") or shown)
            for key in {shown, stored}:
                by_text.setdefault(key.casefold(), stored)
        values = {n: by_text[n.casefold()] for n in label_names if n.casefold() in by_text}
        if values and (best is None or len(values) > len(best["values"])):
            best = {"from_name": ch.get("name") or "label", "to_name": ch.get("toName") or "", "values": values}
    if best is None:
        return None
    target = next((el for el in root.iter() if el.get("name") == best["to_name"] and el is not root), None)
    value = str(target.get("value") or "") if target is not None else ""
    best["field"] = value[1:] if value.startswith("$") else None
    return best


def prediction(probs: np.ndarray, label_names: Sequence[str], *, from_name: str, to_name: str,
               model_version: str, values: dict[str, str] | None = None) -> dict[str, Any]:
    """Return a Label Studio prediction of the most probable label.

    The label is written in the config's ``values`` where it names one (an alias, another case).
    """
    c = int(np.argmax(probs))
    name = label_names[c]
    return {"model_version": model_version, "score": float(probs[c]),
            "result": [{"from_name": from_name, "to_name": to_name, "type": "choices",
                        "value": {"choices": [(values or {}).get(name, name)]}}]}


def tasks(df: pd.DataFrame, row_ids: Sequence[Any], probs: np.ndarray | None, label_names: Sequence[str], *,
          data_columns: Sequence[str] | None = None, text_column: str = "text", from_name: str = "label",
          model_version: str = "weaklabel", sources: Sequence[str] | None = None, to_name: str | None = None,
          values: dict[str, str] | None = None, lf_votes: Sequence[dict[str, str]] | None = None
          ) -> list[dict[str, Any]]:
    """Label Studio tasks for ``row_ids`` (e.g. the review queue's top items).

    Parameters
    ----------
    df : DataFrame indexed by row id
    row_ids : sequence
    probs : ndarray of shape (len(df), k), optional
        The label model's probabilities (rows aligned with ``df``); each task gets a
        prediction with the argmax class and its probability as ``score``.
    label_names : sequence of str
    model_version : str
        Names the model fit behind the predictions (it should change at every refit).
    sources : sequence of str, optional
        "queue" or "audit" per row id: written to the task's ``meta`` and ``data``
        (flat exports keep only data), and honoured on import so audit labels train
        the model.
    to_name, values : optional
        A team's config: the object its Choices label (default ``text_column``), and each
        label's value there (see :func:`read_controls`).
    lf_votes : sequence of dict, optional
        Per row id, the LFs that fired and their labels: kept in ``meta["lf_votes"]`` and, as
        text, in ``data["weaklabel_lf_votes"]``, which weaklabel's config shows annotators.
    """
    if lf_votes is not None and len(lf_votes) != len(row_ids):
        raise InputError(f"lf_votes: expected one per row id ({len(row_ids)}), got {len(lf_votes)}")
    if sources is not None and len(sources) != len(row_ids):
        raise InputError(f"sources: expected one per row id ({len(row_ids)}), got {len(sources)}")
    pos = {r: i for i, r in enumerate(df.index)}
    cols = list(data_columns) if data_columns is not None else [text_column]
    out: list[dict[str, Any]] = []
    for rid in row_ids:
        if rid not in pos:
            raise InputError(f"row_ids: {rid!r} is not in df's index")
        i = pos[rid]
        data = {c: _jsonable(df.iloc[i][c]) for c in cols}
        data["row_id"] = _jsonable(rid)
        task: dict[str, Any] = {"data": data}
        if sources is not None:
            data[SOURCE_KEY] = str(sources[len(out)])
            task["meta"] = {SOURCE_KEY: str(sources[len(out)])}
        if lf_votes is not None:
            task.setdefault("meta", {})["lf_votes"] = dict(lf_votes[len(out)])
            data[LF_VOTES_FIELD] = votes_text(lf_votes[len(out)])
        if probs is not None:
            task["predictions"] = [prediction(probs[i], label_names, from_name=from_name,
                                              to_name=to_name or text_column, model_version=model_version,
                                              values=values)]
        out.append(task)
    return out


def write_tasks(path: str | os.PathLike[str], task_list: list[dict[str, Any]]) -> Path:
    """Write tasks as a JSON array, atomically."""
    path = Path(path)
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(task_list, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def read_annotator_map(path: str | os.PathLike[str]) -> dict[str, str]:
    """Read a map from Label Studio user id to annotator (an email).

    The file is a CSV with ``id`` and ``email`` columns (e.g. Label Studio's user list) or a JSON object
    ``{"1": "ana@example.com"}``.
    """
    path = Path(path)
    try:
        if path.suffix.lower() == ".json":
            raw = read_json_file(path, "annotator-map")   # a BOM (Windows editors) is fine
            if not isinstance(raw, dict):
                raise InputError(f"annotator-map: {path} must be a JSON object of id -> email")
            return {str(k): str(v) for k, v in raw.items()}
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise InputError(f"annotator-map: cannot read {path} ({exc})") from exc
    if not {"id", "email"} <= set(table.columns):
        raise InputError(f"annotator-map: {path} needs columns id and email; it has {list(table.columns)}")
    return dict(zip(table["id"].str.strip(), table["email"].str.strip()))


class _Resolver:
    """Label Studio's choice values and user ids -> weaklabel's label names and annotators."""

    def __init__(self, label_names: Sequence[str], label_map: dict[str, str] | None,
                 annotator_map: dict[str, str] | None) -> None:
        self.names = list(label_names)
        self.label_map = dict(label_map or {})
        bad = sorted(set(self.label_map.values()) - set(self.names))
        if bad:
            raise InputError(f"label-map: maps to {bad}, which are not labels of this project {self.names}")
        folded: dict[str, list[str]] = {}
        for n in self.names:
            folded.setdefault(n.casefold(), []).append(n)
        self.folded = {k: v[0] for k, v in folded.items() if len(v) == 1}
        self.users = dict(annotator_map or {})

    def label(self, value: Any, where: str) -> str:
        v = str(value)
        if v in self.label_map:
            return self.label_map[v]
        if v in self.names:
            return v
        if v.casefold() in self.folded:  # "ham" in Label Studio, "HAM" here
            return self.folded[v.casefold()]
        raise InputError(f"{where} has label {v!r}, not one of {sorted(self.names)}; map it with "
                         f"--label-map {v}=<label>, or fix the labeling config or the LF suite")

    def learn(self, who: Any) -> None:
        # an export that names a user's email once resolves that user's bare ids elsewhere
        if isinstance(who, dict) and who.get("email") and who.get("id") is not None:
            self.users.setdefault(str(who["id"]), str(who["email"]))

    def annotator(self, who: Any, where: str) -> str:
        if isinstance(who, dict):
            if who.get("email"):
                return str(who["email"])
            who = who.get("id")
        if who is None or isinstance(who, (list, bool)) or str(who).strip() == "":
            raise InputError(f"{where}: an annotation has no completed_by email or id, so its annotator is unknown")
        who = str(who).strip()
        if "@" in who:
            return cast("str", who)
        if who.endswith(".0") and who[:-2].isdigit():
            who = who[:-2]
        return self.users.get(who, f"ls-user-{who}")


def annotation_meta(annotation: dict[str, Any]) -> dict[str, Any]:
    """Return what Label Studio knows of an annotation that the store keeps beside the label.

    The seconds the annotator spent (``lead_time``), whether it is marked ground truth, its own times,
    and the prediction it started from.
    """
    return {k: annotation[k] for k in ("lead_time", "ground_truth", "created_at", "updated_at", "parent_prediction")
            if annotation.get(k) is not None}


def is_prediction_copy(annotation: dict[str, Any]) -> bool:
    """Tell whether Label Studio made this annotation from a model's prediction with no one looking.

    That is its bulk "Create Annotations From Predictions": the annotation names its parent prediction
    and has no lead time. An expert who submits a pre-selected prediction spends time on it, so theirs
    is kept. Such copies are the model's labels, not an expert's: never stored as gold.
    """
    return annotation.get("parent_prediction") not in (None, "") and not annotation.get("lead_time")


def _source(*places: Any) -> str:
    for place in places:
        if isinstance(place, dict) and place.get(SOURCE_KEY) in ("queue", "audit"):
            return str(place[SOURCE_KEY])
    return "import"


def read_export(path: str | os.PathLike[str], label_names: Sequence[str], *, from_name: str | None = None,
                label_map: dict[str, str] | None = None,
                annotator_map: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Annotations from any Label Studio export of a choices task: JSON, JSON_MIN, CSV or TSV.

    Returns one dict per annotation in force: ``row_id``, ``label`` (a label name of this
    project), ``annotator``, ``external_id`` (the annotation id), ``version`` (its
    ``updated_at``) and ``source`` ("queue" or "audit" when weaklabel exported the task,
    else "import"). Cancelled annotations are left out. Every value is checked before
    anything is returned, so a bad export writes nothing.

    Parameters
    ----------
    label_names : sequence of str
    from_name : str, optional
        The ``Choices`` control to read (default: any choices result; the column named
        ``label`` in flat exports).
    label_map : dict, optional
        Label Studio value or alias -> label name (``{"ham": "HAM"}``); case-only
        differences are resolved without it.
    annotator_map : dict, optional
        Label Studio user id -> annotator name (see :func:`read_annotator_map`); without
        it a bare id becomes ``ls-user-<id>``, unless the export names that user's email.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv"):
        try:
            table = pd.read_csv(path, sep="\t" if suffix == ".tsv" else ",", dtype=str, keep_default_na=False)
        except (OSError, ValueError) as exc:
            raise InputError(f"file: {path} is not a Label Studio CSV/TSV export ({exc})") from exc
        return _flat(table.to_dict("records"), path, _Resolver(label_names, label_map, annotator_map), from_name)
    exported = read_json_file(path, "file")   # a BOM (Windows editors) is fine
    return parse_export(exported, label_names, from_name=from_name, label_map=label_map,
                        annotator_map=annotator_map, name=path)


def parse_export(exported: Any, label_names: Sequence[str], *, from_name: str | None = None,
                 label_map: dict[str, str] | None = None, annotator_map: dict[str, str] | None = None,
                 name: Any = "export") -> list[dict[str, Any]]:
    """:func:`read_export` on an export already in memory (a JSON or JSON_MIN list), e.g. one fetched through the API.

    ``name`` labels it in messages.
    """
    res = _Resolver(label_names, label_map, annotator_map)
    if not isinstance(exported, list):
        raise InputError(f"file: {name}: expected a JSON array of tasks (Label Studio's JSON export)")
    if exported and all(isinstance(t, dict) and "annotation_id" in t and "data" not in t for t in exported):
        return _flat(exported, name, res, from_name)  # JSON_MIN
    return _full(exported, name, res, from_name)


def _flat(records: list[dict[str, Any]], path: Path, res: _Resolver, from_name: str | None) -> list[dict[str, Any]]:
    """JSON_MIN, CSV and TSV: one record per annotation, data fields flattened beside it."""
    col = from_name or "label"
    out = []
    for i, rec in enumerate(records):
        where = f"file: {path}: record {i + 1} (task {rec.get('id', '?')})"
        missing = [c for c in ("row_id", "annotation_id", col) if c not in rec]
        if missing:
            raise InputError(f"{where} lacks {missing}; export tasks with weaklabel (labels export-ls) and the "
                             f"choices control named {col!r} (or pass --from-name)")
        value = rec[col]
        if isinstance(value, dict):  # JSON_MIN of a multi-choice control
            value = value.get("choices")
        if isinstance(value, list):
            if len(value) != 1:
                raise InputError(f"{where} (row {rec['row_id']!r}) has {len(value)} choices {value}; "
                                 "one label per annotation")
            value = value[0]
        if value is None or str(value) == "":
            continue  # an annotation without a choice for this control
        out.append({"row_id": str(rec["row_id"]), "label": res.label(value, f"{where} (row {rec['row_id']!r})"),
                    "annotator": res.annotator(rec.get("annotator"), where),
                    "external_id": str(rec["annotation_id"]).removesuffix(".0"),
                    "version": str(rec.get("updated_at") or rec.get("created_at") or ""),
                    "source": _source(rec)})
    return out


def _full(exported: list[Any], path: Path, res: _Resolver, from_name: str | None) -> list[dict[str, Any]]:
    """Label Studio's JSON export: tasks with ``data``, ``meta`` and ``annotations``."""
    for task in exported:
        for ann in (task.get("annotations") or []) if isinstance(task, dict) else []:
            if isinstance(ann, dict):
                res.learn(ann.get("completed_by"))
    out = []
    for i, task in enumerate(exported):
        where = f"file: {path}: task {task.get('id', i) if isinstance(task, dict) else i!r}"
        rid, anns = _task_row(task, where)
        source = _source(task.get("meta"), task["data"])
        for j, ann in enumerate(anns):
            if not isinstance(ann, dict):
                raise InputError(f"{where}: an annotation must be an object, got {type(ann).__name__}")
            if ann.get("was_cancelled") or is_prediction_copy(ann):
                continue
            annotator = res.annotator(ann.get("completed_by"), where)
            for choice in _single_choices(ann, where, rid, from_name):
                out.append({"row_id": str(rid), "label": res.label(choice, f"{where} (row {rid!r})"),
                            "annotator": annotator,
                            "external_id": str(ann.get("id", f"{task.get('id', i)}-{j}")),
                            "version": str(ann.get("updated_at") or ann.get("created_at") or ""),
                            "source": source, "meta": annotation_meta(ann)})
    return out


def _task_row(task: Any, where: str) -> tuple[Any, list[Any]]:
    """Return a task's ``data.row_id`` and its annotations, or an error that says what is missing."""
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
    return rid, anns


def _single_choices(ann: dict[str, Any], where: str, rid: Any, from_name: str | None) -> list[Any]:
    """Return the labels an annotation's ``choices`` results give (of control ``from_name``, if named).

    At most one per result.
    """
    results = ann.get("result") or []
    if not isinstance(results, list):
        raise InputError(f"{where}: an annotation's 'result' must be a list, got {type(results).__name__}")
    out: list[Any] = []
    for res_ in results:
        if not isinstance(res_, dict) or res_.get("type") != "choices" \
                or (from_name and res_.get("from_name") != from_name):
            continue
        choices = (res_.get("value") or {}).get("choices") or []
        if isinstance(choices, str) or not isinstance(choices, list):
            raise InputError(f"{where}: value.choices must be a list of labels, got {choices!r}")
        if len(choices) > 1:
            raise InputError(f"{where} (row {rid!r}) has {len(choices)} choices {choices} in one "
                             "single-choice result; one label per annotation, so fix it in Label Studio")
        out += choices
    return out


def read_annotations(path: str | os.PathLike[str], label_names: Sequence[str], *,
                     from_name: str | None = None) -> list[tuple[Any, str, str]]:
    """``(row_id, label_name, annotator)`` from a Label Studio export (see :func:`read_export`)."""
    return [(r["row_id"], r["label"], r["annotator"]) for r in read_export(path, label_names, from_name=from_name)]
