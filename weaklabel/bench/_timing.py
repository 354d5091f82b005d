"""Fair clocks for the speed benchmarks: the same treatment for every side.

* Imports and first-call costs are outside every clock: each side runs once untimed first.
* Every side then runs ``repeat`` times, interleaved (round r runs all sides, in an order that
  rotates each round), so a slow minute of the machine falls on all of them alike.
* Reported per side: the median, the min and the max seconds, and the 1-minute load average
  when each run started; ratios are of medians.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import Any


def load_average() -> float:
    """Return the machine's 1-minute load average (NaN where the OS does not give one)."""
    try:
        return float(os.getloadavg()[0])
    except (AttributeError, OSError):
        return float("nan")


def spread(seconds: list[float], loads: list[float]) -> dict[str, Any]:
    """Median, min, max and the runs, with the load average beside each run."""
    import numpy as np

    return {"median": float(np.median(seconds)), "min": min(seconds), "max": max(seconds), "runs": list(seconds),
            "load": list(loads)}


def interleaved(sides: dict[str, Callable[[], Any]], *, repeat: int = 5,
                self_timed: bool = False) -> dict[str, dict[str, Any]]:
    """Time each side ``repeat`` times, interleaved, after one untimed warm-up run of each.

    Parameters
    ----------
    sides : dict of str to callable
        The sides to compare, each a call with no arguments.
    repeat : int, default 5
        Timed runs per side.
    self_timed : bool, default False
        Each side returns the seconds of its own run, and those are recorded instead of the
        wall clock around the call: for a side that must set up off the clock (start the
        processes that then race, say).

    Returns
    -------
    dict side -> :func:`spread` of its runs, plus ``"result"``: what its warm-up run returned.
    """
    if repeat < 1:
        raise ValueError(f"repeat: expected at least 1 timed run, got {repeat}")
    names = list(sides)
    out: dict[str, dict[str, Any]] = {}
    warm = {name: sides[name]() for name in names}            # imports, caches, JIT: off the clock
    times: dict[str, list[float]] = {n: [] for n in names}
    loads: dict[str, list[float]] = {n: [] for n in names}
    for r in range(repeat):
        for name in names[r % len(names):] + names[:r % len(names)]:
            loads[name].append(load_average())
            t0 = time.perf_counter()
            got = sides[name]()
            times[name].append(float(got) if self_timed else time.perf_counter() - t0)
    for name in names:
        out[name] = {**spread(times[name], loads[name]), "result": warm[name]}
    return out


def describe(s: dict[str, Any]) -> str:
    """``median s (min-max, n runs, load a-b)`` for a report line."""
    lo, hi = min(s["load"]), max(s["load"])
    return (f"{s['median']:.3f} s median ({s['min']:.3f}-{s['max']:.3f}, {len(s['runs'])} runs, "
            f"load {lo:.1f}-{hi:.1f})")
