"""``weaklabel bench store``: labels a second into the label store and raw sqlite3, every label
counted after each run."""

import json

import pytest

from weaklabel.bench.store import run_store_bench
from weaklabel.cli import main
from weaklabel.exceptions import InputError


def test_both_sides_store_every_label_and_the_rates_come_from_the_medians(tmp_path):
    res = run_store_bench(labels=15, writers=(1, 2), repeat=2, folder=tmp_path)
    for w in (1, 2):
        row = res[f"writers_{w}"]
        for side in ("weaklabel", "sqlite3"):
            assert len(row[side]["runs"]) == 2 and row[side]["min"] <= row[side]["median"] <= row[side]["max"]
            assert row[side]["labels_per_s"] == pytest.approx(w * 15 / row[side]["median"], rel=1e-3)
        assert row["ratio"] == pytest.approx(row["sqlite3"]["labels_per_s"] / row["weaklabel"]["labels_per_s"],
                                             abs=0.01)
    assert list(tmp_path.iterdir()) == []          # each run's databases are removed


def test_bad_arguments_are_refused(tmp_path):
    with pytest.raises(InputError, match="expected positive numbers"):
        run_store_bench(labels=10, writers=(0,), folder=tmp_path)
    with pytest.raises(InputError, match="is not a folder"):
        run_store_bench(labels=10, folder=tmp_path / "nope")
    assert main(["bench", "store", "--writers", "one"]) == 2


def test_the_cli_writes_its_json(tmp_path, capsys):
    out = tmp_path / "store.json"
    assert main(["bench", "store", "--labels", "5", "--writers", "1", "--repeat", "1", "--dir", str(tmp_path),
                 "--json", str(out)]) == 0
    assert json.loads(out.read_text())["writers_1"]["weaklabel"]["labels_per_s"] > 0
    assert "labels_per_s" in capsys.readouterr().out
