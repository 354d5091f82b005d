"""Cached re-apply: each LF's vote column on disk, keyed by what decides it.

Key = the LF's identity (``LabelingFunction.fingerprint``: its source, closure,
defaults, the constants and helpers it refers to and its resources, hashed by their
bytes), a fingerprint of the data the LF reads (the declared columns' values and
index), and the number of classes. Edit one LF of m (or a helper only it calls) and
only that LF runs again; change the data and every key changes. Each entry carries a
sha256 of its votes: a damaged entry is a miss, never a wrong vote.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from ._atomic import atomic_path
from ._runcache import cached
from .exceptions import InputError

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


MARKER = "CACHEDIR.TAG"
_MARKER_TEXT = ("Signature: 8a477f597d28d172789f06886806bc55\n"
                "# A weaklabel vote cache: every file here can be recomputed. `weaklabel cache clear`\n"
                "# removes only the entries it wrote.\n")
_ENTRY = re.compile(r"^[0-9a-f]{32}\.npz$")
_DEBRIS = re.compile(r"^\.([0-9a-f]{32}\.npz|CACHEDIR\.TAG)\.\d+\.tmp$")  # an interrupted atomic write


class VoteCache:
    """A folder of ``<key>.npz`` vote columns (no pickles), each with a sha256 of its votes.

    The folder carries a ``CACHEDIR.TAG`` marker. Entries are only ever written into an
    empty or marked folder, and ``clear`` removes only entries (and the marker) from a
    marked folder that holds nothing else, so a mistyped ``--cache`` never costs a file.
    """

    def __init__(self, folder: str | os.PathLike[str] = DEFAULT_CACHE_DIR) -> None:
        self.folder = Path(folder)

    def key(self, lf: Any, df: pd.DataFrame, k: int | str | None) -> str | None:
        """Return the entry key, or None when the LF's identity cannot be covered (never cached)."""
        ident = lf.fingerprint
        if ident is None:
            return None
        h = hashlib.sha256(f"{ident}|{data_fingerprint(df, lf.columns)}|{k}".encode())
        return h.hexdigest()[:32]

    def get(self, key: str | None, n_rows: int, *, check: Any = None) -> np.ndarray | None:
        """Return the cached votes, or None on any doubt (missing, damaged, wrong shape or checksum).

        ``check``: a function that says whether the array is well formed, for entries other than
        an int8 vote column of ``n_rows`` (multi-label LFs store their votes' coordinates).
        """
        if key is None:
            return None
        try:  # our own handle: numpy leaks its file when a damaged archive fails to open
            with open(self.folder / f"{key}.npz", "rb") as fh, np.load(fh, allow_pickle=False) as z:
                votes, digest = z["votes"], z["sha256"]
        except Exception:  # noqa: BLE001 - a damaged entry fails in many ways (zip, npy, crypto flags): miss
            return None
        if (check is None and (votes.shape != (n_rows,) or votes.dtype != np.int8)) or \
                (check is not None and not check(votes)):
            return None
        if hashlib.sha256(votes.tobytes()).digest() != digest.tobytes():
            return None
        return cast("np.ndarray | None", votes)

    def put(self, key: str | None, votes: np.ndarray) -> None:
        """Store an LF's votes.

        The cache is optional: when it cannot be written (a full disk, a read-only folder), the run goes on
        uncached with one warning, never fails for it.
        """
        if key is None or getattr(self, "_unwritable", False):
            return
        # a class LF's vote column is int8; other entries (multi-label coordinates) keep their dtype
        votes = np.ascontiguousarray(votes, dtype=np.int8) if np.ndim(votes) == 1 else np.ascontiguousarray(votes)
        digest = np.frombuffer(hashlib.sha256(votes.tobytes()).digest(), dtype=np.uint8)
        try:
            self._claim()
            with atomic_path(self.folder / f"{key}.npz") as tmp, open(tmp, "wb") as fh:
                np.savez(fh, votes=votes, sha256=digest)
        except OSError as exc:
            import warnings

            from .exceptions import WeakLabelWarning

            self._unwritable = True
            warnings.warn(f"vote cache: cannot write to {self.folder} ({exc.strerror or exc}); this run goes on "
                          "uncached (free space, or pass --no-cache)", WeakLabelWarning, stacklevel=2)

    def _claim(self) -> None:
        """Create the folder with its marker, or check that an existing one is ours."""
        if self.folder.exists() and not self.folder.is_dir():
            raise InputError(f"cache: {self.folder} is a file, not a folder; pass --cache a folder "
                             "(or --no-cache)")
        marker = self.folder / MARKER
        if marker.is_file():
            return
        if self.folder.is_dir() and any(self.folder.iterdir()):
            raise InputError(f"cache: {self.folder} already holds other files and is not a weaklabel vote "
                             "cache; point --cache (or WEAKLABEL_CACHE) at an empty or new folder")
        self.folder.mkdir(parents=True, exist_ok=True)
        with atomic_path(marker) as tmp:
            tmp.write_text(_MARKER_TEXT, encoding="utf-8")

    def clear(self) -> int:
        """Remove the cache's entries (and the folder, once empty); returns how many.

        Raises
        ------
        InputError
            The folder has no weaklabel marker, or holds files that are not cache
            entries: nothing is removed.
        """
        if not self.folder.exists():
            return 0
        if not self.folder.is_dir():
            raise InputError(f"cache: {self.folder} is a file, not a vote cache; nothing removed")
        marker = self.folder / MARKER
        if not marker.is_file() or not marker.read_text(encoding="utf-8", errors="replace").startswith(
                _MARKER_TEXT.splitlines()[0]):
            raise InputError(f"cache: {self.folder} is not a weaklabel vote cache (no {MARKER} written by "
                             "weaklabel); nothing removed")
        names = [p.name for p in self.folder.iterdir()]
        foreign = sorted(n for n in names if n != MARKER and not _ENTRY.match(n) and not _DEBRIS.match(n))
        if foreign:
            raise InputError(f"cache: {self.folder} holds files weaklabel did not write ({foreign[:5]}); "
                             "nothing removed. Move them out, or delete the folder yourself")
        entries = [n for n in names if _ENTRY.match(n)]
        for n in names:
            if n != MARKER:
                (self.folder / n).unlink(missing_ok=True)
        marker.unlink()
        try:
            self.folder.rmdir()
        except OSError:  # something appeared meanwhile: leave the folder
            pass
        return len(entries)
