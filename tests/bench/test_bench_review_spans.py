"""`weaklabel bench review-spans` (weaklabel/bench/review_spans.py): the simulated span review study."""

import numpy as np
import pandas as pd
import pytest

from weaklabel.bench.review_spans import run_span_review_bench, strategies_beat_random, summarize_span_review
from weaklabel.cli import main
from weaklabel.exceptions import InputError
from weaklabel.spans import SeqSplit, SpanMatrix, write_seq_split


def test_summary_and_the_comparison_with_random_by_hand():
    runs = pd.DataFrame({"dataset": ["a"] * 4, "strategy": ["conflict", "conflict", "random", "random"],
                         "before": [0.5, 0.5, 0.5, 0.5], "after": [0.52, 0.54, 0.50, 0.51],
                         "lift": [0.02, 0.04, 0.0, 0.01], "uses_gold": [1.0, 1.0, 0.0, 1.0]})
    s = summarize_span_review(runs).set_index("strategy")
    assert s.loc["conflict", "lift"] == pytest.approx(3.0) and s.loc["conflict", "lift_sd"] == pytest.approx(1.0)
    assert s.loc["random", "uses_gold"] == pytest.approx(0.5) and s.loc["random", "seeds"] == 2
    assert strategies_beat_random(summarize_span_review(runs)) == {"a": {"conflict": True}}


@pytest.fixture
def seq_folder(tmp_path):
    rng = np.random.default_rng(0)
    n = 40
    lf = [[[(1, 3, "PER")] if rng.random() < 0.9 else [], [(4, 5, "PER")] if rng.random() < 0.5 else []]
          for _ in range(n)]
    L = SpanMatrix.from_spans(lf, [6] * n, ["PER"], ["a", "b"])
    split = SeqSplit([str(i) for i in range(n)], [["w"] * 6 for _ in range(n)], [[(1, 3, "PER")]] * n, L)
    for name in ("train", "test"):
        write_seq_split(tmp_path / "toy", name, split)
    return tmp_path / "toy"


def test_the_study_runs_from_the_command_line(seq_folder, capsys):
    assert main(["bench", "review-spans", str(seq_folder), "--budget", "10", "--seeds", "2"]) == 0
    out = capsys.readouterr().out
    assert "| toy | conflict |" in out and "Lifts more than random documents" in out
    runs = run_span_review_bench([seq_folder], budget=10, strategies=["random"], seeds=2)
    assert len(runs) == 2 and (runs["after"] >= runs["before"] - 1e-12).all()
    with pytest.raises(InputError, match="strategies"):
        run_span_review_bench([seq_folder], strategies=["longest"])
