"""WRENCH-format folders.

``label.json`` plus ``train/valid/test.json`` with each item's ``data``, gold ``label`` and LF votes
(``weak_labels``).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from .._atomic import atomic_path
from ..exceptions import DatasetNotFoundError, InputError
from ..labels import LabelSpace
from ..matrix import LabelMatrix
from ._files import read_json_file

WRENCH_SPLITS = ("train", "valid", "test")


@dataclass
class WrenchSplit:
    """One split of a WRENCH-format dataset.

    Attributes
    ----------
    df : DataFrame
        The ``data`` fields of each item (e.g. ``text``), indexed by item id, with a
        ``label`` column (gold; -1 where unknown).
    L : LabelMatrix
        The stored LF votes (``weak_labels``).
    """

    df: pd.DataFrame
    L: LabelMatrix

    @property
    def y(self) -> np.ndarray:
        """Gold labels (-1 where the split has none)."""
        return cast("np.ndarray", self.df["label"].to_numpy())


def read_wrench_labels(folder: str | os.PathLike[str]) -> LabelSpace:
    """Read ``label.json`` (``{"0": "HAM", "1": "SPAM"}``) as a LabelSpace."""
    path = Path(folder) / "label.json"
    if not path.is_file():
        raise DatasetNotFoundError(f"WRENCH folder {str(folder)!r} has no label.json (looked at {path})")
    try:
        mapping = read_json_file(path, "label.json")
        return LabelSpace([mapping[str(i)] for i in range(len(mapping))])
    except (KeyError, TypeError) as exc:
        raise InputError(f"{path}: expected {{\"0\": name, \"1\": name, ...}}, could not read it ({exc})") from exc


def read_wrench_split(folder: str | os.PathLike[str], split: str,
                      label_space: LabelSpace | None = None) -> WrenchSplit:
    """Read ``<folder>/<split>.json`` in WRENCH's format.

    Parameters
    ----------
    folder : path
        A WRENCH dataset folder (``train.json``, ``valid.json``, ``test.json``, ``label.json``).
    split : {"train", "valid", "test"}
    label_space : LabelSpace, optional
        Defaults to ``label.json``.
    """
    folder = Path(folder)
    path = folder / f"{split}.json"
    if not path.is_file():
        have = sorted(p.stem for p in folder.glob("*.json")) if folder.is_dir() else []
        raise DatasetNotFoundError(
            f"WRENCH split {split!r} not found: looked for {path}; the folder holds {have or 'nothing'}")
    if label_space is None:
        label_space = read_wrench_labels(folder)
    raw: dict[str, Any] = read_json_file(path, f"{split} split")
    if not isinstance(raw, dict) or not raw:
        raise InputError(f"{path}: expected a non-empty object of id -> item")
    ids, records, votes, gold = [], [], [], []
    for key, item in raw.items():
        try:
            records.append(dict(item["data"]))
            votes.append(item["weak_labels"])
            gold.append(item.get("label", -1) if item.get("label") is not None else -1)
        except (KeyError, TypeError) as exc:
            raise InputError(f"{path}: item {key!r} lacks 'data' or 'weak_labels' ({exc})") from exc
        ids.append(key)
    widths = {len(v) for v in votes}
    if len(widths) != 1:
        raise InputError(f"{path}: items have different numbers of weak labels {sorted(widths)}")
    index = pd.Index(_maybe_int(ids), name="row_id")
    df = pd.DataFrame.from_records(records, index=index)
    df["label"] = np.asarray(gold, dtype=np.int64)
    m = widths.pop()
    lf_names = _wrench_lf_names(folder, m)
    L = LabelMatrix(np.asarray(votes, dtype=np.int64), lf_names, index.to_numpy(), label_space)
    return WrenchSplit(df, L)


def _maybe_int(ids: list[str]) -> list[Any]:
    try:
        return [int(i) for i in ids]
    except ValueError:
        return ids


def _wrench_lf_names(folder: Path, m: int) -> list[str]:
    """LF names from the readme's 'Labeling functions list' when it names m of them."""
    readme = folder / "readme.txt"
    if readme.is_file():
        names: list[str] = []
        started = False
        for line in readme.read_text(encoding="utf-8", errors="replace").splitlines():
            if "labeling functions list" in line.lower():
                started = True
                continue
            if started:
                tok = line.strip().rstrip(",")
                if not tok:
                    if names:
                        break
                    continue
                if not tok.replace("_", "").isalnum():
                    break
                names.append(tok.lower())
        if len(names) == m and len(set(names)) == m:
            return names
    return [f"lf_{j}" for j in range(m)]


def write_wrench_split(folder: str | os.PathLike[str], split: str, df: pd.DataFrame, L: LabelMatrix,
                       *, label_column: str = "label", data_columns: list[str] | None = None) -> Path:
    """Write a split in WRENCH's format (and ``label.json`` when L has a label space)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    cols = data_columns or [c for c in df.columns if c != label_column]
    gold = df[label_column].to_numpy() if label_column in df.columns else np.full(len(df), -1)
    out = {}
    for i, rid in enumerate(L.row_ids.tolist()):
        out[str(rid)] = {"label": int(gold[i]), "weak_labels": L.votes[i].astype(int).tolist(),
                         "data": {c: _jsonable(df[c].iloc[i]) for c in cols}}
    path = folder / f"{split}.json"
    _atomic_write_text(path, json.dumps(out))
    if L.label_space is not None:
        _atomic_write_text(folder / "label.json",
                           json.dumps({str(i): n for i, n in enumerate(L.label_space.names)}))
    return path


def _jsonable(v: Any) -> Any:
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, float) and v != v:
        return None
    return v


def _atomic_write_text(path: Path, text: str) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding="utf-8")
