"""Review queue: which items experts should label first.

Pure scoring functions (higher = more worth an expert's time) and :func:`rank`,
which returns ``(row_id, score, reason, source)`` rows, mixes in a small random
**audit** sample (queue-chosen rows are a biased sample; metrics should be read
on audit rows), and never returns rows that already have enough labels.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from .._validation import check_in_options
from ..exceptions import InputError
from ..matrix import LabelMatrix, check_label_array
from .choices import STRATEGIES

# Strategies that rank rows from the votes alone (and from models fitted to the votes): they pick
# the rows of one vote pattern alike (ties broken at random), so the labels of the rows they
# picked are a fair sample of each pattern (missing at random given L), though not of the rows at
# large. They teach the model as observed labels and through a class balance stratified by pattern
# (weaklabel.review.refit.fit_to_expert_labels), not through what compares predictions with gold
# across patterns (the per-LF correction, the temperature) or reads the balance off their shares.
# label_issues ranks by a text model's doubt: its rows are not a fair sample of their pattern.
BY_VOTES = ("conflict", "entropy", "margin", "disagreement", "uncovered", "random")


def fit_gold(sources: Any, strategy: str, y: np.ndarray) -> tuple[np.ndarray, bool]:
    """(labels a label model may fit to, whether they are a random sample).

    ``y`` holds each row's expert label (-1 none), ``sources`` each labeled row's source in
    the same order (anything for unlabeled rows). Rows picked by a votes-only strategy (and
    audit rows) all teach the model; under ``label_issues`` only the audit rows do. The
    flag is True when every fitted row was drawn at random (audit rows, the random strategy).
    """
    y = np.asarray(y)
    src = np.asarray(sources)
    labeled = y >= 0
    random_rows = drawn_at_random(src, strategy)
    if strategy in BY_VOTES:
        keep = labeled & (random_rows | (src == "queue"))
    else:
        keep = labeled & random_rows
    return np.where(keep, y, -1), bool((random_rows | ~keep).all())


def stratified_balance(votes: np.ndarray, probs: np.ndarray, y: np.ndarray, *, model_rows: float = 1.0) -> np.ndarray:
    """Return the class balance of all rows, estimated from labels that a votes-only queue chose.

    Such a queue picks rows by their vote pattern (ties at random), so within a pattern its
    labels are a random sample, though across patterns they are not: their raw class shares
    say little about the balance (on sms the conflict queue's rows are half spam, the set 13%).
    Stratified by pattern: a labeled pattern's class shares are ``(n_y + s q_y) / (n + s)``,
    its ``n`` labels plus the model's mean posterior ``q`` worth ``s = model_rows`` rows; an
    unlabeled pattern's are ``q``; the balance is their mean weighted by pattern size.

    Parameters
    ----------
    votes : ndarray of shape (n_rows, n_lfs)
    probs : ndarray of shape (n_rows, k)
        The label model's posteriors.
    y : ndarray of shape (n_rows,)
        Expert labels, -1 where none.
    model_rows : float, default 1.0

    Returns
    -------
    ndarray of shape (k,), summing to 1.

    Examples
    --------
    Two patterns of 90 and 10 rows; the model says 50/50 on both; two labels on the big one
    say class 0:

    >>> votes = np.array([[0, 1]] * 90 + [[1, 1]] * 10)
    >>> probs = np.full((100, 2), 0.5)
    >>> y = np.full(100, -1); y[:2] = 0
    >>> stratified_balance(votes, probs, y).round(3).tolist()
    [0.8, 0.2]
    """
    from ..models.correction import pattern_keys

    k = probs.shape[1]
    _, inv = np.unique(pattern_keys(votes, k), return_inverse=True)
    inv = inv.ravel()
    size = np.bincount(inv).astype(float)
    q = np.stack([np.bincount(inv, weights=probs[:, c], minlength=size.size) for c in range(k)], axis=1) / size[:, None]
    lab = y >= 0
    n = np.stack([np.bincount(inv[lab & (y == c)], minlength=size.size) for c in range(k)], axis=1).astype(float)
    labeled = n.sum(axis=1)
    shares = np.where(labeled[:, None] > 0, (n + model_rows * q) / np.maximum(labeled + model_rows, 1e-300)[:, None], q)
    balance = size @ shares
    return cast("np.ndarray", balance / balance.sum())


def label_sources(current: pd.DataFrame, row_ids: Any) -> np.ndarray:
    """Return each row's label source, from the store's labels in force (for :func:`fit_gold`).

    Sources are "audit", "queue", "import", ...; "" where no expert label is in force. A row labeled by
    several experts counts as drawn at random if any of its labels was.
    """
    rows = pd.Series(np.asarray(row_ids).astype(str))
    c = current.assign(row_id=current["row_id"].astype(str),
                       r=current["source"].map({"audit": 0, "queue": 1}).fillna(2))
    best = c.sort_values("r", kind="stable").drop_duplicates("row_id").set_index("row_id")["source"]
    return cast("np.ndarray", rows.map(best).astype(object).where(rows.isin(best.index), "").to_numpy())


def drawn_at_random(sources: Any, strategy: str) -> np.ndarray:
    """Which labeled rows were drawn at random, from each label's ``source``.

    Audit rows are; under the ``random`` strategy the queue rows are too. Only such
    rows may train a label model: rows chosen for conflict or doubt are a biased
    sample of their votes, and imported rows were chosen in an unknown way.
    """
    src = np.asarray(sources)
    return cast("np.ndarray", (src == "audit") | ((src == "queue") & (strategy == "random")))


def conflict_score(votes: np.ndarray, k: int, weights: np.ndarray | None = None) -> np.ndarray:
    """Weighted vote mass against each row's leading class (0 when LFs agree).

    Parameters
    ----------
    votes : ndarray of shape (n_rows, n_lfs)
    k : int
    weights : ndarray of shape (n_lfs,), optional
        How much each LF's vote counts (e.g. a label model's log-odds weights,
        clipped at 0); default 1 each, so the score counts dissenting LFs.
    """
    votes = check_label_array(votes, name="votes")
    w = np.ones(votes.shape[1]) if weights is None else np.maximum(weights, 0.0)
    mass = np.zeros((votes.shape[0], k))
    for c in range(k):
        mass[:, c] = (votes == c) @ w
    return cast("np.ndarray", mass.sum(axis=1) - mass.max(axis=1))


def conflict_weights(model: Any, k: int) -> np.ndarray | None:
    """Weights for :func:`conflict_score` from a fitted model's ``lf_accuracy_``.

    Log-odds of each LF's estimated accuracy, floored at 0.1: an LF the model
    distrusts still signals a disagreement worth a look.
    """
    acc = getattr(model, "lf_accuracy_", None)
    if acc is None:
        return None
    from ..models.base import accuracy_weights

    return cast("np.ndarray | None", np.maximum(accuracy_weights(acc, k), 0.1))


def entropy_score(probs: np.ndarray) -> np.ndarray:
    """Posterior entropy normalised to [0, 1] (1 = uniform)."""
    p = np.maximum(probs, 1e-12)  # 0 log 0 = 0
    return cast("np.ndarray", -(p * np.log(p)).sum(axis=1) / np.log(p.shape[1]))


def margin_score(probs: np.ndarray) -> np.ndarray:
    """1 - (top probability - runner-up): 1 = a coin flip between two classes."""
    s = np.sort(probs)  # each row ascending
    return cast("np.ndarray", 1.0 - (s[:, -1] - s[:, -2]))


def disagreement_score(probs: np.ndarray, mv_probs: np.ndarray) -> np.ndarray:
    """Total-variation distance between the label model and majority vote, in [0, 1]."""
    return cast("np.ndarray", 0.5 * np.abs(np.subtract(probs, mv_probs)).sum(axis=1))


def uncovered_score(votes: np.ndarray) -> np.ndarray:
    """1 for rows no LF voted on (where LFs need new ideas), else 0."""
    return np.where((check_label_array(votes, name="votes") < 0).all(axis=1), 1.0, 0.0)


def _labels_had(row_ids: np.ndarray, label_counts: Mapping[Any, int] | pd.Series | None) -> np.ndarray:
    """Expert labels each row already has; ids compare as text (the store's keys)."""
    if label_counts is None:
        return np.zeros(len(row_ids))
    counts = pd.Series(label_counts, dtype="int64")
    counts = counts.groupby(counts.index.map(str)).sum()
    return cast("np.ndarray", pd.Series(row_ids).map(str).map(counts).fillna(0).to_numpy())


@dataclass(frozen=True)
class QueueInputs:
    """What a strategy may read: the votes and their names, and what :func:`rank` was given."""

    votes: np.ndarray
    k: int
    lf_names: Sequence[str]
    label_names: Sequence[str]
    weights: np.ndarray | None
    probs: np.ndarray | None
    mv_probs: np.ndarray | None
    scores: np.ndarray | None
    rng: np.random.Generator


@dataclass(frozen=True)
class Strategy:
    """One queue strategy.

    What it needs besides the votes (checked by :func:`rank` before ``score`` runs), one score per row
    (higher first; 0 leaves the row out), and why a row is in the queue, in words.
    """

    needs: tuple[str, ...]
    score: Callable[[QueueInputs], np.ndarray]
    reason: Callable[[QueueInputs, int], str]


def _conflict_reason(x: QueueInputs, i: int) -> str:
    groups: dict[int, list[str]] = {}
    for j in np.flatnonzero(x.votes[i] >= 0).tolist():
        groups.setdefault(int(x.votes[i, j]), []).append(x.lf_names[j])
    return "LFs disagree: " + " vs ".join(f"{x.label_names[c]} ({', '.join(lfs[:3])}{', ...' if len(lfs) > 3 else ''})"
                                          for c, lfs in groups.items())


def _unsure_reason(x: QueueInputs, i: int) -> str:
    p = cast(np.ndarray, x.probs)
    return "model unsure: " + " / ".join(f"{x.label_names[c]} {p[i, c]:.2f}" for c in np.argsort(p[i])[::-1][:2])


def _disagreement_reason(x: QueueInputs, i: int) -> str:
    p, mv = cast(np.ndarray, x.probs), cast(np.ndarray, x.mv_probs)
    a, b = int(np.argmax(p[i])), int(np.argmax(mv[i]))
    return f"label model says {x.label_names[a]} ({p[i, a]:.2f}), majority vote {x.label_names[b]} ({mv[i, b]:.2f})"


STRATEGY_RECORDS: dict[str, Strategy] = {
    "conflict": Strategy((), lambda x: conflict_score(x.votes, x.k, x.weights), _conflict_reason),
    "entropy": Strategy(("probs",), lambda x: entropy_score(cast(np.ndarray, x.probs)), _unsure_reason),
    "margin": Strategy(("probs",), lambda x: margin_score(cast(np.ndarray, x.probs)), _unsure_reason),
    "disagreement": Strategy(("probs", "mv_probs"),
                             lambda x: disagreement_score(cast(np.ndarray, x.probs), cast(np.ndarray, x.mv_probs)),
                             _disagreement_reason),
    "uncovered": Strategy((), lambda x: uncovered_score(x.votes), lambda x, i: "no LF voted: a gap in the LF suite"),
    "label_issues": Strategy(("scores",), lambda x: np.asarray(x.scores, dtype=float),
                             lambda x, i: "end model disagrees with this row's label"),
    "random": Strategy((), lambda x: np.asarray(x.rng.random(x.votes.shape[0])), lambda x, i: "random sample"),
}


def rank(L: LabelMatrix | np.ndarray, strategy: str = "conflict", *, probs: np.ndarray | None = None,
         mv_probs: np.ndarray | None = None, weights: np.ndarray | None = None,
         scores: np.ndarray | None = None, label_counts: Mapping[Any, int] | pd.Series | None = None,
         overlap: int = 1, audit_fraction: float = 0.05, n: int | None = None,
         label_names: Sequence[str] | None = None, random_state: int = 0) -> pd.DataFrame:
    """Rank rows for expert review.

    Parameters
    ----------
    L : LabelMatrix or ndarray of shape (n_rows, n_lfs)
    strategy : {"conflict", "entropy", "margin", "disagreement", "uncovered", "label_issues", "random"}
        ``entropy``/``margin`` need ``probs``; ``disagreement`` needs ``probs`` and
        ``mv_probs``; ``label_issues`` needs ``scores`` (e.g. one
        minus an end model's out-of-fold probability of each row's label).
    probs, mv_probs : ndarray of shape (n_rows, k), optional
        Label model and majority-vote probabilities.
    weights : ndarray of shape (n_lfs,), optional
        LF weights for ``conflict``.
    scores : ndarray of shape (n_rows,), optional
        Precomputed scores for ``label_issues``.
    label_counts : mapping or Series row_id -> number of experts who labeled it
        Rows with ``>= overlap`` labels are left out.
    overlap : int, default 1
        Labels wanted per row (> 1 for agreement studies).
    audit_fraction : float, default 0.05
        Share of the queue given to a uniform random sample of unlabeled rows
        (``source="audit"``), interleaved evenly.
    n : int, optional
        Length of the queue (default: every eligible row with a positive score,
        plus audit rows).
    label_names : sequence of str, optional
        For the human-readable ``reason``.
    random_state : int, default 0

    Returns
    -------
    DataFrame with columns ``row_id``, ``score``, ``reason``, ``source`` ("queue" or
    "audit"), best first.
    """
    check_in_options(strategy, STRATEGIES, name="strategy")
    if not 0 <= audit_fraction < 1:
        raise InputError(f"audit_fraction: expected a share in [0, 1), got {audit_fraction}")
    if overlap < 1:
        raise InputError(f"overlap: expected >= 1 labels per row, got {overlap}")
    Lm = L if isinstance(L, LabelMatrix) else LabelMatrix(L)
    n_rows = Lm.n_rows
    k = (Lm.label_space.cardinality if Lm.label_space is not None else
         (probs.shape[1] if probs is not None else max(int(Lm.votes.max()) + 1, 2)))
    names = [str(x) for x in (label_names or (Lm.label_space.names if Lm.label_space is not None else range(k)))]
    given = {"probs": probs, "mv_probs": mv_probs, "scores": scores}
    record = STRATEGY_RECORDS[strategy]
    for arg in record.needs:
        if given[arg] is None:
            raise InputError(f"{arg}: strategy {strategy!r} needs {arg}=...")
    rng = np.random.default_rng(random_state)
    x = QueueInputs(Lm.votes, k, Lm.lf_names, names, weights, probs, mv_probs, scores, rng)
    s = record.score(x)
    if s.shape != (n_rows,):
        raise InputError(f"scores: expected one score per row ({n_rows}), got shape {s.shape}")
    eligible = _labels_had(Lm.row_ids, label_counts) < overlap
    # Ties are broken at random: rows of one vote pattern score alike, and the ones an expert
    # labels must be a random sample of their pattern for the model to learn from them
    # (in file order they need not be: a file sorted by class gives one class only).
    order = rng.permutation(np.flatnonzero(eligible & (s > 0)))
    order = order[np.argsort(-s[order], stable=True)]
    total = len(order) if n is None else min(n, int(eligible.sum()))
    n_audit = int(round(total * audit_fraction))
    pool = np.setdiff1d(np.flatnonzero(eligible), order[: total - n_audit])
    audit = rng.permutation(pool)[:n_audit]  # a uniform sample without replacement
    main = order[: total - audit.size]
    # interleave: one audit row every 1/audit_fraction positions
    sources = np.array(["queue"] * main.size + ["audit"] * audit.size)
    idx = np.concatenate([main, audit]).astype(int)
    slots = np.concatenate([np.arange(main.size),
                            (np.arange(audit.size) + 0.5) * (main.size + audit.size) / max(audit.size, 1)])
    perm = np.argsort(slots, stable=True)
    idx, sources = idx[perm], sources[perm]
    reasons = [record.reason(x, i) if src == "queue" else "audit: random sample for unbiased metrics"
               for i, src in zip(idx.tolist(), sources)]
    return pd.DataFrame({"row_id": Lm.row_ids[idx], "score": s[idx], "reason": reasons, "source": sources})
