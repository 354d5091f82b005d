"""The main job end to end: data + LF suite -> L -> label model -> labels on disk."""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from . import __version__
from ._atomic import check_out_dir
from ._runfolder import RunWriter, files_manifest, recover, sha256_path
from ._validation import has_gold
from .analysis import label_counts, lf_report
from .apply import apply_lfs
from .exceptions import InputError
from .io._files import read_json_file
from .io.datasets import DATASETS, load_dataset
from .io.suite import LFSuite, load_suite
from .io.tables import read_table, write_labels
from .labels import LabelSpace
from .matrix import LabelMatrix
from .models import BaseLabelModel, MajorityVote
from .models.registry import MODELS, make_model

log = logging.getLogger(__name__)


GOLD_COLUMN = "label"   # a table's gold, when a column of this name is there and no other is named


def load_items(data: str, *, split: str, data_dir: str | None, id_column: str | None,
               gold_column: str | None, labels: LabelSpace) -> tuple[pd.DataFrame, np.ndarray | None]:
    """Items and gold (-1 = unknown) from a dataset name or a table file."""
    if data in DATASETS:
        ds = load_dataset(data, split=split, data_dir=data_dir)
        if ds.labels.names != labels.names:
            raise InputError(f"lfs: the suite's labels {list(labels.names)} differ from dataset "
                             f"{data!r}'s {list(ds.labels.names)}; use the matching LF suite")
        return ds.df, ds.y
    df = read_table(data, id_column=id_column)
    gold_column = gold_column if gold_column is not None else (GOLD_COLUMN if GOLD_COLUMN in df.columns else None)
    if gold_column is None:
        return df, None
    if gold_column not in df.columns:
        raise InputError(f"gold_column: {gold_column!r} is not a column of {data!r}")
    from ._validation import check_gold

    return df, check_gold(df[gold_column], len(df), name=f"gold column {gold_column!r}", label_space=labels)


def model_with_balance(name: str, class_balance: Any = None) -> BaseLabelModel:
    """``make_model(name)``, with its prior fixed to ``class_balance`` when one is given.

    A model that takes no class balance is then an InputError naming those that do.
    """
    if class_balance is None:
        return make_model(name)
    from .models.registry import _accepts

    if not _accepts(MODELS[name], "class_balance"):
        takes = [m for m in MODELS if _accepts(MODELS[m], "class_balance")]
        raise InputError(f"class_balance: model {name!r} takes no class balance; use one of {takes}")
    return make_model(name, class_balance=np.asarray(class_balance, dtype=float))


def load_eval_items(data: str, eval_split: str, *, data_dir: str | None, id_column: str | None,
                    gold_column: str | None, labels: LabelSpace) -> tuple[pd.DataFrame, np.ndarray, str]:
    """Held-out items with gold to score on, and their name.

    A split of a dataset named by ``data``, or, when ``data`` is a file, a file in the same layout.
    Raises InputError when there is no gold to score on (never scores the fit items in its place).
    """
    if data in DATASETS:
        df, y = load_items(data, split=eval_split, data_dir=data_dir, id_column=id_column,
                           gold_column=gold_column, labels=labels)
        name = eval_split
    else:
        if not Path(eval_split).is_file():
            raise InputError(f"eval_split: {eval_split!r} is not a file; with a data file, name a held-out file "
                             f"in the same layout as {Path(data).name!r} (split names are for dataset names)")
        df, y = load_items(eval_split, split="train", data_dir=None, id_column=id_column, gold_column=gold_column,
                           labels=labels)
        name = Path(eval_split).name
    if y is None or not (y >= 0).any():
        raise InputError(f"eval_split: {name!r} has no gold labels to score on (a 'label' column, or name it "
                         "with --gold-column); give held-out items with labels, or leave it out")
    return df, y, name


@dataclass
class RunResult:
    """What ``run`` produced."""

    L: LabelMatrix
    model: BaseLabelModel
    probs: np.ndarray
    preds: np.ndarray
    summary: pd.DataFrame
    counts: pd.Series
    scores: dict[str, dict[str, float]] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    fit_seconds: float = 0.0
    selection: Any = None  # a ModelSelection when model="auto"


def run(data: str, lfs: str | LFSuite, *, out: str | os.PathLike[str] | None = "weaklabel-out",
        split: str = "train", data_dir: str | None = None, model: str = "label_model",
        id_column: str | None = None, gold_column: str | None = None, fault_tolerant: bool = False,
        eval_split: str | None = None, metrics: tuple[str, ...] = ("accuracy",), n_jobs: int = 1,
        cache: str | os.PathLike[str] | None = None, class_balance: Any = None) -> RunResult:
    """Apply an LF suite, fit a label model, and write ``labels.csv``, ``L.npz``, ``summary.json``.

    Parameters
    ----------
    data : str
        A dataset name (``breast_cancer``, ``youtube``, ``sms``) or a CSV/Parquet/JSONL file.
    lfs : str or LFSuite
        LF module path or name (``lfs/spam.py``, ``lfs.spam``).
    out : path or None
        Output folder; None writes nothing.
    split : str
        Dataset split to fit on (dataset names only).
    model : str
        A name from :data:`weaklabel.models.MODELS`, or ``"auto"``: chosen by cross-validated
        score on the fit split's gold (:func:`weaklabel.models.select_model`), then fitted with
        that gold as partial labels (its scores on the fit split are then not held out).
    eval_split : str, optional
        Also apply the LFs to held-out items and score the model and majority vote on their
        gold: a split name for a dataset, or a file in the same layout as ``data`` for a file.
    metrics : tuple of str
        Metrics for scores on gold.
    n_jobs, cache
        See :func:`~weaklabel.apply.apply_lfs`.
    class_balance : array-like of shape (k,), optional
        A known class balance: the model's prior is fixed to it (:func:`model_with_balance`).
    """
    suite = load_suite(lfs) if isinstance(lfs, str) else lfs
    df, gold = load_items(data, split=split, data_dir=data_dir, id_column=id_column,
                          gold_column=gold_column, labels=suite.labels)
    L = apply_lfs(suite.lfs, df, label_space=suite.labels, fault_tolerant=fault_tolerant, n_jobs=n_jobs,
                  cache=cache)
    selection = None
    t0 = time.perf_counter()
    if model == "auto":  # gold chooses the model, and is then given to it as partial labels
        from .models.select import select_model

        if not has_gold(gold):
            raise InputError("model: 'auto' chooses a label model by cross-validated score on the fit split's "
                             "gold, and this data has none; give it a gold column (--gold-column) or pick a "
                             "split with labels, or name a model (label_model is the default)")
        selection = select_model(L, gold)
        est = model_with_balance(selection.name, class_balance)
        est.fit(L, gold)
    else:
        est = model_with_balance(model, class_balance)
        est.fit(L)  # unsupervised: gold is for scoring only
    fit_seconds = time.perf_counter() - t0
    preds, probs = est.predict(L, tie_break_policy="abstain", return_probs=True)  # no votes: no label
    summary = lf_report(L, gold if has_gold(gold) else None, model=est)
    counts = label_counts(preds, suite.labels.names, no_votes=(L.votes >= 0).sum(axis=1) == 0)
    res = RunResult(L, est, probs, preds, summary, counts, fit_seconds=fit_seconds, selection=selection)
    fit_name = split if data in DATASETS else Path(data).name   # the split scored, by its name
    if has_gold(gold):
        res.scores[fit_name] = _scores(est, L, gold, metrics)
    if eval_split is not None:
        ev_df, ev_y, ev_name = load_eval_items(data, eval_split, data_dir=data_dir, id_column=id_column,
                                               gold_column=gold_column, labels=suite.labels)
        L_ev = apply_lfs(suite.lfs, ev_df, label_space=suite.labels, fault_tolerant=fault_tolerant)
        res.scores[ev_name] = _scores(est, L_ev, ev_y, metrics)
        mv = MajorityVote().fit(L)
        res.scores[f"{ev_name} (majority vote)"] = _scores(mv, L_ev, ev_y, metrics)
    if out is not None:
        res.files = _write(check_out_dir(out, "out"), res, suite, data, model)
    return res


def _scores(est: BaseLabelModel, L: LabelMatrix, y: np.ndarray, metrics: tuple[str, ...]) -> dict[str, float]:
    """Scores of the labels ``run`` writes.

    The metrics on the gold rows that got a label, their coverage, and accuracy over every gold row with
    the unlabeled ones counted wrong (rows no LF voted on, and ties, get no label in ``labels.csv``).
    """
    from .evaluate import metric_scores

    preds, probs = est.predict(L, tie_break_policy="abstain", return_probs=True)   # one prediction for both
    out = metric_scores(y, preds, est.cardinality_, (*metrics, "coverage"), probs=probs)
    known = y >= 0
    out["accuracy_all_rows"] = float(np.mean(preds[known] == y[known])) if known.any() else float("nan")
    out["gold_rows"] = int(known.sum())
    return out


def verify_run(out: str | os.PathLike[str]) -> dict[str, Any]:
    """Check that ``out`` holds one run's outputs, whole; returns its summary.

    Runs commit their outputs together (``weaklabel._runfolder``): this first finishes a
    commit that a killed run began. ``summary.json`` lists the sha256 of every output, so
    files from two runs, or changed since, are refused.

    Raises
    ------
    InputError
        The summary is missing or a file does not match it.
    """
    out = Path(out)
    recover(out)
    path = out / "summary.json"
    if not path.is_file():
        raise InputError(f"out: {out} has no summary.json, so its outputs are not one finished run "
                         "(a run was interrupted?); run again")
    summary = read_json_file(path, "out")
    files = summary.get("files") if isinstance(summary, dict) else None
    if not isinstance(files, dict) or not all(isinstance(m, dict) and {"file", "sha256"} <= set(m)
                                              for m in files.values()):
        raise InputError(f"out: {path} is not a weaklabel run summary (no files with their sha256); run again")
    for _name, meta in files.items():
        f = out / meta["file"]
        if not f.exists() or sha256_path(f) != meta["sha256"]:
            raise InputError(f"out: {f.name} in {out} is not the file of run {summary.get('run_id')} "
                             "(outputs of two runs are mixed, or it was changed since); run again")
    return cast("dict[str, Any]", summary)


def load_run_matrix(path: str | os.PathLike[str]) -> LabelMatrix:
    """Load ``--L``.

    When it is a run's ``L.npz`` (a summary.json lists it), check first that the folder holds that one
    run whole.
    """
    p = Path(path)
    recover(p.parent)
    summary = p.parent / "summary.json"
    if summary.is_file():
        try:
            listed = {m.get("file") for m in (read_json_file(summary, "L").get("files") or {}).values()}
        except (InputError, AttributeError):
            listed = {p.name}   # a summary beside it that cannot be read: verify_run says why
        if p.name in listed:
            verify_run(p.parent)
    return LabelMatrix.load(p)


def _write(out: Path, res: RunResult, suite: LFSuite, data: str, model: str) -> dict[str, Path]:
    with RunWriter(out) as w:
        labels = write_labels(w.path("labels.csv"), res.L.row_ids, res.probs, res.preds, res.L, suite.labels.names)
        matrix = res.L.save(w.path("L.npz"))
        summary = {
            "run_id": w.run_id,
            "files": files_manifest(out, {"labels": labels.name, "L": matrix.name}),
            "weaklabel_version": __version__,
            "data": data,
            "lf_suite": suite.name,
            "n_rows": res.L.n_rows,
            "n_lfs": res.L.n_lfs,
            "labels": list(suite.labels.names),
            **({"model_selection": {"chosen": res.selection.name, "runner_up": res.selection.runner_up,
                                    "cv": json.loads(res.selection.table.to_json(orient="index"))}}
               if res.selection is not None else {}),
            "model": {"name": model if res.selection is None else res.selection.name,
                      "class": type(res.model).__name__,
                      "algorithm_version": getattr(res.model, "ALGORITHM_VERSION", None),
                      "params": {k: _jsonable(v) for k, v in res.model.get_params().items()},
                      "fit_seconds": res.fit_seconds,
                      "class_balance": res.model.class_balance_.tolist()},
            "coverage": float((res.L.votes >= 0).any(axis=1).mean()),
            "label_counts": {str(k): int(v) for k, v in res.counts.items()},
            "scores": res.scores,
            "lf_summary": json.loads(res.summary.to_json(orient="index")),
            "apply": res.L.apply_report.to_frame().to_dict(orient="index") if res.L.apply_report else None,
        }
        w.path("summary.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
        return {{"labels.csv": "labels", "L.npz": "L", "summary.json": "summary"}[n]: p
                for n, p in w.commit().items()}


def _jsonable(v: Any) -> Any:
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, (np.generic,)):
        return v.item()
    return v
