"""Dataset loaders. Data lives outside the repo; only these loaders ship.

* ``breast_cancer``: scikit-learn's bundled copy (offline); the demo's default.
* ``youtube`` / ``sms``: WRENCH-format json (``source="wrench"``: text, gold and
  the stored LF votes) or the raw UCI collections (``source="raw"``). Found via
  ``data_dir=``, else the ``WEAKLABEL_DATA`` environment variable.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from ..exceptions import DatasetNotFoundError, InputError
from ..labels import LabelSpace
from ..matrix import LabelMatrix
from .wrench import read_wrench_labels, read_wrench_split

DATASETS = ("breast_cancer", "youtube", "sms")
ENV_VAR = "WEAKLABEL_DATA"
_RAW = {"youtube": "youtube_spam_collection_raw", "sms": "sms_spam_collection_raw"}
_RAW_LABELS = {"youtube": LabelSpace(["HAM", "SPAM"]), "sms": LabelSpace(["ham", "spam"])}


@dataclass
class Dataset:
    """A loaded dataset split.

    Attributes
    ----------
    name, split : str
    df : DataFrame
        Items indexed by a stable ``row_id``; gold in column ``label`` (-1 = unknown).
    labels : LabelSpace
    L : LabelMatrix or None
        Stored LF votes, for WRENCH-format data.
    text_column : str or None
    """

    name: str
    split: str
    df: pd.DataFrame
    labels: LabelSpace
    L: LabelMatrix | None = None
    text_column: str | None = None

    @property
    def y(self) -> np.ndarray:
        """Gold labels, -1 where unknown."""
        return cast("np.ndarray", self.df["label"].to_numpy())


def resolve_data_dir(data_dir: str | os.PathLike[str] | None, name: str) -> Path:
    """Folder holding ``name``'s data.

    ``data_dir``, else ``$WEAKLABEL_DATA``, else the user cache ``~/.cache/weaklabel`` that ``weaklabel
    data fetch`` fills.
    """
    looked = []
    # An explicit data_dir wins; a wrong one is an error, never silently replaced by the env var.
    if data_dir:
        candidates = [("data_dir", data_dir)]
    elif os.environ.get(ENV_VAR):
        candidates = [(ENV_VAR, os.environ[ENV_VAR])]
    else:
        candidates = [("the cache", str(Path.home() / ".cache" / "weaklabel"))]
    for origin, cand in candidates:
        if cand:
            p = Path(cand).expanduser()
            if p.is_dir():
                return p
            looked.append(f"{origin}={str(p)!r} (not a folder)")
    raise DatasetNotFoundError(
        f"dataset {name!r} needs its data folder (WRENCH json or raw UCI files), but "
        + ("none was given" if not looked else "; ".join(looked))
        + f". Fix: `weaklabel data fetch {name}` downloads it into the cache, or pass "
        f"data_dir=/path/to/datasets (CLI: --data-dir), or set {ENV_VAR}")


def _verify(folder: Path) -> None:
    """Check a folder that `weaklabel data fetch` wrote against its manifest."""
    from .fetch import MANIFEST, verify

    if (folder / MANIFEST).is_file():
        verify(folder)


def load_dataset(name: str, *, split: str = "train", data_dir: str | os.PathLike[str] | None = None,
                 source: str = "wrench") -> Dataset:
    """Load a dataset split.

    Parameters
    ----------
    name : {"breast_cancer", "youtube", "sms"}
    split : str, default "train"
        WRENCH: ``train``/``valid``/``test``. breast_cancer: ``all``, or a fixed
        stratified ``train`` (75%)/``test`` (25%) split. Raw UCI files: ``all``.
    data_dir : path, optional
        Folder that holds ``<name>/`` (WRENCH) or the raw collection folders.
    source : {"wrench", "raw"}, default "wrench"

    Returns
    -------
    Dataset
    """
    if name not in DATASETS:
        raise InputError(f"name: unknown dataset {name!r}; choose from {list(DATASETS)}")
    if name == "breast_cancer":
        return _breast_cancer(split)
    if source not in ("wrench", "raw"):
        raise InputError(f"source: expected 'wrench' or 'raw', got {source!r}")
    root = resolve_data_dir(data_dir, name)
    if source == "raw":
        return _raw(name, root, split)
    folder = root / name if (root / name).is_dir() else root
    _verify(folder)
    if not (folder / "label.json").is_file():
        raise DatasetNotFoundError(
            f"no WRENCH folder for {name!r}: looked for {root / name}/label.json and {root}/label.json")
    labels = read_wrench_labels(folder)
    s = read_wrench_split(folder, split, labels)
    return Dataset(name, split, s.df, labels, s.L, "text" if "text" in s.df else None)


def _breast_cancer(split: str) -> Dataset:
    from sklearn.datasets import load_breast_cancer

    if split not in ("all", "train", "test"):
        raise InputError(f"split: breast_cancer has 'all', 'train' and 'test', got {split!r}")
    bunch = load_breast_cancer(as_frame=True)
    df = bunch.frame.rename(columns={"target": "label"})
    df.index = pd.RangeIndex(len(df), name="row_id")
    if split != "all":
        from sklearn.model_selection import train_test_split

        tr, te = train_test_split(df.index.to_numpy(), test_size=0.25, random_state=0,
                                  stratify=df["label"])
        df = df.loc[np.sort(tr if split == "train" else te)]
    return Dataset("breast_cancer", split, df, LabelSpace(list(bunch.target_names)))


def _raw(name: str, root: Path, split: str) -> Dataset:
    if split != "all":
        raise InputError(f"split: the raw {name} collection has one split, 'all'; got {split!r}")
    folder = root / _RAW[name] if (root / _RAW[name]).is_dir() else root
    _verify(folder)
    labels = _RAW_LABELS[name]
    if name == "sms":
        path = folder / "SMSSpamCollection"
        if not path.is_file():
            raise DatasetNotFoundError(f"raw SMS collection not found: looked for {path}")
        rows = [line.rstrip("\n").split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip()]
        df = pd.DataFrame({"text": [r[1] for r in rows], "label": labels.encode(r[0] for r in rows)})
        df.index = pd.RangeIndex(len(df), name="row_id")
        return Dataset(name, split, df, labels, None, "text")
    files = sorted(folder.glob("Youtube0*.csv"))
    if not files:
        raise DatasetNotFoundError(f"raw YouTube collection not found: looked for {folder}/Youtube0*.csv")
    records, seen = [], set()
    for f in files:
        video = f.stem.split("-", 1)[-1]
        with open(f, encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                rid = f"{video}:{r['COMMENT_ID']}"
                while rid in seen:  # the collection repeats a few comment ids
                    rid += "+"
                seen.add(rid)
                records.append({"row_id": rid, "author": r["AUTHOR"], "date": r["DATE"],
                                "video": video, "text": r["CONTENT"], "label": int(r["CLASS"])})
    df = pd.DataFrame.from_records(records).set_index("row_id")
    return Dataset(name, split, df, labels, None, "text")
