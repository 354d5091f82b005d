"""A hidden Markov model over BIO tags whose observations are the span LFs' votes.

The hidden state of each token is its true BIO tag; each LF emits its own tag for the token
(or nothing), independently given the state; states follow a first-order chain whose
transitions respect BIO (``I-X`` only after ``B-X`` or ``I-X``). EM fits the emissions and
transitions, starting from majority vote. LFs that are near copies of each other (their entity
tokens overlap with Jaccard >= ``duplicate_threshold``: an LF and its case-folded twin) count as
one LF's evidence, each with weight 1/c in the likelihood: counted c times, they outvote the
rest (wikigold: 53.6 -> 55.7 F1). A token's state can only be ``O`` or a type some LF voted for on
that token, as in skweak: the model weighs the LFs' proposals but never invents a type none of
them made (wikigold: 55.7 -> 58.8 F1; without it EM turns LOC votes into ORG). The
forward-backward pass runs over all documents at once (documents padded to the longest in a
length-sorted batch), one numpy step per position, in scaled probabilities.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np

from ..exceptions import InputError
from .matrix import SpanMatrix
from .models import SeqLabelModel, TokenMajorityVote
from .tags import doc_spans_to_bio_ids

_BATCH_TOKENS = 1 << 18     # documents per batch: at most this many padded positions


def bio_allowed(n_types: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the allowed transitions (S, S) and allowed first states (S,) for BIO.

    ``I-t`` follows only ``B-t`` or ``I-t`` and never starts a document.
    """
    S = 1 + 2 * n_types
    trans = np.ones((S, S), dtype=bool)
    start = np.ones(S, dtype=bool)
    for t in range(n_types):
        i_t = 2 * t + 2
        trans[:, i_t] = False
        trans[2 * t + 1, i_t] = trans[i_t, i_t] = True
        start[i_t] = False
    return trans, start


def duplicate_weights(L: SpanMatrix, threshold: float) -> np.ndarray:
    """Per LF, 1 / the size of its group of near copies.

    LFs linked when the sets of tokens they tag as entities have Jaccard similarity >= ``threshold``
    (groups are the connected components).
    """
    from scipy.sparse.csgraph import connected_components

    V = L.votes.copy()
    V.data = (V.data > 1).astype(float)           # entity votes (stored value 1 is an explicit O)
    V.eliminate_zeros()
    inter = np.asarray((V.T @ V).toarray())
    n = np.diag(inter)
    jaccard = inter / np.maximum(n[:, None] + n[None, :] - inter, 1.0)
    linked = (jaccard >= threshold) & (n[:, None] > 0) & (n[None, :] > 0)
    _, group = connected_components(linked, directed=False)
    return cast("np.ndarray", 1.0 / np.bincount(group)[group])


def proposed_states(L: SpanMatrix) -> np.ndarray:
    """(n_tokens, S) bool.

    The BIO states a token may take, ``O`` always and ``B-t`` / ``I-t`` where at least one LF voted type
    ``t`` (either tag) on it.
    """
    from scipy import sparse

    n_types = len(L.types)
    ent = L.votes.data >= 2                                  # stored BIO id + 1; 1 is an explicit O
    rows = np.repeat(np.arange(L.n_tokens), np.diff(L.votes.indptr))[ent]
    kinds = (L.votes.data[ent].astype(np.int64) - 2) // 2
    voted = sparse.csr_matrix((np.ones(rows.size, dtype=bool), (rows, kinds)),
                              shape=(L.n_tokens, n_types)).toarray()
    allowed = np.empty((L.n_tokens, 1 + 2 * n_types), dtype=bool)
    allowed[:, 0] = True
    allowed[:, 1::2] = voted
    allowed[:, 2::2] = voted
    return allowed


def forward_backward(log_b: np.ndarray, lengths: np.ndarray, log_start: np.ndarray,
                     log_trans: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Posterior state marginals of a batch of padded sequences.

    Parameters
    ----------
    log_b : ndarray (n_seq, T, S)
        Log emission likelihood of each position under each state (padding: any value).
    lengths : ndarray (n_seq,)
        Real length of each sequence (>= 1).
    log_start, log_trans : ndarray (S,), (S, S)

    Returns
    -------
    gamma : ndarray (n_seq, T, S)
        P(state at t | all observations); zero on padding.
    xi : ndarray (S, S)
        Expected transition counts summed over the batch.
    log_likelihood : float
        Sum over sequences of log P(observations).
    """
    n, T, S = log_b.shape
    shift = log_b.max(axis=2, keepdims=True)
    B = np.exp(log_b - shift)
    A = np.exp(log_trans)
    alpha = np.empty((n, T, S))
    c = np.empty((n, T))
    a = np.exp(log_start)[None, :] * B[:, 0]
    c[:, 0] = a.sum(axis=1)
    alpha[:, 0] = a / c[:, 0:1]
    for t in range(1, T):
        a = (alpha[:, t - 1] @ A) * B[:, t]
        c[:, t] = a.sum(axis=1)
        alpha[:, t] = a / c[:, t:t + 1]
    live = np.arange(T)[None, :] < lengths[:, None]          # (n, T)
    c = np.where(live, c, 1.0)
    beta = np.ones((n, T, S))
    for t in range(T - 2, -1, -1):
        nxt = (B[:, t + 1] * beta[:, t + 1]) @ A.T / c[:, t + 1:t + 2]
        beta[:, t] = np.where(live[:, t + 1:t + 2], nxt, 1.0)
    gamma = alpha * beta * live[:, :, None]
    # xi_t(i, j) = alpha_{t-1}(i) A(i, j) B_t(j) beta_t(j) / c_t, for live t >= 1
    w = (B[:, 1:] * beta[:, 1:]) / c[:, 1:, None] * live[:, 1:, None]
    xi = np.einsum("nti,ntj->ij", alpha[:, :-1], w) * A if T > 1 else np.zeros((S, S))
    ll = float((np.log(c) * live).sum() + (shift[:, :, 0] * live).sum())
    return gamma, xi, ll


class HMM(SeqLabelModel):
    """Hidden Markov model over BIO tags with one emission matrix per LF, fitted by EM.

    Parameters
    ----------
    max_iter : int, default 100
    tol : float, default 1e-4
        Stop when the log-likelihood per token changes by less than this.
    emission_prior : float, default 2.0
        Dirichlet pseudo-counts per (state, observation), spread as majority vote's
        initial estimate: they keep rare states from fitting noise.
    transition_prior : float, default 1.0
        Dirichlet pseudo-counts per allowed transition.
    duplicate_threshold : float, default 0.9
        LFs whose entity tokens overlap at least this much (Jaccard) are near copies: each of c
        such LFs weighs 1/c in the likelihood. Chosen over 0.5-1.0 on the four WRENCH sets
        (README, "Entities and spans"); 1.0 merges exact copies only.

    Attributes
    ----------
    emission_ : ndarray (n_lfs, S, S + 1)
        P(LF j outputs o | state s); o = 0 is no vote, o = BIO id + 1 otherwise.
    lf_weight_ : ndarray (n_lfs,)
        Each LF's weight in the likelihood (1 / its number of near copies).
    transition_ : ndarray (S, S)
    start_ : ndarray (S,)
    n_iter_, log_likelihood_, converged_
    """

    _io_output = False

    def __init__(self, *, max_iter: int = 100, tol: float = 1e-4, emission_prior: float = 2.0,
                 transition_prior: float = 1.0, duplicate_threshold: float = 0.9) -> None:
        self.max_iter = max_iter
        self.tol = tol
        self.emission_prior = emission_prior
        self.transition_prior = transition_prior
        self.duplicate_threshold = duplicate_threshold

    # -- pieces -----------------------------------------------------------
    @staticmethod
    def _obs(L: SpanMatrix) -> Any:
        """Sparse (n_tokens, n_lfs * S) one-hot of each stored vote (column j * S + BIO id)."""
        from scipy import sparse

        S = 1 + 2 * len(L.types)
        V = L.votes.tocoo()
        cols = V.col.astype(np.int64) * S + (V.data.astype(np.int64) - 1)
        return sparse.csr_matrix((np.ones(cols.size), (V.row, cols)), shape=(L.n_tokens, L.n_lfs * S))

    def _log_b(self, X: Any, allowed: np.ndarray, m: int, S: int) -> np.ndarray:
        logE = np.log(self.emission_) * self.lf_weight_[:, None, None]     # (m, S, S + 1)
        base = logE[:, :, 0].sum(axis=0)                    # every LF silent
        D = (logE[:, :, 1:] - logE[:, :, :1]).transpose(0, 2, 1).reshape(m * S, S)
        return np.where(allowed, base[None, :] + np.asarray(X @ D), -np.inf)

    def _batches(self, offsets: np.ndarray) -> list[np.ndarray]:
        lengths = np.diff(offsets)
        order = np.argsort(lengths, kind="stable")
        out: list[np.ndarray] = []
        cur: list[int] = []
        longest = 0
        for d in order.tolist():
            longest = max(longest, int(lengths[d]))
            if cur and longest * (len(cur) + 1) > _BATCH_TOKENS:
                out.append(np.asarray(cur))
                cur, longest = [], int(lengths[d])
            cur.append(d)
        if cur:
            out.append(np.asarray(cur))
        return out

    def _posteriors(self, log_b: np.ndarray, offsets: np.ndarray,
                    skip: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, float]:
        """Return gamma (n_tokens, S), xi (S, S) and the log-likelihood over every non-empty document.

        The documents ``skip`` marks are left out: their gamma stays 0.
        """
        S = log_b.shape[1]
        gamma = np.zeros_like(log_b)
        xi = np.zeros((S, S))
        ll = 0.0
        lengths = np.diff(offsets)
        with np.errstate(divide="ignore"):     # log 0 = -inf: the transitions BIO forbids
            log_start, log_trans = np.log(self.start_), np.log(self.transition_)
        for docs in self._batches(offsets):
            docs = docs[(lengths[docs] > 0) & (True if skip is None else ~skip[docs])]
            if docs.size == 0:
                continue
            lens = lengths[docs]
            T = int(lens.max())
            pos = np.arange(T)[None, :]
            idx = np.minimum(offsets[docs][:, None] + pos, offsets[docs][:, None] + lens[:, None] - 1)
            g, x, l_ = forward_backward(log_b[idx], lens, log_start, log_trans)
            live = pos < lens[:, None]
            gamma[idx[live]] = g[live]
            xi += x
            ll += l_
        return gamma, xi, ll

    def _m_step(self, X: Any, gamma: np.ndarray, xi: np.ndarray, first: np.ndarray, m: int, S: int) -> None:
        counts = np.asarray(X.T @ gamma).reshape(m, S, S).transpose(0, 2, 1)     # (m, state, BIO id)
        total = gamma.sum(axis=0)                                                  # (S,)
        E = np.empty((m, S, S + 1))
        E[:, :, 1:] = counts
        E[:, :, 0] = np.maximum(total[None, :] - counts.sum(axis=2), 0.0)
        E += self._prior_e + 1e-6           # no outcome impossible: one stray vote cannot zero a path
        self.emission_ = E / E.sum(axis=2, keepdims=True)
        trans = np.where(self._allowed, xi + self.transition_prior, 0.0)
        self.transition_ = trans / trans.sum(axis=1, keepdims=True)
        start = np.where(self._allowed_start, first + self.transition_prior, 0.0)
        self.start_ = start / start.sum()

    # -- estimator --------------------------------------------------------
    def fit(self, L: SpanMatrix, y: Any = None) -> HMM:
        """Fit by EM on the votes of ``L``.

        Parameters
        ----------
        L : SpanMatrix
        y : sequence of span lists or None, optional
            One entry per document: its true spans ``(start, end, type)`` (an empty list: no
            entity), or ``None`` where unknown. Labeled documents are observed paths: their tags
            are fixed in EM, so they teach the LFs' emissions and the transitions directly.

        Returns
        -------
        self
        """
        L = self._check_input(L, fitting=True)
        if L.n_tokens == 0:
            raise InputError("L: no tokens to fit on")
        if not 0 < self.duplicate_threshold <= 1:
            raise InputError(f"duplicate_threshold: expected a Jaccard similarity in (0, 1], got "
                             f"{self.duplicate_threshold!r}")
        self._set_shape(L)
        m, S = L.n_lfs, 1 + 2 * len(L.types)
        self._allowed, self._allowed_start = bio_allowed(len(L.types))
        self.lf_weight_ = duplicate_weights(L, self.duplicate_threshold)
        X = self._obs(L)
        allowed = proposed_states(L)
        gold, gold_doc = self._gold(L, y)
        # start from majority vote's tags (the true ones on labeled documents), hard
        mv = TokenMajorityVote().fit(L).predict(L)
        mv = np.where(gold >= 0, gold, mv)
        gamma = np.zeros((L.n_tokens, S))
        gamma[np.arange(L.n_tokens), mv] = 1.0
        prev = np.concatenate([[0], mv[:-1]])
        starts = np.zeros(L.n_tokens, dtype=bool)
        starts[L.doc_offsets[:-1][np.diff(L.doc_offsets) > 0]] = True
        xi = np.zeros((S, S))
        np.add.at(xi, (prev[~starts], mv[~starts]), 1.0)
        first = np.bincount(mv[starts], minlength=S).astype(float)
        self._prior_e = np.zeros((m, S, S + 1))
        self._m_step(X, gamma, xi, first, m, S)
        # the prior: emission_prior pseudo-counts per state, shaped as majority vote's estimate
        self._prior_e = self.emission_prior * (S + 1) * self.emission_
        self._m_step(X, gamma, xi, first, m, S)
        ll_prev, self.converged_ = -np.inf, False
        n_tok = float(L.n_tokens)
        known = gold >= 0
        gold_xi = np.zeros((S, S))        # the labeled documents' transitions, counted once
        np.add.at(gold_xi, (prev[known & ~starts], mv[known & ~starts]), 1.0)
        doc_starts = L.doc_offsets[:-1][np.diff(L.doc_offsets) > 0]
        for it in range(1, self.max_iter + 1):
            log_b = self._log_b(X, allowed, m, S)
            gamma, xi, ll = self._posteriors(log_b, L.doc_offsets, skip=gold_doc)
            if gold_doc is not None:
                gamma[known] = 0.0
                gamma[known, gold[known]] = 1.0
                xi = xi + gold_xi
            first = gamma[doc_starts].sum(axis=0)
            self._m_step(X, gamma, xi, first, m, S)
            self.n_iter_ = it
            self.log_likelihood_ = ll / n_tok
            if abs(ll - ll_prev) / n_tok < self.tol:
                self.converged_ = True
                break
            ll_prev = ll
        return self

    @staticmethod
    def _gold(L: SpanMatrix, y: Any) -> tuple[np.ndarray, np.ndarray | None]:
        """(BIO id per token, -1 where unknown; per document, whether it is labeled, or None)."""
        if y is None:
            return np.full(L.n_tokens, -1, dtype=np.int64), None
        gold = doc_spans_to_bio_ids(y, L.doc_offsets, L.types)
        labeled = np.array([doc is not None for doc in y], dtype=bool)
        return gold, (labeled if labeled.any() else None)

    def predict_proba(self, L: SpanMatrix) -> np.ndarray:
        """P(BIO tag | all votes in the document) per token; ``O`` where no LF voted."""
        L = self._check_input(L)
        m, S = L.n_lfs, 1 + 2 * len(L.types)
        X = self._obs(L)
        gamma, _, _ = self._posteriors(self._log_b(X, proposed_states(L), m, S), L.doc_offsets)
        silent = np.diff(L.votes.indptr) == 0       # O already; exactly 1, not 1 - rounding
        gamma[silent] = 0.0
        gamma[silent, 0] = 1.0
        return gamma
