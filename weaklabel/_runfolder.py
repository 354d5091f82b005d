"""A run folder that always holds one whole run, whichever engine wrote it.

A run's outputs (``labels.csv`` or a ``labels.parquet`` file or dataset folder, ``L.npz``,
``summary.json``) are written under staging names beside the previous run's, which stays
whole meanwhile. When all are written, one atomic write of a journal (``.commit.json``)
commits them; the renames that follow are replayed by whoever opens the folder next if the
run dies halfway. So after a crash or a ``kill -9`` at any moment the folder holds the
previous run or the new one, never a mix, and a run that fails leaves the previous run
as it was.

The summary lists each output's sha256 (:func:`files_manifest`): ``verify_run`` checks it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import uuid
from pathlib import Path
from typing import Any

from ._atomic import atomic_path

JOURNAL = ".commit.json"
_STAGE = re.compile(r"^\.stage-(\d+)-([0-9a-f]{12})-(.+)$")
_OLD = re.compile(r"^\.old-([0-9a-f]{12})-(.+)$")
# atomic_path's temporary files for what runs write (``.<name>.<pid>.tmp``)
_TMP = re.compile(r"^\.(\.stage-.+|\.commit\.json|labels\.[a-z]+|L\.npz|summary\.json)\.(\d+)\.tmp$")


class RunWriter:
    """Stage a run's outputs in ``folder`` and commit them together.

    Use as a context manager: an exception inside the block removes what was staged and
    leaves the previous run untouched; :meth:`commit` publishes the new run.
    """

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        recover(self.folder)
        self.run_id = uuid.uuid4().hex
        self.staged: dict[str, Path] = {}

    def path(self, name: str) -> Path:
        """Where to write the output ``name`` (a file or a folder).

        A staging path that keeps its suffix, so writers that choose a format by suffix still do.
        """
        p = self.folder / f".stage-{os.getpid()}-{self.run_id[:12]}-{name}"
        self.staged[name] = p
        return p

    def commit(self, last: str = "summary.json") -> dict[str, Path]:
        """Publish every staged output (``last``, the manifest, after the others); returns the final paths."""
        missing = [n for n, p in self.staged.items() if not p.exists()]
        if missing:
            raise RuntimeError(f"run outputs {missing} were staged but never written")
        order = [n for n in self.staged if n != last] + ([last] if last in self.staged else [])
        for name in order:
            _fsync(self.staged[name])
        plan = {"run_id": self.run_id, "files": [[n, self.staged[n].name] for n in order]}
        with atomic_path(self.folder / JOURNAL) as tmp:   # the commit point
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump(plan, fh)
                fh.flush()
                os.fsync(fh.fileno())
        _fsync(self.folder, contents=False)   # the journal's entry; the outputs were flushed above
        _roll_forward(self.folder, plan)
        self.staged = {}
        return {n: self.folder / n for n in order}

    def abort(self) -> None:
        for p in self.staged.values():
            _remove(p)
        self.staged = {}

    def __enter__(self) -> RunWriter:
        return self

    def __exit__(self, exc_type: Any, *exc: Any) -> None:
        if exc_type is not None:
            self.abort()


def recover(folder: str | os.PathLike[str]) -> None:
    """Finish a commit that a killed run began, and remove what dead runs staged.

    Safe to call at any time, and again after being killed itself.
    """
    folder = Path(folder)
    if not folder.is_dir():
        return
    journal = folder / JOURNAL
    if journal.is_file():
        try:
            plan = json.loads(journal.read_text(encoding="utf-8"))
            ok = isinstance(plan, dict) and isinstance(plan.get("files"), list)
        except ValueError:
            ok = False
        if not ok:   # written atomically, so never half ours: someone else's file
            from .exceptions import InputError

            raise InputError(f"out: {journal} is not a weaklabel commit journal; move it away and run again")
        _roll_forward(folder, plan)
    for p in folder.iterdir():
        m = _STAGE.match(p.name) or _TMP.match(p.name)
        pid = int(m.group(1) if m and m.re is _STAGE else m.group(2)) if m else None
        if pid is not None and not _pid_alive(pid):
            _remove(p)
        elif _OLD.match(p.name):
            _remove(p)


def _roll_forward(folder: Path, plan: dict[str, Any]) -> None:
    """Move each staged output over its final name, in the plan's order.

    Every step can be replayed (a staged path that is gone was moved already).
    """
    for name, staged in plan["files"]:
        src, dst = folder / staged, folder / name
        if not src.exists():
            continue
        if dst.is_dir() and not dst.is_symlink():   # a dataset folder cannot be replaced in one rename
            old = folder / f".old-{plan['run_id'][:12]}-{name}"
            _remove(old)
            dst.rename(old)
        os.replace(src, dst)
    _fsync(folder, contents=False)   # the renames, not every file of the folder again
    (folder / JOURNAL).unlink(missing_ok=True)
    for p in folder.glob(f".old-{plan['run_id'][:12]}-*"):
        _remove(p)


def files_manifest(folder: Path, names: dict[str, str]) -> dict[str, dict[str, str]]:
    """``{key: {"file": name, "sha256": ...}}`` for outputs in ``folder`` (staged or final paths)."""
    return {key: {"file": _final_name(name), "sha256": sha256_path(folder / name)} for key, name in names.items()}


def _final_name(name: str) -> str:
    m = _STAGE.match(name)
    return m.group(3) if m else name


def sha256_path(path: Path) -> str:
    """sha256 of a file, or of a folder's files (relative names and contents, in name order)."""
    h = hashlib.sha256()
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    for f in files:
        if f != path:
            h.update(f.relative_to(path).as_posix().encode() + b"\0")
        with open(f, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def _remove(p: Path) -> None:
    if p.is_dir() and not p.is_symlink():
        shutil.rmtree(p, ignore_errors=True)
    else:
        p.unlink(missing_ok=True)


def _fsync(p: Path, *, contents: bool = True) -> None:
    """Flush a file to disk, or a folder's entries.

    With ``contents``, every file under the folder too (a staged dataset folder). Best effort where the
    OS cannot.
    """
    try:
        if contents and p.is_dir():
            for f in p.rglob("*"):
                if f.is_file():
                    _fsync(f)
        fd = os.open(p, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
