"""Warnings after a fit.

Too few LFs, LFs worse than random, near-copy LFs, and a model that scores below majority vote on
the gold it was given.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ._patterns import _one_hot, vote_counts, vote_shares
from .hard_labels import probs_to_preds

MIN_LFS = 3
MIN_VOTES = 20          # an LF needs this many votes before we call it worse than random
COPY_JACCARD = 0.9      # fire on nearly the same rows ...
COPY_AGREEMENT = 0.95   # ... and vote the same there
MIN_GOLD = 20
DISAGREE_SHARE = 0.2    # share of decided covered rows on which a model may overrule majority vote unremarked
DISAGREE_SAMPLE = 100_000


def disagreement_with_majority(model: Any, votes: np.ndarray) -> tuple[float, int]:
    """(share, rows).

    On the covered rows where majority vote names one class, the share where ``model``'s most probable
    class is another (a fixed sample of 100,000 rows on larger L).
    """
    if votes.shape[0] > DISAGREE_SAMPLE:
        votes = votes[np.random.default_rng(0).choice(votes.shape[0], DISAGREE_SAMPLE, replace=False)]
    counts = vote_counts(votes, model.cardinality_)
    top = counts.max(axis=1)
    decided = (top > 0) & ((counts == top[:, None]).sum(axis=1) == 1)
    if not decided.any():
        return 0.0, 0
    probs = model._predict_proba(votes[decided])
    return float((probs.argmax(axis=1) != counts[decided].argmax(axis=1)).mean()), int(decided.sum())


def near_copies(votes: np.ndarray, lf_names: Sequence[str]) -> list[tuple[str, str, float]]:
    """Pairs of LFs that fire on nearly the same rows and agree there: (a, b, jaccard)."""
    F = (votes >= 0).astype(np.float32)
    co = (F.T @ F).astype(np.float64)  # BLAS; exact for counts below 2^24 per pair
    if votes.shape[0] >= 2**24:
        co = (F.T.astype(np.float64) @ F)
    fires = np.diag(co)
    union = fires[:, None] + fires[None, :] - co
    jac = np.divide(co, union, out=np.zeros_like(co), where=union > 0)
    out = []
    for i, j in zip(*np.nonzero(np.triu(jac >= COPY_JACCARD, k=1))):
        if min(fires[i], fires[j]) < MIN_VOTES:
            continue
        both = (votes[:, i] >= 0) & (votes[:, j] >= 0)
        agree = (votes[both, i] == votes[both, j]).mean()
        if agree >= COPY_AGREEMENT:
            out.append((lf_names[i], lf_names[j], float(jac[i, j])))
    return out


def agreement_lift(votes: np.ndarray, k: int, lfs: Sequence[int] | None = None,
                   weights: np.ndarray | None = None, one_hot: Any = None) -> np.ndarray:
    """Return each LF's z score for agreeing with the other LFs (for the LFs in ``lfs``; the others get 0).

    The score says how often the other LFs' votes on its rows match its vote, against how often they would
    if its vote were unrelated to theirs (the share of each class among all votes). Strongly negative:
    the LF votes against the rest. ``weights``: rows per row of ``votes`` (vote patterns with their
    counts). ``one_hot``: ``_one_hot(votes, k)`` when the caller has it already.
    """
    m = votes.shape[1]
    z = np.zeros(m)
    todo = np.arange(m) if lfs is None else np.asarray(list(lfs), dtype=np.int64)
    if len(todo) == 0:
        return z
    w = np.ones(votes.shape[0]) if weights is None else np.asarray(weights, dtype=float)
    counts = vote_counts(votes, k)
    wc = counts * w[:, None]
    share = wc.sum(axis=0) / max(wc.sum(), 1.0)
    # One sparse product gives, per (LF j, class c), sums over the rows where j voted c: of each
    # class's votes by the others (w * (counts - 1) at c itself) and of the others' votes in all.
    X = one_hot if one_hot is not None else _one_hot(votes[:, todo], k)
    S = np.asarray(X.T @ np.column_stack([wc - w[:, None], w * (counts.sum(axis=1) - 1)]))
    n = S.shape[0] // k
    obs = np.einsum("jcc->j", S[:, :k].reshape(n, k, k))      # the others' votes for j's own class
    others = S[:, k].reshape(n, k)
    exp, var = others @ share, others @ (share * (1 - share))
    if one_hot is not None:
        obs, exp, var = obs[todo], exp[todo], var[todo]
    z[todo] = np.divide(obs - exp, np.sqrt(var), out=np.zeros(len(todo)), where=var > 0)
    return z


def _against_the_rest(votes: np.ndarray, y: np.ndarray | None, acc: np.ndarray, k: int,
                      names: list[str]) -> list[str]:
    """LFs worse than random: said only where the evidence supports it.

    With gold rows under an LF (at least MIN_VOTES), gold decides: its accuracy there is
    below 1/k by a one-sided z test, and its votes contradict the other LFs' (gold rows a
    queue picked for conflict are a biased sample: a 0.65-accurate LF can be wrong on most
    of them). Without, the model's estimate is not enough (EM
    misjudges LFs whose votes it sees as correlated: youtube's keyword_link is 0.945
    accurate on gold and learned at 0.26). Then an LF is only named when its votes also
    contradict the other LFs' (``agreement_lift`` < -2.33), and the message says that
    either side may be wrong.
    """
    chance = 1.0 / k
    fired = votes >= 0
    gold_n = np.zeros(votes.shape[1]) if y is None else (fired & (y >= 0)[:, None]).sum(axis=0)
    proven, suspect = [], []
    n_fired = fired.sum(axis=0)
    # the z test is a pass over the rows per LF: only for LFs that are candidates at all
    at_most = acc <= chance + 1e-6  # LabelModel holds a one-class rule at chance rather than below it
    cand = [j for j in range(votes.shape[1]) if n_fired[j] >= MIN_VOTES and (at_most[j] or gold_n[j] >= MIN_VOTES)]
    z_votes = agreement_lift(votes, k, cand)
    for j in range(votes.shape[1]):
        if y is not None and gold_n[j] >= MIN_VOTES:
            on = fired[:, j] & (y >= 0)
            right = (votes[on, j] == y[on]).sum()
            z = (right - chance * gold_n[j]) / np.sqrt(gold_n[j] * chance * (1 - chance))
            if z < -2.33 and z_votes[j] < -2.33:  # queue-chosen gold alone is a biased sample
                proven.append(names[j])
        elif fired[:, j].sum() >= MIN_VOTES and at_most[j] and z_votes[j] < -2.33:
            suspect.append(names[j])
    out = []
    if proven:
        out.append(f"LF(s) {proven} are worse than random on the gold rows (accuracy < 1/{k}) and vote "
                   "against the other LFs; check their logic (an inverted label?) on their rows, or drop them")
    if suspect:
        out.append(f"LF(s) {suspect} vote against the other LFs on their rows, so the model weighs them "
                   f"at or below chance (accuracy <= 1/{k}: their votes count for nothing or against their "
                   "class); either they or the LFs they contradict are wrong: "
                   "label about 20 of their rows (fit(L, y)) to tell, and check for an inverted label")
    return out


def review_notes(model: Any, votes: np.ndarray) -> list[str]:
    """Return what the command line says after a fit, beyond the fit's own warnings.

    A model that overrules majority vote on more than ``DISAGREE_SHARE`` of the decided covered rows
    (the fit's warnings already name LFs held at or below chance).
    """
    if getattr(model, "is_vote_count", False):
        return []
    share, n_decided = disagreement_with_majority(model, votes)
    if n_decided < MIN_GOLD or share <= DISAGREE_SHARE:
        return []
    return [f"{type(model).__name__} overrules majority vote on {share:.0%} of the {n_decided} covered rows where "
            "majority vote names one class: it trusts some LFs far more than others. That is what a label model "
            "is for when LFs differ, but check it: label about 50 random rows and fit with them (or compare the "
            "models on them: weaklabel fit --model auto --gold FILE)"]


def fit_warnings(model: Any, votes: np.ndarray, y: np.ndarray | None) -> list[str]:
    """Messages for the checks that fail on this fit (empty when all is well)."""
    m, k = votes.shape[1], model.cardinality_
    names = list(model.lf_names_in_ or [f"lf_{j}" for j in range(m)])
    msgs = []
    if m < MIN_LFS:
        msgs.append(f"only {m} LF(s): LF accuracies cannot be told apart without at least {MIN_LFS} "
                    "LFs voting on common rows; add LFs, or treat the output as a majority vote")
    acc = getattr(model, "lf_accuracy_", None)
    if acc is not None and not getattr(model, "is_vote_count", False):
        msgs += _against_the_rest(votes, y, acc, k, names)
    silent = [c for c in range(k) if not (votes == c).any()]
    if silent:
        ls = getattr(model, "label_space_", None)
        silent_names = [ls.name(c) if ls is not None else c for c in silent]
        msgs.append(f"class(es) {silent_names} get no vote from any LF, so only the class prior can assign them; "
                    "write an LF that votes for them or drop them from the label space")
    copies = near_copies(votes, names)
    if copies:
        shown = ", ".join(f"{a} ~ {b} (Jaccard {j:.2f})" for a, b, j in copies[:5])
        msgs.append(f"near-copy LFs fire on the same rows with the same votes, so their evidence is "
                    f"counted twice: {shown}; keep one of each pair or merge them")
    if y is not None and not getattr(model, "is_vote_count", False):
        known = y >= 0
        if known.sum() >= MIN_GOLD:
            ok_model = probs_to_preds(model._predict_proba(votes[known]), tie_break_policy="random") == y[known]
            ok_mv = probs_to_preds(vote_shares(votes[known], k), tie_break_policy="random") == y[known]
            acc_model, acc_mv = ok_model.mean(), ok_mv.mean()
            # McNemar: warn only when the rows on which the two disagree say so clearly
            b, c = int((ok_model & ~ok_mv).sum()), int((~ok_model & ok_mv).sum())
            if c - b > 1.96 * np.sqrt(b + c) and c > b:
                msgs.append(f"{type(model).__name__} scores below majority vote on the {int(known.sum())} "
                            f"gold rows ({acc_model:.3f} vs {acc_mv:.3f}); prefer MajorityVote here or "
                            "revisit correlated LFs")
    return msgs
