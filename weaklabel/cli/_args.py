"""What the command groups share when they declare their arguments.

The data and source arguments, the class balance, output formats, argparse types and the model names
(read without loading any model).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..exceptions import InputError

if TYPE_CHECKING:   # the CLI starts without the scientific stack
    import numpy as np


FORMATS = ["table", "json", "csv", "markdown"]


def add_source_args(p: argparse.ArgumentParser) -> None:
    """Where --data comes from: split, data folder, id and gold columns."""
    p.add_argument("--split", default="train", help="dataset split to use (default: train)")
    p.add_argument("--data-dir", help="folder with the WRENCH/raw data (or set WEAKLABEL_DATA)")
    p.add_argument("--id-column", help="column with stable row ids (files; default: row order)")
    p.add_argument("--gold-column", help="column with gold labels (files; default: 'label' if present)")


def add_data_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", required=True,
                   help="dataset name (breast_cancer, youtube, sms) or a CSV/Parquet/JSONL file")
    p.add_argument("--lfs", required=True, help="LF suite: lfs/spam.py or lfs.spam")
    add_source_args(p)
    p.add_argument("--fault-tolerant", action="store_true",
                   help="an LF that raises on a row abstains there (counted) instead of stopping")
    p.add_argument("--n-jobs", type=int, default=1, help="processes for row-wise LFs (-1: all CPUs)")
    p.add_argument("--cache", default=os.environ.get("WEAKLABEL_CACHE", ".weaklabel-cache"),
                   help="vote cache folder (default $WEAKLABEL_CACHE or .weaklabel-cache): unchanged LFs "
                        "on unchanged data are not re-run")
    p.add_argument("--no-cache", action="store_true", help="apply every LF afresh; write no cache")


BALANCE_HELP = ("the class balance, known from elsewhere: NAME=share pairs (SPAM=0.3,HAM=0.7) or shares in "
                "class order (0.7,0.3); fixes the model's prior instead of estimating it")


def class_balance(spec: str | None, names: Sequence[str]) -> np.ndarray | None:
    """``--class-balance`` as an array in class order (None when not given), or InputError."""
    if spec is None:
        return None
    import numpy as np

    parts = [x.strip() for x in spec.split(",") if x.strip()]
    named = bool(parts) and all("=" in x for x in parts)
    pairs = [x.split("=", 1) for x in parts] if named else [["", x] for x in parts]
    try:
        values = [float(v) for _, v in pairs]
    except ValueError:
        raise InputError(f"--class-balance: expected numbers, as SPAM=0.3,HAM=0.7 or 0.7,0.3; got {spec!r}") from None
    if named:
        given = {k.strip().casefold(): v for (k, _), v in zip(pairs, values)}
        if set(given) != {n.casefold() for n in names}:
            raise InputError(f"--class-balance: expected a share for each class {list(names)}, got {spec!r}")
        values = [given[n.casefold()] for n in names]
    shares = np.array(values)
    if len(shares) != len(names) or (shares <= 0).any() or abs(shares.sum() - 1) > 1e-6:
        raise InputError(f"--class-balance: expected {len(names)} positive shares summing to 1 for {list(names)}, "
                         f"got {spec!r}")
    return shares


def positive_int(text: str) -> int:
    """Return an argparse type: an integer >= 1 (so `--n -2` or `--chunksize 0` is a usage error)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {value}")
    return value


def model_choices() -> list[str]:
    from ..models.names import MODEL_NAMES  # the names alone: no model (or numpy) loads

    return list(MODEL_NAMES)


def model_names() -> list[str]:
    from ..models.names import BENCHMARK_MODELS

    return list(BENCHMARK_MODELS)


def label_pairs(spec: str | None, arg: str) -> dict[str, str]:
    """``"ham=HAM,spam=SPAM"`` -> ``{"ham": "HAM", "spam": "SPAM"}``."""
    if not spec:
        return {}
    out = {}
    for part in spec.split(","):
        if "=" not in part or not part.split("=", 1)[0].strip():
            raise InputError(f"{arg}: expected value=LABEL pairs separated by commas, got {part!r}")
        k, v = part.split("=", 1)
        out[k.strip()] = v.strip()
    return out
