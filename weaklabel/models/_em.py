"""The EM steps of the Dawid-Skene family (``DawidSkene`` fits with them).

The starting posterior, the M-step in each confusion structure, and the log joint of vote patterns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import numpy as np

if TYPE_CHECKING:  # scipy loads on first use
    from scipy import sparse

    from .structure import Structure

_EPS = 1e-9


def initial_posterior(X: sparse.csr_matrix, counts: np.ndarray, m: int, k: int) -> np.ndarray:
    """Soft majority vote; rows without votes start at the majority-vote class balance.

    Anchoring to what the LFs say resists label switching; starting uncovered
    rows at 1/k instead would drag the class balance toward uniform.
    """
    V = X @ np.tile(np.eye(k), (m, 1))  # votes per class and pattern, from the one-hot
    covered = V.sum(axis=1) > 0
    T = V + 0.1
    T /= T.sum(axis=1, keepdims=True)
    if covered.any() and not covered.all():
        mv = (V[covered] == V[covered].max(axis=1, keepdims=True)).astype(float)
        mv /= mv.sum(axis=1, keepdims=True)
        balance = (mv * counts[covered, None]).sum(axis=0) + 1.0
        T[~covered] = balance / balance.sum()
    return cast("np.ndarray", T)


def m_step(X: Any, T: np.ndarray, counts: np.ndarray, n_votes: np.ndarray, fixed_cb: np.ndarray | None,
           structure: Structure, m: int, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Run the M-step in the model ``structure`` (see ``DawidSkene._structure``).

    Returns (class balance, emission, precision, shared accuracy) from the posteriors ``T`` of the
    patterns (one-hot votes ``X``, row ``counts``); ``n_votes[j, l]`` = rows on which LF j voted l.
    """
    s, confusion, mask = structure.smoothing, structure.confusion, structure.abstain_mask
    weighted = T * counts[:, None]
    n_y = weighted.sum(axis=0)
    n = counts.sum()
    shared_only = bool(np.isinf(s))  # infinite smoothing: every LF has the shared accuracy
    if fixed_cb is not None:
        cb = fixed_cb
    else:
        cb = np.full(k, 1.0 / k) if shared_only else (n_y + s) / (n + k * s)
    # C[j, l, y]: expected rows of class y among those where LF j voted l
    C = np.asarray(X.T @ weighted).reshape(m, k, k)
    total = n_votes.sum()
    shared = float(np.einsum("jll->", C) / total) if total > 0 else 1.0 / k
    shared = min(max(shared, 1.0 / k + 0.05), 0.99)  # above chance, never certain
    if confusion == "full":
        # Prior on precision P(y | vote l): informative for unipolar, sparse LFs.
        prior = np.full((k, k), (1.0 - shared) / (k - 1))
        np.fill_diagonal(prior, shared)
        if shared_only:
            precision = np.broadcast_to(prior, (m, k, k)).copy()
        else:
            precision = (C + s * prior[None]) / np.maximum(n_votes + s, _EPS)[:, :, None]
        floor = structure.chance_floor
        if floor is not None and floor.any():
            precision[floor] = _at_least_chance(precision[floor], cb)
        # Bayes: P(vote l | y) = P(vote l) P(y | vote l) / P(y)
        vote_e = ((n_votes / n)[:, :, None] * precision / cb[None, None, :]).transpose(0, 2, 1)
    else:
        # Accuracy per LF (one_coin) or per LF and class, errors spread evenly,
        # times the class-conditional propensity P(LF fires | y).
        N = C.transpose(0, 2, 1)                     # [j, y, l]
        voted = N.sum(axis=2)                        # [j, y]
        diag = np.einsum("jyy->jy", N)
        if shared_only:
            acc = np.full((m, k), shared)
        elif confusion == "one_coin":
            acc = (diag.sum(axis=1) + s * shared) / (voted.sum(axis=1) + s)
            acc = np.repeat(acc[:, None], k, axis=1)
        else:
            acc = (diag + s * shared) / (voted + s)
        conf = np.repeat(((1.0 - acc) / (k - 1))[:, :, None], k, axis=2)
        idx = np.arange(k)
        conf[:, idx, idx] = acc
        rate = n_votes.sum(axis=1) / n
        prop = np.repeat(rate[:, None], k, axis=1) if shared_only else (voted + s * rate[:, None]) / (n_y[None, :] + s)
        vote_e = prop[:, :, None] * conf
        joint = cb[None, :, None] * vote_e          # P(y, vote l) -> P(y | vote l)
        precision = (joint / np.maximum(joint.sum(axis=1, keepdims=True), _EPS)).transpose(0, 2, 1)
    fire = vote_e.sum(axis=2)
    if not mask.all():
        # Abstains carry no class information for these LFs: P(fires | y) is the LF's
        # firing rate for every y, and the vote given firing is normalised, so the
        # abstain term cancels in the posterior (classic Dawid-Skene for them).
        rate = np.minimum(n_votes.sum(axis=1) / n, 1 - 1e-6)
        free = ~mask
        vote_e[free] = vote_e[free] / np.maximum(fire[free], _EPS)[:, :, None] * rate[free, None, None]
        fire = vote_e.sum(axis=2)
    over = fire > 1 - 1e-6   # the prior can push a dense LF past 1: renormalise
    if over.any():
        vote_e[over] *= ((1 - 1e-6) / fire[over])[:, None]
        fire = vote_e.sum(axis=2)
    abstain = 1.0 - fire
    emission = np.concatenate([abstain[:, :, None], vote_e], axis=2)
    return cb, np.maximum(emission, _EPS), precision, shared


def _at_least_chance(precision: np.ndarray, cb: np.ndarray) -> np.ndarray:
    """Raise each LF's precision for the class it votes to at least chance.

    Precisions ``[j, l, y]`` = P(y | LF j votes l) have P(l | vote l) raised to at least the prior P(l),
    the other classes scaled down to make room: a vote never lowers the odds of the class it names (the
    LF is at least as good as chance).
    """
    k = cb.size
    idx = np.arange(k)
    diag = precision[:, idx, idx]
    target = np.maximum(diag, cb[None, :])
    rest = 1.0 - diag
    scale = np.divide(1.0 - target, rest, out=np.zeros_like(rest), where=rest > 0)
    out = precision * scale[:, :, None]
    out[:, idx, idx] = target
    return cast("np.ndarray", out)


def log_joint(X: Any, log_cb: np.ndarray, log_emission: np.ndarray) -> np.ndarray:
    """Unnormalised log P(y, pattern) for each pattern, shape (n_patterns, k).

    sum_j log P(outcome_j | y) = sum_j log P(abstain_j | y)
                                 + sum_{j votes l} [log P(l | y) - log P(abstain_j | y)],
    so only the sparse vote indicators X are touched (no dense abstain matrix).
    """
    m, k = log_emission.shape[0], log_emission.shape[1]
    log_abstain = log_emission[:, :, 0]                            # [j, y]
    log_vote = log_emission[:, :, 1:] - log_abstain[:, :, None]    # [j, y, l]
    log_vote = log_vote.transpose(0, 2, 1).reshape(m * k, k)
    return cast("np.ndarray", (log_cb + log_abstain.sum(axis=0))[None, :] + X @ log_vote)


def _floor_binds(precision: np.ndarray, cb: np.ndarray, n_votes: np.ndarray, structure: Structure,
                 min_votes: int = 20) -> bool:
    """Tell whether the chance floor holds some LF's vote at chance.

    That is, P(l | votes l) = P(l) for a class it votes at least ``min_votes`` times.
    """
    floor = structure.chance_floor
    if floor is None:
        return False
    diag = np.einsum("jll->jl", precision)
    at_chance = diag <= cb[None, :] + 1e-9
    return bool((at_chance & (n_votes >= min_votes) & floor[:, None]).any())


def left_over_balance(patterns: np.ndarray, counts: np.ndarray, T: np.ndarray, cb: np.ndarray) -> np.ndarray | None:
    """Return the class balance of the rows no LF votes on, where ``cb`` is the known balance of all rows.

    ``n * cb`` minus the covered rows' posterior mass, floored at 0, plus k pseudo-rows of ``cb`` (so no
    class gets probability 0). One-class LFs fire mostly on some classes, so the silent rows lean to the
    others. None when every row is covered.
    """
    counts = np.asarray(counts, dtype=float)
    covered = (patterns >= 0).any(axis=1)
    if counts[~covered].sum() < 1:
        return None
    left = np.maximum(counts.sum() * cb - counts[covered] @ T[covered], 0.0)
    k = cb.size
    return cast("np.ndarray | None", (left + k * cb) / (left.sum() + k))


def silent_rows_balance(structure: Structure, patterns: np.ndarray, counts: np.ndarray, T: np.ndarray,
                        cb: np.ndarray) -> np.ndarray | None:
    """:func:`left_over_balance` for a fit with ``structure`` (None unless it has a ``known_balance``).

    Where no LF's silence is modelled, the model cannot say which classes the covered rows hold beyond
    what their votes say: their mass is taken from the votes alone (the posterior ``T`` under a uniform
    prior instead of ``cb``), so the balance counts once.
    """
    known = structure.known_balance
    if known is None:
        return None
    if not structure.abstain_mask.any():
        T = T / cb
        T = T / T.sum(axis=1, keepdims=True)
    return left_over_balance(patterns, counts, T, known)
