import pytest

from weaklabel import InputError
from weaklabel.access import AccessPolicy, hash_password, parse_users, verify_password


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
    with pytest.raises(InputError, match="WEAKLABEL_APP_USERS: expected 'name=<hash>"):
        parse_users("ana=plaintext")
