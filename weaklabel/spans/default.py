"""The default sequence label model, and how it takes expert-labeled documents."""

from __future__ import annotations

from typing import Any

import numpy as np

from .evaluate import span_f1
from .hmm import HMM
from .matrix import SpanMatrix
from .tags import bio_ids_to_spans

GOLD_FOLDS = 5


class SeqLabelModelDefault(HMM):
    """The sequence label model to take by default.

    The BIO :class:`HMM` with its defaults (EM from majority vote, stopped at the first plateau of the
    likelihood; near-copy LFs count once).

    On the four WRENCH sets it is at or above token majority vote on every one (mean 73.62 F1
    against 71.85, and CHMM's published 73.64 with BERT embeddings; README, "Entities and
    spans"). What it cannot see: span boundaries no LF proposes, and LFs that are correlated
    without being near copies.

    **Labeled documents** (``fit(L, y)``) do not always help an HMM: they show that LFs do
    fire on tokens outside entities, which moves EM off the majority-vote start that its early
    stop keeps it near, and the model then talks itself out of lone votes (bc5cdr: 50 random
    gold documents as observed paths cost 13 F1 on the rest; NCBI-disease 26; discounting the
    LFs' silences, from weight 1 down to 0, did not recover it). So the default uses them only
    where they earn it. ``GOLD_FOLDS``-fold cross-validation over the labeled documents scores,
    by entity F1 on the held-out documents:

    * the fit that ignores them;
    * the fit that takes the other folds' documents as observed paths;
    * the fit that ignores them, with a **pattern layer**: a token whose LF votes (which LF cast
      which tag) occur on labeled tokens gets its tag marginals mixed with those tokens' true
      tags, the model's marginals counting as ``strength`` pseudo-tokens (``STRENGTHS``). This
      is the class model's pattern prior for tokens, and it leaves EM alone.

    The best is refitted on all of them (ties go to ignoring them). With fewer than two labeled
    documents they are ignored.

    Attributes
    ----------
    uses_gold_ : bool
        Whether the labeled documents were used as observed paths.
    gold_cv_ : dict or None
        Cross-validated entity F1 on the labeled documents of each candidate: ``"without"``,
        ``"with_gold"`` and ``"patterns_<strength>"`` (None without labeled documents).
    pattern_strength_ : float or None
        The pattern layer's strength, or None when it is off.
    pattern_counts_ : dict
        Per vote pattern (a 64-bit key, :func:`token_patterns`), the true tags' counts on the
        labeled tokens.
    """

    def fit(self, L: SpanMatrix, y: Any = None) -> SeqLabelModelDefault:
        """Fit on the votes of ``L``; ``y`` (one span list or None per document) as above."""
        self.pattern_strength_: float | None = None
        self.pattern_counts_: dict[int, np.ndarray] = {}
        plain = HMM(**self.get_params())
        if y is None:
            self._adopt(plain.fit(L), uses_gold=False, cv=None)
            return self
        gold, _ = self._gold(L, y)     # validates y
        labeled = np.flatnonzero([doc is not None for doc in y])
        if labeled.size < 2:
            self._adopt(plain.fit(L), uses_gold=False, cv=None)
            return self
        unsupervised = HMM(**self.get_params()).fit(L)
        keys = token_patterns(L)
        base_p = unsupervised.predict_proba(L)
        fold = np.random.default_rng(0).permutation(labeled.size) % min(GOLD_FOLDS, labeled.size)
        truth: list[Any] = []
        found: dict[str, list[Any]] = {"with_gold": [], "without": [], **{f"patterns_{s:g}": [] for s in STRENGTHS}}
        for f in np.unique(fold):
            held = labeled[fold == f]
            y_f = list(y)
            for d in held.tolist():
                y_f[d] = None
            sub = L.docs(held)
            truth += [list(y[d]) for d in held.tolist()]
            found["with_gold"] += HMM(**self.get_params()).fit(L, y_f).predict_spans(sub)
            found["without"] += unsupervised.predict_spans(sub)
            counts = pattern_counts(keys, self._gold(L, y_f)[0], base_p.shape[1])
            rows = np.concatenate([np.arange(L.doc_offsets[d], L.doc_offsets[d + 1]) for d in held])
            for strength in STRENGTHS:
                mixed = mix_patterns(base_p[rows], keys[rows], counts, strength)
                found[f"patterns_{strength:g}"] += bio_ids_to_spans(mixed.argmax(axis=1), sub.doc_offsets, L.types)
        cv = {name: span_f1(truth, pred) for name, pred in found.items()}
        best = max(cv, key=lambda n: (cv[n], n == "without"))   # ties: the fit that ignores them
        if best == "with_gold":
            self._adopt(HMM(**self.get_params()).fit(L, y), uses_gold=True, cv=cv)
        else:
            self._adopt(unsupervised, uses_gold=False, cv=cv)
            if best.startswith("patterns_"):
                self.pattern_strength_ = float(best.removeprefix("patterns_"))
                self.pattern_counts_ = pattern_counts(keys, gold, base_p.shape[1])
        return self

    def predict_proba(self, L: SpanMatrix) -> np.ndarray:
        """Return the HMM's tag marginals, mixed with the experts' true tags where they apply.

        Mixed where the experts' documents hold tokens with the same LF votes, with those tokens' true tags
        (``pattern_strength_``; off: the HMM's).
        """
        P = super().predict_proba(L)
        strength = getattr(self, "pattern_strength_", None)
        if strength is None:
            return P
        return mix_patterns(P, token_patterns(L), self.pattern_counts_, strength)

    def _adopt(self, fitted: HMM, *, uses_gold: bool, cv: dict[str, float] | None) -> None:
        keep = {"pattern_strength_", "pattern_counts_"}
        self.__dict__.update({k: v for k, v in fitted.__dict__.items() if k not in self.get_params() and k not in keep})
        self.uses_gold_ = uses_gold
        self.gold_cv_ = cv


STRENGTHS = (1.0, 3.0, 10.0, 30.0)   # pseudo-tokens of the model's own marginals per vote pattern


def token_patterns(L: SpanMatrix) -> np.ndarray:
    """(n_tokens,) uint64: a key of each token's votes (which LF cast which tag); 0 where none voted.

    A sum of fixed random 64-bit words, one per (LF, tag): equal votes, equal keys.
    """
    V = L.votes.tocsr()
    words = np.random.default_rng(12345).integers(1, 2**63, size=(L.n_lfs, 2 * len(L.types) + 2), dtype=np.uint64)
    rows = np.repeat(np.arange(L.n_tokens), np.diff(V.indptr))
    out = np.zeros(L.n_tokens, dtype=np.uint64)
    with np.errstate(over="ignore"):
        np.add.at(out, rows, words[V.indices, V.data.astype(np.int64)])
    return out


def pattern_counts(keys: np.ndarray, gold: np.ndarray, n_states: int) -> dict[int, np.ndarray]:
    """Per vote pattern seen on labeled tokens (``gold >= 0``, some LF voted): its true tags' counts."""
    known = (gold >= 0) & (keys != 0)
    uniq, at = np.unique(keys[known], return_inverse=True)
    table = np.zeros((uniq.size, n_states))
    np.add.at(table, (at, gold[known]), 1.0)
    return dict(zip(uniq.tolist(), table))


def mix_patterns(P: np.ndarray, keys: np.ndarray, counts: dict[int, np.ndarray], strength: float) -> np.ndarray:
    """``P`` where a token's vote pattern has labeled tokens.

    (their tag counts + strength * P) / (their number + strength), the model's marginals as a Dirichlet
    prior worth ``strength`` tokens.
    """
    out = P.copy()
    if not counts:
        return out
    known = np.fromiter(counts, dtype=np.uint64, count=len(counts))
    order = np.argsort(known)
    known, table = known[order], np.stack([counts[int(k)] for k in known[order]])
    at = np.minimum(np.searchsorted(known, keys), known.size - 1)
    hit = known[at] == keys
    c = table[at[hit]]
    out[hit] = (c + strength * P[hit]) / (c.sum(axis=1, keepdims=True) + strength)
    return out
