"""The small checks every stage shares: repeated names and "is there any gold"."""

from collections import Counter

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from weaklabel._validation import has_gold, repeated


@given(st.lists(st.sampled_from(["a", "b", "c", "lf_1", "lf_10"]), max_size=12))
def test_repeated_names_exactly_the_values_seen_twice_or_more(values):
    assert repeated(values) == sorted(v for v in set(values) if values.count(v) > 1)
    assert repeated(iter(values)) == repeated(values)  # any iterable, read once


def test_repeated_on_hand_made_cases():
    assert repeated(["b", "a", "b", "c", "a", "b"]) == ["a", "b"]
    assert repeated([]) == [] and repeated(["x"]) == []
    assert Counter(repeated([3, 1, 3, 2, 1])) == Counter([1, 3])


def test_has_gold():
    assert not has_gold(None)
    assert not has_gold(np.array([-1, -1]))
    assert not has_gold(np.array([], dtype=np.int64))
    assert has_gold(np.array([-1, 0])) and has_gold(np.array([2]))
    assert has_gold([-1, 1])  # any array-like
