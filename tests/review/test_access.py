import pytest

from weaklabel import InputError
from weaklabel.review.access import AccessPolicy, hash_password, parse_users, verify_password


def test_password_hashes_are_salted_and_verified():
    pw = "pass word"  # a space never occurs in base64, so "not in" cannot pass or fail by chance
    a, b = hash_password(pw), hash_password(pw)
    assert a != b and a.startswith("pbkdf2_sha256$200000$") and pw not in a
    assert verify_password(pw, a) and not verify_password("PASS WORD", a) and not verify_password(pw, "junk")


def test_policies():
    assert not AccessPolicy.from_env({}).required
    token = AccessPolicy.from_env({"WEAKLABEL_APP_TOKEN": "t0k"})
    assert token.check("anyone", "t0k") and not token.check("anyone", "nope")
    users = AccessPolicy.from_env({"WEAKLABEL_APP_USERS": f"ana={hash_password('x')}"})
    assert users.check("ana", "x") and not users.check("ben", "x")
    with pytest.raises(InputError, match=r"WEAKLABEL_APP_USERS: entry 1 is not 'name=<hash>'") as info:
        parse_users("ana=plaintext")
    assert "plaintext" not in str(info.value)


def test_a_malformed_hash_never_echoes_its_content_nor_crashes():
    good = hash_password("x")
    broken = good[:-3] + "!!!"  # a corrupt digest: base64 padding error
    with pytest.raises(InputError, match="entry 2 ") as info:
        parse_users(f"ana={good};ben={broken}")
    assert broken not in str(info.value) and "ben" not in str(info.value)
    assert verify_password("x", broken) is False  # no "Incorrect padding"


@pytest.mark.parametrize("env", [{"WEAKLABEL_APP_TOKEN": ""}, {"WEAKLABEL_APP_TOKEN": "  "},
                                 {"WEAKLABEL_APP_USERS": ""}])
def test_an_empty_secret_is_a_configuration_error_not_an_open_app(env):
    with pytest.raises(InputError, match="set but empty"):
        AccessPolicy.from_env(env)


def test_unknown_names_cost_a_password_check_too(monkeypatch):
    import weaklabel.review.access as access

    calls = []
    real = access.verify_password
    monkeypatch.setattr(access, "verify_password", lambda pw, enc: calls.append(enc) or real(pw, enc))
    users = AccessPolicy.from_env({"WEAKLABEL_APP_USERS": f"ana={hash_password('x')}"})
    assert not users.check("nobody", "x")
    assert len(calls) == 1 and calls[0].startswith("pbkdf2_sha256$")  # the same work as for a known name


def test_store_urls_never_show_the_password():
    from weaklabel.review._store_schema import _redact

    for url, secret in [("postgresql+psycopg://ana:s3cret@db:5432/labels", "s3cret"),
                        ("postgresql://:s3cret@db/labels", "s3cret"),
                        ("postgresql://ana@db/labels?password=s3cret&sslmode=require", "s3cret")]:
        assert secret not in _redact(url) and "db" in _redact(url)
        assert secret not in _redact(url, f"FATAL: password s3cret rejected for {url}")


def test_repeated_wrong_secrets_lock_the_name_for_a_while():
    import weaklabel.review.access as access

    pol = AccessPolicy.from_env({"WEAKLABEL_APP_TOKEN": "right-token"})
    t0 = 10_000.0
    for i in range(access.MAX_FAILURES):
        assert not pol.check("zed", "wrong", now=t0 + i)
    assert not pol.check("zed", "right-token", now=t0 + 10)          # locked, even with the right token
    assert AccessPolicy.locked_out("zed", now=t0 + 10)
    assert pol.check("amy", "right-token", now=t0 + 10)             # other names are not
    assert pol.check("zed", "right-token", now=t0 + 10 + access.LOCKOUT_SECONDS)  # and it expires
