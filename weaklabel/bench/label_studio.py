"""``weaklabel bench label-studio``: pull and re-push at a team's scale, against a real Label Studio.

On a running Label Studio (``url``, a personal access token), the bench makes a throwaway
project of ``n_tasks`` synthetic items, imports them the way ``ls push`` builds tasks, each
with one annotation already made (as a team's annotators leave them), and then times what a
user waits for, each as a fresh ``weaklabel`` process:

* ``ls pull``: every annotation into the label store;
* ``ls pull`` again: nothing new (the same export, keyed imports);
* ``ls push --n n_tasks``: every task is there already, so nothing is added.

Label Studio's own export of the project is timed on its own too: the floor under any pull
that reads the export. The targets, on a 2-core machine: 10,000 annotations
pulled in at most 30 s, a re-push of 10,000 unchanged tasks in at most 10 s. The project is
deleted from Label Studio at the end unless ``keep``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np

TARGETS = {"pull_seconds": 30.0, "repush_seconds": 10.0}   # for 10,000 tasks
_TOKEN_ENV = "WEAKLABEL_BENCH_LS_TOKEN"                     # what the CLI runs read the token from


def _cli(args: list[str], root: Path, token: str) -> tuple[float, str]:
    """Run ``weaklabel ARGS`` in ``root`` as a fresh process; (seconds, its output).

    A failure raises with the output, so a broken pull never reads as a fast one.
    """
    env = dict(os.environ, **{_TOKEN_ENV: token})
    t0 = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "weaklabel", *args, "--project", str(root / "weaklabel.toml")],
                         cwd=root, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if run.returncode != 0:
        raise RuntimeError(f"weaklabel {' '.join(args)} failed ({run.returncode}):\n{run.stdout}\n{run.stderr}")
    return seconds, run.stdout


def _counts(pull_output: str) -> dict[str, int]:
    """Return the counts a pull prints ("... 10000 new, 0 updated, 0 unchanged, 0 retracted")."""
    found = re.search(r"(\d+) new, (\d+) updated, (\d+) unchanged, (\d+) retracted", pull_output)
    if found is None:
        raise RuntimeError(f"the pull printed no counts:\n{pull_output}")
    return dict(zip(("new", "updated", "unchanged", "retracted"), map(int, found.groups())))


def run_label_studio_bench(url: str, token: str, n_tasks: int = 10_000, *, seed: int = 0,
                           keep: bool = False) -> dict[str, Any]:
    """Time pull, re-pull and re-push of ``n_tasks`` annotated tasks on the Label Studio at ``url``.

    Parameters
    ----------
    url : str
        A running Label Studio, e.g. ``http://127.0.0.1:8080``.
    token : str
        A personal access token (Account & Settings) of a user who may create projects.
    n_tasks : int, default 10,000
        Tasks, each with one annotation.
    keep : bool, default False
        Leave the project in Label Studio (by default it is deleted at the end).

    Returns
    -------
    dict
        Seconds per step (``import_seconds`` is Label Studio's, for the set-up; ``export_seconds``
        its bare export), the pulls' counts, the re-push's output, the targets and whether the
        steps met them (the targets, set for 10,000 tasks, scaled linearly to ``n_tasks``).
    """
    from ..io import labelstudio
    from ..io.ls_api import LabelStudioAPI
    from ..review.project import Project
    from ..review.session import ReviewSession
    from .app import make_project

    api = LabelStudioAPI(url, token)
    out: dict[str, Any] = {"tasks": n_tasks, "url": url}
    with tempfile.TemporaryDirectory(prefix="weaklabel-bench-ls-") as tmp:
        root = Path(tmp)
        path = make_project(root, n_tasks, seed)
        proj = Project.load(path)
        sess = ReviewSession(proj)
        names = sess.labels.names
        made = api.create_project(f"weaklabel bench {uuid.uuid4().hex[:8]}", labelstudio.labeling_config(names),
                                  description="A throwaway project of weaklabel's Label Studio bench.")
        pid = int(made["id"])
        out["project_id"] = pid
        try:
            proj.labelstudio = {"url": url, "project_id": str(pid), "token_env": _TOKEN_ENV}
            proj.save(path)
            rows = sess.df.index.tolist()
            version = f"weaklabel-{sess.model_version}"
            tasks = labelstudio.tasks(sess.df, rows, sess.probs, names, model_version=version,
                                      sources=["queue"] * len(rows), lf_votes=sess.lf_votes(rows))
            # one annotation per task, by the token's user, as if made in the labeling page
            picks = np.random.default_rng(seed).integers(0, len(names), len(tasks))
            for task, k in zip(tasks, picks.tolist()):
                task["annotations"] = [{"result": [{"from_name": "label", "to_name": "text", "type": "choices",
                                                    "value": {"choices": [names[k]]}}], "lead_time": 4.2}]
            t0 = time.perf_counter()
            for start in range(0, len(tasks), 5_000):      # Label Studio's import takes big bodies slowly
                api.import_tasks(pid, tasks[start:start + 5_000])
            out["import_seconds"] = time.perf_counter() - t0
            sess.store.close()
            t0 = time.perf_counter()
            exported = api.export(pid, size=2 * n_tasks)
            out["export_seconds"] = time.perf_counter() - t0
            out["exported_annotations"] = sum(len(t.get("annotations") or []) for t in exported)
            out["pull_seconds"], pulled = _cli(["ls", "pull"], root, token)
            out["pull"] = _counts(pulled)
            out["repull_seconds"], repulled = _cli(["ls", "pull"], root, token)
            out["repull"] = _counts(repulled)
            out["repush_seconds"], pushed = _cli(["ls", "push", "--n", str(n_tasks)], root, token)
            out["repush_output"] = pushed.strip()
        finally:
            if not keep:
                api.delete_project(pid)
    scale = n_tasks / 10_000
    out["targets"] = {k: v * scale for k, v in TARGETS.items()}
    out["met"] = {k: out[k] <= v * scale for k, v in TARGETS.items()}
    return out
