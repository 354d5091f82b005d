import pytest

from weaklabel import InputError
from weaklabel.review.access import AccessPolicy, SignInRefused, allowed_host, parse_users
from weaklabel.review.passwords import hash_password, verify_password
from weaklabel.review.store import ExpertLabelStore

PW = "correct horse battery"


@pytest.fixture
def store(tmp_path):
    return ExpertLabelStore(f"sqlite:///{tmp_path / 'l.db'}", project="p")


def test_password_hashes_are_salted_and_verified():
    pw = "pass word"  # a space never occurs in base64, so "not in" cannot pass or fail by chance
    a, b = hash_password(pw), hash_password(pw)
    assert a != b and a.startswith("pbkdf2_sha256$200000$") and pw not in a
    assert verify_password(pw, a) and not verify_password("PASS WORD", a) and not verify_password(pw, "junk")


def test_policies(store):
    assert not AccessPolicy.from_env({}).required
    assert AccessPolicy.from_env({}).sign_in(store, "anyone", "") == "anyone"         # an open app
    users = AccessPolicy.from_env({"WEAKLABEL_APP_USERS": f"ana={hash_password('x')}"})
    assert users.sign_in(store, "ana", "x") == "ana"
    with pytest.raises(SignInRefused, match="Wrong name or password"):
        users.sign_in(store, "ben", "x")
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


def test_unknown_names_cost_a_password_check_too(monkeypatch, store):
    import weaklabel.review.access as access

    calls = []
    real = access.verify_password
    monkeypatch.setattr(access, "verify_password", lambda pw, enc: calls.append(enc) or real(pw, enc))
    users = AccessPolicy.from_env({"WEAKLABEL_APP_USERS": f"ana={hash_password('x')}"})
    with pytest.raises(SignInRefused):
        users.sign_in(store, "nobody", "x")
    assert len(calls) == 1 and calls[0].startswith("pbkdf2_sha256$")  # the same work as for a known name


def test_store_urls_never_show_the_password():
    from weaklabel.review._store_schema import _redact

    for url, secret in [("postgresql+psycopg://ana:s3cret@db:5432/labels", "s3cret"),
                        ("postgresql://:s3cret@db/labels", "s3cret"),
                        ("postgresql://ana@db/labels?password=s3cret&sslmode=require", "s3cret")]:
        assert secret not in _redact(url) and "db" in _redact(url)
        assert secret not in _redact(url, f"FATAL: password s3cret rejected for {url}")


def test_the_team_token_only_opens_the_sign_in(store):
    pol = AccessPolicy.from_env({"WEAKLABEL_APP_TOKEN": "team-token"})
    with pytest.raises(SignInRefused, match="Wrong team token"):
        pol.sign_in(store, "ana", PW, token="nope")
    with pytest.raises(SignInRefused, match="Choose a password of at least 10 characters"):
        pol.sign_in(store, "ana", "", token="team-token")
    assert pol.sign_in(store, "Ana", PW, token="team-token") == "Ana"           # the first sign-in claims it
    for who in ("ana", "ANA"):                                                  # the token alone is not Ana
        with pytest.raises(SignInRefused, match="Wrong team token, name or password"):
            pol.sign_in(store, who, "another password", token="team-token", client=f"10.0.0.{len(who)}")
    assert pol.sign_in(store, "ana", PW, token="team-token") == "Ana"
    with pytest.raises(SignInRefused, match="mixes letters of"):
        pol.sign_in(store, "\u0430na", PW, token="team-token")                 # Cyrillic а + Latin na
    with pytest.raises(SignInRefused, match="A lead's account is made by the operator"):
        pol.sign_in(store, "lea", PW, token="team-token", leads=["Lea"])
    store.add_account("lea", PW, role="lead")
    assert pol.sign_in(store, "lea", PW, token="team-token", leads=["Lea"]) == "lea"


def test_guessing_locks_the_address_not_the_name(store):
    import weaklabel.review.access as access

    store.add_account("ana", PW)
    pol = AccessPolicy()
    t0 = 10_000.0
    for i in range(access.MAX_FAILURES):                 # one address, many names
        with pytest.raises(SignInRefused, match="Wrong name or password"):
            pol.sign_in(store, f"name{i}", "guess", client="6.6.6.6", now=t0 + i)
    with pytest.raises(SignInRefused, match="Too many failed sign-ins"):
        pol.sign_in(store, "ana", PW, client="6.6.6.6", now=t0 + 10)           # locked, the right password too
    assert pol.sign_in(store, "ana", PW, client="10.0.0.1", now=t0 + 10) == "ana"   # ana is not locked out
    assert pol.sign_in(store, "ana", PW, client="6.6.6.6", now=t0 + 10 + access.LOCKOUT_SECONDS) == "ana"


def test_guesses_from_many_addresses_are_capped_in_total(store):
    import weaklabel.review.access as access

    store.add_account("ana", PW)
    pol = AccessPolicy()
    for i in range(access.GLOBAL_FAILURES):
        with pytest.raises(SignInRefused, match="Wrong"):
            pol.sign_in(store, "ana", f"guess{i}", client=f"10.1.{i}.1", now=5_000.0 + i / 10)
    with pytest.raises(SignInRefused, match="Too many failed sign-ins; try again in 1 minute"):
        pol.sign_in(store, "ana", PW, client="10.9.9.9", now=5_010.0)
    assert pol.sign_in(store, "ana", PW, client="10.9.9.9", now=5_061.0) == "ana"


@pytest.mark.parametrize("host, ok", [(None, True), ("127.0.0.1:8501", True), ("localhost:8501", True),
                                      ("[::1]:8501", True), ("http://localhost:8501", True),
                                      ("evil.example:8501", False), ("http://evil.example", False),
                                      ("labels.team.example", True), ("127.0.0.1.evil.example", False)])
def test_only_this_servers_host_names_are_answered(host, ok):
    assert allowed_host(host, "127.0.0.1", "labels.team.example") is ok


def test_a_signing_in_proxy_is_believed_only_from_its_own_address(store):
    """Identity from a reverse proxy header behind an allow-list. The TCP peer must be
    a trusted proxy (a visitor could send the header too); None is loopback (Streamlit's)."""
    store.add_account("Ana", PW, role="lead")
    policy = AccessPolicy.from_env({"WEAKLABEL_APP_PROXY_HEADER": "X-Forwarded-User",
                                    "WEAKLABEL_APP_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1"})
    assert policy.required and policy.trusted_proxies == ("10.0.0.0/8", "127.0.0.1/32")
    assert policy.proxy_identity(store, {"X-Forwarded-User": "ben"}, "10.1.2.3") == "ben"
    assert policy.proxy_identity(store, {"X-Forwarded-User": " ana "}, None) == "Ana"   # the account's spelling
    with pytest.raises(SignInRefused, match="did not come from it"):
        policy.proxy_identity(store, {"X-Forwarded-User": "ana"}, "192.168.1.5")        # straight to the app
    with pytest.raises(SignInRefused, match="sent no signed-in user"):
        policy.proxy_identity(store, {}, "10.1.2.3")
    with pytest.raises(SignInRefused, match="mixes scripts|script"):
        policy.proxy_identity(store, {"X-Forwarded-User": "аna"}, "10.1.2.3")           # Cyrillic а
    default = AccessPolicy.from_env({"WEAKLABEL_APP_PROXY_HEADER": "Remote-User"})
    assert default.proxy_identity(store, {"Remote-User": "cy"}, None) == "cy"           # a proxy on this machine
    with pytest.raises(SignInRefused):
        default.proxy_identity(store, {"Remote-User": "cy"}, "10.1.2.3")


@pytest.mark.parametrize("env, message", [
    ({"WEAKLABEL_APP_PROXY_HEADER": ""}, "expected a header name"),
    ({"WEAKLABEL_APP_PROXY_HEADER": "X User: ana"}, "expected a header name"),
    ({"WEAKLABEL_APP_PROXY_HEADER": "X-User", "WEAKLABEL_APP_TOKEN": "t" * 20}, "would never be asked"),
    ({"WEAKLABEL_APP_PROXY_HEADER": "X-User", "WEAKLABEL_APP_TRUSTED_PROXIES": "proxy.local"}, "not an IP address"),
    ({"WEAKLABEL_APP_PROXY_HEADER": "X-User", "WEAKLABEL_APP_TRUSTED_PROXIES": " , "}, "set but empty"),
])
def test_a_misconfigured_proxy_sign_in_serves_no_one(env, message):
    with pytest.raises(InputError, match=message):
        AccessPolicy.from_env(env)
