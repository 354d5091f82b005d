import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from weaklabel import InputError, LabelSpace
from weaklabel.evaluate import cohen_kappa, krippendorff_alpha
from weaklabel.exceptions import StoreError
from weaklabel.review.store import ExpertLabelStore

LABELS = LabelSpace(["ham", "spam"])
PG_URL = os.environ.get("WEAKLABEL_TEST_POSTGRES_URL")
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.skipif(
    not PG_URL, reason="set WEAKLABEL_TEST_POSTGRES_URL to run the store suite on PostgreSQL (.ci/run does)"))]


@pytest.fixture(params=BACKENDS)
def url(request, tmp_path):
    return f"sqlite:///{tmp_path / 'labels.db'}" if request.param == "sqlite" else PG_URL


@pytest.fixture
def project():
    return f"p-{uuid.uuid4().hex[:10]}"  # PostgreSQL is shared between tests: a fresh project each


@pytest.fixture
def store(url, project):
    return ExpertLabelStore(url, project=project, label_space=LABELS)


def test_events_are_appended_and_undo_is_a_new_event(store):
    a = store.add_label("r1", "spam", "ana", note="obvious ad", model_version="lm-1")
    store.add_label("r2", 0, "ana")
    u = store.undo("ana")
    assert u is not None and u > a
    ev = store.events()
    assert ev["kind"].tolist() == ["label", "label", "undo"]
    assert ev.loc[2, "undoes"] == ev.loc[1, "id"]
    assert ev.loc[0, "note"] == "obvious ad" and ev.loc[0, "model_version"] == "lm-1"
    assert store.gold().to_dict() == {"r1": 1}
    store.undo("ana")
    assert store.gold().empty and len(store.events()) == 4  # nothing is deleted
    assert store.undo("ana") is None


def test_gold_policies(store):
    store.add_labels([("r1", 1, "ana"), ("r1", 1, "ben"), ("r1", 0, "cy"),   # majority spam
                      ("r2", 0, "ana"), ("r2", 1, "ben"),                     # tie
                      ("r3", 0, "ana")])
    store.add_label("r3", 1, "ana")   # ana changed her mind: her latest label counts
    assert store.gold("majority").to_dict() == {"r1": 1, "r2": -1, "r3": 1}
    store.add_label("r2", 1, "judge", source="adjudication")
    assert store.gold("adjudicated").to_dict() == {"r1": 1, "r2": 1, "r3": 1}
    assert store.gold("majority")["r2"] == -1  # adjudications do not vote
    assert store.gold("latest")["r2"] == 1
    store.undo("judge")
    assert store.gold("adjudicated")["r2"] == -1
    store.add_label("r1", 0, "judge", source="adjudication")
    assert store.gold("adjudicated")["r1"] == 0 and store.gold("majority")["r1"] == 1
    # a lead's ruling is not a rater's label: it does not count toward overlap
    assert store.label_counts().to_dict() == {"r1": 3, "r2": 2, "r3": 1}
    assert store.gold_array(["r1", "r9", "r3"]).tolist() == [1, -1, 1]


@pytest.mark.parametrize("label, annotator, msg", [
    (2, "ana", r"label: 2 is outside the label space 0..1"),
    ("eggs", "ana", "not in the label space"),
    (True, "ana", "expected a class index or name"),
    (1, "", "annotator: expected a name"),
    (1, "<script>", "annotator: expected a name"),
])
def test_bad_labels_and_annotators_are_rejected(store, label, annotator, msg):
    with pytest.raises(InputError, match=msg):
        store.add_label("r1", label, annotator)
    assert store.events().empty


def test_leases_keep_two_experts_off_the_same_item(store):
    cands = ["r1", "r2", "r3"]
    assert store.lease_next(cands, "ana") == "r1"
    assert store.lease_next(cands, "ben") == "r2"        # r1 is leased to ana
    assert store.lease_next(cands, "ana") == "r1"        # ana keeps hers
    store.add_label("r1", 1, "ana")
    assert store.lease_next(cands, "ana") == "r3"        # labeled and leased rows are not served
    assert store.lease_next(cands, "cy") is None
    store.release("r2", "ben")
    assert store.lease_next(cands, "cy") == "r2"
    # overlap=2: a second expert may take a row someone else labeled
    assert store.lease_next(["r1"], "ben", overlap=2) == "r1"


def test_leases_expire(store):
    assert store.lease_next(["r1"], "ana", ttl_seconds=0.2) == "r1"
    assert store.lease_next(["r1"], "ben") is None
    time.sleep(0.3)
    assert store.lease_next(["r1"], "ben") == "r1"


def test_a_fast_clock_in_one_process_does_not_expire_others_leases(store, monkeypatch):
    from datetime import timedelta

    import weaklabel.review.store as store_mod

    assert store.lease_next(["r1", "r2"], "ana", ttl_seconds=600) == "r1"
    real_now = store_mod._now
    monkeypatch.setattr(store_mod, "_now", lambda: real_now() + timedelta(minutes=15))  # ben's server
    assert store.lease_next(["r1", "r2"], "ben") == "r2"  # ana's lease is alive by the database's clock


def test_skip_takes_an_item_out_of_that_experts_queue(store):
    store.skip("r1", "ana")
    assert store.lease_next(["r1", "r2"], "ana") == "r2"
    assert store.lease_next(["r1"], "ben") == "r1"


def test_agreement_statistics(store):
    store.add_labels([(f"r{i}", lab, "ana") for i, lab in enumerate([0, 0, 1, 1, 0, 1])])
    store.add_labels([(f"r{i}", lab, "ben") for i, lab in enumerate([0, 0, 1, 0, 0, 1])])
    ag = store.agreement()
    # by hand: po = 5/6; ana 3x0 3x1, ben 4x0 2x1 -> pe = 3/6*4/6 + 3/6*2/6 = 1/2 -> kappa = (5/6-1/2)/(1/2) = 2/3
    assert ag["kappa"].loc["ana", "ben"] == pytest.approx(2 / 3)
    # alpha (nominal, 2 coders, 6 units): 12 pairable values, D_o = 2/12 * ... = 1 - (n-1) * o_disagree / e_disagree
    # coincidences: o_00 = 6, o_11 = 4, o_01 = o_10 = 1; n_0 = 7, n_1 = 5, n = 12
    # alpha = 1 - (n - 1) * o_01 * 2 / (n_0 * n_1 * 2) = 1 - 11 * 1 / 35
    assert ag["n_rows_multi"] == 6 and ag["alpha"] == pytest.approx(1 - 11 / 35)


def test_kappa_and_alpha_hand_computed():
    # po = 4/6, pe = (3/6*4/6 + 3/6*2/6) = 1/2  -> kappa = (2/3 - 1/2) / (1/2) = 1/3
    assert cohen_kappa(np.array([0, 0, 1, 1, 0, 1]), np.array([0, 0, 1, 0, 0, 0])) == pytest.approx(1 / 3)
    assert krippendorff_alpha(np.array([[0, 0], [1, 1], [0, 0], [1, 1]], float)) == pytest.approx(1.0)
    # Krippendorff (2011) nominal example: 4 coders, 12 units -> alpha = 0.743
    data = np.array([
        [1, 1, np.nan, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4],
        [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [np.nan, 5, 5, 5], [np.nan, np.nan, 1, 1],
        [np.nan, np.nan, 3, np.nan]])
    assert krippendorff_alpha(data) == pytest.approx(0.743, abs=1e-3)


def test_export_is_atomic_csv_and_parquet(store, tmp_path):
    store.add_labels([("r1", 1, "ana"), ("r2", 0, "ana")])
    out = pd.read_csv(store.export(tmp_path / "gold.csv"))
    assert out.to_dict("list") == {"row_id": ["r1", "r2"], "label": [1, 0], "label_name": ["spam", "ham"],
                                   "n_experts": [1, 1]}
    assert len(pd.read_parquet(store.export(tmp_path / "gold.parquet"))) == 2
    assert not list(tmp_path.glob("*.tmp"))
    with pytest.raises(InputError, match="export to .csv or .parquet"):
        store.export(tmp_path / "gold.xlsx")


def test_schema_is_versioned_and_a_newer_store_is_refused(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    assert ExpertLabelStore(url).schema_version == 4
    con = sqlite3.connect(tmp_path / "db.sqlite")
    con.execute("UPDATE weaklabel_meta SET value='99' WHERE key='schema_version'")
    con.commit()
    con.close()
    with pytest.raises(StoreError, match="schema v99, newer than this weaklabel supports"):
        ExpertLabelStore(url)


def test_a_v1_store_is_migrated_in_place_and_keeps_its_events(tmp_path):
    db = tmp_path / "v1.sqlite"
    con = sqlite3.connect(db)  # the v1 schema, as weaklabel 0.1 wrote it, with one event
    con.executescript("""
        CREATE TABLE weaklabel_meta (key VARCHAR(64) PRIMARY KEY, value VARCHAR(256) NOT NULL);
        INSERT INTO weaklabel_meta VALUES ('schema_version', '1');
        CREATE TABLE label_events (id INTEGER PRIMARY KEY AUTOINCREMENT, project VARCHAR(128) NOT NULL,
            row_id VARCHAR(256) NOT NULL, kind VARCHAR(16) NOT NULL, label INTEGER, annotator VARCHAR(64) NOT NULL,
            source VARCHAR(32) NOT NULL, created_at DATETIME NOT NULL, note TEXT, model_version VARCHAR(128),
            undoes INTEGER);
        INSERT INTO label_events (project, row_id, kind, label, annotator, source, created_at)
            VALUES ('default', 'r1', 'label', 1, 'ana', 'queue', '2026-01-01 00:00:00');
    """)
    con.commit()
    con.close()
    store = ExpertLabelStore(f"sqlite:///{db}")
    assert store.schema_version == 4
    assert store.gold().to_dict() == {"r1": 1}
    # the row tables were built from the old events: ana's r1 is taken, so ben gets r2
    assert store.lease_next(["r1", "r2"], "ben") == "r2" and store.labeled_row_count() == 1
    store.add_label("r2", 0, "ben")
    assert {"external_id", "external_version", "external_meta"} <= set(store.events().columns)


def test_a_v3_store_gains_the_external_meta_column(tmp_path):
    url = f"sqlite:///{tmp_path / 'v3.sqlite'}"
    ExpertLabelStore(url).add_label("r1", 1, "ana")
    con = sqlite3.connect(tmp_path / "v3.sqlite")   # back to v3: the column as it was not there
    con.execute("ALTER TABLE label_events DROP COLUMN external_meta")
    con.execute("UPDATE weaklabel_meta SET value='3' WHERE key='schema_version'")
    con.commit()
    con.close()
    store = ExpertLabelStore(url)
    assert store.schema_version == 4 and store.gold().to_dict() == {"r1": 1}
    store.import_external([{"row_id": "r2", "label": 0, "annotator": "ana", "external_id": "1", "version": "v1",
                            "meta": {"lead_time": 3.5}}], origin="ls:1")
    assert store.events()["external_meta"].dropna().tolist() == ['{"lead_time": 3.5}']


def test_what_label_studio_knew_is_kept_and_lead_time_counts_in_the_stats(store):
    from weaklabel.review.reports import annotator_stats

    recs = [{"row_id": f"r{i}", "label": i % 2, "annotator": "ana", "external_id": str(i), "version": "v1",
             "meta": {"lead_time": t, "ground_truth": False, "parent_prediction": 7, "junk": [1],
                      "updated_at": "2026-11-28T10:00:00Z"}} for i, t in enumerate((4.0, 6.0, 20.0))]
    store.import_external(recs, origin="ls:1")
    import json
    kept = [json.loads(m) for m in store.events()["external_meta"]]
    assert kept[0] == {"lead_time": 4.0, "ground_truth": False, "parent_prediction": 7,
                       "updated_at": "2026-11-28T10:00:00Z"}
    assert annotator_stats(store.events()).loc["ana", "median_seconds"] == 6.0
    with pytest.raises(InputError, match="item 0 has meta list; expected a dict"):
        store.import_external([{**recs[0], "external_id": "9", "meta": [1]}], origin="ls:1")


def test_unreachable_or_corrupt_store_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="cannot open the label store"):
        ExpertLabelStore(f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}")
    bad = tmp_path / "corrupt.db"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot open the label store"):
        ExpertLabelStore(f"sqlite:///{bad}")


def test_projects_share_a_database_without_mixing(url, project):
    a, b = ExpertLabelStore(url, project=project + "a"), ExpertLabelStore(url, project=project + "b")
    a.add_label("r1", 1, "ana")
    assert b.gold().empty and a.gold().to_dict() == {"r1": 1}


WRITER = ("import sys; from weaklabel.review.store import ExpertLabelStore\n"
          "url, w, n, project = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]\n"
          "s = ExpertLabelStore(url, project=project)\n"
          "for i in range(n):\n"
          "    s.add_label(f'w{w}-{i}', i % 2, f'expert{w}')\n")


@pytest.mark.slow
def test_eight_concurrent_writers_lose_nothing(url, project):
    ExpertLabelStore(url, project=project)
    # separate interpreters (not multiprocessing): nothing of the test process leaks in
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, url, str(w), "500", project],
                              stderr=subprocess.PIPE, text=True) for w in range(8)]
    errors = [p.communicate(timeout=300)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 8, errors
    ev = ExpertLabelStore(url, project=project).events()
    assert len(ev) == 4000 and ev["row_id"].is_unique
    assert ev.groupby("annotator").size().tolist() == [500] * 8


@pytest.mark.slow
def test_a_writer_killed_mid_session_loses_only_uncommitted_work(url, project):
    ExpertLabelStore(url, project=project)
    code = ("import sys; from weaklabel.review.store import ExpertLabelStore\n"
            f"s = ExpertLabelStore({url!r}, project={project!r})\n"
            "i = 0\n"
            "while True:\n"
            "    s.add_label(f'k{i}', i % 2, 'victim'); i += 1\n"
            "    print(i, flush=True)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    acknowledged = 0
    for line in proc.stdout:
        acknowledged = int(line)
        if acknowledged >= 300:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    ev = ExpertLabelStore(url, project=project).events()   # the store opens cleanly
    assert len(ev) >= acknowledged  # every label the writer saw committed is there
    ids = sorted(int(r[1:]) for r in ev["row_id"])
    assert ids == list(range(len(ids)))  # no gaps: nothing committed went missing
    if url.startswith("sqlite"):
        con = sqlite3.connect(url.removeprefix("sqlite:///"))
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        con.close()


def test_keyed_imports_update_and_retract_every_version(store):
    rec = {"row_id": "r1", "label": 0, "annotator": "ana", "external_id": 5, "version": "v1", "source": "audit"}
    assert store.import_external([rec], origin="ls:1") == {"added": 1, "updated": 0, "unchanged": 0, "retracted": 0}
    assert store.import_external([rec], origin="ls:1")["unchanged"] == 1
    assert store.import_external([{**rec, "label": 1, "version": "v2"}], origin="ls:1")["updated"] == 1
    assert store.gold("latest").to_dict() == {"r1": 1}
    # another origin's ids are separate
    assert store.import_external([rec], origin="ls:2")["added"] == 1
    # gone from ls:1's export: every version is undone, so v1 does not resurface
    assert store.import_external([], origin="ls:1")["retracted"] == 1
    cur = store.current_labels()
    assert cur["label"].tolist() == [0] and cur["source"].tolist() == ["audit"]   # only ls:2's label
    with pytest.raises(InputError, match="appear more than once in one export"):
        store.import_external([rec, rec], origin="ls:3")
    with pytest.raises(InputError, match="has no external_id"):
        store.import_external([{**rec, "external_id": None}], origin="ls:3")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["r1", "r2", "r3"]), st.integers(0, 2),
                          st.sampled_from(["ana", "ben", "cy", "dee"])), min_size=1, max_size=25))
def test_majority_gold_matches_a_count_by_hand(tmp_path_factory, events):
    store = ExpertLabelStore(f"sqlite:///{tmp_path_factory.mktemp('g') / 'labels.db'}",
                             project="p", label_space=LabelSpace(["a", "b", "c"]))
    store.add_labels(events)
    latest = {}
    for row, label, who in events:          # each expert's latest label per row is in force
        latest[(row, who)] = label
    expect = {}
    for row in {r for r, _ in latest}:
        votes = [lab for (r, _), lab in latest.items() if r == row]
        counts = {lab: votes.count(lab) for lab in set(votes)}
        top = max(counts.values())
        winners = [lab for lab, n in counts.items() if n == top]
        expect[row] = winners[0] if len(winners) == 1 else -1
    assert store.gold("majority").to_dict() == expect


def test_ordered_imports_keep_the_newest_version_whatever_the_delivery_order(store):
    def rec(ext, label, at, row="r1"):
        return {"row_id": row, "label": label, "annotator": "ana", "external_id": ext, "version": at}

    def put(*recs):
        return store.import_external(list(recs), origin="ls:9", retract_missing=False, ordered=True)

    assert put(rec(1, 1, "2026-01-01T10:00:00Z"))["added"] == 1
    assert put(rec(1, 0, "2026-01-01T09:00:00Z"))["stale"] == 1          # an older version, late
    assert put(rec(1, 1, "2026-01-01T10:00:00Z"))["unchanged"] == 1      # a replay
    assert store.retract_external(["ls:9:1"]) == 1
    assert put(rec(1, 1, "2026-01-01T10:00:00Z"))["stale"] == 1          # deleted stays deleted
    assert store.current_labels().empty
    assert put(rec(2, 0, "2026-01-02T10:00:00Z"))["added"] == 1
    assert put(rec(3, 1, "2026-01-02T08:00:00Z"))["stale"] == 1          # older than annotation 2 in force
    assert put(rec(3, 1, "2026-01-02T08:00:00Z", row="r2"))["added"] == 1  # another row: no conflict
    assert store.current_labels().set_index("row_id")["label"].to_dict() == {"r1": 0, "r2": 1}
    # versions that are not timestamps: the unordered rule (a different version replaces)
    assert put(rec(4, 1, "v1", row="r3"))["added"] == 1 and put(rec(4, 0, "v0", row="r3"))["updated"] == 1


def test_ids_postgresql_cannot_keep_are_refused_on_every_database(store):
    with pytest.raises(InputError, match=r"row_id: ids of at most 256 characters can be stored, got one of 300"):
        store.add_label("x" * 300, 0, "ana")
    with pytest.raises(InputError, match=r"row_id: 'a\\x00b' holds a NUL byte"):
        store.add_label("a\x00b", 0, "ana")
    with pytest.raises(InputError, match=r"external id or version the store cannot keep"):
        store.import_external([{"row_id": "r1", "label": 0, "annotator": "ana", "external_id": "9" * 200,
                                "version": "v"}], origin="ls:1")
    store.add_label("r1", 1, "ana", note="a\x00note")   # a NUL in a note is dropped, not a crash
    assert store.events().loc[0, "note"] == "anote" and len(store.events()) == 1
    store.add_label("x" * 256, 0, "ana")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(st.tuples(st.sampled_from(["label", "skip", "undo", "import", "retract"]),
                              st.integers(0, 5), st.sampled_from(["ana", "ben", "cy"]), st.integers(0, 1)),
                    max_size=40),
       overlap=st.integers(1, 3))
def test_the_row_tables_agree_with_a_count_over_every_event(tmp_path_factory, ops, overlap):
    """lease_next and available read the row tables; they must give what the whole log says."""
    db = tmp_path_factory.mktemp("rows") / "l.db"
    store = ExpertLabelStore(f"sqlite:///{db}", label_space=LABELS)
    for k, (op, row, who, label) in enumerate(ops):
        rid = f"r{row}"
        if op == "label":
            store.add_label(rid, label, who)
        elif op == "skip":
            store.skip(rid, who)
        elif op == "undo":
            store.undo(who)
        elif op == "import":
            store.import_external([{"row_id": rid, "label": label, "annotator": who, "external_id": k,
                                    "version": "v"}], origin="ls:1", retract_missing=False)
        else:
            store.import_external([], origin="ls:1")
        # the incremental count, followed event by event for every expert, never drifts, also
        # when a refit brings a new queue (another order, not every row) every third event
        version = k // 3
        rows = [f"r{(i + version) % 6}" for i in range(6 - version % 2)]
        fresh = ExpertLabelStore(f"sqlite:///{db}", label_space=LABELS)   # nothing kept from before
        for who in ("ana", "ben", "cy", "dee")[: 1 + k % 4]:
            assert store.remaining(rows, who, overlap=overlap, version=version) == len(
                store.available(rows, who, overlap=overlap))
            # an expert's labels in force, kept while their latest event stands
            pd.testing.assert_frame_equal(store.current_labels_of(who), fresh.current_labels_of(who))
    ev = store.events()
    undone = set(ev.loc[ev["kind"] == "undo", "undoes"].dropna().astype(int))
    live = ev[ev["kind"].isin(["label", "skip"]) & ~ev["id"].isin(undone)]
    rows = [f"r{i}" for i in range(6)]
    for who in ("ana", "ben", "cy", "dee"):
        done = set(live.loc[live["annotator"] == who, "row_id"])
        labels = live[(live["kind"] == "label") & (live["annotator"] != who)]
        held = labels.groupby("row_id")["annotator"].nunique()
        expected = [r for r in rows if r not in done and held.get(r, 0) < overlap]
        assert store.available(rows, who, overlap=overlap) == expected
    assert store.labeled_row_count() == live.loc[live["kind"] == "label", "row_id"].nunique()


def test_a_lease_with_a_version_reads_on_from_its_last_row_and_loses_none(store):
    """lease_next(version=...) starts where the last lease found its row; a row above it that
    is freed again (ben gives r1 back) comes after the rest, then the queue is done."""
    rows = [f"r{i}" for i in range(6)]
    got = [store.lease_next(rows, "ana", version=7)]
    store.add_label(got[0], 1, "ana")
    assert store.lease_next(rows, "ben") == "r1"           # ben holds r1
    got.append(store.lease_next(rows, "ana", version=7))   # r2: r1 is ben's
    store.release("r1", "ben")                             # r1 is free again, above ana's place
    while got[-1] is not None:
        store.add_label(got[-1], 1, "ana")
        got.append(store.lease_next(rows, "ana", version=7))
    assert got == ["r0", "r2", "r3", "r4", "r5", "r1", None]
    assert store.lease_next(rows, "ana", version=8) is None and store.remaining(rows, "ana", version=8) == 0


@pytest.mark.skipif(not PG_URL, reason="set WEAKLABEL_TEST_POSTGRES_URL to run the store suite on PostgreSQL "
                    "(.ci/run does)")
def test_postgresql_connections_dropped_while_idle_are_replaced_before_use(project, monkeypatch):
    """The pool pings a connection that rested (not each checkout: a keypress takes about ten);
    one the server dropped meanwhile (a restart, an idle timeout) is replaced, and the read
    goes through."""
    import sqlalchemy as sa

    import weaklabel.review._store_engine as engines

    store = ExpertLabelStore(PG_URL, project=project, label_space=LABELS)
    store.add_label("r1", 1, "ana")
    with store.engine.connect() as c:   # the pooled connection's server process
        pid = c.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
    killer = sa.create_engine(PG_URL, poolclass=sa.pool.NullPool)
    with killer.connect() as k:
        assert k.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar_one()
    monkeypatch.setattr(engines, "PING_AFTER_IDLE", 0.0)   # it has rested long enough
    assert store.gold().to_dict() == {"r1": 1}
    assert store.add_label("r2", 0, "ana") > 0


def test_a_reader_never_holds_up_a_writer_on_sqlite(tmp_path):
    """Every read began with BEGIN IMMEDIATE, SQLite's write lock: a refit reading all the events
    held up each keypress's write for its whole read (0.3-0.5 s stalls). Readers now take no
    lock: under WAL they read a snapshot while the writer writes."""
    store = ExpertLabelStore(f"sqlite:///{tmp_path / 'l.db'}", project="p", label_space=LABELS, timeout=0.5)
    store.add_label("r1", 1, "ana")
    with store.engine.connect() as reader:                       # a long read, still open
        assert reader.exec_driver_sql("SELECT COUNT(*) FROM label_events").scalar_one() == 1
        store.add_label("r2", 0, "ben")                          # written meanwhile, not locked out
        assert reader.exec_driver_sql("SELECT COUNT(*) FROM label_events").scalar_one() == 1   # its snapshot
    assert store.gold().to_dict() == {"r1": 1, "r2": 0}


def test_a_pull_renames_an_annotation_stored_under_a_bare_user_id(store):
    store.import_external([{"row_id": "r1", "label": 1, "annotator": "ls-user-2", "external_id": "11",
                            "version": "v1"}], origin="ls:7")
    out = store.import_external([{"row_id": "r1", "label": 1, "annotator": "bo@example.org", "external_id": "11",
                                  "version": "v1"}], origin="ls:7")
    assert out["updated"] == 1
    assert store.current_labels()[["row_id", "annotator", "label"]].values.tolist() == [["r1", "bo@example.org", 1]]


def test_a_skip_retracts_only_when_newer_and_keeps_its_time(store):
    rec = {"row_id": "r1", "label": 1, "annotator": "ana", "external_id": "11", "version": "2026-11-28T10:00:00Z"}
    store.import_external([rec], origin="ls:7_x", retract_missing=False, ordered=True)
    assert store.retract_external(["ls:7_x:11"], version="2026-11-28T09:00:00Z") == 0     # older: late
    assert store.retract_external(["ls:7_x:11"], version="2026-11-28T11:00:00Z") == 1
    assert store.current_labels().empty
    late = {**rec, "version": "2026-11-28T10:30:00Z"}
    assert store.import_external([late], origin="ls:7_x", retract_missing=False, ordered=True)["stale"] == 1
    newer = {**rec, "version": "2026-11-28T12:00:00Z"}
    assert store.import_external([newer], origin="ls:7_x", retract_missing=False, ordered=True)["added"] == 1
