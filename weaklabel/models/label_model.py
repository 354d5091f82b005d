"""The default label model: a Dawid-Skene model whose structure is chosen from the votes.

What an LF's output can tell us depends on what kind of LF it is, and that is
visible in ``L`` itself:

* **Multi-class LFs** (crowd workers, weak classifiers, rules that vote more than
  one class) carry their signal in *what* they vote. A full confusion matrix per
  LF (Dawid-Skene) fits class-dependent errors; their abstains are treated as
  missing, because "not asked" or "not sure" says little about the class.
* **One-class (unipolar) LFs** (keyword and pattern rules) carry their signal in
  *when* they fire. With two classes, a one-coin model with class-dependent
  firing rates learns it.
* With **more than two classes and unipolar LFs**, firing rates become
  unidentifiable: an LF that fires on most rows can be explained as an accurate
  LF of a dominant class (on WRENCH trec the model learns a 23%-accurate LF as
  99.9% accurate). Then the model falls back to a weighted vote: one accuracy
  per LF, shrunk hard toward the suite's shared accuracy, abstains as missing,
  classes a priori equally likely. It stays close to majority vote and only
  departs from it where the agreement between LFs supports a different weight.

The regime is chosen by who casts the votes: when LFs that vote more than one
class cast at least half of them, the first; otherwise the second (k = 2) or
the third (k > 2). ``structure_`` records the choice.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._params import Interval, Options
from ._patterns import unipolar_lfs
from .dawid_skene import CONFUSIONS, DawidSkene

MULTI_SHARE = 0.5      # share of votes from multi-class LFs that selects the confusion regime
VOTE_SMOOTHING = 100.0  # pseudo-votes toward the shared accuracy in the weighted-vote regime


class LabelModel(DawidSkene):
    """The recommended default label model.

    A :class:`DawidSkene` model whose structure is chosen from ``L`` (see the
    module docstring for why):

    ========================================  =============================================
    votes mostly from multi-class LFs          full confusion per LF; abstains modelled only
                                               for one-class LFs
    one-class LFs, 2 classes                   one accuracy per LF; P(LF fires | y) modelled
    one-class LFs, more than 2 classes         weighted vote: one accuracy per LF, strongly
                                               shrunk; abstains as missing; uniform prior
    ========================================  =============================================

    Exact copies of an LF (identical columns) count as one LF's evidence: each gets
    weight 1/c in the likelihood (``structure_["copy_weight"]``).

    A row on which no LF voted has no evidence: ``predict_proba`` returns the
    class prior (``prior_``: ``class_balance_`` with any gold correction) for it,
    and ``predict`` with ``tie_break_policy="abstain"`` returns ABSTAIN.

    Gold rows passed to ``fit(L, y)`` are observed labels with weight 1. With 50
    or more gold rows drawn at random, two layers fitted on them repair what EM got
    wrong, each only as strongly as 5-fold cross-validation on the gold rows supports:
    a correction of each LF's weight (``gold_correction``), and, for rows whose whole
    vote pattern has gold rows, a mix of the model's posterior with those rows' labels
    (``pattern_prior``), which captures how LFs interact. Pass
    ``gold_correction=None`` for rows a review queue chose. What the model is may
    improve between releases; its contract will not.

    Parameters
    ----------
    confusion : {"auto", "full", "class_conditional", "one_coin"}, default "auto"
        "auto" chooses as in the table; any other value fixes it.
    model_abstains : {"auto", True, False}, default "auto"
        "auto" follows the table; a bool fixes it.
    smoothing : float or None, default None
        Pseudo-votes toward the shared accuracy; None: 10, or 100 in the
        weighted-vote regime.
    max_iter : int, default 500
        EM passes over the vote patterns (cheap; full-confusion fits on dense
        matrices can need over 100).
    Other parameters and attributes: see :class:`DawidSkene`.
    """

    def __init__(self, *, cardinality: int | None = None, class_balance: Any = None,
                 confusion: str = "auto", model_abstains: bool | str = "auto", max_iter: int = 500,
                 tol: float = 1e-5, smoothing: float | None = None, gold_weight: float = 1.0,
                 gold_correction: float | str | None = "auto", pattern_prior: float | str | None = "auto",
                 random_state: int = 0) -> None:
        # Stored as given (scikit-learn's contract); "auto" and None are resolved in fit.
        self.cardinality = cardinality
        self.class_balance = class_balance
        self.confusion = confusion
        self.model_abstains: bool | str = model_abstains  # type: ignore[assignment]  # wider than DawidSkene's
        self.max_iter = max_iter
        self.tol = tol
        self.smoothing: float | None = smoothing  # type: ignore[assignment]
        self.gold_weight = gold_weight
        self.gold_correction = gold_correction
        self.pattern_prior = pattern_prior
        self.random_state = random_state

    _AUTO_STRUCTURE = True
    _parameter_constraints = {"confusion": [Options(("auto", *CONFUSIONS))],
                              "model_abstains": [Options(("auto", True, False))],
                              "smoothing": [None, Interval("real", 0, None)]}

    def _structure(self, lf_votes: np.ndarray, k: int) -> dict:
        fixed_cb = self._check_params(k)
        unipolar = unipolar_lfs(lf_votes)
        total = lf_votes.sum()
        multi_share = float(lf_votes[~unipolar].sum() / total) if total > 0 else 0.0
        if multi_share >= MULTI_SHARE:
            regime, conf, mask, s, cb = "confusion", "full", unipolar, 10.0, None
        elif k == 2:
            regime, conf, mask, s, cb = "one_coin", "one_coin", np.ones_like(unipolar), 10.0, None
        else:
            regime, conf, mask, s, cb = ("weighted_vote", "one_coin", np.zeros_like(unipolar), VOTE_SMOOTHING,
                                         np.full(k, 1.0 / k))
        if self.model_abstains != "auto":
            mask = np.full(unipolar.shape, bool(self.model_abstains))
        return {"regime": regime,
                "confusion": conf if self.confusion == "auto" else self.confusion,
                "abstain_mask": mask,
                "smoothing": s if self.smoothing is None else float(self.smoothing),
                "class_balance": fixed_cb if fixed_cb is not None else cb,
                "copy_weight": np.ones(unipolar.shape), "copies": "merge"}
