"""Bad inputs, the label store, projects and the review app: each case with its exact error (docs/bad-inputs.md)."""

import sqlite3
from pathlib import Path

import pytest

from weaklabel import (
    InputError,
    LabelSpace,
)
from weaklabel.exceptions import StoreError
from weaklabel.review.access import AccessPolicy
from weaklabel.review.project import Project
from weaklabel.review.store import ExpertLabelStore

from ._shared import _check, _tmp, run_case

CASES = {
    "store-unreachable": (lambda t: ExpertLabelStore("postgresql+psycopg://x:y@127.0.0.1:1/none"), StoreError,
                          r"url: cannot open the label store at postgresql\+psycopg://x:\*\*\*@127.0.0.1:1/none"),
    "store-corrupt-file": (lambda t: ExpertLabelStore(f"sqlite:///{_tmp(t, 'bad.db', b'not sqlite' * 200)}"),
                           StoreError, r"cannot open the label store .*file is not a database"),
    "store-locked": (lambda t: _locked(t), StoreError, r"is locked or unavailable \(database is locked\); nothing was saved"),
    "store-bad-annotator": (lambda t: ExpertLabelStore(f"sqlite:///{t / 's.db'}").add_label("r", 0, "<b>x</b>"),
                            InputError, r"annotator: expected a name of 1-64 letters, .* got '<b>x</b>'"),
    "store-label-outside-space": (lambda t: ExpertLabelStore(f"sqlite:///{t / 's.db'}", label_space=["a", "b"])
                                  .add_label("r", 5, "ana"), InputError,
                                  r"label: 5 is outside the label space 0..1 \(\['a', 'b'\]\)"),
    "store-newer-schema": (lambda t: _newer_schema(t), StoreError, r"schema v7, newer than this weaklabel supports"),
    "project-bad-key": (lambda t: Project.load(_tmp(t, "p.toml", '[project]\nlfz = "x"\n')), InputError,
                        r"unknown key\(s\) \['lfz'\] in .*p.toml; valid keys are"),
    "project-bad-type": (lambda t: Project.load(_tmp(t, "p.toml", '[project]\noverlap = "two"\n')), InputError,
                         r"key 'overlap' in .* must be an integer, got 'two'"),
    "store-password-in-query": (lambda t: ExpertLabelStore("postgresql+psycopg://ana@127.0.0.1:1/x?password=s3cret"),
                                StoreError, r"at postgresql\+psycopg://ana@127.0.0.1:1/x\?password=redacted \("),
    "app-token-empty": (lambda t: AccessPolicy.from_env({"WEAKLABEL_APP_TOKEN": ""}), InputError,
                        r"WEAKLABEL_APP_TOKEN: set but empty, which would open the app to anyone"),
    "app-users-malformed": (lambda t: AccessPolicy.from_env({"WEAKLABEL_APP_USERS": "ana=hunter2"}), InputError,
                            r"entry 1 is not 'name=<hash>' .* \(its content is not shown: it may be a secret\)$"),
    "app-proxy-header-bad": (lambda t: AccessPolicy.from_env({"WEAKLABEL_APP_PROXY_HEADER": "X User: ana"}),
                             InputError, r"WEAKLABEL_APP_PROXY_HEADER: expected a header name such as X-Forwarded-User"),
    "app-proxy-not-an-address": (lambda t: AccessPolicy.from_env({"WEAKLABEL_APP_PROXY_HEADER": "X-User",
                                                                  "WEAKLABEL_APP_TRUSTED_PROXIES": "proxy.local"}),
                                 InputError, r"'proxy.local' is not an IP address or network"),
    "store-row-id-none": (lambda t: ExpertLabelStore(f"sqlite:///{t / 's.db'}").add_label(None, 0, "ana"),
                          InputError, r"row_id: expected the id of an item, got None"),
    "store-relative-sqlite": (lambda t: _relative_store(t), None, None),
    "lease-clock-skew": (lambda t: _clock_skew(t), None, None),
    "store-unicode-annotator": (lambda t: _check(ExpertLabelStore(f"sqlite:///{t / 's.db'}").add_label(
        "r1", 0, "José") > 0), None, None),
    "store-note-not-text": (lambda t: ExpertLabelStore(f"sqlite:///{t / 's.db'}").add_label("r1", 0, "ana", note={}),
                            InputError, r"note: expected text or None, got dict \{\}"),
    "store-records-not-triples": (lambda t: ExpertLabelStore(f"sqlite:///{t / 's.db'}").add_labels([("r1", 0)]),
                                  InputError, r"records: item 0 is \('r1', 0\); expected \(row_id, label, "
                                              r"annotator\) triples"),
    "app-image-outside-project": (lambda t: _media(t), None, None),
    "app-display-column-missing": (lambda t: _display_missing(t), InputError,
                                   r"display_columns: \['nope'\] are not columns of the project's data"),
    "store-read-only": (lambda t: _read_only_store(t), StoreError,
                        r"is read-only \(attempt to write a readonly database\); nothing was saved: make the file"),
    "app-agreement-after-bad-import": (lambda t: _agreement_after_import(t), None, None),
    "app-guessing": (lambda t: _guessing(t), None, None),
    "too-many-classes": (lambda t: LabelSpace([f"c{i}" for i in range(200)]), InputError,
                         r"got 200 classes; at most 127 are supported \(votes are stored as int8"),
    "store-long-row-id": (lambda t: ExpertLabelStore(f"sqlite:///{t / 'l.db'}").add_label("x" * 300, 0, "ana"),
                          InputError, r"row_id: ids of at most 256 characters can be stored, got one of 300"),
    "store-nul-row-id": (lambda t: ExpertLabelStore(f"sqlite:///{t / 'l.db'}").add_label("a\x00b", 0, "ana"),
                         InputError, r"row_id: 'a\\x00b' holds a NUL byte, which the label store cannot keep"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input(case, tmp_path):
    run_case(CASES, case, tmp_path)


def _locked(t):
    store = ExpertLabelStore(f"sqlite:///{t / 'locked.db'}", timeout=0.2)
    con = sqlite3.connect(t / "locked.db", isolation_level=None)
    con.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
    try:
        store.add_label("r1", 0, "ana")
    finally:
        con.execute("ROLLBACK")
        con.close()


def _newer_schema(t):
    ExpertLabelStore(f"sqlite:///{t / 'n.db'}")
    con = sqlite3.connect(t / "n.db")
    con.execute("UPDATE weaklabel_meta SET value='7'")
    con.commit()
    con.close()
    ExpertLabelStore(f"sqlite:///{t / 'n.db'}")


def _relative_store(t):
    """`store = "sqlite:///labels.db"` means beside the project file, wherever the command runs."""
    import os

    (t / "proj").mkdir()
    Project(name="p", store="sqlite:///labels.db").save(t / "proj" / "weaklabel.toml")
    cwd = os.getcwd()
    try:
        os.chdir(t)
        url = Project.load(t / "proj" / "weaklabel.toml").store_url
    finally:
        os.chdir(cwd)
    assert url == f"sqlite:///{(t / 'proj' / 'labels.db').resolve()}"


def _clock_skew(t):
    from datetime import timedelta
    from unittest import mock

    import weaklabel.review.store as store_mod

    store = ExpertLabelStore(f"sqlite:///{t / 's.db'}")
    assert store.lease_next(["r1", "r2"], "ana", ttl_seconds=600) == "r1"
    real = store_mod._now
    with mock.patch.object(store_mod, "_now", lambda: real() + timedelta(minutes=15)):
        assert store.lease_next(["r1", "r2"], "ben") == "r2"


def _tiny_project(t, **kw):
    (t / "suite.py").write_text("from weaklabel import LabelSpace, keyword_lf\nLABELS = LabelSpace(['A', 'B'])\n"
                                "LFS = [keyword_lf('a', label=0), keyword_lf('b', label=1), keyword_lf('c', label=1)]\n")
    (t / "items.csv").write_text("id,text\n1,a\n2,b c\n3,a b\n4,c\n")
    Project(name="tiny", data="items.csv", id_column="id", text_column="text", lfs="suite.py", **kw).save(
        t / "weaklabel.toml")
    return Project.load(t / "weaklabel.toml")


def _media(t):
    from weaklabel.review.session import ReviewSession

    (t / "proj").mkdir()
    sess = ReviewSession(_tiny_project(t / "proj"))
    (t / "elsewhere.png").write_bytes(b"\x89PNG")
    assert sess.media_path(str(t / "elsewhere.png")) is None and sess.media_path("../elsewhere.png") is None
    assert sess.media_path("y" * 400 + ".png") is None


def _display_missing(t):
    from weaklabel.review.session import ReviewSession

    ReviewSession(_tiny_project(t, display_columns=["nope"]))


def _read_only_store(t):
    ExpertLabelStore(f"sqlite:///{t / 'l.db'}").add_label("r1", 0, "ana")
    ExpertLabelStore(f"sqlite:///file:{t / 'l.db'}?mode=ro&uri=true").add_label("r2", 0, "ana")


def _agreement_after_import(t):
    from weaklabel.review.session import ReviewSession

    sess = ReviewSession(_tiny_project(t))
    pred = {str(r): int(p) for r, p in zip(sess.L.row_ids, sess.model.predict(sess.L, tie_break_policy="random"))}
    sess.store.add_labels([("0-ghost", 1 - pred["1"], "ana"), ("1", pred["1"], "ana")])
    assert sess.progress("ana").agreement_with_model == 1.0


def _guessing(t):
    import weaklabel.review.access as access

    store = ExpertLabelStore(f"sqlite:///{t / 'l.db'}", project="p")
    store.add_account("ana", "correct horse battery")
    pol, throttle = AccessPolicy.from_env({"WEAKLABEL_APP_TOKEN": "tok"}), access.Throttle()
    access._THROTTLE, saved = throttle, access._THROTTLE
    try:
        for i in range(access.MAX_FAILURES):   # 5 names from one address: the address locks, not ana
            with pytest.raises(access.SignInRefused):
                pol.sign_in(store, f"name{i}", f"guess{i}", token="tok", client="6.6.6.6", now=1e6 + i)
        with pytest.raises(access.SignInRefused, match="Too many failed sign-ins"):
            pol.sign_in(store, "ana", "correct horse battery", token="tok", client="6.6.6.6", now=1e6 + 10)
        assert pol.sign_in(store, "ana", "correct horse battery", token="tok", client="10.0.0.2", now=1e6 + 10)
    finally:
        access._THROTTLE = saved


def test_app_refuses_a_store_it_cannot_migrate(spam_project, monkeypatch):
    pytest.importorskip("streamlit")
    from streamlit.testing.v1 import AppTest

    proj = Project.load(spam_project)
    proj.open_store()
    con = sqlite3.connect(proj.store_url.removeprefix("sqlite:///"))
    con.execute("UPDATE weaklabel_meta SET value='9'")
    con.commit()
    con.close()
    monkeypatch.setenv("WEAKLABEL_PROJECT", str(spam_project))
    at = AppTest.from_file(str(Path(__file__).resolve().parents[2] / "apps" / "review_app.py"),
                           default_timeout=60).run()
    # the project loads behind the sign-in form; its error shows once someone signs in
    at.text_input(key="sign-in-name").input("ana")
    at = at.button(key="sign-in-submit").click().run()
    shown = [e.value.replace("\\", "") for e in at.error]   # as rendered: markdown escapes dropped
    assert any("schema v9, newer than this weaklabel supports" in v for v in shown), shown
