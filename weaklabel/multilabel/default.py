"""The default multi-label label model: a prior over label sets, per-LF per-label accuracies.

Generative model. An item's labels are a set ``S`` drawn from a prior over label sets (the
empty set, every single label, and the sets of labels that LFs vote together on some item:
this is where label co-occurrence lives). Given ``S``, each LF ``j`` votes on each label
``l`` it targets (the labels it ever votes on) independently: positive, negative or silent,
with probabilities that depend on whether ``l`` is in ``S``. An LF says nothing about a label
it never votes on. The 2 x 3 outcome table of each (LF, target label) is read off the start, "a
label applies where an LF votes it", with ``smoothing`` pseudo-counts per cell; EM then fits the
prior over label sets on the items some LF voted on (``fit_rates=True`` re-estimates the tables
too, see the parameter). A vote never lowers the odds of the label it names: a
(LF, label) whose positive votes EM finds likelier without the label than with it is held at
no evidence. An item no LF voted on gets the prior's marginals, and nothing else.

Dawid & Skene (1979), "Maximum likelihood estimation of observer error-rates using the EM
algorithm", Applied Statistics 28(1), with the class replaced by a label set.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np

from ..exceptions import InputError
from .matrix import MultiLabelMatrix
from .models import _MultiLabelBase, any_vote

MAX_LARGE_SETS = 2_000     # sets of 3+ labels in the prior: the most frequent ones (memory: items x sets)


class MultiLabelModel(_MultiLabelBase):
    """The multi-label model to take by default (see the module docstring).

    Parameters
    ----------
    max_cardinality : int or None, default None
        Largest label set in the prior: 1 single labels only, 2 and the pairs voted on one item,
        None every set the LFs vote together on some item. On GoEmotions, where a comment's
        rules vote up to 6 labels, capping at 2 forced the model to drop a rare label from
        every item voted three (macro F1 39.3 at 2, 40.5 at None on test).
    smoothing : float, default 1.0
        Pseudo-counts per outcome cell of each (LF, label), and per set in the prior.
    fit_rates : bool, default False
        Re-estimate the (LF, label) outcome tables in EM too. Off by default: the tables are
        read off the start ("a label applies where an LF votes it") and EM learns the label-set
        prior only. With few, rarely overlapping LFs per label, EM lets a label lean on its
        broadest LF and read the others as noise (GoEmotions dev: micro-F1 0.484 -> 0.433).
    max_iter : int, default 100
    tol : float, default 1e-6
        Stop when the mean log-likelihood per item changes by less.
    thresholds : "auto", float or array of shape (k,), default "auto"
        0.5 per label; with gold ``Y`` in ``fit``, the F1-best cut per label on it.

    Attributes
    ----------
    sets_ : ndarray of shape (n_sets, k), bool
        The label sets of the prior (row 0: the empty set).
    set_prior_ : ndarray of shape (n_sets,)
    prior_ : ndarray of shape (k,)
        Each label's marginal under the prior: what an item no LF voted on gets.
    emission_ : ndarray of shape (n_lfs, k, 2, 3)
        P(outcome | label absent / present) with outcomes (positive, negative, silent); rows
        of labels an LF never votes on are unused.
    targets_ : ndarray of shape (n_lfs, k), bool
    n_iter_, log_likelihood_, converged_
    """

    def __init__(self, *, max_cardinality: int | None = None, smoothing: float = 1.0, fit_rates: bool = False,
                 max_iter: int = 100, tol: float = 1e-6, thresholds: Any = "auto") -> None:
        self.max_cardinality = max_cardinality
        self.smoothing = smoothing
        self.fit_rates = fit_rates
        self.max_iter = max_iter
        self.tol = tol
        self.thresholds = thresholds

    # -- pieces ---------------------------------------------------------------
    def _label_sets(self, L: MultiLabelMatrix, Y: Any) -> np.ndarray:
        """Return the prior's support.

        The empty set, every label, every pair of labels voted on one item, and every larger set the LFs
        vote together on some item (or gold has), up to ``max_cardinality`` labels; the ``MAX_LARGE_SETS``
        most frequent larger sets.
        """
        k = L.n_labels
        cap = k if self.max_cardinality is None else int(self.max_cardinality)
        eye = np.eye(k, dtype=bool)
        sets = [np.zeros(k, dtype=bool), *eye]
        voted = L.positive_counts() > 0
        gold = (Y[(Y >= 0).all(axis=1)] == 1) if Y is not None else np.zeros((0, k), dtype=bool)
        if cap >= 2:
            both = np.vstack([voted, gold]).astype(np.int64)
            a, b = np.nonzero(np.triu((both.T @ both) > 0, 1))
            sets += [eye[i] | eye[j] for i, j in zip(a.tolist(), b.tolist())]
        if cap >= 3:
            rows = np.vstack([voted, gold])
            size = rows.sum(axis=1)
            big, counts = np.unique(rows[(size >= 3) & (size <= cap)], axis=0, return_counts=True)
            sets += list(big[np.argsort(-counts, kind="stable")[:MAX_LARGE_SETS]])
        return np.asarray(sets)

    def _evidence(self, Vp: Any, Vn: Any, fold: Any) -> np.ndarray:
        """(n, k) log-odds of each label from the votes (silent targeting LFs included)."""
        logE = np.log(self.emission_)                           # (m, k, 2, 3)
        d = logE[..., 1, :] - logE[..., 0, :]                   # (m, k, 3): present vs absent
        d = np.where(self.targets_[..., None], d, 0.0)
        silent = d[..., 2].sum(axis=0)                          # (k,): every targeting LF silent
        wp = (d[..., 0] - d[..., 2]).ravel()
        wn = (d[..., 1] - d[..., 2]).ravel()
        E = ((Vp @ _diag(wp) @ fold) + (Vn @ _diag(wn) @ fold)).toarray()
        return cast("np.ndarray", E + silent[None, :])

    def _posterior(self, E: np.ndarray, w: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, float]:
        """(state posteriors (n, n_sets), label marginals (n, k), log-likelihood, rows weighted by ``w``)."""
        S = self.sets_.astype(float)
        scores = E @ S.T + np.log(self.set_prior_)[None, :]
        top = scores.max(axis=1, keepdims=True)
        e = np.exp(scores - top)
        z = e.sum(axis=1, keepdims=True)
        post = e / z
        ll = (np.log(z) + top)[:, 0]
        return post, post @ S, float(ll.sum() if w is None else w @ ll)

    def _m_step(self, Vp: Any, Vn: Any, q: np.ndarray, post: np.ndarray, w: np.ndarray, *,
                rates: bool = True) -> None:
        """``w``: how many items share each (unique) vote pattern of the rows."""
        m, k = self.targets_.shape
        s = float(self.smoothing)
        prior = w @ post + s
        self.set_prior_ = prior / prior.sum()
        if not rates:
            return
        n1 = w @ q                                               # (k,) expected items with the label
        n0 = w.sum() - n1
        col_label = np.tile(np.arange(k), m)
        counts = np.zeros((m * k, 2, 3))
        for V, o in ((Vp, 0), (Vn, 1)):
            C = V.tocoo()
            w1 = q[C.row, col_label[C.col]]
            counts[:, 1, o] = np.bincount(C.col, weights=w[C.row] * w1, minlength=m * k)
            counts[:, 0, o] = np.bincount(C.col, weights=w[C.row] * (1.0 - w1), minlength=m * k)
        counts = counts.reshape(m, k, 2, 3)
        counts[..., 1, 2] = np.maximum(n1[None, :] - counts[..., 1, :2].sum(axis=-1), 0.0)
        counts[..., 0, 2] = np.maximum(n0[None, :] - counts[..., 0, :2].sum(axis=-1), 0.0)
        E = (counts + s) / (counts + s).sum(axis=-1, keepdims=True)
        # a positive vote never counts against its label: such a cell is pooled (no evidence)
        flip = E[..., 1, 0] < E[..., 0, 0]
        if flip.any():
            pooled = (counts.sum(axis=2) + 2 * s) / (counts.sum(axis=2) + 2 * s).sum(axis=-1, keepdims=True)
            E[flip] = pooled[flip][:, None, :]
        self.emission_ = E

    @staticmethod
    def _start_q(L: MultiLabelMatrix) -> np.ndarray:
        """Return the start: :class:`~.models.AnyVote`'s labels."""
        return any_vote(L)

    # -- estimator --------------------------------------------------------------
    def fit(self, L: MultiLabelMatrix, Y: Any = None) -> MultiLabelModel:
        """Fit to the votes.

        ``Y`` (optional gold, (n, k) 0/1, rows of -1 unknown) adds its label sets to the prior's support and
        tunes the thresholds.
        """
        from .models import check_label_sets

        L = self._check(L, fitting=True)
        if self.max_cardinality is not None and (not isinstance(self.max_cardinality, (int, np.integer))
                                                 or self.max_cardinality < 1):
            raise InputError(f"max_cardinality: expected a number of labels >= 1 or None, got "
                             f"{self.max_cardinality!r}")
        if not self.smoothing > 0:
            raise InputError(f"smoothing: expected a positive number of pseudo-counts, got {self.smoothing!r}")
        if Y is not None:
            Y = check_label_sets(Y, L.n_rows, L.n_labels, name="Y")
        self._start(L)
        self.targets_ = L.targets()
        self.sets_ = self._label_sets(L, Y)
        # EM over the distinct vote patterns of the items some LF voted on, each weighted by its count
        Lc, w = _patterns(L.rows(L.covered()))
        n_cov = float(w.sum())
        Vp, Vn, fold = _split(Lc)
        q = self._start_q(Lc)
        index = {row.tobytes(): i for i, row in enumerate(self.sets_)}
        hit = np.array([index.get(row.tobytes(), -1) for row in q >= 0.5], dtype=np.int64)
        post = np.zeros((len(q), len(self.sets_)))
        post[np.flatnonzero(hit >= 0), hit[hit >= 0]] = 1.0       # the start's own set, where the prior has it
        self._m_step(Vp, Vn, q, post, w)
        prev, self.converged_, self.n_iter_ = -np.inf, False, 0
        self.log_likelihood_ = 0.0
        for it in range(1, self.max_iter + 1) if n_cov else ():
            post, q, ll = self._posterior(self._evidence(Vp, Vn, fold), w)
            self._m_step(Vp, Vn, q, post, w, rates=bool(self.fit_rates))
            self.n_iter_, self.log_likelihood_ = it, ll / n_cov
            if abs(ll - prev) / n_cov < self.tol:
                self.converged_ = True
                break
            prev = ll
        self.prior_ = self.set_prior_ @ self.sets_.astype(float)
        self._set_thresholds(L, Y)
        return self

    def predict_proba(self, L: MultiLabelMatrix) -> np.ndarray:
        """(n, k) marginals; an item no LF voted on gets ``prior_``."""
        L = self._check(L)
        P = np.tile(self.prior_, (L.n_rows, 1))
        cov = np.flatnonzero(L.covered())
        if cov.size:
            # once per distinct vote pattern: items share few (GoEmotions train: 43,410 items, 1,885 patterns)
            uniq, inverse = _patterns(L.rows(cov), inverse=True)
            Vp, Vn, fold = _split(uniq)
            P[cov] = self._posterior(self._evidence(Vp, Vn, fold))[1][inverse]
        return cast("np.ndarray", np.clip(P, 0.0, 1.0))       # a sum of posteriors can overshoot 1 by a rounding error

    def no_votes(self, L: MultiLabelMatrix) -> np.ndarray:
        """(n,) bool: the items whose marginals are the prior only (no LF voted on them)."""
        return ~self._check(L).covered()


def _patterns(L: MultiLabelMatrix, *, inverse: bool = False) -> tuple[MultiLabelMatrix, np.ndarray]:
    """Return the distinct rows of ``L`` and how many rows each stands for.

    With ``inverse``: the distinct rows, and which distinct row each row of ``L`` is.
    """
    V = L.votes
    V.sort_indices()
    keys = [V.indices[a:b].tobytes() + V.data[a:b].tobytes() for a, b in zip(V.indptr[:-1], V.indptr[1:])]
    _, first, inv, counts = np.unique(np.asarray(keys, dtype=object), return_index=True, return_inverse=True,
                                      return_counts=True)
    return L.rows(first), (inv.ravel() if inverse else counts.astype(float))


def _split(L: MultiLabelMatrix) -> tuple[Any, Any, Any]:
    """(positive indicator, negative indicator, column -> label fold) as sparse matrices."""
    from scipy import sparse

    V = L.votes
    Vp = (V > 0).astype(float).tocsr()
    Vn = (V < 0).astype(float).tocsr()
    cols = L.n_lfs * L.n_labels
    fold = sparse.csr_matrix((np.ones(cols), (np.arange(cols), np.arange(cols) % L.n_labels)),
                             shape=(cols, L.n_labels))
    return Vp, Vn, fold


def _diag(w: np.ndarray) -> Any:
    from scipy import sparse

    return sparse.diags(w, format="csr")
