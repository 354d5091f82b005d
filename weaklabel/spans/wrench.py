"""WRENCH's sequence-labeling files, in both layouts, read into a :class:`SpanMatrix` and written back.

A split file maps an id to ``{"data": {"text": [tokens]}, "label": ..., "weak_labels": ...}``:

* **BIO layout** (WRENCH's own): ``label`` is one BIO tag per token, ``weak_labels`` one row per
  token with one BIO tag per LF. An LF's ``O`` there cannot be told from an abstention: it is
  read as no vote.
* **span layout** (CHMM's conversion): ``label`` is ``[[start, end_exclusive, type], ...]`` and
  ``weak_labels`` one such list per LF.

``meta.json`` beside the splits names the LFs (``lf``), the types (``entity_types``) and the LFs
WRENCH scores with (``lf_rec``).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._atomic import atomic_path
from ..exceptions import DatasetNotFoundError, InputError
from ..io._files import read_json_file
from .matrix import SpanMatrix
from .tags import Span, bio_to_spans, spans_to_bio

SPLITS = ("train", "valid", "test")


@dataclass
class SeqSplit:
    """One split of a sequence-labeling set: tokens, gold spans (``None`` where unknown) and votes."""

    ids: list[str]
    tokens: list[list[str]]
    gold: list[list[Span]] | None
    L: SpanMatrix
    meta: dict[str, Any] = field(default_factory=dict)


def is_seq_folder(folder: str | os.PathLike[str]) -> bool:
    """Tell whether ``folder`` holds a WRENCH sequence-labeling set.

    That is a ``meta.json`` with ``entity_types``, or split files whose labels are tag or span lists.
    """
    folder = Path(folder)
    meta = folder / "meta.json"
    if meta.is_file():
        try:
            found = read_json_file(meta, "meta.json")
            if isinstance(found, dict) and "entity_types" in found:
                return True
        except (OSError, ValueError):
            return False
    return False


def read_meta(folder: Path) -> dict[str, Any]:
    """Return the set's ``meta.json``: LF names, entity types and the LFs WRENCH scores with."""
    path = folder / "meta.json"
    if not path.is_file():
        raise DatasetNotFoundError(f"{folder}: no meta.json (a sequence set names its LFs and entity_types there)")
    meta = read_json_file(path, "meta.json")
    if not isinstance(meta, dict):
        raise InputError(f"meta.json: {path} must be a JSON object with 'lf' and 'entity_types'")
    for key in ("lf", "entity_types"):
        if key not in meta:
            raise InputError(f"{path}: missing {key!r}")
    return meta


def read_seq_split(folder: str | os.PathLike[str], split: str, *, lfs: str = "rec") -> SeqSplit:
    """Read ``folder/<split>.json``.

    Parameters
    ----------
    lfs : {"rec", "all"}, default "rec"
        ``"rec"``: the LFs of ``meta["lf_rec"]`` when given (the subset WRENCH reports scores
        with), else all; ``"all"``: every LF.
    """
    folder = Path(folder)
    path = folder / f"{split}.json"
    if not path.is_file():
        raise DatasetNotFoundError(f"{path} not found")
    meta = read_meta(folder)
    types, lf_names = list(meta["entity_types"]), list(meta["lf"])
    raw = read_json_file(path, f"{split} split")
    if not isinstance(raw, dict) or not all(
            isinstance(v, dict) and isinstance(v.get("data"), dict) and isinstance(v["data"].get("text"), list)
            and "weak_labels" in v for v in raw.values()):
        raise InputError(f"{split} split: {path} must be a JSON object of id -> {{\"data\": {{\"text\": [tokens]}}, "
                         "\"weak_labels\": ..., \"label\": ...}} (WRENCH's sequence format)")
    ids = list(raw)
    tokens = [list(raw[i]["data"]["text"]) for i in ids]
    gold: list[list[Span]] | None = []
    bio_layout = None
    for i in ids:
        label = raw[i].get("label")
        if label is None or gold is None:
            gold = None
            continue
        if bio_layout is None and len(label):
            bio_layout = isinstance(label[0], str)
        gold.append(bio_to_spans(label) if bio_layout else [(int(s), int(e), str(t)) for s, e, t in label])
    weak = [raw[i]["weak_labels"] for i in ids]
    if bio_layout is None:  # labels all empty: tell the layout from the votes
        bio_layout = any(len(w) and isinstance(w[0], list) and w[0] and isinstance(w[0][0], str) for w in weak)
    if bio_layout:
        L = SpanMatrix.from_bio(weak, types, lf_names)
    else:
        L = SpanMatrix.from_spans(weak, [len(t) for t in tokens], types, lf_names)
    if lfs == "rec" and meta.get("lf_rec"):
        L = L.select_lfs(meta["lf_rec"])
    elif lfs not in ("rec", "all"):
        raise InputError(f"lfs: expected 'rec' or 'all', got {lfs!r}")
    return SeqSplit(ids, tokens, gold, L, meta)


def read_seq_splits(folder: str | os.PathLike[str], *, lfs: str = "rec") -> dict[str, SeqSplit]:
    """Every split present; a set without ``train.json`` is fitted on ``valid`` (the caller's choice)."""
    out = {}
    for split in SPLITS:
        if (Path(folder) / f"{split}.json").is_file():
            out[split] = read_seq_split(folder, split, lfs=lfs)
    if "test" not in out:
        raise DatasetNotFoundError(f"{folder}: no test.json")
    return out


def write_seq_split(folder: str | os.PathLike[str], split: str, split_data: SeqSplit, *,
                    layout: str = "spans") -> Path:
    """Write a split in WRENCH's ``"bio"`` or CHMM's ``"spans"`` layout (and ``meta.json`` if absent)."""
    if layout not in ("spans", "bio"):
        raise InputError(f"layout: expected 'spans' or 'bio', got {layout!r}")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    L = split_data.L
    per_doc = L.to_spans()
    out: dict[str, Any] = {}
    for d, (i, tok) in enumerate(zip(split_data.ids, split_data.tokens)):
        gold = split_data.gold[d] if split_data.gold is not None else []
        if layout == "spans":
            label: Any = [[s, e, t] for s, e, t in gold]
            weak: Any = [[[s, e, t] for s, e, t in lf] for lf in per_doc[d]]
        else:
            label = spans_to_bio(gold, len(tok))
            cols = [spans_to_bio(lf, len(tok)) for lf in per_doc[d]]
            weak = [list(row) for row in zip(*cols)] if cols else [[] for _ in tok]
        out[str(i)] = {"data": {"text": tok}, "label": label, "weak_labels": weak}
    target = folder / f"{split}.json"
    with atomic_path(target) as tmp:
        Path(tmp).write_text(json.dumps(out))
    meta_path = folder / "meta.json"
    if not meta_path.is_file():
        meta = {"lf": list(L.lf_names), "entity_types": list(L.types), "num_lf": L.n_lfs}
        with atomic_path(meta_path) as tmp:
            Path(tmp).write_text(json.dumps(meta, indent=2))
    return target
