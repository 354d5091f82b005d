"""``weaklabel bench store``.

How many expert labels a second the SQLite label store takes, with one writer and with several at
once, beside raw ``sqlite3`` with the same durability.

Each writer is a process of its own (as experts' app sessions are). Before the clock, each one
imports what it needs, opens its connection and writes one label; then all start together, and
the clock runs from that start until the last of them has committed its ``labels``. Both sides
commit one label per transaction in WAL mode with ``synchronous=FULL``: a label the call
returned from survives a crash of the process or of the machine. Runs are interleaved, rounds
rotate the order, and each side gets one untimed warm-up run (:mod:`weaklabel.bench._timing`).
After every run the events are counted: a label missing fails the bench.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any, cast

from ..exceptions import InputError
from ._timing import interleaved

SIDES = ("weaklabel", "sqlite3")


def _raw_connection(path: str) -> sqlite3.Connection:
    con = sqlite3.connect(path, timeout=60, isolation_level=None)
    con.execute("PRAGMA busy_timeout=60000")
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    return con


def _writer(side: str, target: str, name: str, labels: int, ready: Any, start: Any, done: Any) -> None:
    """One expert's process.

    Set up off the clock, wait for the start, write ``labels`` labels one transaction each, report the
    time the last one committed.
    """
    if side == "weaklabel":
        from ..review.store import ExpertLabelStore

        store = ExpertLabelStore(target, project="bench")
        store.add_label(f"warm-{name}", 0, name)

        def write(i: int) -> None:
            store.add_label(f"{name}-{i}", i % 2, name)
    else:
        con = _raw_connection(target)

        def write(i: int) -> None:
            con.execute("BEGIN IMMEDIATE")
            con.execute("INSERT INTO events (row_id, label, annotator) VALUES (?, ?, ?)", (f"{name}-{i}", i % 2, name))
            con.execute("COMMIT")

        write(-1)
    ready.put(name)
    start.wait()
    for i in range(labels):
        write(i)
    done.put(time.monotonic())


def _one_run(side: str, folder: Path, writers: int, labels: int) -> float:
    """Time ``writers`` processes storing ``labels`` each on a fresh database in ``folder``.

    Returns the seconds from the common start until all are stored; raises if any label is missing
    afterwards.
    """
    work = Path(tempfile.mkdtemp(prefix=f"bench-{side}-", dir=folder))
    try:
        if side == "weaklabel":
            from ..review.store import ExpertLabelStore

            target = f"sqlite:///{work / 'labels.db'}"
            ExpertLabelStore(target, project="bench")       # the schema, before the writers
        else:
            target = str(work / "raw.db")
            con = _raw_connection(target)
            con.execute("CREATE TABLE events (id INTEGER PRIMARY KEY, row_id TEXT, label INTEGER, annotator TEXT)")
            con.close()
        ctx = mp.get_context("spawn")                      # a clean process, as a second expert's is
        ready, done, start = ctx.Queue(), ctx.Queue(), ctx.Event()
        procs = [ctx.Process(target=_writer, args=(side, target, f"w{j}", labels, ready, start, done))
                 for j in range(writers)]
        for p in procs:
            p.start()
        for _ in procs:
            ready.get(timeout=120)
        t0 = time.monotonic()
        start.set()
        finished = [done.get(timeout=600) for _ in procs]
        for p in procs:
            p.join()
        stored = _stored(side, target)
        if stored != writers * (labels + 1):
            raise RuntimeError(f"{side}: {stored} labels stored of {writers * (labels + 1)} written")
        return cast("float", max(finished) - t0)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _stored(side: str, target: str) -> int:
    if side == "weaklabel":
        from ..review.store import ExpertLabelStore

        return int((ExpertLabelStore(target, project="bench").events()["kind"] == "label").sum())
    con = sqlite3.connect(target)
    try:
        return int(con.execute("SELECT COUNT(*) FROM events").fetchone()[0])
    finally:
        con.close()


def run_store_bench(labels: int = 300, writers: Sequence[int] = (1, 4), *, repeat: int = 5,
                    folder: str | os.PathLike[str] | None = None) -> dict[str, Any]:
    """Labels a second into the SQLite label store and into raw ``sqlite3``, per writer count.

    Parameters
    ----------
    labels : int, default 300
        Labels each writer stores in a run.
    writers : sequence of int, default (1, 4)
        Writer processes at once.
    repeat : int, default 5
        Timed runs per side, interleaved, after one warm-up run each.
    folder : path, optional
        Where the databases go (a temporary folder by default): point it at the disk the store
        will live on, since fsync's cost is the disk's.

    Returns
    -------
    dict
        Per writer count: each side's seconds (median, min, max, the runs and the load average
        at each), its labels a second at the median, and ``ratio``: raw sqlite3's rate over the
        store's.
    """
    if labels < 1 or not writers or min(writers) < 1 or repeat < 1:
        raise InputError(f"labels, writers, repeat: expected positive numbers, got {labels}, {list(writers)}, "
                         f"{repeat}")
    base = Path(folder) if folder is not None else Path(tempfile.gettempdir())
    if not base.is_dir():
        raise InputError(f"folder: {base} is not a folder; pass an existing folder on the disk to measure")
    out: dict[str, Any] = {"labels_per_writer": labels, "repeat": repeat, "folder": str(base)}
    for w in writers:
        # each run times itself from the moment its writers start (spawning them is off the clock)
        timed = interleaved({side: partial(_one_run, side, base, w, labels) for side in SIDES}, repeat=repeat,
                            self_timed=True)
        row: dict[str, Any] = {}
        for side in SIDES:
            row[side] = {k: v for k, v in timed[side].items() if k != "result"}
            row[side]["labels_per_s"] = round(w * labels / row[side]["median"], 1)
        row["ratio"] = round(row["sqlite3"]["labels_per_s"] / row["weaklabel"]["labels_per_s"], 2)
        out[f"writers_{w}"] = row
    return out
