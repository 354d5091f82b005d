"""The label-model contract: scikit-learn's estimator rules with Snorkel's names.

``__init__`` only stores keyword parameters; ``fit(L, y=None)`` validates, learns
attributes ending in ``_`` and returns ``self``; ``predict*`` check fitted state
and the LF count/names first.
"""

from __future__ import annotations

import warnings
from abc import ABC, abstractmethod
from typing import Any, Literal, Self, cast, overload

import numpy as np

from .._validation import check_cardinality, check_gold
from ..evaluate import metric_scores
from ..exceptions import InputError, LabelModelWarning, NotFittedError
from ..labels import ABSTAIN, LabelSpace
from ..matrix import LabelMatrix, check_label_array
from ._estimator import Estimator
from ._params import Interval, validate_params
from .guardrails import fit_warnings
from .hard_labels import TieBreakPolicy, probs_to_preds


def accuracy_weights(accuracy: np.ndarray, k: int) -> np.ndarray:
    """Log-odds weight of a vote from an LF of this accuracy among ``k`` classes.

    Accuracies are clipped to [0.001, 0.999], so no vote weighs more than log(999 (k-1)).
    """
    a = np.clip(np.asarray(accuracy, dtype=float), 1e-3, 1 - 1e-3)
    return cast("np.ndarray", np.log(a * (k - 1) / (1 - a)))


def _log_normalize(logT: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row-wise log-sum-exp and the normalised probabilities.

    For few classes, column-wise loops over contiguous columns beat row-wise axis
    reductions on an (n, k) array (4x at 1M x 2): this runs in every EM pass.
    """
    k = logT.shape[1]
    if k > 8:
        mx = logT.max(axis=1, keepdims=True)
        e = np.exp(logT - mx)
        s = e.sum(axis=1, keepdims=True)
        return (np.log(s) + mx)[:, 0], e / s
    mx = logT[:, 0].copy()
    for c in range(1, k):
        np.maximum(mx, logT[:, c], out=mx)
    e = np.exp(logT - mx[:, None])
    s = e[:, 0].copy()
    for c in range(1, k):
        s += e[:, c]
    e /= s[:, None]
    return np.log(s) + mx, e


class BaseLabelModel(Estimator, ABC):
    """Base class of label models.

    Subclasses implement ``_fit(votes, y, k)`` and ``_predict_proba(votes)`` on
    validated int8 votes; this class owns validation, prediction and scoring.

    Attributes
    ----------
    cardinality_ : int
        Number of classes ``k``.
    n_lfs_in_ : int
        Number of LFs (columns of ``L``) seen in ``fit``.
    lf_names_in_ : tuple of str or None
        LF names seen in ``fit`` when ``L`` was a LabelMatrix.
    label_space_ : LabelSpace or None
        Class names, when ``L`` carried them.
    class_balance_ : ndarray of shape (k,)
        Estimated (or given) P(y).
    warnings_ : list of str
        Guardrail messages from the last fit (also emitted as ``LabelModelWarning``):
        fewer than 3 LFs, LFs worse than random (on gold) or voting against the rest, near-copy LFs, a model
        below majority vote on the given gold.
    """

    # Whether fit_patterns works (the model overrides _fit_patterns): what makes
    # out-of-core, Dask and Spark fits exact.
    _supports_patterns: bool = False
    # Whether the model only counts votes (majority vote): the guardrails that judge learned LF
    # accuracies, or compare a model with majority vote, have nothing to check on it.
    is_vote_count: bool = False

    # Learned in fit (declared for type checkers; unset until then).
    cardinality_: int
    n_lfs_in_: int
    lf_names_in_: tuple[str, ...] | None
    label_space_: LabelSpace | None
    class_balance_: np.ndarray
    warnings_: list[str]

    # -- fitting ----------------------------------------------------------
    _parameter_constraints: dict[str, list[Any]] = {"cardinality": [None, Interval("int", 2, 127)]}

    def fit(self, L: LabelMatrix | np.ndarray, y: Any = None) -> Self:
        """Learn from the votes ``L`` and optional partial gold ``y``.

        Parameters
        ----------
        L : LabelMatrix or ndarray of shape (n_rows, n_lfs)
            Votes, -1 = abstain.
        y : array-like of shape (n_rows,), optional
            Known labels for some rows, -1 = unknown (class names are accepted when
            ``L`` has a label space).

        Returns
        -------
        self
        """
        validate_params(self)
        votes = check_label_array(L)
        if votes.shape[0] == 0:
            raise InputError("L: expected at least one row to fit on, got 0 rows")
        if votes.shape[1] == 0:
            raise InputError("L: expected at least one LF column, got 0")
        if votes.max() < 0:
            raise InputError(f"L: no LF voted on any of the {votes.shape[0]} rows (all -1), so there is nothing "
                             "to learn from; check the LFs' columns and logic with lf_summary(L)")
        label_space = L.label_space if isinstance(L, LabelMatrix) else None
        y_arr = None
        if y is not None:
            y_arr = check_gold(y, votes.shape[0], label_space=label_space)
        k = getattr(self, "cardinality", None)
        if k is None and label_space is not None:
            k = label_space.cardinality
        self.cardinality_ = check_cardinality(votes, k, y_arr)
        self.n_lfs_in_ = votes.shape[1]
        self.lf_names_in_ = L.lf_names if isinstance(L, LabelMatrix) else None
        self.label_space_ = label_space
        gold = y_arr if y_arr is not None and (y_arr >= 0).any() else None
        self._fit(votes, gold, self.cardinality_)
        self.warnings_ = fit_warnings(self, votes, gold)
        for msg in self.warnings_:
            warnings.warn(msg, LabelModelWarning, stacklevel=2)
        return self

    def fit_patterns(self, patterns: Any, counts: Any, *, lf_names: Any = None,
                     label_space: LabelSpace | None = None) -> Self:
        """Fit from unique vote patterns and their row counts (no gold).

        This is how data larger than memory is fitted: count patterns chunk by chunk
        (or per Dask/Spark partition), add the counts up, fit once. For models that
        fit on patterns anyway (MajorityVote, DawidSkene, LabelModel) the result is
        identical to ``fit`` on the full matrix.

        Parameters
        ----------
        patterns : ndarray of shape (n_patterns, n_lfs)
        counts : ndarray of shape (n_patterns,)
            Rows per pattern (positive integers).
        lf_names : sequence of str, optional
        label_space : LabelSpace, optional

        Returns
        -------
        self
        """
        if not self._supports_patterns:
            raise InputError(f"{type(self).__name__} cannot fit from pattern counts; use MajorityVote, "
                             "DawidSkene or LabelModel, or fit(L) on the full matrix")
        validate_params(self)
        P = check_label_array(patterns, name="patterns")
        c = np.asarray(counts)
        if c.shape != (P.shape[0],) or c.dtype.kind not in "iu" or (c.size and c.min() < 1):
            raise InputError(f"counts: expected {P.shape[0]} positive integer row counts, got shape {c.shape}")
        if P.size == 0 or P.max() < 0:
            raise InputError("patterns: no LF voted in any pattern (all -1); there is nothing to learn from")
        k = getattr(self, "cardinality", None) or (label_space.cardinality if label_space is not None else None)
        self.cardinality_ = check_cardinality(P, k, None, name="patterns")
        self.n_lfs_in_ = P.shape[1]
        self.lf_names_in_ = tuple(lf_names) if lf_names is not None else None
        self.label_space_ = label_space
        self._fit_patterns(P, c.astype(np.int64), None, self.cardinality_)
        self.warnings_ = []
        return self

    @abstractmethod
    def _fit(self, votes: np.ndarray, y: np.ndarray | None, k: int) -> None:
        """Learn from validated int8 votes, partial gold ``y`` (-1 = unknown) and ``k`` classes."""

    @abstractmethod
    def _predict_proba(self, votes: np.ndarray) -> np.ndarray:
        """P(y | votes) for validated int8 votes, shape (n_rows, k)."""

    def _fit_patterns(self, patterns: np.ndarray, counts: np.ndarray, gold: np.ndarray | None, k: int) -> None:
        """Learn from unique vote patterns and their counts.

        Models that can set ``_supports_patterns = True`` and override this.
        """
        raise NotImplementedError  # pragma: no cover - fit_patterns checks _supports_patterns first

    # -- prediction -------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "n_lfs_in_"):
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet; call .fit(L) before predicting")

    def _check_predict_input(self, L: Any) -> np.ndarray:
        self._check_fitted()
        votes = check_label_array(L)
        if votes.shape[1] != self.n_lfs_in_:
            raise InputError(
                f"L: the model was fitted on {self.n_lfs_in_} LFs but L has {votes.shape[1]} columns; "
                "apply the same LF suite, in the same order, as at fit time")
        if isinstance(L, LabelMatrix) and self.lf_names_in_ is not None and L.lf_names != self.lf_names_in_:
            diff = [f"{a!r} != {b!r}" for a, b in zip(L.lf_names, self.lf_names_in_) if a != b][:3]
            raise InputError(
                f"L: LF names differ from those seen in fit ({', '.join(diff)}); apply the same LF "
                "suite in the same order, or refit")
        if votes.size and votes.max() >= self.cardinality_:
            raise InputError(
                f"L: holds class {int(votes.max())} but the model was fitted with "
                f"cardinality {self.cardinality_}")
        return votes

    def predict_proba(self, L: LabelMatrix | np.ndarray) -> np.ndarray:
        """Probabilistic labels.

        Parameters
        ----------
        L : LabelMatrix or ndarray of shape (n_rows, n_lfs)

        Returns
        -------
        ndarray of float64, shape (n_rows, k)
            Each row sums to 1.
        """
        return self._predict_proba(self._check_predict_input(L))

    @overload
    def predict(self, L: LabelMatrix | np.ndarray, *, tie_break_policy: TieBreakPolicy = ...,
                return_probs: Literal[False] = ...) -> np.ndarray: ...

    @overload
    def predict(self, L: LabelMatrix | np.ndarray, *, tie_break_policy: TieBreakPolicy = ...,
                return_probs: Literal[True]) -> tuple[np.ndarray, np.ndarray]: ...

    def predict(self, L: LabelMatrix | np.ndarray, *, tie_break_policy: TieBreakPolicy = "abstain",
                return_probs: bool = False) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """Hard labels: argmax of :meth:`predict_proba` with ties broken by policy.

        Parameters
        ----------
        L : LabelMatrix or ndarray of shape (n_rows, n_lfs)
        tie_break_policy : {"abstain", "random", "true-random", "prior"}, default "abstain"
        return_probs : bool, default False
            Also return the probabilities (Snorkel's signature).

        Returns
        -------
        ndarray of int64, shape (n_rows,)
            -1 where a tie was left as abstain, and, under ``"abstain"``, on every
            row where no LF voted (whatever the prior says).
        """
        votes = self._check_predict_input(L)
        probs = self._predict_proba(votes)
        preds = probs_to_preds(probs, tie_break_policy=tie_break_policy, prior=self.class_balance_,
                               random_state=getattr(self, "random_state", 0))
        if tie_break_policy == "abstain":  # no vote, no label: the prior is not evidence
            preds[~(votes >= 0).any(axis=1)] = ABSTAIN
        return (preds, probs) if return_probs else preds

    def score(self, L: LabelMatrix | np.ndarray, y: Any, *, metrics: Any = ("accuracy",),
              tie_break_policy: TieBreakPolicy = "abstain") -> dict[str, float]:
        """Score predictions on rows with known gold ``y`` (-1 rows are ignored).

        Rows predicted -1 are left out of every metric but ``coverage``, as in Snorkel.

        Returns
        -------
        dict of str to float
        """
        votes = self._check_predict_input(L)
        label_space = L.label_space if isinstance(L, LabelMatrix) else self.label_space_
        y_arr = check_gold(y, votes.shape[0], label_space=label_space)
        preds, probs = self.predict(L, tie_break_policy=tie_break_policy, return_probs=True)
        return metric_scores(y_arr, preds, self.cardinality_, metrics, probs=probs)

    @property
    def label_names_(self) -> tuple[str, ...]:
        """Class names (from the label space, else ``'0'..'k-1'``)."""
        self._check_fitted()
        ls: LabelSpace | None = self.label_space_
        return ls.names if ls is not None else tuple(str(i) for i in range(self.cardinality_))
