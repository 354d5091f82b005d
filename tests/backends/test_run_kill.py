"""kill -9 at random moments of `weaklabel run`: the output folder then holds the previous run
or the new one, whole, for the local, out-of-core and Dask engines (weaklabel/_runfolder.py)."""

import os
import random
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from weaklabel.pipeline import verify_run

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

ENGINES = {
    "local": [],
    "out-of-core": ["--chunksize", "4000"],
    "dask": ["--engine", "dask"],
}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    rng = np.random.default_rng(0)
    words = np.array(["check out", "my channel", "subscribe", "great song", "love it", "http://x.io", "nice",
                      "video", "please", "lol"])
    texts = [" ".join(rng.choice(words, 4)) for _ in range(40_000)]
    path = tmp_path_factory.mktemp("kill") / "data.parquet"
    pd.DataFrame({"id": [f"r{i}" for i in range(len(texts))], "text": texts}).to_parquet(path, index=False)
    return path


def _start(data, out, engine, model):
    cmd = [sys.executable, "-m", "weaklabel", "-q", "run", "--data", str(data), "--id-column", "id", "--lfs",
           os.path.join(ROOT, "lfs", "spam.py"), "--out", str(out), "--model", model, *ENGINES[engine]]
    # its own process group: a kill takes the Dask workers with it
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
                            cwd=ROOT)


def _kill(proc, out, delay, during_write):
    """SIGKILL the run's process group ``delay`` seconds after it starts or, with
    ``during_write``, after its first change to the output folder (where a kill does harm)."""
    if during_write:
        before = set(os.listdir(out))
        while proc.poll() is None and set(os.listdir(out)) == before:
            time.sleep(0.002)
    time.sleep(delay)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    proc.stderr.close()


@pytest.mark.slow
@pytest.mark.parametrize("engine", list(ENGINES))
def test_a_killed_run_leaves_the_previous_run_or_the_new_one_whole(engine, data, tmp_path):
    if engine == "dask":
        pytest.importorskip("distributed")
    out = tmp_path / "out"
    t0 = time.perf_counter()
    first = _start(data, out, engine, "label_model")
    assert first.wait(timeout=300) == 0, first.stderr.read().decode()
    first.stderr.close()
    duration = time.perf_counter() - t0
    runs = {verify_run(out)["run_id"]}
    rnd = random.Random(f"{engine}-kill")
    # (delay, counted from the first write?): before any write, during the writes and the
    # commit, anywhere, and after the end
    kills = ([(0.2, False), (duration * 1.3, False)] + [(rnd.uniform(0, 0.3), True) for _ in range(4)]
             + [(rnd.uniform(0.3, duration * 1.1), False) for _ in range(2)])
    outcomes = []
    for k, (delay, during_write) in enumerate(kills):
        before = verify_run(out)["run_id"]
        _kill(_start(data, out, engine, ["majority", "label_model"][k % 2]), out, delay, during_write)
        summary = verify_run(out)                    # finishes a begun commit, then checks every hash
        outcomes.append("new" if summary["run_id"] != before else "previous")
        assert summary["run_id"] == before or summary["run_id"] not in runs
        runs.add(summary["run_id"])
        labels = out / ("labels.csv" if engine == "local" else "labels.parquet")
        n = len(pd.read_csv(labels) if engine == "local" else pd.read_parquet(labels))
        assert n == 40_000
        left = sorted(p.name for p in out.iterdir() if p.name.startswith("."))
        assert left == [], left                      # the dead run's staged files are gone
    assert "previous" in outcomes and "new" in outcomes, outcomes
