"""The label store's reductions by hand: gold under each policy, agreement, export,
in-memory databases and the constructor's checks."""

import numpy as np
import pandas as pd
import pytest

from weaklabel import InputError
from weaklabel.review.store import ExpertLabelStore


@pytest.mark.parametrize("url", ["sqlite:///:memory:", "sqlite://"])
def test_an_in_memory_store_keeps_its_labels_between_calls(url):
    store = ExpertLabelStore(url, label_space=["ham", "spam"])
    store.add_label("r1", "spam", annotator="ana")
    store.add_label("r2", 0, annotator="ben")
    assert store.gold().to_dict() == {"r1": 1, "r2": 0}
    assert store.label_space.names == ("ham", "spam")


@pytest.mark.parametrize("project", ["", "   ", "x" * 129, 7])
def test_the_project_name_is_checked(project):
    with pytest.raises(InputError, match="^project: expected a non-empty name"):
        ExpertLabelStore("sqlite://", project=project)


@pytest.fixture
def store():
    s = ExpertLabelStore("sqlite://", label_space=["ham", "spam", "eggs"])
    # r1: ana ham, ben ham, cy spam -> majority ham; latest spam
    # r2: ana spam, ben eggs -> a tie (-1); the lead rules eggs
    # r3: only the lead's ruling (spam)
    for row, label, who in [("r1", 0, "ana"), ("r2", 1, "ana"), ("r1", 0, "ben"), ("r2", 2, "ben"),
                            ("r1", 1, "cy")]:
        s.add_label(row, label, annotator=who)
    s.add_label("r2", 2, annotator="lead", source="adjudication")
    s.add_label("r3", 1, annotator="lead", source="adjudication")
    return s


def test_gold_under_each_policy(store):
    majority, latest, adjudicated = (store.gold(p) for p in ("majority", "latest", "adjudicated"))
    assert majority.to_dict() == {"r1": 0, "r2": -1}
    assert latest.to_dict() == {"r1": 1, "r2": 2, "r3": 1}
    assert adjudicated.to_dict() == {"r1": 0, "r2": 2, "r3": 1}
    for g in (majority, latest, adjudicated):
        assert g.dtype == np.int64 and g.name == "label"
    assert store.gold_array(["r3", "r1", "zz"], policy="adjudicated").tolist() == [1, 0, -1]


def test_an_empty_store():
    s = ExpertLabelStore("sqlite://")
    g = s.gold()
    assert g.empty and g.dtype == np.int64 and g.name == "label"
    a = s.agreement()
    assert set(a) == {"kappa", "alpha", "n_rows_multi"} and a["n_rows_multi"] == 0
    assert a["kappa"].empty and np.isnan(a["alpha"])


def test_agreement_by_hand_leaves_the_lead_out(store):
    a = store.agreement()
    assert list(a["kappa"].index) == ["ana", "ben", "cy"] and a["n_rows_multi"] == 2
    k = a["kappa"]
    assert k.loc["ana", "ana"] == 1.0 and k.loc["cy", "cy"] == 1.0
    # ana vs ben on r1 (0, 0) and r2 (1, 2): po = 1/2, pe = (1/2)(1/2) + (1/2)(0) = 1/4 -> 1/3
    assert k.loc["ana", "ben"] == pytest.approx(1 / 3) and k.loc["ben", "ana"] == pytest.approx(1 / 3)
    # ana vs cy share r1 only (0 vs 1): po = 0, pe = 0 -> kappa 0
    assert k.loc["ana", "cy"] == 0.0
    # alpha over r1 (0, 0, 1) and r2 (1, 2): o00 = 1, o01 = o10 = 1, o12 = o21 = 1; n = 5, trace 1
    # n_0 = 2, n_1 = 2, n_2 = 1; D_o = 4/5, D_e = (25 - 4 - 4 - 1) / 20 = 16/20: no better than chance
    assert a["alpha"] == pytest.approx(1 - (4 / 5) / (16 / 20), abs=1e-12)


def test_export_by_hand(store, tmp_path):
    store.export(tmp_path / "gold.csv", policy="adjudicated")
    csv = pd.read_csv(tmp_path / "gold.csv", dtype={"row_id": str}, keep_default_na=False)
    assert list(csv.columns) == ["row_id", "label", "label_name", "n_experts"]
    assert csv.to_dict("list") == {"row_id": ["r1", "r2", "r3"], "label": [0, 2, 1],
                                   "label_name": ["ham", "eggs", "spam"], "n_experts": [3, 2, 0]}
    store.export(tmp_path / "gold.parquet")
    pq = pd.read_parquet(tmp_path / "gold.parquet")
    assert list(pq.columns) == ["row_id", "label", "label_name", "n_experts"]
    assert pq.to_dict("list") == {"row_id": ["r1", "r2"], "label": [0, -1], "label_name": ["ham", ""],
                                  "n_experts": [3, 2]}
    with pytest.raises(InputError, match=r"export to \.csv or \.parquet, got '\.txt'"):
        store.export(tmp_path / "gold.txt")


def test_a_label_releases_only_that_experts_lease_on_that_row_in_that_project(tmp_path):
    url = f"sqlite:///{tmp_path / 'labels.db'}"
    s, other = ExpertLabelStore(url), ExpertLabelStore(url, project="other")
    assert s.lease_next(["r1"], "ana", overlap=2) == "r1" and s.lease_next(["r1"], "ben", overlap=2) == "r1"
    assert s.lease_next(["r2"], "ana") == "r2"
    assert other.lease_next(["r1"], "ana") == "r1"
    s.add_label("r1", 1, annotator="ana")
    assert s.lease_next(["r1"], "cy", overlap=2) is None   # ana's label and ben's lease still count
    assert s.lease_next(["r2"], "ben") is None             # ana's lease on r2 is untouched
    assert other.lease_next(["r1"], "ben") is None         # and so is her lease in the other project


def test_a_skip_releases_the_lease_and_records_the_note():
    s = ExpertLabelStore("sqlite://")
    assert s.lease_next(["r1"], "ana") == "r1"
    s.skip("r1", "ana", note="unreadable")
    assert s.lease_next(["r1"], "ben") == "r1"
    ev = s.events()
    assert ev[["row_id", "kind", "annotator", "source", "note"]].to_dict("records") == [
        {"row_id": "r1", "kind": "skip", "annotator": "ana", "source": "app", "note": "unreadable"}]


def test_bulk_labels_are_imports_and_must_be_triples():
    s = ExpertLabelStore("sqlite://")
    assert s.add_labels([("r1", 1, "ana"), ["r2", 0, "ben"]]) == 2
    assert s.events()["source"].tolist() == ["import", "import"]
    for bad in [("r3", 1), "r3", ("r3", 1, "ana", "extra")]:
        with pytest.raises(InputError, match=r"^records: item 0 is .*expected \(row_id, label, annotator\)"):
            s.add_labels([bad])


def test_undo_last_names_the_row_and_is_an_app_event():
    s = ExpertLabelStore("sqlite://")
    s.add_label("r1", 1, annotator="ana")
    first = s.add_label("r2", 0, annotator="ana")
    undo_id, row = s.undo_last("ana")
    assert row == "r2" and undo_id > first
    ev = s.events().set_index("id")
    assert ev.loc[undo_id, "kind"] == "undo" and ev.loc[undo_id, "source"] == "app"
    assert ev.loc[undo_id, "undoes"] == first
    assert s.current_labels()["row_id"].tolist() == ["r1"]


def test_empty_tables_have_their_columns():
    s = ExpertLabelStore("sqlite://")
    assert list(s.current_labels().columns) == ["row_id", "annotator", "label", "source", "id"]
    assert {"id", "project", "row_id", "kind", "label", "annotator", "source", "created_at", "note",
            "undoes"} <= set(s.events().columns)
    s.add_label("b", 1, annotator="ana")
    s.add_label("a", 0, annotator="ana")
    assert s.events()["row_id"].tolist() == ["b", "a"]  # in the order they happened


def test_opening_errors_say_what_to_check(tmp_path):
    from weaklabel.exceptions import StoreError

    with pytest.raises(StoreError, match=r"unable to open database file.*read-only or missing"):
        ExpertLabelStore(f"sqlite:///{tmp_path / 'no-such-folder' / 'labels.db'}")
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not a SQLite database, only text " * 200)
    with pytest.raises(StoreError, match=r"not a database\); check the path \(is it a SQLite database\?\)$"):
        ExpertLabelStore(f"sqlite:///{junk}")
    pytest.importorskip("psycopg")
    with pytest.raises(StoreError, match=r"\); check the server address, database name and credentials$") as err:
        ExpertLabelStore("postgresql+psycopg://ana:s3cret@127.0.0.1:9/labels")  # port 9: nothing listens
    assert "s3cret" not in str(err.value)


def test_empty_counts_and_unshared_pairs_keep_their_types():
    s = ExpertLabelStore("sqlite://")
    counts = s.label_counts()
    assert counts.empty and counts.dtype == np.int64
    s.add_label("r1", 1, annotator="ana")
    s.add_label("r2", 0, annotator="ben")  # ana and ben share no row
    a = s.agreement()
    assert (a["kappa"].dtypes == np.float64).all() and np.isnan(a["kappa"].loc["ana", "ben"])
    assert a["n_rows_multi"] == 0 and np.isnan(a["alpha"])


def test_parquet_export_has_no_index_column(store, tmp_path):
    import pyarrow.parquet as pq

    store.export(tmp_path / "gold.parquet")
    assert pq.read_table(tmp_path / "gold.parquet").column_names == ["row_id", "label", "label_name", "n_experts"]
