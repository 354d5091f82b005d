import pickle

import pytest

from weaklabel import ABSTAIN, InputError, LabelSpace


def test_names_and_ints_round_trip():
    ls = LabelSpace(["ham", "spam"])
    assert (ls.ham, ls.spam) == (0, 1)
    assert ls["spam"] == 1 and ls[1] == "spam"
    assert ls.name(ABSTAIN) == "ABSTAIN"
    assert ls.encode(["spam", None, 0, float("nan")]) == [1, -1, 0, -1]
    assert len(ls) == 2 and list(ls) == ["ham", "spam"] and "ham" in ls
    assert pickle.loads(pickle.dumps(ls)) == ls


@pytest.mark.parametrize("names, msg", [
    (["only"], "at least 2"),
    (["a", "a"], "unique"),
    (["a", ""], "non-empty"),
    ("ab", "list of class names"),
])
def test_bad_label_spaces(names, msg):
    with pytest.raises((InputError, TypeError), match=msg):
        LabelSpace(names)


def test_unknown_name_lists_valid_ones():
    ls = LabelSpace(["ham", "spam"])
    with pytest.raises(AttributeError, match=r"\['ham', 'spam'\]"):
        ls.eggs  # noqa: B018 - the attribute access is the test
    with pytest.raises(InputError, match="outside 0..1"):
        ls.name(2)
    with pytest.raises(InputError, match="not in the label space"):
        ls.index("eggs")
