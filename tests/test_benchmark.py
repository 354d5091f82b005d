import json

import numpy as np
import pandas as pd
import pytest

from weaklabel import InputError, LabelMatrix, LabelSpace
from weaklabel import benchmark as B
from weaklabel.cli import main
from weaklabel.io import write_wrench_split

from weaklabel.bench.synthetic import sample_L


@pytest.fixture
def wrench_dir(tmp_path):
    """A synthetic 3-class WRENCH folder with sparse LFs and entity-span data fields."""
    labels = LabelSpace(["a", "b", "c"])
    for split, n, seed in (("train", 1500, 0), ("valid", 200, 1), ("test", 300, 2)):
        L, y = sample_L(n, [0.85, 0.8, 0.75, 0.7, 0.8], [0.3, 0.2, 0.4, 0.1, 0.3], [0.5, 0.3, 0.2], seed=seed)
        df = pd.DataFrame({"text": [f"item {i}" for i in range(n)], "span": [[0, 4]] * n, "label": y})
        write_wrench_split(tmp_path / "toy", split, df, LabelMatrix(L, label_space=labels))
    return tmp_path / "toy"


def test_run_scores_every_model_on_every_seed(wrench_dir):
    res = B.run([wrench_dir], models=["majority", "label_model", "dawid_skene"], seeds=3)
    assert len(res) == 9 and set(res["metric"]) == {"accuracy"}
    mean = res.groupby("model")["score"].mean()
    assert mean["label_model"] >= mean["majority"] and mean["majority"] > 0.6
    table = B.summarize(res)
    assert table.index.tolist() == ["majority", "label_model", "dawid_skene"]
    assert "±" in table.iloc[0, 0]


def test_valid_gold_and_unknown_models(wrench_dir):
    res = B.run([wrench_dir], models=["label_model"], seeds=1, use_valid_gold=True)
    assert res["score"].iloc[0] > 0.7
    with pytest.raises(InputError, match="unknown \\['svm'\\]"):
        B.run([wrench_dir], models=["svm"])


def test_auto_metric_picks_f1_for_rare_positive_binary_sets():
    assert B.auto_metric(np.array([0] * 90 + [1] * 10), 2) == "f1"
    assert B.auto_metric(np.array([0, 1] * 50), 2) == "accuracy"
    assert B.auto_metric(np.array([0, 1, 2] * 10), 3) == "accuracy"


def test_gold_curve_rows(wrench_dir):
    curve = B.gold_curve(wrench_dir, sizes=(0, 20), draws=2)
    assert curve["gold_rows"].tolist() == [0, 20, 20] and curve["score"].between(0, 1).all()


def test_cli_benchmark_markdown_and_json(wrench_dir, tmp_path, capsys):
    out_json = tmp_path / "r.json"
    assert main(["benchmark", str(wrench_dir), "--models", "majority,label_model", "--seeds", "2",
                 "--json", str(out_json)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("| model") or "| label_model |" in out
    assert len(json.loads(out_json.read_text())) == 4
    assert main(["benchmark", str(wrench_dir), "--gold-curve", "0,10"]) == 0
    assert "gold rows" in capsys.readouterr().out


def test_label_model_beats_baselines_on_wrench_youtube(data_dir):
    pytest.importorskip("snorkel")
    res = B.run([data_dir / "youtube"], models=["majority", "snorkel", "label_model"], seeds=5)
    mean = res.groupby("model")["score"].mean()
    assert mean["label_model"] > max(mean["majority"], mean["snorkel"])
