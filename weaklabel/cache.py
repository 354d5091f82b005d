"""Cached re-apply: each LF's vote column on disk, keyed by what decides it.

Key = the LF's identity (name + source hash + resources/closure hash, see
``LabelingFunction.fingerprint``), a fingerprint of the data the LF reads (the
declared columns' values and index), and the number of classes. Edit one LF of m
and only that LF runs again; change the data and every key changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from ._atomic import atomic_path
from ._runcache import cached

DEFAULT_CACHE_DIR = ".weaklabel-cache"


def data_fingerprint(df: pd.DataFrame, columns: tuple[str, ...] | None) -> str:
    """sha256 of the index and the given columns' values, names and dtypes (once per run)."""
    cols = list(columns) if columns is not None else list(df.columns)

    def compute() -> str:
        h = hashlib.sha256()
        h.update(repr([(str(c), str(df[c].dtype)) for c in cols]).encode())
        frame = df[cols] if cols else df.iloc[:, :0]
        h.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
        return h.hexdigest()

    return cached(("data_fingerprint", id(df), tuple(cols)), compute)


class VoteCache:
    """A folder of ``<key>.npy`` vote columns (no pickles)."""

    def __init__(self, folder: str | os.PathLike[str] = DEFAULT_CACHE_DIR) -> None:
        self.folder = Path(folder)

    def key(self, lf, df: pd.DataFrame, k: int | None) -> str:
        h = hashlib.sha256(f"{lf.fingerprint}|{data_fingerprint(df, lf.columns)}|{k}".encode())
        return h.hexdigest()[:32]

    def get(self, key: str, n_rows: int) -> np.ndarray | None:
        path = self.folder / f"{key}.npy"
        try:
            votes = np.load(path, allow_pickle=False)
        except (OSError, ValueError, EOFError):
            return None
        return votes if votes.shape == (n_rows,) and votes.dtype == np.int8 else None

    def put(self, key: str, votes: np.ndarray) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(self.folder / f"{key}.npy") as tmp, open(tmp, "wb") as fh:
            np.save(fh, votes.astype(np.int8), allow_pickle=False)

    def clear(self) -> int:
        """Delete the cache folder; returns how many entries it held."""
        if not self.folder.is_dir():
            return 0
        n = len(list(self.folder.glob("*.npy")))
        shutil.rmtree(self.folder)
        return n
