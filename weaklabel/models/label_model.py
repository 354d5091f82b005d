"""The default label model: a Dawid-Skene model whose structure is chosen from the votes.

What an LF's output can tell us depends on what kind of LF it is, and that is
visible in ``L`` itself:

* **Multi-class LFs** (crowd workers, weak classifiers, rules that vote more than
  one class) carry their signal in *what* they vote. A full confusion matrix per
  LF (Dawid-Skene) fits class-dependent errors; their abstains are treated as
  missing, because "not asked" or "not sure" says little about the class.
* **One-class (unipolar) LFs** with two classes carry their signal in *when* they
  fire: the model learns P(LF fires | y) for each class (a full confusion model,
  which for a one-class LF puts no mass on votes it never casts).
* With **more than two classes and one-class LFs**, per-LF accuracies are not
  identified by the votes in practice (on semeval and chemprot the estimates
  correlate 0.08 and 0.17 with the true ones). The model then estimates only what
  is: one accuracy shared by all LFs. Its argmax is majority vote; its
  probabilities are calibrated by that accuracy. Gold rows teach it more.

Rules that hold in every regime:

* **Nested rules.** Where a one-class LF ``b`` fires on (nearly) every row that a
  narrower LF ``a`` fires on, and votes another class, b's vote there is implied by
  a firing, so it is no evidence and is dropped on a's rows (``nested_``). Counting
  it made the narrow rule look wrong wherever the broad one outvoted it (semeval:
  71.0 -> 82.2).
* **A vote never lowers the odds of the class it names** (a floor at chance), for
  one-class rules always, for multi-class LFs unless their votes contradict the
  other LFs' (agreement z < ``CHANCE_Z``): only then do the votes themselves say an
  LF is worse than chance.
* **Class balance.** Held uniform unless given, or estimated from 50 or more random
  gold rows (majority vote's and Snorkel's assumption): with dependent LFs EM's
  estimate follows their correlations (yelp: 0.22 / 0.78 for a 50 / 50 truth).
  Two-class one-class LFs are the exception: EM first fits with the balance
  uniform, then frees it, and keeps the freed balance only if no LF had to be held
  at chance for it (a balance that makes a rule useless relabels the classes; fitting
  it free from the start collapsed to one class on textbook matrices).
* A class no LF votes for: majority vote over the others (calibrated).
* Rows without votes get the prior (moved by gold rows without votes) and no label.

The regime is chosen by who casts the votes: when LFs that vote more than one
class cast at least half of them, the first; otherwise the second (k = 2) or
the third (k > 2). ``structure_`` records the choice. ``docs/label-model.md``
says what this assumes and where it fails.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from ._params import Interval, Options
from ._patterns import mask_nested, nested_pairs, unipolar_lfs
from .correction import MIN_GOLD_FOR_CORRECTION
from .dawid_skene import CONFUSIONS, DawidSkene
from .structure import Structure

MULTI_SHARE = 0.5      # share of votes from multi-class LFs that selects the confusion regime
CHANCE_Z = -2.33        # agreement z below which an LF's votes are taken to contradict the rest (1%, one-sided)
SMOOTHING = 10.0        # pseudo-votes toward the shared accuracy in the confusion and one-class regimes
VOTE_SMOOTHING = np.inf  # weighted-vote regime: every LF has the shared accuracy (majority vote, calibrated)


class LabelModel(DawidSkene):
    """The recommended default label model.

    A :class:`DawidSkene` model whose structure is chosen from ``L`` (see the
    module docstring for why):

    ========================================  =============================================
    votes mostly from multi-class LFs          full confusion per LF; abstains modelled only
    (``"confusion"``)                          for one-class LFs; uniform class balance
    one-class LFs, 2 classes (``"one_class"``)  P(LF fires | y) per LF and class; the balance
                                               freed only after a uniform fit
    one-class LFs, more than 2 classes         one accuracy shared by all LFs (majority
    (``"weighted_vote"``)                      vote, calibrated); abstains as missing
    ========================================  =============================================

    In every regime, a broad one-class LF's vote is dropped where a narrower LF
    inside it votes another class (``nested_``), and the class balance is uniform
    unless given or freed as above.

    Exact copies of an LF (identical columns) count as one LF's evidence: each gets
    weight 1/c in the likelihood (``structure_.copy_weight``).

    A row on which no LF voted has no evidence: ``predict_proba`` returns the
    class prior (``prior_``: ``class_balance_`` with any gold correction) for it,
    and ``predict`` with ``tie_break_policy="abstain"`` returns ABSTAIN.

    Gold rows passed to ``fit(L, y)`` are observed labels with weight 1. With 50
    or more gold rows drawn at random, two layers fitted on them repair what EM got
    wrong, each only as strongly as 5-fold cross-validation on the gold rows supports:
    a correction of each LF's weight (``gold_correction``), and, for rows whose whole
    vote pattern has gold rows, a mix of the model's posterior with those rows' labels
    (``pattern_prior``), which captures how LFs interact; and a temperature on the
    posterior (``temperature``), fitted on the same held-out gold, which softens a
    model made too sure by correlated LFs. Pass ``gold_correction=None,
    temperature=None`` for rows a review queue chose. What the model is may
    improve between releases; its contract will not.

    Parameters
    ----------
    confusion : {"auto", "full", "class_conditional", "one_coin"}, default "auto"
        "auto" chooses as in the table; any other value fixes it.
    model_abstains : {"auto", True, False}, default "auto"
        "auto" follows the table; a bool fixes it.
    smoothing : float or None, default None
        Pseudo-votes toward the shared accuracy; None: 10, or infinite (every LF
        has the shared accuracy) in the weighted-vote regime.
    max_iter : int, default 500
        EM passes over the vote patterns (cheap; full-confusion fits on dense
        matrices can need over 100).
    Other parameters and attributes: see :class:`DawidSkene`.

    Attributes
    ----------
    nested_ : ndarray of shape (n_pairs, 2)
        Pairs ``(a, b)`` of LF columns: b's vote is dropped on the rows where a fires
        (at fit and at predict).
    ALGORITHM_VERSION : str
        Names what the model computes; it changes whenever its outputs change (a golden
        test pins them), and ``weaklabel run`` writes it into ``summary.json``, so two
        runs' labels can be told apart by more than the package version.

    References
    ----------
    A. P. Dawid and A. M. Skene (1979), "Maximum likelihood estimation of observer error-rates
    using the EM algorithm", Applied Statistics 28(1): 20-28. doi:10.2307/2346806.
    A. Ratner et al. (2016), "Data programming: creating large training sets, quickly", NeurIPS;
    (2019), "Training complex models with multi-task weak supervision", AAAI.
    D. Fu et al. (2020), "Fast and three-rious: speeding up weak supervision with triplet
    methods", ICML. The structure choices and their measurements: ``docs/label-model.md``.

    Examples
    --------
    Two keyword rules for class 1 and one for class 0, with ``-1`` where an LF abstains:

    >>> import numpy as np
    >>> L = np.array([[1, 1, -1], [1, -1, -1], [-1, -1, 0], [-1, -1, 0], [1, 1, 0], [-1, -1, -1]] * 20)
    >>> model = LabelModel(random_state=0).fit(L)
    >>> model.structure_.regime
    'one_class'
    >>> model.predict(L[:6]).tolist()      # no LF voted on the last row: no label (ABSTAIN)
    [1, 1, 0, 0, 1, -1]
    >>> model.predict_proba(L[:6]).round(2)[[1, 4, 5]].tolist()   # one rule; a 2-to-1 conflict; the prior
    [[0.04, 0.96], [0.0, 1.0], [0.5, 0.5]]
    """

    ALGORITHM_VERSION = "2026.12.1"

    def __init__(self, *, cardinality: int | None = None, class_balance: Any = None,
                 confusion: str = "auto", model_abstains: bool | str = "auto", max_iter: int = 500,
                 tol: float = 1e-5, smoothing: float | None = None, gold_weight: float = 1.0,
                 gold_correction: float | str | None = "auto", pattern_prior: float | str | None = "auto",
                 temperature: float | str | None = "auto", random_state: int = 0) -> None:
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
        self.temperature = temperature
        self.random_state = random_state

    _AUTO_STRUCTURE = True
    _parameter_constraints = {"confusion": [Options(("auto", *CONFUSIONS))],
                              "model_abstains": [Options(("auto", True, False))],
                              "smoothing": [None, Interval("real", 0, None)]}

    def _structure(self, lf_votes: np.ndarray, k: int) -> Structure:
        fixed_cb = self._check_params(k)
        if fixed_cb is None:
            fixed_cb = getattr(self, "_gold_balance", None)
        known = fixed_cb   # given, or from random gold rows: a fact about all rows
        uniform = np.full(k, 1.0 / k)
        unipolar = unipolar_lfs(lf_votes)
        total = lf_votes.sum()
        multi_share = float(lf_votes[~unipolar].sum() / total) if total > 0 else 0.0
        cb: np.ndarray | str
        if (lf_votes.sum(axis=0) == 0).any():
            # A class no LF votes for can only be told by who abstains, which the votes cannot
            # calibrate: majority vote over the classes that get votes (as Snorkel's tests expect).
            regime, conf, mask, s, cb = "weighted_vote", "one_coin", np.zeros_like(unipolar), VOTE_SMOOTHING, uniform
        elif multi_share >= MULTI_SHARE:
            # the balance stays uniform: with dependent multi-class LFs, EM's estimate follows
            # their correlations (yelp: 0.22 / 0.78 for a 50 / 50 truth)
            regime, conf, mask, s, cb = "confusion", "full", unipolar, SMOOTHING, uniform
        elif k == 2:
            # one-class LFs: P(fires | y) per class; the balance is freed only after a fit with it
            # uniform ("warm"), so EM leaves majority vote's assumption only for a likelier balance
            regime, conf, mask, s, cb = "one_class", "full", np.ones_like(unipolar), SMOOTHING, "warm"
        else:
            regime, conf, mask, s, cb = "weighted_vote", "one_coin", np.zeros_like(unipolar), VOTE_SMOOTHING, uniform
        if self.model_abstains != "auto":
            mask = np.full(unipolar.shape, bool(self.model_abstains))
        return Structure(regime=regime, confusion=conf if self.confusion == "auto" else self.confusion,
                         abstain_mask=mask, smoothing=s if self.smoothing is None else float(self.smoothing),
                         class_balance=fixed_cb if fixed_cb is not None else cb, known_balance=known,
                         copy_weight=np.ones(unipolar.shape), merge_copies=True,
                         chance_floor=getattr(self, "_chance_floor", np.ones(unipolar.shape, dtype=bool)))

    # -- nested LFs: a broad one-class LF's vote is implied wherever a narrower LF inside it fires
    def _fit_patterns(self, patterns: np.ndarray, raw_counts: np.ndarray, gold: np.ndarray | None,
                      k: int, one_hot: Any = None) -> None:
        from ._patterns import _one_hot

        # built once: the counts, the z test and EM read it (a second time only if nested votes are masked)
        X = _one_hot(patterns, k) if one_hot is None else one_hot
        lf_votes = np.asarray(X.T @ raw_counts.astype(float)).reshape(patterns.shape[1], k)
        one_class = unipolar_lfs(lf_votes)  # masking only drops votes of one-class LFs: it stays true
        self.nested_ = nested_pairs(patterns, raw_counts, one_class)
        masked = mask_nested(patterns, self.nested_)
        if masked is not patterns:
            X = _one_hot(masked, k)
        # A vote never lowers the odds of the class it names, unless the LF votes several
        # classes and its votes contradict the other LFs' (one-sided z test at 1%). A one-class
        # rule gets no such exception: its disagreement with the rest is mostly who it fires
        # with (youtube's keyword_link, 94% precise, fires with the short-comment ham rule).
        from .guardrails import agreement_lift

        multi = np.flatnonzero(~one_class).tolist()  # the z test is a pass over the patterns per LF: only where used
        self._chance_floor = one_class | (agreement_lift(masked, k, multi, weights=raw_counts, one_hot=X) >= CHANCE_Z)
        self._gold_balance = None
        if gold is not None and self.gold_correction is not None:
            # Random gold rows (the same assumption the gold layers make) estimate the class
            # balance directly: the posterior mean under a uniform Dirichlet prior.
            known = gold >= 0
            n_gold = np.bincount(gold[known], weights=raw_counts[known], minlength=k)
            if n_gold.sum() >= MIN_GOLD_FOR_CORRECTION:
                self._gold_balance = (n_gold + 1.0) / (n_gold.sum() + k)
        super()._fit_patterns(masked, raw_counts, gold, k, one_hot=X)
        self.structure_ = replace(self.structure_, nested=self.nested_)

    def _predict_proba(self, votes: np.ndarray) -> np.ndarray:
        return super()._predict_proba(mask_nested(votes, getattr(self, "nested_", np.empty((0, 2), np.int64))))

    def explain_terms(self, votes_row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per-class log terms of one row's votes (prior, then each LF), nested rules masked as in the fit."""
        self._check_fitted()
        row = mask_nested(np.asarray(votes_row, dtype=np.int64)[None, :], self.nested_)[0]
        return super().explain_terms(row)
