"""Reading multi-label sets in GoEmotions' layout.

A folder with ``labels.txt`` (one label name per line, or whitespace-separated) and
``{train,dev,test}.tsv`` with rows ``text <TAB> label ids (comma-separated) <TAB> id`` and no header
(Demszky et al., 2020).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd

from ..exceptions import DatasetNotFoundError, InputError

SPLITS = ("train", "dev", "test")


def is_multilabel_folder(path: str | os.PathLike[str]) -> bool:
    """Return a folder with ``labels.txt`` and at least one of ``train.tsv`` / ``dev.tsv`` / ``test.tsv``."""
    p = Path(path)
    return p.is_dir() and (p / "labels.txt").is_file() and any((p / f"{s}.tsv").is_file() for s in SPLITS)


def read_labels(folder: str | os.PathLike[str]) -> list[str]:
    """Return the label names in ``labels.txt``'s order."""
    path = Path(folder) / "labels.txt"
    if not path.is_file():
        raise DatasetNotFoundError(f"{folder}: no labels.txt naming the labels")
    names = path.read_text(encoding="utf-8").split()
    if not names or len(set(names)) != len(names):
        raise InputError(f"{path}: expected distinct label names, got {names[:10]}")
    return names


def read_multilabel_split(folder: str | os.PathLike[str], split: str) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """(frame with ``text`` and ``id``, (n, k) 0/1 gold matrix, label names) of one split."""
    labels = read_labels(folder)
    path = Path(folder) / f"{split}.tsv"
    if not path.is_file():
        raise DatasetNotFoundError(f"{folder}: no {split}.tsv")
    df = pd.read_csv(path, sep="\t", header=None, names=["text", "labels", "id"], quoting=3, dtype=str,
                     keep_default_na=False)
    Y = np.zeros((len(df), len(labels)), dtype=np.int8)
    for i, cell in enumerate(df["labels"].tolist()):
        try:
            ids = [int(x) for x in cell.split(",") if x.strip()]
        except ValueError:
            raise InputError(f"{path}, line {i + 1}: labels {cell!r} are not comma-separated label ids") from None
        if any(not 0 <= x < len(labels) for x in ids):
            raise InputError(f"{path}, line {i + 1}: label id out of range 0..{len(labels) - 1} in {cell!r}")
        Y[i, ids] = 1
    return df[["id", "text"]].reset_index(drop=True), Y, labels
