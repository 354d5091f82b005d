"""Expert spans in the store (weaklabel/review/span_store.py) and their export (weaklabel/spans/export.py)."""

import json
import os
import uuid

import pytest

from weaklabel import InputError
from weaklabel.review.span_store import SpanStore, doc_version
from weaklabel.spans.export import write_spans

TOKENS = {"d1": ["Ada", "Lovelace", "met", "Babbage", "in", "London"], "d2": ["Paris", "is", "far"]}


PG_URL = os.environ.get("WEAKLABEL_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.skipif(
    not PG_URL, reason="set WEAKLABEL_TEST_POSTGRES_URL to run the store suite on PostgreSQL (.ci/run does)"))]


@pytest.fixture(params=BACKENDS)
def store(request, tmp_path):
    url = f"sqlite:///{tmp_path / 'labels.db'}" if request.param == "sqlite" else PG_URL
    # PostgreSQL is shared between tests: a fresh project each
    s = SpanStore(url, project=f"ner-{uuid.uuid4().hex[:8]}", types=["PER", "LOC"])
    yield s
    s.close()


def test_answers_are_appended_and_the_latest_per_expert_is_in_force(store):
    store.save("d1", [(0, 2, "PER")], "ana", tokens=TOKENS["d1"])
    store.save("d1", [(0, 2, "PER"), (3, 4, "PER"), (5, 6, "LOC")], "ana", tokens=TOKENS["d1"])
    cur = store.current()
    assert cur["spans"].tolist() == [[(0, 2, "PER"), (3, 4, "PER"), (5, 6, "LOC")]]
    assert len(store.events()) == 2            # nothing rewritten in place


def test_undo_brings_the_previous_answer_back(store):
    store.save("d1", [(0, 2, "PER")], "ana", tokens=TOKENS["d1"])
    last = store.save("d1", [], "ana", tokens=TOKENS["d1"])          # deleted the span by mistake
    assert store.undo("ana") == last
    assert store.current()["spans"].tolist() == [[(0, 2, "PER")]]
    assert store.undo("ana") is not None and store.current().empty
    assert store.undo("ana") is None
    assert store.events()["kind"].tolist() == ["spans", "spans", "undo", "undo"]


def test_the_store_survives_a_reopen(tmp_path):
    url = f"sqlite:///{tmp_path / 'labels.db'}"
    a = SpanStore(url, project="ner", types=["PER", "LOC"])
    a.save("d2", [(0, 1, "LOC")], "ana", tokens=TOKENS["d2"])
    a.close()
    b = SpanStore(url, project="ner", types=["PER", "LOC"])
    assert b.gold(["d2"]) == [[(0, 1, "LOC")]]
    assert SpanStore(url, project="other", types=["PER"]).current().empty     # projects are apart


def test_two_experts_disagree_until_the_lead_resolves(store):
    store.save("d1", [(0, 2, "PER"), (5, 6, "LOC")], "ana", tokens=TOKENS["d1"])
    store.save("d1", [(0, 1, "PER"), (5, 6, "LOC")], "ben", tokens=TOKENS["d1"])
    store.save("d2", [(0, 1, "LOC")], "ana", tokens=TOKENS["d2"])
    store.save("d2", [(0, 1, "LOC")], "ben", tokens=TOKENS["d2"])
    assert store.gold(["d1", "d2", "d3"]) == [None, [(0, 1, "LOC")], None]
    assert set(store.disagreements()["annotator"]) == {"ana", "ben"}
    agree = store.agreement().iloc[0]
    # shared spans: (5,6,LOC) and (0,1,LOC) of 3 each -> P = R = 2/3
    assert agree["documents"] == 2 and agree["span_f1"] == pytest.approx(2 / 3)
    store.resolve("d1", [(0, 2, "PER"), (5, 6, "LOC")], "lea", tokens=TOKENS["d1"])
    assert store.gold(["d1"]) == [[(0, 2, "PER"), (5, 6, "LOC")]]
    assert store.disagreements().empty


def test_an_answer_to_other_tokens_is_stale(store):
    store.save("d2", [(0, 1, "LOC")], "ana", tokens=TOKENS["d2"])
    edited = ["Rome", "is", "far"]
    assert store.current({"d2": doc_version(edited)})["stale"].tolist() == [True]
    assert store.gold(["d2"], {"d2": doc_version(edited)}) == [None]
    assert store.gold(["d2"], {"d2": doc_version(TOKENS["d2"])}) == [[(0, 1, "LOC")]]


def test_experts_who_both_find_nothing_agree_fully(store):
    store.save("d2", [], "ana", tokens=TOKENS["d2"])
    store.save("d2", [], "ben", tokens=TOKENS["d2"])
    assert store.agreement()["span_f1"].tolist() == [1.0]
    assert store.gold(["d2"]) == [[]]


@pytest.mark.parametrize("spans, fragment", [
    ([(0, 2, "ORG")], "not one of"),
    ([(2, 2, "PER")], "not a span"),
    ([(0, 9, "PER")], "not a span"),
    ([(0, 2, "PER"), (1, 3, "LOC")], "overlap"),
    ([(0, 2)], "triples"),
    ("PER", "expected a list"),
    ([(0.5, 2, "PER")], "ints"),
])
def test_bad_answers_are_refused_and_nothing_is_stored(store, spans, fragment):
    with pytest.raises(InputError, match=fragment):
        store.save("d1", spans, "ana", tokens=TOKENS["d1"])
    assert store.events().empty


def test_bad_names_and_sources_are_refused(store):
    with pytest.raises(InputError, match="annotator"):
        store.save("d1", [], "<b>x</b>")
    with pytest.raises(InputError, match="source"):
        store.save("d1", [], "ana", source="magic")
    with pytest.raises(InputError, match="row_id"):
        store.save("", [], "ana")
    with pytest.raises(InputError, match="types"):
        SpanStore("sqlite:///:memory:", types=["O"])


# -- export -----------------------------------------------------------------------------------------
def test_export_writes_the_three_formats_and_wrench_reads_back(store, tmp_path):
    from weaklabel.spans.wrench import read_seq_split

    store.save("d1", [(0, 2, "PER"), (5, 6, "LOC")], "ana", tokens=TOKENS["d1"])
    store.save("d2", [(0, 1, "LOC")], "ana", tokens=TOKENS["d2"])
    store.save("d3", [], "ana")                  # not among the documents exported
    ids, toks = list(TOKENS), list(TOKENS.values())
    path, n = store.export(tmp_path / "seq" / "train.json", ids, toks)
    assert n == 2 and json.loads(path.read_text())["d1"]["label"] == [[0, 2, "PER"], [5, 6, "LOC"]]
    (tmp_path / "seq" / "meta.json").write_text(json.dumps({"lf": [], "entity_types": ["PER", "LOC"]}))
    back = read_seq_split(tmp_path / "seq", "train")
    assert back.gold == [[(0, 2, "PER"), (5, 6, "LOC")], [(0, 1, "LOC")]]

    conll, _ = store.export(tmp_path / "gold.conll", ids, toks)
    blocks = conll.read_text().strip().split("\n\n")
    assert blocks[0].splitlines()[:3] == ["Ada\tB-PER", "Lovelace\tI-PER", "met\tO"]
    assert blocks[1].splitlines()[0] == "Paris\tB-LOC"


def test_export_to_a_spacy_docbin(tmp_path):
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    path = write_spans(tmp_path / "train.spacy", ["d1"], [TOKENS["d1"]], [[(0, 2, "PER"), (5, 6, "LOC")]],
                       ["PER", "LOC"])
    docs = list(DocBin().from_bytes(path.read_bytes()).get_docs(spacy.blank("en").vocab))
    assert [(e.text, e.label_) for e in docs[0].ents] == [("Ada Lovelace", "PER"), ("London", "LOC")]


def test_export_refuses_unknown_formats_and_types(tmp_path):
    with pytest.raises(InputError, match="format"):
        write_spans(tmp_path / "x.csv", ["a"], [["w"]], [[]], ["PER"])
    with pytest.raises(InputError, match="not one of"):
        write_spans(tmp_path / "x.json", ["a"], [["w"]], [[(0, 1, "ORG")]], ["PER"])
    with pytest.raises(InputError, match="as many"):
        write_spans(tmp_path / "x.json", ["a", "b"], [["w"]], [[]], ["PER"])


def test_an_answer_saved_without_tokens_is_never_stale(store):
    store.save("d2", [(0, 1, "LOC")], "ana")                     # no tokens: the version is unknown
    assert store.current({"d2": doc_version(TOKENS["d2"])})["stale"].tolist() == [False]
    assert store.gold(["d2"], {"d2": doc_version(TOKENS["d2"])}) == [[(0, 1, "LOC")]]


def test_a_table_from_an_earlier_version_gains_the_new_columns(tmp_path):
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as c:          # span_events as it was before external_version
        c.execute(sa.text("CREATE TABLE span_events (id INTEGER PRIMARY KEY, project VARCHAR(128) NOT NULL, "
                          "doc_id VARCHAR(256) NOT NULL, kind VARCHAR(16) NOT NULL, spans TEXT, annotator "
                          "VARCHAR(64) NOT NULL, source VARCHAR(32) NOT NULL, doc_version VARCHAR(64), created_at "
                          "DATETIME NOT NULL, note TEXT, undoes INTEGER, external_id VARCHAR(128))"))
        c.execute(sa.text("INSERT INTO span_events (project, doc_id, kind, spans, annotator, source, created_at) "
                          "VALUES ('ner', 'd2', 'spans', '[[0, 1, \"LOC\"]]', 'ana', 'review', '2026-01-01')"))
    store = SpanStore(url, project="ner", types=["PER", "LOC"])
    assert store.gold(["d2"]) == [[(0, 1, "LOC")]]                 # the old answer is kept
    store.save("d1", [], "ben")
    assert "external_version" in store.events().columns


# -- the log read incrementally ----------------------------------------------------------------------
def test_a_second_store_on_the_same_database_sees_each_new_event(store):
    """Two app servers on one database: each reads only what was written since its last read, and
    still ends with the whole log, as a fresh reader sees it."""
    other = SpanStore(store.url, project=store.project, types=["PER", "LOC"])
    assert other.events().empty
    store.save("d1", [(0, 2, "PER")], "ana", tokens=TOKENS["d1"])
    assert other.events()["spans"].tolist() == [[(0, 2, "PER")]]
    other.save("d2", [(0, 1, "LOC")], "ben", tokens=TOKENS["d2"])
    store.skip("d2", "ana")
    assert store.undo("ana") is not None
    fresh = SpanStore(store.url, project=store.project, types=["PER", "LOC"]).events()
    for s in (store, other):
        got = s.events()
        assert got["id"].tolist() == fresh["id"].tolist() == sorted(fresh["id"])
        assert got["kind"].tolist() == ["spans", "spans", "skip", "undo"]
        assert got["spans"].tolist() == fresh["spans"].tolist()
    other.close()


def test_a_commit_that_lands_below_the_last_id_read_is_not_missed(tmp_path):
    """On PostgreSQL a transaction holds its id until it commits, so an event can appear below
    the highest id already read; the reader goes back LogTail.REREAD_SECONDS and picks it up, in order."""
    import sqlalchemy as sa

    url = f"sqlite:///{tmp_path / 'labels.db'}"
    store = SpanStore(url, project="ner", types=["PER", "LOC"])
    store._tail.in_id_order = False                  # read as on PostgreSQL
    store.save("d1", [(0, 2, "PER")], "ana", tokens=TOKENS["d1"])
    store.events()
    with store.engine.begin() as c:                  # ids 2 and 3 were taken; 3 commits first
        c.execute(sa.text("INSERT INTO span_events (id, project, doc_id, kind, spans, annotator, source, "
                          "created_at) VALUES (3, 'ner', 'd2', 'spans', '[[0, 1, \"LOC\"]]', 'ben', 'app', "
                          "CURRENT_TIMESTAMP)"))
    assert store.events()["id"].tolist() == [1, 3]
    with store.engine.begin() as c:
        c.execute(sa.text("INSERT INTO span_events (id, project, doc_id, kind, spans, annotator, source, "
                          "created_at) VALUES (2, 'ner', 'd1', 'spans', '[]', 'cy', 'app', CURRENT_TIMESTAMP)"))
    got = store.events()
    assert got["id"].tolist() == [1, 2, 3] and got["annotator"].tolist() == ["ana", "cy", "ben"]
    assert store.current()["annotator"].tolist() == ["ana", "cy", "ben"]


def test_the_answer_in_force_is_the_latest_event_whole(store):
    """A later answer saved without tokens has no version: it must not borrow the stale version of
    the answer before it and be flagged stale in its place."""
    store.save("d1", [(0, 2, "PER")], "ana", tokens=["old", "tokens", "of", "d1", "x", "y"])
    store.save("d1", [(0, 1, "PER")], "ana")
    cur = store.current({"d1": doc_version(TOKENS["d1"])})
    assert cur["spans"].tolist() == [[(0, 1, "PER")]] and cur["doc_version"].isna().all()
    assert not cur["stale"].any()
