"""Atomic file writes: a crash never leaves a half-written output."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_path(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; it replaces ``path`` only if the block succeeds.

    On any error the temporary file is removed and ``path`` keeps its old content.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def check_out_file(path: str | os.PathLike[str], arg: str) -> Path:
    """Return an output file path whose folder exists and which is not itself a folder."""
    from .exceptions import InputError

    path = Path(path)
    if path.is_dir():
        raise InputError(f"{arg}: {path} is a folder; give a file path")
    if not path.parent.is_dir():
        raise InputError(f"{arg}: the folder {path.parent} does not exist; create it first")
    return path


def check_out_dir(path: str | os.PathLike[str], arg: str) -> Path:
    """Return an output folder: created when missing, refused when a file is in the way."""
    from .exceptions import InputError

    path = Path(path)
    if path.exists() and not path.is_dir():
        raise InputError(f"{arg}: {path} is a file; --out needs a folder for the run's outputs")
    return path


def sha256_file(path: Path) -> str:
    """Return the sha256 of a file's bytes, read in 1 MiB blocks."""
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
