"""Expert accounts and sessions in the label store, on SQLite and PostgreSQL."""

import pytest

from weaklabel import InputError
from weaklabel.review._store_accounts import name_key

from .test_store import LABELS, project, store, url  # noqa: F401  (fixtures: both databases)

PW = "correct horse battery"


def test_names_are_one_expert_whatever_their_case_width_or_lookalike_letters():
    assert name_key("Ana") == name_key("ana") == name_key("ＡＮＡ") == name_key("ana ")
    assert name_key("аnа".replace("n", "н")) == name_key("aha")          # all-Cyrillic lookalike of "aha"
    with pytest.raises(InputError, match=r"mixes letters of \['CYRILLIC', 'LATIN'\]"):
        name_key("\u0430na")                                             # Cyrillic а + Latin na
    assert name_key("José") != name_key("Jose") and name_key("李") == "李"


def test_accounts_refuse_taken_and_lookalike_names_and_check_passwords(store):  # noqa: F811
    store.add_account("Ana", PW, role="lead")
    for same in ("ana", "ANA", "ＡＮＡ"):
        with pytest.raises(InputError, match="is taken, or looks like the account 'Ana'"):
            store.add_account(same, PW)
    with pytest.raises(InputError, match="mixes letters of"):
        store.add_account("\u0430na", PW)                               # Cyrillic а + Latin na
    store.add_account("pace", PW)
    with pytest.raises(InputError, match="looks like the account 'pace'"):
        store.add_account("\u0440\u0430\u0441\u0435", PW)                  # Cyrillic р а с е
    with pytest.raises(InputError, match="password: expected at least 10 characters"):
        store.add_account("ben", "short")
    with pytest.raises(InputError, match="role: expected one of"):
        store.add_account("ben", PW, role="admin")
    assert store.verify_account("ana", PW) == ("Ana", "lead")
    assert store.verify_account("ana", PW + "x") is None and store.verify_account("nobody", PW) is None
    assert store.accounts()[["name", "role"]].values.tolist() == [["Ana", "lead"], ["pace", "annotator"]]
    assert "hash" not in " ".join(store.accounts().columns)


def test_sessions_end_at_sign_out_password_change_removal_and_expiry(store):  # noqa: F811
    store.add_account("ana", PW)
    a, b = store.open_session("ana"), store.open_session("ana")
    assert store.session_name(a) == store.session_name(b) == "ana"
    store.close_session(a)                                   # sign-out ends that session only
    assert store.session_name(a) is None and store.session_name(b) == "ana"
    store.set_password("ana", PW + "!")                      # a new password ends them all
    assert store.session_name(b) is None
    c = store.open_session("ana")
    store.remove_account("ana")
    assert store.session_name(c) is None and store.verify_account("ana", PW + "!") is None
    d = store.open_session("ben", hours=-1)                  # expired
    assert store.session_name(d) is None
    assert store.session_name("forged") is None and store.session_name("x" * 5000) is None
