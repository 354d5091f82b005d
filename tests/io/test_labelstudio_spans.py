"""Label Studio's NER round trip, offline (weaklabel/io/labelstudio_spans.py); the live test runs it
against a real server."""

import pytest

from weaklabel import InputError
from weaklabel.io.labelstudio_spans import (
    char_span_to_tokens,
    ner_labeling_config,
    parse_span_export,
    span_tasks,
    token_offsets,
)
from weaklabel.review.span_store import SpanStore

TOKENS = [["Ada", "Lovelace", "met", "Babbage", "."], ["In", "London", "!"]]


def test_offsets_from_tokens_or_from_the_original_text():
    assert token_offsets(["New", "York", "!"], "New  York!")[1] == [(0, 3), (5, 9), (9, 10)]
    with pytest.raises(InputError, match="token 1"):
        token_offsets(["New", "Jersey"], "New York")


def test_a_character_range_maps_to_the_tokens_it_touches():
    offsets = [(0, 3), (4, 12), (13, 16)]
    assert char_span_to_tokens(0, 12, offsets) == (0, 2)
    assert char_span_to_tokens(5, 7, offsets) == (1, 2)          # half a word: the whole word
    assert char_span_to_tokens(3, 4, offsets) is None            # only the space


def test_tasks_carry_the_predictions_in_characters():
    tasks = span_tasks(["d1", "d2"], TOKENS, [[(0, 2, "PER"), (3, 4, "PER")], [(1, 2, "LOC")]], model_version="v3")
    t = tasks[0]
    assert t["data"]["text"] == "Ada Lovelace met Babbage ." and t["data"]["row_id"] == "d1"
    res = t["predictions"][0]["result"]
    assert [(r["value"]["start"], r["value"]["end"], r["value"]["text"], r["value"]["labels"]) for r in res] == [
        (0, 12, "Ada Lovelace", ["PER"]), (17, 24, "Babbage", ["PER"])]
    assert t["predictions"][0]["model_version"] == "v3" and res[0]["type"] == "labels"
    assert '<Labels name="label" toName="text"><Label value="PER"/>' in ner_labeling_config(["PER", "LOC"])


def _export(tasks, annotations):
    out = []
    for i, (t, anns) in enumerate(zip(tasks, annotations)):
        out.append({"id": 100 + i, "data": t["data"], "annotations": anns})
    return out


def _ann(aid, who, ranges, updated="2026-12-07T10:00:00Z", **extra):
    return {"id": aid, "completed_by": who, "updated_at": updated, **extra, "result": [
        {"from_name": "label", "to_name": "text", "type": "labels",
         "value": {"start": s, "end": e, "labels": [lab]}} for s, e, lab in ranges]}


def test_pull_maps_annotations_back_and_imports_idempotently():
    tasks = span_tasks(["d1", "d2"], TOKENS)
    export = _export(tasks + [{"data": {"text": "made in Label Studio"}}], [
        [_ann(1, {"email": "ana@x.org"}, [(0, 12, "PER"), (17, 22, "PER")]),
         _ann(2, 7, [(0, 3, "PER")], was_cancelled=True)],
        [_ann(3, 7, [(3, 9, "LOC")])],
        [_ann(4, 7, [(0, 4, "LOC")])]])
    records = parse_span_export(export, ["PER", "LOC"], project=12, users={7: "ben@x.org"})
    assert [(r["doc_id"], r["annotator"], r["spans"]) for r in records] == [
        ("d1", "ana@x.org", [(0, 2, "PER"), (3, 4, "PER")]), ("d2", "ben@x.org", [(1, 2, "LOC")])]
    store = SpanStore("sqlite:///:memory:", project="ner", types=["PER", "LOC"])
    assert store.import_external(records, origin="ls:12:") == {"added": 2, "updated": 0, "unchanged": 0,
                                                                "retracted": 0}
    assert store.import_external(records, origin="ls:12:")["unchanged"] == 2
    records[0]["version"], records[0]["spans"] = "2026-12-07T11:00:00Z", [(0, 2, "PER")]
    assert store.import_external(records[:1], origin="ls:12:") == {"added": 0, "updated": 1, "unchanged": 0,
                                                                    "retracted": 1}
    assert store.gold(["d1", "d2"]) == [[(0, 2, "PER")], None]     # d2's answer was deleted in Label Studio


def test_a_label_outside_the_types_names_the_task():
    export = _export(span_tasks(["d1"], TOKENS[:1]), [[_ann(1, 7, [(0, 3, "ORG")])]])
    with pytest.raises(InputError, match="task 100: label 'ORG'"):
        parse_span_export(export, ["PER"], project=1)
    store = SpanStore("sqlite:///:memory:", types=["PER"])
    with pytest.raises(InputError, match="origin"):
        store.import_external([{"doc_id": "d1", "spans": [], "annotator": "a", "external_id": "x:1"}], origin="ls:1:")


def test_the_commands_need_the_token_in_the_environment(tmp_path, monkeypatch, capsys):
    from weaklabel.cli import main
    from weaklabel.spans import SeqSplit, SpanMatrix, write_seq_split

    L = SpanMatrix.from_spans([[[(0, 1, "PER")]]], [2], ["PER"], ["names"])
    write_seq_split(tmp_path / "toy", "train", SeqSplit(["d0"], [["Ada", "."]], None, L))
    monkeypatch.delenv("WEAKLABEL_LS_TOKEN", raising=False)
    code = main(["ls", "push-spans", str(tmp_path / "toy"), "--url", "http://127.0.0.1:9",
                 "--store", f"sqlite:///{tmp_path / 'l.db'}"])
    assert code == 1 and "WEAKLABEL_LS_TOKEN" in capsys.readouterr().err
