"""Fuzzing: readers and the store API never fail with anything but a clear weaklabel error."""

import json

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from weaklabel import InputError, LabelMatrix, WeakLabelError
from weaklabel.io.tables import read_table
from weaklabel.io.wrench import read_wrench_split
from weaklabel.review.store import ExpertLabelStore

SUFFIXES = [".csv", ".tsv", ".json", ".jsonl", ".parquet"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300), st.sampled_from(SUFFIXES))
def test_read_table_on_arbitrary_bytes(tmp_path, blob, suffix):
    path = tmp_path / f"f{suffix}"
    path.write_bytes(blob)
    try:
        df = read_table(path)
    except InputError as exc:
        assert str(path) in str(exc) or "data:" in str(exc)  # a message that says which file
    else:
        assert isinstance(df, pd.DataFrame) and df.index.name == "row_id"


json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=5),
                           lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3),
                           max_leaves=10)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(json_values)
def test_wrench_reader_on_arbitrary_json(tmp_path, value):
    (tmp_path / "label.json").write_text('{"0": "a", "1": "b"}')
    (tmp_path / "train.json").write_text(json.dumps(value))
    try:
        split = read_wrench_split(tmp_path, "train")
    except WeakLabelError as exc:
        assert "train.json" in str(exc) or "WRENCH" in str(exc) or "data" in str(exc), str(exc)
    else:  # only a well-formed split gets through, with one vote row and one label per item
        assert split.L.n_rows == len(split.df) == len(split.y) and split.L.n_rows > 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=200))
def test_label_matrix_load_on_arbitrary_bytes(tmp_path, blob):
    path = tmp_path / "L.npz"
    path.write_bytes(blob)
    with pytest.raises(InputError, match="not a weaklabel label matrix"):
        LabelMatrix.load(path)


ops = st.lists(st.one_of(
    st.tuples(st.just("label"), st.sampled_from(["r1", "r2", "r3"]), st.integers(-1, 2),
              st.sampled_from(["ana", "ben", "<x>"])),
    st.tuples(st.just("undo"), st.sampled_from(["ana", "ben"])),
    st.tuples(st.just("skip"), st.sampled_from(["r1", "r2"]), st.sampled_from(["ana", "ben"]))), max_size=25)


@settings(max_examples=40, deadline=None)
@given(ops)
def test_store_history_matches_a_reference_model(sequence):
    """Random label/undo/skip sequences: bad ones are refused whole, good ones are kept, and the
    labels in force equal a plain-Python replay of the history."""
    store = ExpertLabelStore("sqlite:///:memory:", project="fuzz", label_space=["no", "yes"])
    history, n_events = [], 0
    for op in sequence:
        try:
            if op[0] == "label":
                store.add_label(op[1], op[2], op[3])
                history.append([op[1], op[3], op[2], True])
            elif op[0] == "undo":
                if store.undo(op[1]) is not None:
                    last = [h for h in history if h[1] == op[1] and h[3]][-1]
                    last[3] = False
                else:
                    assert not [h for h in history if h[1] == op[1] and h[3]]
                    n_events -= 1
            else:
                store.skip(op[1], op[2])
            n_events += 1
        except InputError:
            assert op[0] == "label" and (op[2] not in (0, 1) or op[3] == "<x>")
    assert len(store.events()) == n_events
    expected = {}
    for row, who, lab, alive in history:
        if alive:
            expected[(row, who)] = lab
    cur = store.current_labels()
    assert {(r, a): int(lab) for r, a, lab in zip(cur["row_id"], cur["annotator"], cur["label"])} == expected
    assert set(store.gold().tolist()) <= {-1, 0, 1}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.integers(0, 10_000), st.integers(0, 255))
def test_a_damaged_label_matrix_file_is_an_input_error(tmp_path, at, value):
    from weaklabel import LabelMatrix

    path = tmp_path / "L.npz"
    LabelMatrix([[0, 1, -1], [1, 1, 0]], ["a", "b", "c"]).save(path)
    raw = bytearray(path.read_bytes())
    raw[at % len(raw)] = value
    path.write_bytes(bytes(raw))
    try:
        L = LabelMatrix.load(path)
    except InputError as exc:
        assert "L.npz" in str(exc)
    else:  # a flip in a field nobody reads (a timestamp): the same matrix, never a different one
        assert L.votes.tolist() == [[0, 1, -1], [1, 1, 0]] and L.lf_names == ("a", "b", "c")
