"""``LabelModel.ALGORITHM_VERSION`` changes whenever the default's outputs change.

The golden digest pins the default's probabilities on one matrix of each kind the structure
choice tells apart, fitted without gold and with 60 random gold rows (the gold layers). A
change that moves any probability by more than rounding fails here: bump the version, and pin
the new digest beside it, so a run's ``summary.json`` says which algorithm labeled it.
"""

import hashlib
import warnings

import numpy as np

from weaklabel.bench.synthetic import REGIMES, regime_L
from weaklabel.models import LabelModel

GOLDEN = {"2026.12.1": "513f1874a79a30e5"}


def _digest() -> str:
    h = hashlib.sha256()
    rng = np.random.default_rng(0)
    for regime in REGIMES:
        L, y = regime_L(regime, n=1500, k=3 if regime.startswith("weak") else 2, seed=1)
        gold = np.full(len(y), -1)
        picked = rng.choice(len(y), 60, replace=False)
        gold[picked] = y[picked]
        for g in (None, gold):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                P = LabelModel(random_state=0).fit(L, g).predict_proba(L)
            h.update(regime.encode() + np.round(P, 6).tobytes())
    return h.hexdigest()[:16]


def test_the_version_names_these_outputs():
    assert LabelModel.ALGORITHM_VERSION in GOLDEN, "a new ALGORITHM_VERSION needs its digest pinned here"
    assert _digest() == GOLDEN[LabelModel.ALGORITHM_VERSION], (
        "the default's outputs changed: bump LabelModel.ALGORITHM_VERSION and pin the new digest "
        f"{_digest()!r} for it")


def test_the_digest_sees_a_changed_output(monkeypatch):
    before = _digest()
    monkeypatch.setattr("weaklabel.models.label_model.SMOOTHING", 3.0)   # a change in a constant of the fit
    assert _digest() != before
