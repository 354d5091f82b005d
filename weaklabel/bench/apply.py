"""``weaklabel bench apply``.

The same 10 keyword/regex LFs on N rows, weaklabel's vectorized templates vs Snorkel's
``PandasLFApplier`` (one Python call per row).
"""

from __future__ import annotations

import os
import platform
import re
from typing import Any

import numpy as np
import pandas as pd

from ..apply import apply_lfs
from ..exceptions import require
from ..labels import ABSTAIN
from ..templates import keyword_lf, regex_lf

HAM, SPAM = 0, 1
# (name, kind, pattern-or-keywords, label): one spec drives both implementations.
SPECS: list[tuple[str, str, Any, int]] = [
    ("keyword_my", "keyword", ["my channel", "my video"], SPAM),
    ("keyword_subscribe", "keyword", ["subscribe"], SPAM),
    ("keyword_please", "keyword", ["please", "plz"], SPAM),
    ("keyword_song", "keyword", ["song"], HAM),
    ("keyword_love", "keyword", ["love"], HAM),
    ("keyword_free", "keyword", ["free", "win"], SPAM),
    ("regex_check_out", "regex", r"check\W+(?:\w+\W+){0,2}out", SPAM),
    ("regex_link", "regex", r"https?://|www\.", SPAM),
    ("regex_views", "regex", r"\b\d+\s*(?:million|billion)\b", HAM),
    ("regex_money", "regex", r"\$\s*\d+", SPAM),
]

_WORDS = ("i love this song so much check out my channel please subscribe free win the video "
          "is great best views billion million https://example.com www.site.org $100 plz "
          "amazing music dance 2015 who is watching now lol").split()


def bench_texts(n_rows: int, *, seed: int = 0) -> tuple[pd.DataFrame, str]:
    """Texts for the benchmark.

    The raw UCI YouTube comments tiled to ``n_rows`` when ``$WEAKLABEL_DATA`` has them, else seeded
    synthetic comments.
    """
    root = os.environ.get("WEAKLABEL_DATA")
    if root:
        try:
            from ..io.datasets import load_dataset

            base = load_dataset("youtube", source="raw", split="all", data_dir=root).df["text"].tolist()
            reps = -(-n_rows // len(base))
            return pd.DataFrame({"text": (base * reps)[:n_rows]}), "UCI YouTube comments, tiled"
        except Exception:  # noqa: BLE001 - fall back to synthetic text
            pass
    rng = np.random.default_rng(seed)
    lengths = rng.integers(3, 25, size=n_rows)
    words = rng.choice(np.array(_WORDS, dtype=object), size=int(lengths.sum()))
    cuts = np.cumsum(lengths)[:-1]
    texts = [" ".join(chunk) for chunk in np.split(words, cuts)]
    return pd.DataFrame({"text": texts}), "synthetic comments (seeded)"


def weaklabel_lfs() -> list[Any]:
    """Return the bench's 10 keyword and regex LFs, as weaklabel templates."""
    out = []
    for name, kind, pat, label in SPECS:
        if kind == "keyword":
            out.append(keyword_lf(*pat, label=label, name=name))
        else:
            out.append(regex_lf(pat, label=label, name=name))
    return out


def snorkel_lfs() -> list[Any]:
    """Return the same LFs as a Snorkel user writes them: one ``re.search`` per row."""
    snorkel_lf = require("snorkel.labeling", extra="snorkel", feature="the Snorkel side of the benchmark")
    out = []
    for name, kind, pat, label in SPECS:
        if kind == "keyword":
            rx = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in pat) + r")\b", re.IGNORECASE)
        else:
            rx = re.compile(pat, re.IGNORECASE)

        def f(x: Any, rx: re.Pattern[str] = rx, label: int = label) -> int:
            return label if rx.search(x.text) else ABSTAIN

        out.append(snorkel_lf.LabelingFunction(name=name, f=f))
    return out


def run_apply_bench(n_rows: int = 100_000, *, repeat: int = 5) -> dict[str, Any]:
    """Time both appliers on the same frame in one process, the same way.

    The way is :func:`weaklabel.bench._timing.interleaved`: one untimed warm-up each, then ``repeat``
    interleaved runs. Returns the median seconds, the spread, and the ratio of medians.
    """
    from ._timing import interleaved

    df, source = bench_texts(n_rows)
    lfs = weaklabel_lfs()
    sides: dict[str, Any] = {"weaklabel": lambda: apply_lfs(lfs, df, progress=False)}
    result: dict[str, Any] = {"rows": n_rows, "lfs": len(lfs), "text": source, "python": platform.python_version()}
    try:
        snorkel_labeling = require("snorkel.labeling", extra="snorkel", feature="bench apply")
    except ImportError as exc:
        result["snorkel_error"] = str(exc)
    else:
        applier = snorkel_labeling.PandasLFApplier(snorkel_lfs())
        sides["snorkel"] = lambda: applier.apply(df, progress_bar=False)
    timed = interleaved(sides, repeat=repeat)
    result["weaklabel"] = {k: v for k, v in timed["weaklabel"].items() if k != "result"}
    result["weaklabel_seconds"] = timed["weaklabel"]["median"]
    if "snorkel" in timed:
        L, L_snorkel = timed["weaklabel"]["result"], timed["snorkel"]["result"]
        result["snorkel"] = {k: v for k, v in timed["snorkel"].items() if k != "result"}
        result["snorkel_seconds"] = timed["snorkel"]["median"]
        result["speedup"] = result["snorkel_seconds"] / result["weaklabel_seconds"]
        result["identical_votes"] = bool(np.array_equal(L.votes, L_snorkel))
        result["cell_agreement"] = float((L.votes == L_snorkel).mean())
    return result


def format_result(r: dict[str, Any]) -> str:
    """Return the apply bench's result as report lines."""
    from ._timing import describe

    lines = [f"bench apply: {r['lfs']} keyword/regex LFs x {r['rows']:,} rows ({r['text']}); both sides warmed up "
             "once, then timed in interleaved runs",
             f"  weaklabel apply_lfs (vectorized): {describe(r['weaklabel'])}"]
    if "snorkel_seconds" in r:
        lines += [f"  snorkel PandasLFApplier:          {describe(r['snorkel'])}",
                  f"  speedup (ratio of medians): {r['speedup']:.1f}x   identical L: {r['identical_votes']} "
                  f"(cell agreement {r['cell_agreement']:.6f})"]
    else:
        lines.append(f"  snorkel side skipped: {r['snorkel_error']}")
    return "\n".join(lines)
