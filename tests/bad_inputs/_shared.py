"""What the bad-input catalogue's groups share: the runner, small frames and checks."""

import re

import pytest

from weaklabel import (
    labeling_function,
)


def lf(ret, vectorized=False):
    return labeling_function(name="bad_lf", vectorized=vectorized)(lambda x: ret(x))


def _tmp(tmp_path, name, content):
    p = tmp_path / name
    (p.write_bytes if isinstance(content, bytes) else p.write_text)(content)
    return p


def _check(ok):
    assert ok


def _warns(category, pattern, fn):
    with pytest.warns(category, match=pattern):
        fn()


def run_case(cases, case, tmp_path):
    """Build a case's bad input and check its exception type and message (or, for cases whose
    check is the call itself, that it runs)."""
    fn, exc, pattern = cases[case]
    if exc is None:
        fn(tmp_path)
        return
    with pytest.raises(exc) as info:
        fn(tmp_path)
    assert re.search(pattern, str(info.value)), f"{case}: {info.value}"
