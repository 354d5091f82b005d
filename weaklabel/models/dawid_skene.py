"""Dawid-Skene: EM over compressed vote patterns, with abstains modelled.

The generative model: a row's class ``y ~ class_balance``; each LF j then, given
``y``, abstains or votes class ``l`` with probability ``emission_[j, y, 1 + l]``
(column 0 is abstain). EM runs on the unique rows of ``L`` with their counts, so
a pass costs O(patterns), not O(rows).

Two choices make it work on real LF suites, where most LFs are *unipolar* (they
only ever vote one class) and *sparse* (they fire on < 1% of rows):

* Abstains are modelled (``model_abstains=True``): for a unipolar LF all of its
  signal is in *when* it fires. Classic Dawid-Skene treats abstains as missing
  and learns nothing from such LFs.
* The prior sits on each LF's *precision*, P(y = l | LF votes l), shrunk toward
  one accuracy shared by all LFs (learned, empirical Bayes) with weight
  ``smoothing`` pseudo-votes. A sparse LF borrows strength from the suite and
  stays above chance unless its votes say otherwise; a prior on the confusion
  matrix instead would not constrain unipolar LFs at all.
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from typing import Any, cast

import numpy as np

from ..exceptions import ConvergenceWarning
from ..matrix import compress
from ._em import _EPS, _floor_binds, initial_posterior, log_joint, m_step, silent_rows_balance
from ._params import Interval, Options, check_class_balance
from ._patterns import _mostly_distinct, _one_hot, clamp_gold, copy_weights, unipolar_lfs
from .base import BaseLabelModel, _log_normalize
from .correction import fit_gold_layers, mix_pattern_counts, pattern_keys
from .structure import Structure

CONFUSIONS = ("full", "class_conditional", "one_coin")
_CHUNK = 1 << 20  # rows per prediction chunk


class DawidSkene(BaseLabelModel):
    """Dawid-Skene label model fitted by EM on vote patterns.

    Parameters
    ----------
    cardinality : int, optional
        Number of classes; inferred from ``L`` (or its label space) when omitted.
    class_balance : array-like of shape (k,), optional
        Known P(y). Estimated by EM when omitted.
    confusion : {"full", "class_conditional", "one_coin"}, default "full"
        How an LF's errors are parameterised. ``full``: P(y | LF votes l) is free
        for each vote l (shrunk toward the shared accuracy). ``class_conditional``:
        one accuracy per LF and true class, errors spread evenly over the other
        classes. ``one_coin``: one accuracy per LF (Dawid-Skene's "one coin").
    model_abstains : bool or "auto", default True
        Model P(LF abstains | y). False gives classic Dawid-Skene (abstain =
        missing), which learns nothing from unipolar LFs. ``"auto"`` models it
        only for unipolar LFs (>= 99% of their votes for one class), whose signal
        is all in when they fire; for the others (crowd workers, classifiers) an
        abstain is treated as missing.
    max_iter : int, default 100
    tol : float, default 1e-5
        Stop when the mean log-likelihood per row changes by less than ``tol``.
    smoothing : float, default 10.0
        Pseudo-votes pulling each LF's precision toward the suite's shared
        accuracy (and added to the class balance counts). 0 = maximum likelihood.
    gold_weight : float, default 1.0
        How many unlabeled rows one gold row of ``fit(L, y)`` counts as.
    gold_correction : "auto", float or None, default "auto"
        With gold rows in ``fit(L, y)``, after EM fit a correction to each LF
        outcome's log-likelihood term (and to the class prior) by maximising the
        gold rows' conditional likelihood P(y | votes) under a Gaussian prior on
        every correction with this standard deviation (in log-odds). It repairs
        what EM gets wrong when its independence assumption fails (LFs over- or
        under-trusted because they are correlated). It assumes the gold rows are
        a random sample (a dev set, audit rows): rows a review queue picked for
        conflict or doubt would teach it the queue's bias, so pass None for
        those (the review loop fits to audit rows only). ``"auto"``
        picks the scale from (0.25, 0.5, 1, 2) or no correction at all by 5-fold
        cross-validated log-likelihood on the gold rows (no correction below 50
        gold rows, or when it does not predict held-out gold better). None: off.
    pattern_prior : "auto", float or None, default "auto"
        With gold rows, a row whose vote pattern (its whole row of votes) matches
        gold rows gets P(y | pattern) = (s q_y + n_y) / (s + n): the model's
        posterior q worth ``s`` rows, plus the n gold rows of that pattern, n_y of
        them labeled y. It captures what the LFs mean together, which the per-LF
        correction cannot (it matters with few LFs, where patterns repeat). Rows a
        review queue picked are fine here if the queue ranks by votes alone, since
        rows of one pattern are then picked alike. ``"auto"`` chooses ``s`` from
        (1, 4, 16, 64) or off, together with ``gold_correction``, by the same
        cross-validation (off below 50 gold rows). None: off. Rows without votes
        keep the class prior.
    temperature : "auto", float or None, default "auto"
        With 50 or more random gold rows, the predicted probabilities are
        softmax(log P / T): ``"auto"`` fits ``T`` to the gold rows' held-out
        posteriors from the same cross-validation (a normal prior on log T with
        sd 1 keeps it near 1 when gold is scarce). Correlated LFs make the model
        too sure; T > 1 softens it. It never changes the predicted class. A float
        fixes T; None (or fewer gold rows): T = 1. Like ``gold_correction``, it
        assumes random gold rows: pass None for rows a review queue picked.
    random_state : int, default 0
        Seed for ``tie_break_policy="true-random"``. EM itself is deterministic:
        it starts from the soft majority vote.

    Attributes
    ----------
    class_balance_ : ndarray of shape (k,)
        P(y), given or estimated.
    emission_ : ndarray of shape (n_lfs, k, k + 1)
        ``emission_[j, y, 0]`` = P(LF j abstains | y); ``emission_[j, y, 1 + l]`` =
        P(LF j votes l | y).
    lf_precision_ : ndarray of shape (n_lfs, k, k)
        ``lf_precision_[j, l, y]`` = P(y | LF j votes l).
    lf_confusion_ : ndarray of shape (n_lfs, k, k)
        ``lf_confusion_[j, y, l]`` = P(LF j votes l | y, LF j votes).
    lf_accuracy_ : ndarray of shape (n_lfs,)
        P(vote is correct | LF j votes).
    lf_propensity_ : ndarray of shape (n_lfs,)
        Share of rows on which each LF votes.
    shared_accuracy_ : float
        The suite-wide precision that sparse LFs are shrunk toward.
    gold_correction_ : float or None
        The correction's prior scale in use (None: no correction).
    correction_ : ndarray of shape (n_lfs, k + 1, k)
        Added to ``log emission_[j, y, o]`` for outcome ``o`` (0 = abstain) of LF
        ``j``; zeros unless a gold correction was fitted.
    correction_bias_ : ndarray of shape (k,)
        Added to ``log class_balance_`` at prediction.
    pattern_prior_ : float or None
        The model's weight in rows against a pattern's gold labels (None: off).
    temperature_ : float
        The temperature dividing the log posterior (1 without gold).
    gold_patterns_ : ndarray of shape (n_patterns, n_lfs)
        The vote patterns with gold rows (rows with no vote left out); empty when off.
    gold_pattern_counts_ : ndarray of shape (n_patterns, k)
        Their gold rows per class.
    uncovered_counts_ : ndarray of shape (k,)
        Gold rows without any vote, per class (zeros without gold): they move ``prior_``,
        the prior of rows without votes.
    uncovered_balance_ : ndarray of shape (k,) or None
        Where the class balance is known (given, or estimated from random gold rows), the
        balance of the rows no LF votes on: what the balance leaves after the covered rows'
        posteriors (from their votes alone where no LF's silence is modelled), plus k
        pseudo-rows of the balance. None where the balance is not known.
    structure_ : Structure
        The structure fitted (:class:`~weaklabel.models.structure.Structure`): ``confusion``,
        ``abstain_mask`` (per LF, True where P(abstain | y) is modelled), ``smoothing``,
        ``class_balance`` (fixed, or None), ``copy_weight`` (per LF, the weight of its
        log-likelihood term: 1, or 1/c for each of c identical LFs in :class:`LabelModel`);
        LabelModel also sets ``regime``, ``chance_floor`` and ``nested``.
    n_iter_ : int
    converged_ : bool
    log_likelihood_ : float
        Mean log-likelihood per row of the votes under the final parameters (each of c copies
        of an LF weighted 1/c), the marginal over the classes. EM raises it at every step when
        its M-step is exact: no smoothing, no gold rows, a fixed structure
        (``tests/models/test_dawid_skene.py`` checks it). ``smoothing`` shrinks each LF toward
        the shared accuracy, gold rows are clamped, and LabelModel's weighted-vote regime holds
        every LF at one shared accuracy: there the fit is a penalised EM and this number can
        dip before convergence (trec: 7 of 38 steps, by at most 4e-4). See
        ``docs/label-model.md``.
    cardinality_, n_lfs_in_, lf_names_in_, label_space_
        See :class:`BaseLabelModel`.

    Examples
    --------
    >>> import numpy as np
    >>> L = np.array([[0, 0, -1], [1, 1, 0], [1, -1, 1], [0, 0, 0]])
    >>> DawidSkene().fit(L).predict(L)
    array([0, 1, 1, 0])
    """

    _parameter_constraints = {
        "class_balance": [None, "array-like"], "confusion": [Options(CONFUSIONS)],
        "model_abstains": [Options((True, False))], "max_iter": [Interval("int", 1, None)],
        "tol": [Interval("real", 0, None)], "smoothing": [Interval("real", 0, None)],
        "gold_weight": [Interval("real", 0, None)],
        "gold_correction": [None, Options(("auto",)), Interval("real", 0, None, closed="neither")],
        "pattern_prior": [None, Options(("auto",)), Interval("real", 0, None, closed="neither")],
        "temperature": [None, Options(("auto",)), Interval("real", 0, None, closed="neither")],
        "random_state": [None, Interval("int")]}

    def __init__(self, *, cardinality: int | None = None, class_balance: Any = None,
                 confusion: str = "full", model_abstains: bool = True, max_iter: int = 100,
                 tol: float = 1e-5, smoothing: float = 10.0, gold_weight: float = 1.0,
                 gold_correction: float | str | None = "auto", pattern_prior: float | str | None = "auto",
                 temperature: float | str | None = "auto", random_state: int = 0) -> None:
        self.cardinality = cardinality
        self.class_balance = class_balance
        self.confusion = confusion
        self.model_abstains = model_abstains
        self.max_iter = max_iter
        self.tol = tol
        self.smoothing = smoothing
        self.gold_weight = gold_weight
        self.gold_correction = gold_correction
        self.pattern_prior = pattern_prior
        self.temperature = temperature
        self.random_state = random_state

    # -- fitting ----------------------------------------------------------
    _AUTO_STRUCTURE = False  # LabelModel also accepts confusion="auto" and smoothing=None

    def _check_params(self, k: int) -> np.ndarray | None:
        """Return the fixed class balance, checked against ``k``.

        The other parameters are checked in ``fit`` from ``_parameter_constraints``.
        """
        return check_class_balance(self.class_balance, k)

    def _structure(self, lf_votes: np.ndarray, k: int) -> Structure:
        """Return the model structure for this fit.

        Confusion, which LFs' abstains are modelled, smoothing and a fixed class balance (or None).
        ``lf_votes[j, l]`` = rows on which LF j voted l. Subclasses choose it from the data (see
        :class:`LabelModel`).
        """
        fixed_cb = self._check_params(k)
        ma = self.model_abstains
        mask = unipolar_lfs(lf_votes) if isinstance(ma, str) else np.full(lf_votes.shape[0], bool(ma))
        return Structure(confusion=self.confusion, abstain_mask=mask, smoothing=float(self.smoothing),
                         class_balance=fixed_cb, known_balance=fixed_cb, copy_weight=np.ones(lf_votes.shape[0]))

    def _fit(self, votes: np.ndarray, y: np.ndarray | None, k: int) -> None:
        m = votes.shape[1]
        if y is not None:  # gold rows are patterns of their own: their posterior is known
            vp = compress(np.column_stack([votes, y.astype(np.int8)]))
            self._fit_patterns(vp.patterns[:, :m], vp.counts, vp.patterns[:, m].astype(np.int64), k)
        elif _mostly_distinct(votes):  # compressing would cost more than it saves
            self._fit_patterns(votes, np.ones(votes.shape[0], dtype=np.int64), None, k)
        else:
            vp = compress(votes)
            self._fit_patterns(vp.patterns, vp.counts, None, k)

    _supports_patterns = True

    def _fit_patterns(self, patterns: np.ndarray, raw_counts: np.ndarray, gold: np.ndarray | None,
                      k: int, one_hot: Any = None) -> None:
        """EM on unique vote patterns with their row counts (and known labels, -1 = unknown).

        ``one_hot``: ``_one_hot(patterns, k)`` when the caller built it already.
        """
        m = patterns.shape[1]
        n_rows = float(raw_counts.sum())
        counts = raw_counts.astype(float)
        if gold is not None:  # a labeled row is worth gold_weight unlabeled ones
            counts = np.where(gold >= 0, counts * float(self.gold_weight), counts)
        X = _one_hot(patterns, k) if one_hot is None else one_hot
        # Rows on which LF j voted l: fixed by the data, needed by every M-step.
        n_votes = np.asarray(X.T @ counts).reshape(m, k)
        vp_votes = np.asarray(X.T @ raw_counts.astype(float)).reshape(m, k)  # unweighted by gold
        self.structure_ = self._structure(vp_votes, k)
        if self.structure_.merge_copies:  # resolved on the patterns (identical columns)
            self.structure_ = replace(self.structure_, copy_weight=copy_weights(patterns, vp_votes))
        fixed_cb = self.structure_.class_balance
        w = self.structure_.copy_weight[:, None, None]
        n = counts.sum()
        T = clamp_gold(initial_posterior(X, counts, m, k), gold, k)
        # "warm": EM first with the class balance held uniform (majority vote's assumption),
        # then with it free, from there; EM never lowers the likelihood, so the free fit can
        # only leave the uniform one for a better-fitting balance.
        stages = [np.full(k, 1.0 / k), None] if isinstance(fixed_cb, str) else [fixed_cb]
        it, converged, ll = 0, False, -np.inf
        uniform_fit: tuple[Any, ...] | None = None
        for stage_cb in stages:
            ll_prev, converged = -np.inf, False
            for _ in range(self.max_iter):
                it += 1
                cb, emission, precision, shared = m_step(X, T, counts, n_votes, stage_cb, self.structure_, m, k)
                norm, T = _log_normalize(self._log_joint(X, np.log(cb), w * np.log(emission)))
                ll = float((counts * norm).sum() / n)
                T = clamp_gold(T, gold, k)
                if abs(ll - ll_prev) < self.tol:
                    converged = True
                    break
                ll_prev = ll
            if stage_cb is not None and len(stages) > 1:
                uniform_fit = (cb, emission, precision, shared, T, ll, converged)
        freed = uniform_fit is not None
        if uniform_fit is not None and _floor_binds(precision, cb, n_votes, self.structure_):
            # Freeing the balance made an LF no better than chance: the new balance relabels
            # what the classes mean (correlated LFs), it is not evidence. Keep the uniform fit.
            cb, emission, precision, shared, T, ll, converged = uniform_fit
            freed = False
        self.structure_ = replace(self.structure_, class_balance_freed=freed)
        self.class_balance_ = cb
        self.emission_ = emission
        self.lf_precision_ = precision
        votes_e = emission[:, :, 1:]
        self.lf_confusion_ = votes_e / np.maximum(votes_e.sum(axis=2, keepdims=True), _EPS)
        diag = np.einsum("jll->jl", precision)
        self.lf_accuracy_ = (n_votes * diag).sum(axis=1) / np.maximum(n_votes.sum(axis=1), _EPS)
        self.lf_propensity_ = vp_votes.sum(axis=1) / n_rows
        self.shared_accuracy_ = shared
        self.n_iter_ = it
        # When rows are nearly all distinct, compressing at predict time costs more than it saves.
        self._compress_predict = raw_counts.size < 0.5 * n_rows
        self.converged_ = converged
        self.log_likelihood_ = ll
        self.correction_ = np.zeros((m, k + 1, k))
        self.correction_bias_ = np.zeros(k)
        self.gold_correction_: float | None = None
        self.pattern_prior_: float | None = None
        self.temperature_ = 1.0
        self.gold_patterns_ = np.empty((0, m), dtype=np.int64)
        self.gold_pattern_counts_ = np.zeros((0, k))
        self.uncovered_counts_ = np.zeros(k)
        self.uncovered_balance_ = silent_rows_balance(self.structure_, patterns, raw_counts, T, cb)
        if gold is not None:
            known = gold >= 0
            self._fit_correction(patterns[known], raw_counts[known], gold[known], k)
            # What rows without votes tend to be. Rows of one vote pattern are alike to any rule
            # that picks by the votes (a review queue too), so their labels are a fair sample of it.
            silent = known & ~(patterns >= 0).any(axis=1)
            self.uncovered_counts_ = np.bincount(gold[silent], weights=raw_counts[silent].astype(float),
                                                 minlength=k).astype(float)
        if not converged:
            warnings.warn(f"DawidSkene EM stopped at max_iter={self.max_iter} before converging "
                          f"(tol={self.tol}); raise max_iter", ConvergenceWarning, stacklevel=3)

    def _fit_correction(self, patterns: np.ndarray, counts: np.ndarray, gold: np.ndarray, k: int) -> None:
        """Fit the two gold layers (``gold_correction``, ``pattern_prior``; see ``correction.py``)."""
        log_cb, log_emission = self._log_params(corrected=False)
        offset = self._log_joint(_one_hot(patterns, k), log_cb, log_emission)
        layers = fit_gold_layers(offset, patterns, counts, gold, self.gold_correction, self.pattern_prior,
                                 self.random_state, getattr(self, "temperature", None))
        self.gold_correction_, self.pattern_prior_ = layers.gold_correction, layers.pattern_prior
        self.temperature_ = layers.temperature
        if layers.correction is not None and layers.correction_bias is not None:
            self.correction_, self.correction_bias_ = layers.correction, layers.correction_bias
        if layers.gold_patterns is not None and layers.gold_pattern_counts is not None:
            self.gold_patterns_, self.gold_pattern_counts_ = layers.gold_patterns, layers.gold_pattern_counts

    def _log_params(self, corrected: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """(log prior (k,), log terms (n_lfs, k, k + 1)): copies weighted, gold correction folded in."""
        w = self.structure_.copy_weight[:, None, None]
        if not corrected:
            return np.log(self.class_balance_), w * np.log(self.emission_)
        return (np.log(self.class_balance_) + self.correction_bias_,
                w * np.log(self.emission_) + self.correction_.transpose(0, 2, 1))

    _log_joint = staticmethod(log_joint)  # used by the gold layers and by tools/

    # -- prediction -------------------------------------------------------
    def _predict_proba(self, votes: np.ndarray) -> np.ndarray:
        out = np.empty((votes.shape[0], self.cardinality_))
        # Chunks bound memory (the sparse one-hot of 10M x 50 votes alone is ~1.6 GB).
        squeeze = getattr(self, "_compress_predict", True)
        log_params = self._log_params()
        for start in range(0, votes.shape[0], _CHUNK):
            chunk = votes[start:start + _CHUNK]
            if squeeze:  # score each distinct vote pattern once
                vp = compress(chunk)
                out[start:start + chunk.shape[0]] = self._posterior(vp.patterns, log_params)[vp.inverse]
            else:
                out[start:start + chunk.shape[0]] = self._posterior(chunk, log_params)
        # No vote, no evidence: such a row gets the class prior, not what the model
        # makes of a pattern of abstains (which leans on LF correlations it cannot see).
        uncovered = ~(votes >= 0).any(axis=1)
        if uncovered.any():
            out[uncovered] = self.prior_
        return out

    def _posterior(self, votes: np.ndarray, log_params: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        """P(y | votes) per row.

        The corrected model, mixed with the gold rows of the same pattern, at the fitted temperature.
        """
        _, P = _log_normalize(self._log_joint(_one_hot(votes, self.cardinality_), *log_params))
        P = self._mix_gold_patterns(P, votes)
        t = getattr(self, "temperature_", 1.0)
        if t != 1.0:
            _, P = _log_normalize(np.log(np.maximum(P, 1e-300)) / t)
        return P

    def _mix_gold_patterns(self, P: np.ndarray, votes: np.ndarray) -> np.ndarray:
        """``P`` mixed with the gold labels of each row's vote pattern (``pattern_prior_``; off: ``P``)."""
        strength = getattr(self, "pattern_prior_", None)
        if strength is None:
            return P
        k = self.cardinality_
        return mix_pattern_counts(P, pattern_keys(votes, k), pattern_keys(self.gold_patterns_, k),
                                  self.gold_pattern_counts_, strength)

    @property
    def prior_(self) -> np.ndarray:
        """The class prior of rows without votes.

        ``uncovered_balance_`` where the balance is known, else ``class_balance_``, with any gold
        correction, updated by the labels of the gold rows without votes (``uncovered_counts_``) as a
        Dirichlet prior worth k rows. Rows no LF fires on are often of one kind (youtube: mostly ham, where
        the balance says spam).
        """
        base = getattr(self, "uncovered_balance_", None)
        base = self.class_balance_ if base is None else base
        _, p = _log_normalize((np.log(base) + self.correction_bias_)[None, :])
        counts = getattr(self, "uncovered_counts_", None)
        if counts is None or counts.sum() == 0:
            return cast("np.ndarray", p[0])
        k = p.shape[1]
        return cast("np.ndarray", (counts + k * p[0]) / (counts.sum() + k))

    def explain_terms(self, votes_row: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(log class balance (k,), per-LF terms log P(outcome_j | y) (n_lfs, k)).

        Abstains are outcomes too. Softmax of the prior plus the summed terms is
        ``predict_proba`` for the row (gold correction included). Where gold rows
        share the row's vote pattern (``pattern_prior_``), the shift their labels
        make is added to the prior term, so the sum still holds. Both are divided
        by ``temperature_``.
        """
        self._check_fitted()
        outcome = np.asarray(votes_row, dtype=np.int64) + 1  # 0 = abstain
        log_cb, log_emission = self._log_params()
        if not (outcome > 0).any():  # no votes: the prior alone (see _predict_proba)
            return np.log(self.prior_), np.zeros((outcome.size, self.cardinality_))
        terms = log_emission[np.arange(outcome.size), :, outcome]
        t = getattr(self, "temperature_", 1.0)
        if getattr(self, "pattern_prior_", None) is None:
            return log_cb / t, terms / t
        _, q = _log_normalize((log_cb + terms.sum(axis=0))[None, :])
        mixed = self._mix_gold_patterns(q, outcome[None, :] - 1)
        return (log_cb + np.log(np.maximum(mixed[0], 1e-300)) - np.log(np.maximum(q[0], 1e-300))) / t, terms / t
