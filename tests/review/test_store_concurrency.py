"""The label store under concurrency, on SQLite and PostgreSQL: leases never hand a row to more
experts than the overlap allows, and imports of one export stay idempotent, with many processes
and random timing. Each worker is a separate interpreter, so nothing of the test process leaks in."""

import json
import subprocess
import sys
import textwrap
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from weaklabel.review.store import ExpertLabelStore

from .test_store import project, url  # noqa: F401  (fixtures: both databases, a fresh project)

# An expert who leases, waits a random while, labels, and repeats until the queue is dry.
EXPERT = textwrap.dedent("""
    import random, sys, time
    from weaklabel.review.store import ExpertLabelStore
    url, project, name, n_rows, overlap, seed, start = sys.argv[1:8]
    rnd = random.Random(int(seed))
    s = ExpertLabelStore(url, project=project)
    time.sleep(max(0.0, float(start) - time.time()))  # all start together
    rows = [f"r{i}" for i in range(int(n_rows))]
    while True:
        rid = s.lease_next(rows, name, overlap=int(overlap))
        if rid is None:
            break
        time.sleep(rnd.random() * 0.004)
        if rnd.random() < 0.1:
            s.skip(rid, name)
        else:
            s.add_label(rid, rnd.randrange(2), name)
""")

IMPORT = textwrap.dedent("""
    import json, sys, time
    from weaklabel.review.store import ExpertLabelStore
    url, project, path, start = sys.argv[1:5]
    s = ExpertLabelStore(url, project=project)
    records = json.load(open(path))
    time.sleep(max(0.0, float(start) - time.time()))  # all start together
    print(json.dumps(s.import_external(records, origin="ls:7", retract_missing=False)))
""")


def _start() -> str:
    return str(time.time() + 4.0)  # after every interpreter has imported weaklabel


def _run(scripts: list[list[str]]) -> list[str]:
    procs = [subprocess.Popen([sys.executable, "-c", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for args in scripts]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0] * len(procs), [e for _, e in outs]
    return [o for o, _ in outs]


@pytest.mark.slow
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n_experts=st.integers(3, 6), overlap=st.integers(1, 2), seed=st.integers(0, 10**6))
def test_no_row_is_given_to_more_experts_than_the_overlap(url, project, n_experts, overlap, seed):  # noqa: F811
    proj = f"{project}-{seed}-{n_experts}-{overlap}"
    ExpertLabelStore(url, project=proj)
    n_rows = 60
    start = _start()
    _run([[EXPERT, url, proj, f"e{k}", str(n_rows), str(overlap), str(seed + k), start] for k in range(n_experts)])
    ev = ExpertLabelStore(url, project=proj).events()
    labels = ev[ev["kind"] == "label"]
    per_row = labels.groupby("row_id")["annotator"].nunique()
    assert per_row.max() <= overlap, per_row[per_row > overlap].to_dict()
    # nobody labeled a row twice, and every row got its labels unless skipped
    assert not labels.duplicated(["row_id", "annotator"]).any()


@pytest.mark.slow
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(n_importers=st.integers(2, 4), seed=st.integers(0, 10**6))
def test_concurrent_imports_of_overlapping_exports_store_each_annotation_once(
        url, project, tmp_path, n_importers, seed):  # noqa: F811
    """Importers started together, each with a random part of one export (as overlapping
    pulls and webhooks deliver it): every annotation is stored exactly once."""
    import random

    proj = f"{project}-{seed}-{n_importers}"
    ExpertLabelStore(url, project=proj)
    rnd = random.Random(seed)
    records = [{"row_id": f"r{i}", "label": i % 2, "annotator": f"a{i % 3}", "external_id": i, "version": "v1"}
               for i in range(2000)]
    parts = [rnd.sample(records, rnd.randint(500, 2000)) for _ in range(n_importers)]
    paths = []
    for k, part in enumerate(parts):
        paths.append(tmp_path / f"export-{seed}-{k}.json")
        paths[-1].write_text(json.dumps(part))
    start = _start()
    outs = _run([[IMPORT, url, proj, str(p), start] for p in paths])
    counts = [json.loads(o) for o in outs]
    union = {r["external_id"] for part in parts for r in part}
    assert sum(c["added"] for c in counts) == len(union), counts
    events = ExpertLabelStore(url, project=proj).events()
    assert len(events) == len(union) and events["external_id"].is_unique


OPEN = textwrap.dedent("""
    import sys, time
    from weaklabel.review.store import ExpertLabelStore
    url, project, start = sys.argv[1:4]
    time.sleep(max(0.0, float(start) - time.time()))
    ExpertLabelStore(url, project=project).add_label("r1", 0, "ana")
""")


@pytest.mark.slow
def test_six_processes_opening_a_new_store_at_once_all_succeed(url, tmp_path):  # noqa: F811
    for trial in range(3):   # the race is a matter of milliseconds: try it a few times
        if url.startswith("postgresql"):
            import sqlalchemy as sa

            schema = f"s{time.time_ns()}"          # a schema of its own: the tables do not exist yet
            engine = sa.create_engine(url)
            with engine.begin() as c:
                c.execute(sa.text(f"CREATE SCHEMA {schema}"))
            engine.dispose()
            fresh = f"{url}?options=-csearch_path%3D{schema}"
        else:
            fresh = f"sqlite:///{tmp_path / f'new{trial}.db'}"
        start = _start()
        _run([[OPEN, fresh, "p", start] for _ in range(6)])
        assert len(ExpertLabelStore(fresh, project="p").events()) == 6



@pytest.mark.parametrize("kind", ["label sets", "spans"])
def test_threads_opening_a_new_answer_log_at_once_all_succeed(kind, tmp_path):
    # The app's background load and a request once met on a brand-new file: one of them saw
    # "database is locked". Two connections that switch a new file to WAL at once can deadlock on
    # its lock, and SQLite then answers at once rather than wait (about 1 trial in 10 here).
    import threading

    from weaklabel.review.label_set_store import LabelSetStore
    from weaklabel.review.span_store import SpanStore

    def open_one(where: str) -> None:
        if kind == "label sets":
            LabelSetStore(where, labels=["a", "b"]).save("d1", ["a"], "ana")
        else:
            SpanStore(where, types=["PER"]).save("d1", [], "ana")

    errors: list[str] = []
    for trial in range(60):
        fresh = f"sqlite:///{tmp_path / f'new{trial}.db'}"
        gate = threading.Barrier(4)

        def one(fresh: str = fresh, gate: threading.Barrier = gate) -> None:
            gate.wait()
            try:
                open_one(fresh)
            except Exception as exc:  # noqa: BLE001 - every opener must succeed: collect, then assert
                errors.append(f"{fresh}: {exc}")

        threads = [threading.Thread(target=one) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert errors == []

