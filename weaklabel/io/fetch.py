"""``weaklabel data fetch NAME``: download a benchmark dataset from its public home into
the user's data cache (``$WEAKLABEL_DATA``, else ``~/.cache/weaklabel``).

Each fetch writes ``weaklabel-manifest.json`` beside the files: where they came from,
under which license, and the sha256 of every file as downloaded. Loading the dataset
later checks those digests, so a file changed on disk is an error, not a silent change
of results. No upstream checksum is pinned here: none could be verified from this
workplace, and a pinned value nobody checked is worse than none.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
import time
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

from .._atomic import sha256_file as _sha256
from ..exceptions import InputError

MANIFEST = "weaklabel-manifest.json"
WRENCH = "https://huggingface.co/datasets/jieyuz2/WRENCH/resolve/main/classification"
UCI = "https://archive.ics.uci.edu/static/public"
WRENCH_FILES = ("train.json", "valid.json", "test.json", "label.json", "readme.txt")


@dataclass(frozen=True)
class Source:
    """A dataset's public home: ``home + "/" + path`` for each path; zips are unpacked."""

    name: str
    folder: str
    home: str
    paths: tuple[str, ...]
    license: str
    origin: str


SOURCES = {s.name: s for s in (
    Source("youtube", "youtube", WRENCH, tuple(f"youtube/{f}" for f in WRENCH_FILES),
           "CC BY 4.0 (YouTube Spam Collection, UCI); WRENCH packaging Apache-2.0",
           "WRENCH benchmark (Zhang et al. 2021), jieyuz2/WRENCH on the Hugging Face hub"),
    Source("sms", "sms", WRENCH, tuple(f"sms/{f}" for f in WRENCH_FILES),
           "CC BY 4.0 (SMS Spam Collection, UCI); WRENCH packaging Apache-2.0",
           "WRENCH benchmark (Zhang et al. 2021), jieyuz2/WRENCH on the Hugging Face hub"),
    Source("trec", "trec", WRENCH, tuple(f"trec/{f}" for f in WRENCH_FILES),
           "TREC question classification (Li & Roth 2002), free for research; WRENCH packaging Apache-2.0",
           "WRENCH benchmark (Zhang et al. 2021), jieyuz2/WRENCH on the Hugging Face hub"),
    Source("youtube_raw", "youtube_spam_collection_raw", UCI, ("380/youtube+spam+collection.zip",),
           "CC BY 4.0", "UCI Machine Learning Repository, YouTube Spam Collection (Alberto et al. 2015)"),
    Source("sms_raw", "sms_spam_collection_raw", UCI, ("228/sms+spam+collection.zip",),
           "CC BY 4.0", "UCI Machine Learning Repository, SMS Spam Collection (Almeida & Gómez Hidalgo 2011)"),
)}


def data_home() -> Path:
    """Where datasets live: ``$WEAKLABEL_DATA``, else ``~/.cache/weaklabel``."""
    env = os.environ.get("WEAKLABEL_DATA")
    return Path(env).expanduser() if env else Path.home() / ".cache" / "weaklabel"


def _download(url: str, timeout: float = 120) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # noqa: S310 - http(s) or file:// by design
            return resp.read()
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot download {url} ({exc}); check the network, or pass --mirror") from None


def fetch(name: str, *, root: str | os.PathLike[str] | None = None, mirror: str | None = None,
          force: bool = False) -> Path:
    """Download dataset ``name`` (see :data:`SOURCES`) into ``root``; returns its folder.

    Parameters
    ----------
    root : path, optional
        Default :func:`data_home`.
    mirror : str, optional
        A URL (``https://`` or ``file://``) that replaces the source's home, with the same
        paths below it.
    force : bool
        Download again even when a verified copy is there.
    """
    if name not in SOURCES:
        raise InputError(f"name: unknown dataset {name!r}; choose from {sorted(SOURCES)}")
    src = SOURCES[name]
    folder = Path(root).expanduser() if root else data_home()
    dest = folder / src.folder
    if (dest / MANIFEST).is_file() and not force:
        verify(dest)
        return dest
    if dest.exists() and not (dest / MANIFEST).is_file():
        # Not a folder this command made: it never deletes or overwrites what it did not write.
        raise InputError(f"{dest} exists and was not made by `weaklabel data fetch` (no {MANIFEST}); move it "
                         f"away, or fetch into another folder with --root (nothing was changed)")
    home = (mirror or src.home).rstrip("/")
    staging = Path(tempfile.mkdtemp(prefix=f".{src.folder}-", dir=_ensure(folder)))
    try:
        files: dict[str, str] = {}
        for path in src.paths:
            blob = _download(f"{home}/{path}")
            if path.endswith(".zip"):
                with zipfile.ZipFile(io.BytesIO(blob)) as zf:
                    for info in zf.infolist():
                        parts = Path(info.filename).parts
                        if info.is_dir() or "__MACOSX" in parts or parts[-1].startswith("."):
                            continue
                        target = staging / parts[-1]  # flat: no path from the archive reaches the disk
                        target.write_bytes(zf.read(info))
            else:
                (staging / Path(path).name).write_bytes(blob)
        for f in sorted(staging.iterdir()):
            files[f.name] = _sha256(f)
        manifest = {"dataset": name, "origin": src.origin, "license": src.license,
                    "urls": [f"{home}/{p}" for p in src.paths], "fetched_at": time.strftime("%Y-%m-%dT%H:%M:%SZ",
                                                                                             time.gmtime()),
                    "sha256": files}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        if dest.exists():
            _refresh(dest, staging)
        else:
            staging.rename(dest)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return dest


def _refresh(dest: Path, staging: Path) -> None:
    """Replace the files an earlier fetch wrote in ``dest`` (those its manifest lists) with the
    new ones; any other file or folder there (the user's) stays. The manifest goes last, so an
    interrupted refresh is seen as changed files by :func:`verify`, never as a good copy."""
    try:
        old = set(json.loads((dest / MANIFEST).read_text(encoding="utf-8")).get("sha256", {}))
    except (OSError, ValueError, AttributeError):
        old = set()
    new = {f.name for f in staging.iterdir() if f.name != MANIFEST}
    (dest / MANIFEST).unlink(missing_ok=True)
    for name in sorted(old - new):                 # files the previous fetch wrote and this one does not
        if not isinstance(name, str) or Path(name).name != name or name in (".", ".."):
            continue                               # a plain file name only: never a path out of dest
        target = dest / name
        if target.is_file():
            target.unlink()
    for name in sorted(new):
        os.replace(staging / name, dest / name)
    os.replace(staging / MANIFEST, dest / MANIFEST)


def _ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def verify(folder: str | os.PathLike[str]) -> dict:
    """Check a fetched folder against its manifest; returns the manifest.

    Raises
    ------
    InputError
        When a file is missing or its sha256 differs from what was downloaded.
    """
    folder = Path(folder)
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    for fname, digest in manifest.get("sha256", {}).items():
        path = folder / fname
        if not path.is_file():
            raise InputError(f"{path} is missing since it was fetched; run `weaklabel data fetch "
                             f"{manifest.get('dataset')} --force`")
        if _sha256(path) != digest:
            raise InputError(f"{path} changed since it was fetched (sha256 differs from the manifest); run "
                             f"`weaklabel data fetch {manifest.get('dataset')} --force` to restore it")
    return manifest
