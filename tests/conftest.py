"""Shared fixtures: tiny hand-computed frames and the real data in ../shared/datasets."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
# CLI runs in tests keep their vote cache out of the working tree.
os.environ.setdefault("WEAKLABEL_CACHE", tempfile.mkdtemp(prefix="weaklabel-cache-"))
SHARED_DATA = Path(os.environ.get("WEAKLABEL_DATA", REPO.parent / "shared" / "datasets"))


@pytest.fixture(autouse=True)
def _keep_main_module():
    # Streamlit's AppTest leaves the app script installed as sys.modules["__main__"];
    # a process spawned later (Dask's "processes" scheduler) would then re-run the app.
    import sys

    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main


@pytest.fixture(autouse=True)
def _fresh_sign_in_throttle(monkeypatch):
    """The app's sign-in throttle is process state, and every AppTest visitor comes from one
    unknown address: each test starts unthrottled, whatever the tests before it tried."""
    import weaklabel.review.access as access

    monkeypatch.setattr(access, "_THROTTLE", access.Throttle())


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The shared benchmark data; tests needing it skip on a fresh clone without ../shared."""
    if not (SHARED_DATA / "youtube" / "label.json").is_file():
        pytest.skip(f"real benchmark data not found at {SHARED_DATA} (../shared/datasets is absent "
                    "outside this workspace; set WEAKLABEL_DATA to run these tests)")
    return SHARED_DATA


@pytest.fixture
def texts() -> pd.DataFrame:
    return pd.DataFrame(
        {"text": ["Check out my channel!", "great song", "SUBSCRIBE now", "I love it", None],
         "n": [1.0, 5.0, np.nan, 3.0, 7.0]},
        index=pd.Index([10, 11, 12, 13, 14], name="row_id"))


@pytest.fixture
def L_small() -> np.ndarray:
    # 5 rows x 3 LFs; hand-computed stats are in test_analysis.py
    return np.array([[0, 0, -1],
                     [1, -1, 0],
                     [-1, -1, -1],
                     [1, 1, 1],
                     [-1, 0, -1]], dtype=np.int8)


def make_spam_project(folder):
    """A small text project in ``folder``: 60 comments (with an HTML/JS payload among them) and
    3 LFs; returns the path of its weaklabel.toml."""
    from weaklabel.review.project import Project

    # the payload row has the most conflict (two SPAM LFs against one HAM), so the app serves it first
    texts = (["<script>alert('xss')</script><b>bold</b> check out my channel, great song http://x.example"]
             + [f"check out my channel {i} http://spam.example" for i in range(20)]
             + [f"great song {i}, love it" for i in range(20)]
             + [f"please subscribe, great song {i}" for i in range(19)])
    pd.DataFrame({"id": [f"c{i}" for i in range(60)], "text": texts}).to_csv(folder / "comments.csv", index=False)
    (folder / "spam_lfs.py").write_text(
        "from weaklabel import LabelSpace, keyword_lf, regex_lf\n"
        "LABELS = LabelSpace(['HAM', 'SPAM'])\n"
        "LFS = [keyword_lf('check out', 'subscribe', label=LABELS.SPAM, name='promo'),\n"
        "       regex_lf(r'https?://', label=LABELS.SPAM, name='link'),\n"
        "       keyword_lf('song', 'love', label=LABELS.HAM, name='fan')]\n")
    proj = Project(name="spam-test", data="comments.csv", id_column="id", text_column="text",
                   display_columns=["text"], lfs="spam_lfs.py", refit_every=2)
    return proj.save(folder / "weaklabel.toml")


@pytest.fixture
def spam_project(tmp_path):
    """A small text project: 60 comments (with an HTML/JS payload among them) and 3 LFs."""
    return make_spam_project(tmp_path)
