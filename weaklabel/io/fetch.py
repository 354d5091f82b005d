"""``weaklabel data fetch NAME``.

Download a benchmark dataset from its public home into the user's data cache (``$WEAKLABEL_DATA``,
else ``~/.cache/weaklabel``).

Each fetch writes ``weaklabel-manifest.json`` beside the files: where they came from,
under which license, and the sha256 of every file as downloaded. Loading the dataset
later checks those digests, so a file changed on disk is an error, not a silent change
of results. No upstream checksum is pinned here: none could be verified from this
workplace, and a pinned value nobody checked is worse than none.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import tempfile
import time
import urllib.request
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

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


MAX_DOWNLOAD = 500 << 20     # bytes: the largest file any source here has is a few MB
MAX_UNPACKED = 1 << 30       # bytes unpacked from one archive, all members together
MAX_RATIO = 200              # unpacked / packed size of a member: beyond it, a zip bomb
_BLOCK = 1 << 20


def _download(url: str, target: Path, timeout: float = 120) -> None:
    """Stream ``url`` into ``target``, never whole in memory.

    Refuses more than MAX_DOWNLOAD bytes and answers shorter than their Content-Length.
    """
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp, open(target, "wb") as fh:  # noqa: S310
            declared = resp.headers.get("Content-Length") if hasattr(resp, "headers") else None
            if declared is not None and declared.isdigit() and int(declared) > MAX_DOWNLOAD:
                raise InputError(f"{url} is {_mb(int(declared))}, over the {_mb(MAX_DOWNLOAD)} a dataset file "
                                 "may be; is the URL (or --mirror) right?")
            got = 0
            for block in iter(lambda: resp.read(_BLOCK), b""):
                got += len(block)
                if got > MAX_DOWNLOAD:
                    raise InputError(f"{url} sends more than {_mb(MAX_DOWNLOAD)}, more than a dataset file may "
                                     "be; stopped (is the URL, or --mirror, right?)")
                fh.write(block)
            if declared is not None and declared.isdigit() and got != int(declared):
                raise InputError(f"{url}: the download stopped at {got} of {declared} bytes; try again")
    except InputError:
        raise
    except (OSError, ValueError, http.client.HTTPException) as exc:
        raise InputError(f"cannot download {url} ({type(exc).__name__}: {exc}); check the network, or pass "
                         "--mirror") from None


def _mb(n: int) -> str:
    return f"{n / (1 << 20):.1f} MB"


def _check_file(path: Path, url: str) -> None:
    """Refuse a download that is not what its name says (an HTML error page saved as JSON)."""
    if path.suffix == ".json":
        try:
            with open(path, "rb") as fh:
                json.loads(fh.read())
        except (ValueError, RecursionError) as exc:
            head = path.read_bytes()[:1]
            what = "an HTML page" if head == b"<" else f"not JSON ({str(exc)[:80]})"
            raise InputError(f"{url} gave {what}, not the dataset file; nothing was saved (check the URL or "
                             "--mirror)") from None


def _unzip(archive: Path, staging: Path, url: str) -> None:
    """Unpack ``archive`` flat into ``staging``, member by member and streamed.

    Each member's size and compression ratio and the total are capped; two members with one name are
    refused rather than one overwriting the other.
    """
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"{url} is not a zip archive ({exc}; an HTML error page?); nothing was saved") from None
    total, seen = 0, dict[str, str]()
    with zf:
        for info in zf.infolist():
            parts = Path(info.filename).parts
            if info.is_dir() or not parts or "__MACOSX" in parts or parts[-1].startswith("."):
                continue
            name = parts[-1]   # flat: no path from the archive reaches the disk
            if name in seen:
                raise InputError(f"{url}: members {seen[name]!r} and {info.filename!r} would both unpack to "
                                 f"{name!r}; nothing was saved")
            seen[name] = info.filename
            if info.file_size > MAX_RATIO * max(info.compress_size, 1) and info.file_size > _BLOCK:
                ratio = info.file_size // max(info.compress_size, 1)
                raise InputError(f"{url}: member {info.filename!r} unpacks {ratio} times its packed size (a zip "
                                 "bomb?); nothing was saved")
            written = 0
            try:
                with zf.open(info) as src, open(staging / name, "wb") as out:
                    for block in iter(lambda: src.read(_BLOCK), b""):   # count what comes, not the header
                        written += len(block)
                        total += len(block)
                        if total > MAX_UNPACKED or written > MAX_RATIO * max(info.compress_size, 1) + _BLOCK:
                            raise InputError(f"{url}: member {info.filename!r} unpacks to more than allowed "
                                             f"({_mb(MAX_UNPACKED)} in all, {MAX_RATIO}x its packed size); "
                                             "nothing was saved")
                        out.write(block)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
                raise InputError(f"{url}: member {info.filename!r} is damaged ({exc}); nothing was saved") from None


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
            url = f"{home}/{path}"
            if path.endswith(".zip"):
                archive = staging.parent / f"{staging.name}.zip"
                try:
                    _download(url, archive)
                    _unzip(archive, staging, url)
                finally:
                    archive.unlink(missing_ok=True)
            else:
                target = staging / Path(path).name
                _download(url, target)
                _check_file(target, url)
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
    """Replace the files an earlier fetch wrote in ``dest`` (those its manifest lists) with the new ones.

    Any other file or folder there (the user's) stays. The manifest goes last, so an interrupted refresh
    is seen as changed files by :func:`verify`, never as a good copy.
    """
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


def verify(folder: str | os.PathLike[str]) -> dict[str, Any]:
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
    return cast("dict[str, Any]", manifest)
