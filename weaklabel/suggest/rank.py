"""Rank mined candidates without fooling ourselves.

* Each candidate is re-checked with the LF that would be written (the template, applied to every
  row), and its precision on the labeled rows gets a 95% Wilson interval; a candidate whose lower
  bound does not clear chance (its class's share of the labeled rows) is dropped.
* Candidates of one class that fire on nearly the same rows (Jaccard >= ``MERGE_JACCARD``) are
  merged: keywords into one keyword list, a shape into the keyword it duplicates (listed in
  ``merged``). Two rules on the same rows would count the same evidence twice. A narrower rule
  inside a broader one ("song refund" inside "refund") stays: dropping those cost youtube 5
  points at N = 100 (``weaklabel bench suggest``), the label model weighs them.
* The gain to the label model is cross-validated inside the labeled rows: in each fold the
  candidates are mined again from the other folds' rows only, the label model is fitted with and
  without each of them, and the accuracy is read on the held-out fold, never on rows a candidate
  was mined from.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..analysis.summary import wilson_interval
from ..exceptions import InputError
from .decisions import Rule, describe_rule, rule_key, rule_stem
from .mine import Candidate, Features, mine

MERGE_JACCARD = 0.8


@dataclass
class Suggestion:
    """A candidate LF and its evidence (see :func:`suggest_lfs`)."""

    candidate: Candidate
    label_name: str
    n: int                    # labeled rows it fires on
    precision: float
    lower: float              # 95% Wilson lower bound of the precision
    coverage: float           # share of all rows it fires on
    overlap: float            # share of its rows where an existing LF votes
    gain: float = float("nan")   # cross-validated change in held-out accuracy when added
    folds: int = 0               # folds whose own mining found it
    merged: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The LF's name."""
        return self.candidate.name

    def rule(self) -> Rule:
        """Return the rule as the decision log and the code writer take it (see :mod:`.decisions`)."""
        gain = "" if self.gain != self.gain else f"; cross-validated gain {self.gain * 100:+.1f} points"
        return {**self.candidate.fields(), "label": self.label_name, "name": self.name,  # type: ignore[typeddict-item]
                "evidence": f"precision {self.precision:.2f} (95% Wilson lower bound {self.lower:.2f}) on {self.n} "
                            f"labeled rows; fires on {self.coverage:.1%} of rows{gain}"}

    def describe(self) -> str:
        """``name: rule -> class``, one line."""
        return f"{self.name}: {_what(self.candidate)!r} -> {self.label_name}"


def _what(c: Candidate) -> str:
    return describe_rule(c.fields())


def _key(c: Candidate) -> tuple[Any, ...]:
    # a class's neighbourhood is one rule, whatever cosine a fold's own rows chose for it
    return (c.kind, c.label, c.terms, c.pattern, c.column, c.op, None if c.kind == "similar" else c.value)


def _stats(fires: np.ndarray, label: int, y: np.ndarray) -> tuple[int, float, float]:
    """(labeled rows fired on, precision, 95% Wilson lower bound) of a rule voting ``label``."""
    hit = fires & (y >= 0)
    n = int(hit.sum())
    if n == 0:
        return 0, 0.0, 0.0
    correct = int((y[hit] == label).sum())
    lo, _ = wilson_interval(np.array([correct]), np.array([n]))
    return n, correct / n, float(lo[0])


def _chance(y: np.ndarray, k: int) -> np.ndarray:
    labeled = y >= 0
    return np.bincount(y[labeled], minlength=k) / max(int(labeled.sum()), 1)


def _checked(cands: list[Candidate], y: np.ndarray, k: int,
             min_support: int) -> list[tuple[Candidate, int, float, float]]:
    """(candidate, n, precision, lower bound), kept where the lower bound clears chance."""
    share = _chance(y, k)
    out = []
    seen: set[tuple[Any, ...]] = set()
    for c in cands:
        if _key(c) in seen:
            continue
        seen.add(_key(c))
        n, p, lo = _stats(c.fires, c.label, y)
        if n >= min_support and lo > share[c.label]:
            out.append((c, n, p, lo))
    return out


def _merge(checked: list[tuple[Candidate, int, float, float]], y: np.ndarray,
           k: int) -> list[tuple[Candidate, int, float, float, list[str]]]:
    """Merge keyword candidates of one class that fire on nearly the same rows (best first)."""
    order = sorted(checked, key=lambda t: -t[3])
    used = [False] * len(order)
    share = _chance(y, k)
    out = []
    for i, (c, n, p, lo) in enumerate(order):
        if used[i]:
            continue
        used[i] = True
        group = [c]
        dropped: list[str] = []
        for j in range(i + 1, len(order)):
            d = order[j][0]
            if used[j] or d.label != c.label:
                continue
            inter = int((c.fires & d.fires).sum())
            union = int((c.fires | d.fires).sum())
            if union and inter / union >= MERGE_JACCARD:
                used[j] = True
                if d.kind == c.kind == "keyword":
                    group.append(d)       # synonyms on the same rows: one keyword list
                else:
                    dropped.append(_what(d))   # a shape or a threshold on a keyword's rows
        others = [t for g in group[1:] for t in (g.terms or (g.pattern,))] + dropped
        if len(group) > 1 and c.kind == "keyword":
            fires = np.logical_or.reduce([g.fires for g in group])
            m = Candidate("keyword", c.label, terms=tuple(t for g in group for t in g.terms), fires=fires)
            n2, p2, lo2 = _stats(fires, c.label, y)
            if lo2 > share[c.label]:
                out.append((m, n2, p2, lo2, others))
                continue
        out.append((c, n, p, lo, others))
    return out


def _select(features: Features, y: np.ndarray, k: int, top: int, min_support: int,
            exclude: frozenset[str] = frozenset(),
            labels: Sequence[str] = ()) -> list[tuple[Candidate, int, float, float, list[str]]]:
    """Return the ``top`` best by lower bound, taken in turn from each class.

    Rules for one class only leave the label model nothing to tell the others by (youtube's spam words
    outrank every ham word, and a suite of spam rules alone labels the rows it misses by the prior).
    """
    checked = _checked(mine(features, y, k, min_support=min_support), y, k, min_support)
    ranked = sorted(_merge(checked, y, k), key=lambda t: -t[3])
    if exclude:     # decided on already (accepted or rejected): never proposed again
        ranked = [t for t in ranked if rule_key({**t[0].fields(), "label": labels[t[0].label]}) not in exclude]
    per_class = [[t for t in ranked if t[0].label == c] for c in range(k)]
    out: list[tuple[Candidate, int, float, float, list[str]]] = []
    while len(out) < top and any(per_class):
        for queue in per_class:
            if queue and len(out) < top:
                out.append(queue.pop(0))
    return sorted(out, key=lambda t: -t[3])


def _accuracy(votes: np.ndarray, y_fit: np.ndarray, rows: np.ndarray, y: np.ndarray, k: int) -> float:
    """Held-out accuracy of the default label model fitted on ``votes`` with the training labels."""
    from ..matrix import LabelMatrix
    from ..models import LabelModel, LabelModelWarning

    train = y_fit >= 0
    if votes.shape[1] == 0:      # no LF: the training labels' majority class
        return float((y[rows] == np.bincount(y_fit[train], minlength=k).argmax()).mean())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LabelModelWarning)
        # the training labels enter EM as observed; the gold layers (their own 5-fold fits) stay
        # off: a few hundred fits per gain estimate cannot afford them, and they only refine
        model = LabelModel(cardinality=k, gold_correction=None, pattern_prior=None,
                           temperature=None).fit(LabelMatrix(votes), y_fit)
    probs = model.predict_proba(votes[rows])
    return float((probs.argmax(axis=1) == y[rows]).mean())


def suggest_lfs(df: pd.DataFrame, y: Any, labels: Sequence[str], *, existing: Any = None,
                column: str | None = "text", numeric: bool = True,
                top: int = 20, n_folds: int = 5, min_support: int = 3, random_state: int = 0,
                exclude: Iterable[str] = ()) -> pd.DataFrame:
    """Suggest LFs from the labeled rows of ``y`` (``-1`` = unlabeled) and the pool ``df``.

    Parameters
    ----------
    df : DataFrame
        Every item (the labeled ones and the pool).
    y : array-like of int, shape (len(df),)
        Class indices where an expert (or gold) labeled the row, -1 elsewhere.
    labels : sequence of str
        Class names.
    existing : LabelMatrix or ndarray (len(df), n_lfs), optional
        The votes of the LFs the project already has: overlap, and the baseline of the gain.
    column : str or None, default "text"
        The text column (keywords and shapes); None mines the numeric columns only.
    numeric : bool, default True
        Also mine thresholds on the other numeric columns (decision stumps), never on a gold
        column named ``label`` (the pipeline's default gold column).
    top : int, default 20
    n_folds : int, default 5
        Folds of the labeled rows for the gain.
    min_support : int, default 3
        Labeled rows a candidate must fire on.
    exclude : iterable of str
        :func:`~weaklabel.suggest.decisions.rule_key` of rules an expert decided on already
        (:meth:`SuggestionLog.decided_keys`): they are not proposed again.

    Returns
    -------
    DataFrame, one row per suggestion, best lower bound first: ``name``, ``rule``, ``label``, ``n``,
    ``precision``, ``lower``, ``coverage``, ``overlap``, ``gain``, ``folds``, ``merged``; the
    :class:`Suggestion` objects are in ``.attrs["suggestions"]``.
    """
    y = np.asarray(y, dtype=np.int64)
    k = len(labels)
    if y.shape != (len(df),):
        raise InputError(f"y: expected one label (or -1) per row of df ({len(df)}), got shape {y.shape}")
    if column is not None and column not in df.columns:
        raise InputError(f"column: {column!r} is not a column of df (it has {list(df.columns)[:10]}); pass the "
                         "text column, or column=None to mine the numeric columns only")
    labeled = np.flatnonzero(y >= 0)
    if labeled.size < n_folds * 2 or (y >= k).any():
        raise InputError(f"y: needs at least {n_folds * 2} labeled rows with classes in 0..{k - 1}, got "
                         f"{labeled.size}; label more rows")
    base = np.zeros((len(df), 0), dtype=np.int64) if existing is None else np.asarray(getattr(
        existing, "votes", existing), dtype=np.int64)
    # never the gold column the pipeline reads by default: it would make perfect, useless rules
    from ..pipeline import GOLD_COLUMN

    numbers = df.drop(columns=[c for c in (column, GOLD_COLUMN) if c is not None], errors="ignore")
    features = Features.of(None if column is None else df[column], numbers=numbers if numeric else None)
    if features.X.shape[1] == 0 and not features.numbers and column is None:     # type: ignore[attr-defined]
        raise InputError(f"df: no text column and no numeric column to mine rules from (it has "
                         f"{list(df.columns)[:10]}); pass column= the text column")
    share = _chance(y, k)
    voted = (base >= 0).any(axis=1)          # rows where an existing LF votes
    suggestions: list[Suggestion] = []
    skip = frozenset(exclude)
    for c, _n, _p, _lo, merged in _select(features, y, k, top, min_support, skip, labels):
        # the numbers reported are those of the LF that would be written: re-checked with it
        if c.kind != "similar":     # a neighbourhood's fires leave each labeled row out of its own
            c.fires = np.asarray(c.lf(column or "text").apply(df)) >= 0    # type: ignore[attr-defined]
        n, p, lo = _stats(c.fires, c.label, y)
        if n < min_support or lo <= share[c.label]:
            continue
        # an existing LF already votes this class on nearly all its rows: adding it would count
        # the same evidence twice, not add any
        if base.shape[1] and c.fires.any() and (base[c.fires] == c.label).any(axis=1).mean() >= MERGE_JACCARD:
            continue
        stem = c.name.removeprefix("suggest_") if c.kind == "regex" else rule_stem(c.fields())   # a shape: its name
        c.name = f"suggest_{stem}_{labels[c.label].lower()}"
        while c.name in {x.name for x in suggestions}:      # LF names must be unique in a suite
            c.name += "_2"
        overlap = float(np.asarray(voted)[c.fires].mean()) if c.fires.any() else 0.0
        suggestions.append(Suggestion(c, labels[c.label], n, p, lo, float(c.fires.mean()), overlap, merged=merged))
    suggestions.sort(key=lambda x: -x.lower)      # the re-check by the real LFs can reorder them
    _cross_validated_gain(suggestions, lambda y_fit: _select(features, y_fit, k, top, min_support, skip, labels),
                          y, k, base, n_folds, random_state)
    table = pd.DataFrame([{"name": s.name, "rule": s.describe().split(": ", 1)[1], "label": s.label_name, "n": s.n,
                           "precision": s.precision, "lower": s.lower, "coverage": s.coverage,
                           "overlap": s.overlap, "gain": s.gain, "folds": s.folds, "merged": s.merged}
                          for s in suggestions])
    table.attrs["suggestions"] = suggestions
    return table


def _cross_validated_gain(suggestions: list[Suggestion],
                          select: Callable[[np.ndarray], list[tuple[Candidate, int, float, float, list[str]]]],
                          y: np.ndarray, k: int, base: np.ndarray, n_folds: int, random_state: int) -> None:
    """Each suggestion's ``gain``.

    Mined again (``select``) on the labeled rows outside each fold, the label model's accuracy on the
    fold's rows with it minus without it, averaged over the folds that picked it (``folds``).
    """
    labeled = np.flatnonzero(y >= 0)
    fold = np.random.default_rng(random_state).permutation(labeled.size) % n_folds
    gains: dict[tuple[Any, ...], list[float]] = {}
    for f in range(n_folds):
        held = labeled[fold == f]
        y_fit = y.copy()
        y_fit[held] = -1
        picked = select(y_fit)
        cols = [np.where(c.fires, c.label, -1) for c, *_ in picked]
        full = np.column_stack([base, *cols]) if cols else base
        acc_all = _accuracy(full, y_fit, held, y, k)
        for j, (c, *_rest) in enumerate(picked):
            without = np.delete(full, base.shape[1] + j, axis=1)
            gains.setdefault(_key(c), []).append(acc_all - _accuracy(without, y_fit, held, y, k))
    for s in suggestions:
        got = gains.get(_key(s.candidate), [])
        s.folds = len(got)
        s.gain = float(np.mean(got)) if got else float("nan")
