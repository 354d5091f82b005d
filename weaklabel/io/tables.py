"""Label tables: reading items (CSV/TSV, Parquet, JSON Lines, JSON) and writing labels."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from .._atomic import atomic_path
from ..exceptions import DatasetNotFoundError, InputError
from ..matrix import LabelMatrix


def labels_frame(row_ids: Any, probs: np.ndarray, preds: np.ndarray, votes: np.ndarray | None,
                 label_names: Sequence[str], *, expert: np.ndarray | None = None) -> pd.DataFrame:
    """Return the labels table (see :func:`write_labels`); the distributed engines build it per partition."""
    frame = pd.DataFrame({"row_id": row_ids})
    for c, name in enumerate(label_names):
        frame[f"p_{name}"] = probs[:, c]
    final = np.asarray(preds).copy()
    covered = None if votes is None else (votes >= 0).any(axis=1)
    if covered is not None:
        final[~covered] = -1  # no evidence, no label (the prior is not evidence)
    source = np.full(len(final), "model", dtype=object)
    if expert is not None:
        expert = np.asarray(expert)
        final = np.where(expert >= 0, expert, final)
        source = np.where(expert >= 0, "expert", source)
    frame["label"] = [label_names[p] if p >= 0 else "" for p in final.tolist()]
    frame["confidence"] = probs.max(axis=1)
    frame["source"] = source
    if votes is not None:
        frame["n_votes"] = (votes >= 0).sum(axis=1)
        lo = np.where(votes >= 0, votes, 127).min(axis=1)
        hi = votes.max(axis=1)
        frame["conflict"] = (frame["n_votes"].to_numpy() > 0) & (lo != hi)
        frame["covered"] = covered
    return frame


def write_labels(path: str | os.PathLike[str], row_ids: np.ndarray, probs: np.ndarray,
                 preds: np.ndarray, L: LabelMatrix | None, label_names: tuple[str, ...], *,
                 expert: np.ndarray | None = None) -> Path:
    """Write labels: row id, ``p_<class>``, label, confidence, source, votes, conflict, covered.

    The format follows the suffix: ``.csv``, ``.parquet`` or ``.jsonl``; the write is
    atomic (temp file + rename). ``label`` is the class name (empty where the model
    abstained on a tie, and on every row no LF voted on: ``covered`` is False there and
    the ``p_`` columns hold the class prior). With ``expert`` (int per row, -1 = none),
    experts' labels override the model's and ``source`` says which one a row got.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet", ".jsonl"):
        raise InputError(f"path: labels are written as .csv, .parquet or .jsonl, got {suffix or 'no suffix'!r}")
    frame = labels_frame(row_ids, probs, preds, None if L is None else L.votes, label_names, expert=expert)
    with atomic_path(path) as tmp:
        if suffix == ".csv":
            csv_safe(frame).to_csv(tmp, index=False)
        elif suffix == ".parquet":
            frame.to_parquet(tmp, index=False)
        else:
            frame.to_json(tmp, orient="records", lines=True)
    return path


TABLE_FORMATS = (".csv", ".tsv", ".parquet", ".jsonl", ".json")

# Cells a spreadsheet would run as a formula (OWASP, "CSV injection"): they start with one of
# these; a plain number ("-5", "+1.5") is data and stays as it is.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _neutral(v: Any) -> Any:
    if isinstance(v, str) and v.startswith(_FORMULA_START) and not _NUMBER.match(v):
        return "'" + v
    return v


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy whose text cells cannot run as spreadsheet formulas.

    A cell starting with ``=``, ``+``, ``-``, ``@``, tab or CR (and not a number) gets a leading ``'``,
    as OWASP advises. :func:`read_table` takes the quote off again in id and label columns, so an export
    re-imports as it was.
    """
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(_neutral)
    return out


def _unquote(v: Any) -> Any:
    """Undo :func:`_neutral` on a cell read back."""
    if isinstance(v, str) and len(v) > 1 and v[0] == "'" and v[1:].startswith(_FORMULA_START) \
            and not _NUMBER.match(v[1:]):
        return v[1:]
    return v


def ids_as_text(col: pd.Series) -> pd.Series:
    """Row ids (or other key cells) as text, exactly as written: ints as "7", text as is; missing stays missing.

    A float that holds an integer (a column pandas widened because of a blank) is written without ".0".
    """
    def one(v: Any) -> Any:
        if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
            return None
        if isinstance(v, (float, np.floating)) and float(v).is_integer():
            return str(int(v))
        return str(v.item() if isinstance(v, np.generic) else v)

    return col.map(one).astype(object)


def read_table(path: str | os.PathLike[str], *, id_column: str | None = None,
               text_columns: Sequence[str] = ()) -> pd.DataFrame:
    """Read items from CSV/TSV, Parquet, JSON Lines or a JSON array of records.

    Parameters
    ----------
    path : path
    id_column : str, optional
        Column to use as the row id (index); it must exist, and every id must be
        present and unique. Ids are text, exactly as written ("007" stays "007").
    text_columns : sequence of str
        More columns to read as text (an import's ``row_id`` and ``label``).

    Only an empty cell counts as missing: "NA" and "None" are text.
    """
    path = Path(path)
    if not path.is_file():
        raise DatasetNotFoundError(f"data: no such file {str(path)!r}")
    suffix = path.suffix.lower()
    as_text = list(dict.fromkeys(([id_column] if id_column else []) + list(text_columns)))
    try:
        if suffix in (".csv", ".tsv"):
            # Only an empty cell is missing: "NA", "None", "null" are text (an id, a word).
            df = pd.read_csv(path, sep="\t" if suffix == ".tsv" else ",", keep_default_na=False, na_values=[""],
                             dtype={c: str for c in as_text} or None)
        elif suffix == ".parquet":
            df = pd.read_parquet(path)
        elif suffix in (".jsonl", ".json"):  # no type guessing: "007" stays "007"
            df = pd.read_json(path, lines=suffix == ".jsonl", orient=None if suffix == ".jsonl" else "records",
                              dtype=False)
        else:
            raise InputError(f"data: unsupported file type {suffix!r}; use one of {list(TABLE_FORMATS)}")
    except InputError:
        raise
    except Exception as exc:  # parser errors differ per format/engine
        raise InputError(f"data: could not read {str(path)!r} as {suffix[1:]} ({type(exc).__name__}: {exc})") from exc
    for col in as_text:
        if col in df.columns:
            df[col] = ids_as_text(df[col])
            if suffix in (".csv", ".tsv"):
                df[col] = df[col].map(_unquote)   # our own exports neutralise formulas (csv_safe)
    if id_column is not None:
        if id_column not in df.columns:
            raise InputError(f"id_column: {id_column!r} is not a column of {str(path)!r}; columns: "
                             f"{[str(c) for c in df.columns]}")
        ids = df[id_column]
        blank = np.flatnonzero(ids.isna().to_numpy() | (ids.astype(str).str.strip() == "").to_numpy())
        if blank.size:
            raise InputError(f"id_column: {id_column!r} has {blank.size} missing or blank id(s) (data rows "
                             f"{[int(i) + 1 for i in blank[:5]]}); every row needs an id")
        dupes = ids[ids.duplicated(keep=False)].unique().tolist()
        if dupes:
            raise InputError(f"id_column: {id_column!r} has duplicate ids {dupes[:5]}; row ids must be unique "
                             "(they are compared as text: '1' and '01' differ)")
        df = df.set_index(id_column)
    df.index.name = df.index.name or "row_id"
    return df
