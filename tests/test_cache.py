"""The vote cache: it never serves a vote that differs from a fresh apply, and never
deletes a file it did not write."""

import importlib.util
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from weaklabel import ABSTAIN, InputError, apply_lfs, labeling_function
from weaklabel.cache import MARKER, VoteCache
from weaklabel.cli import main


def _frame(n=200):
    rng = np.random.default_rng(0)
    return pd.DataFrame({"x": rng.uniform(0, 3, n), "text": [f"item {i}" for i in range(n)]})


def _load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod


def _suite_file(tmp_path, threshold, helper_cut, name="lfs_under_edit"):
    """An LF module with a module-level constant and a helper that the LF calls."""
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(f"""
        from weaklabel import ABSTAIN, labeling_function

        THRESHOLD = {threshold!r}

        def helper(v):
            return v > {helper_cut!r}

        @labeling_function(columns=["x"])
        def lf_edit(row):
            return 1 if row.x > THRESHOLD and helper(row.x) else ABSTAIN
    """))
    return _load_module(path, name).lf_edit


@pytest.mark.parametrize("edit", ["constant", "helper"])
def test_editing_a_constant_or_a_helper_misses(tmp_path, edit):
    df, cache = _frame(), tmp_path / "cache"
    first = apply_lfs([_suite_file(tmp_path, 1.0, 0.5)], df, cache=cache)
    lf = _suite_file(tmp_path, 2.0, 0.5) if edit == "constant" else _suite_file(tmp_path, 1.0, 2.5)
    again = apply_lfs([lf], df, cache=cache)
    fresh = apply_lfs([lf], df)
    assert again.apply_report.cache_misses == ["lf_edit"]
    assert np.array_equal(again.votes, fresh.votes) and not np.array_equal(again.votes, first.votes)


def test_the_middle_of_a_large_array_resource_counts(tmp_path):
    @labeling_function(columns=["x"], resources={"table": np.zeros(100_000)})
    def lf_lookup(_row, table):
        return 1 if table[50_000] > 0 else ABSTAIN

    df, cache = _frame(), tmp_path / "cache"
    apply_lfs([lf_lookup], df, cache=cache)
    edited = np.zeros(100_000)
    edited[50_000] = 1.0  # repr(edited) == repr(zeros): elided in the middle
    assert repr(edited) == repr(np.zeros(100_000))
    lf_lookup.resources["table"] = edited
    again = apply_lfs([lf_lookup], df, cache=cache)
    assert again.apply_report.cache_misses == ["lf_lookup"] and (again.votes == 1).all()


def test_an_lf_whose_state_cannot_be_hashed_is_never_cached(tmp_path):
    class Opaque:
        __slots__ = ("cut",)

        def __init__(self):
            self.cut = 1.0

    thing = Opaque()

    @labeling_function(columns=["x"], resources={"thing": thing})
    def lf_opaque(row, thing):
        return 1 if row.x > thing.cut else ABSTAIN

    assert lf_opaque.fingerprint is None
    df, cache = _frame(), tmp_path / "cache"
    apply_lfs([lf_opaque], df, cache=cache)
    thing.cut = 2.5
    again = apply_lfs([lf_opaque], df, cache=cache)
    assert again.apply_report.cache_hits == [] and np.array_equal(again.votes, apply_lfs([lf_opaque], df).votes)


@settings(max_examples=40, deadline=None)
@given(cut=st.floats(0.0, 3.0), flip_at=st.integers(0, 10_000), flip_to=st.integers(0, 255))
def test_cached_votes_always_equal_a_fresh_apply_even_after_byte_flips(tmp_path_factory, cut, flip_at, flip_to):
    @labeling_function(columns=["x"], resources={"cut": cut})
    def lf_cut(row, cut):
        return 1 if row.x > cut else 0

    df, folder = _frame(), tmp_path_factory.mktemp("cache")
    fresh = apply_lfs([lf_cut], df)
    apply_lfs([lf_cut], df, cache=folder)
    (entry,) = folder.glob("*.npz")
    raw = bytearray(entry.read_bytes())
    raw[flip_at % len(raw)] = flip_to
    entry.write_bytes(bytes(raw))
    again = apply_lfs([lf_cut], df, cache=folder)
    assert np.array_equal(again.votes, fresh.votes)


def test_clear_refuses_folders_it_did_not_make(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (project / "weaklabel.toml").write_text("[project]\n")
    (project / "notes.txt").write_text("precious")
    with pytest.raises(InputError, match="not a weaklabel vote cache.*nothing removed"):
        VoteCache(project).clear()
    assert (project / "notes.txt").read_text() == "precious"
    with pytest.raises(InputError, match="already holds other files"):
        VoteCache(project).put("0" * 32, np.zeros(3, dtype=np.int8))


def test_clear_removes_only_entries_and_refuses_a_cache_with_foreign_files(tmp_path):
    df, cache = _frame(), tmp_path / "cache"
    apply_lfs([_suite_file(tmp_path, 1.0, 0.5)], df, cache=cache)
    (cache / "mine.csv").write_text("a,b\n")
    with pytest.raises(InputError, match=r"did not write \(\['mine.csv'\]\)"):
        VoteCache(cache).clear()
    assert (cache / MARKER).is_file() and (cache / "mine.csv").is_file()
    (cache / "mine.csv").unlink()
    assert VoteCache(cache).clear() == 1 and not cache.exists()


def test_cli_cache_clear_on_a_project_folder_is_an_error(tmp_path, capsys):
    (tmp_path / "data.csv").write_text("id,text\n1,a\n")
    assert main(["cache", "clear", "--cache", str(tmp_path)]) == 1
    assert "Error: cache:" in capsys.readouterr().err and (tmp_path / "data.csv").is_file()


@settings(max_examples=30, deadline=None)
@given(edits=st.lists(st.tuples(st.sampled_from([0.5, 1.0, 1.5, 2.0]), st.sampled_from([0.0, 1.2, 2.4]),
                                st.integers(0, 99)), min_size=2, max_size=5))
def test_cache_never_serves_a_stale_vote_under_random_edits(tmp_path_factory, edits):
    """Edit the module constant, the helper and the middle of an array resource at random,
    one run after another on one cache: every run equals a fresh apply."""
    d = tmp_path_factory.mktemp("edits")
    df, cache = _frame(), d / "cache"
    for step, (threshold, cut, hot) in enumerate(edits):
        lf = _suite_file(d, threshold, cut, name=f"lfs_edit_{step}")
        weights = np.zeros(100)
        weights[hot] = 1.0
        lf.resources = {"weights": weights}
        inner = lf.func
        lf.func = lambda row, weights, _f=inner: _f(row) if weights[50] == 0 else ABSTAIN
        cached = apply_lfs([lf], df, cache=cache)
        fresh = apply_lfs([lf], df)
        assert np.array_equal(cached.votes, fresh.votes), (step, threshold, cut, hot)


def test_a_full_disk_under_the_cache_warns_and_runs_uncached(tmp_path, monkeypatch):
    """A full disk under the optional vote cache failed the whole run."""
    import errno

    from weaklabel.exceptions import WeakLabelWarning

    @labeling_function()
    def has_a(x):
        return 1 if "a" in x.text else ABSTAIN

    @labeling_function()
    def has_b(x):
        return 0 if "b" in x.text else ABSTAIN

    df = pd.DataFrame({"text": ["a", "b", "ab", "c"]})
    fresh = apply_lfs([has_a, has_b], df)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(np, "savez", full)
    with pytest.warns(WeakLabelWarning, match="vote cache: cannot write .*No space left on device.*uncached") as rec:
        L = apply_lfs([has_a, has_b], df, cache=tmp_path / "cache")
    assert len([w for w in rec if "vote cache" in str(w.message)]) == 1      # one warning, not one per LF
    assert (L.votes == fresh.votes).all()
    assert not list((tmp_path / "cache").glob("*.npz"))                     # nothing half-written
