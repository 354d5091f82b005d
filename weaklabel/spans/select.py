"""The default sequence label model, and how it takes expert-labeled documents."""

from __future__ import annotations

from typing import Any

import numpy as np

from .evaluate import span_f1
from .hmm import HMM
from .matrix import SpanMatrix

GOLD_FOLDS = 5


class SeqLabelModelDefault(HMM):
    """The sequence label model to take by default: the BIO :class:`HMM` with its defaults (EM from
    majority vote, stopped at the first plateau of the likelihood; near-copy LFs count once).

    On the four WRENCH sets it is at or above token majority vote on every one (mean 73.62 F1
    against 71.85, and CHMM's published 73.64 with BERT embeddings; README, "Entities and
    spans"). What it cannot see: span boundaries no LF proposes, and LFs that are correlated
    without being near copies.

    **Labeled documents** (``fit(L, y)``) do not always help an HMM: they show that LFs do
    fire on tokens outside entities, which moves EM off the majority-vote start that its early
    stop keeps it near, and the model then talks itself out of lone votes (bc5cdr: 50 random
    gold documents as observed paths cost 13 F1 on the rest; NCBI-disease 26; discounting the
    LFs' silences, from weight 1 down to 0, did not recover it). So the default uses them only
    where they earn it:
    ``GOLD_FOLDS``-fold cross-validation over the labeled documents compares the fit that takes
    the other folds' documents as observed paths with the fit that ignores them, by entity F1
    on the held-out documents, and the better one is refitted on all of them
    (``uses_gold_``, ``gold_cv_``). With fewer than two labeled documents they are ignored.

    Attributes
    ----------
    uses_gold_ : bool
        Whether the labeled documents were used as observed paths.
    gold_cv_ : dict or None
        Cross-validated entity F1 on the labeled documents: ``{"with_gold": f, "without": f}``
        (None without labeled documents).
    """

    def fit(self, L: SpanMatrix, y: Any = None) -> SeqLabelModelDefault:
        """Fit on the votes of ``L``; ``y`` (one span list or None per document) as above."""
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
        fold = np.random.default_rng(0).permutation(labeled.size) % min(GOLD_FOLDS, labeled.size)
        truth, with_gold, without = [], [], []
        for f in np.unique(fold):
            held = labeled[fold == f]
            y_f = list(y)
            for d in held.tolist():
                y_f[d] = None
            sub = L.docs(held)
            truth += [list(y[d]) for d in held.tolist()]
            with_gold += HMM(**self.get_params()).fit(L, y_f).predict_spans(sub)
            without += unsupervised.predict_spans(sub)
        cv = {"with_gold": span_f1(truth, with_gold), "without": span_f1(truth, without)}
        if cv["with_gold"] > cv["without"]:
            self._adopt(HMM(**self.get_params()).fit(L, y), uses_gold=True, cv=cv)
        else:
            self._adopt(unsupervised, uses_gold=False, cv=cv)
        return self

    def _adopt(self, fitted: HMM, *, uses_gold: bool, cv: dict[str, float] | None) -> None:
        self.__dict__.update({k: v for k, v in fitted.__dict__.items() if k not in self.get_params()})
        self.uses_gold_ = uses_gold
        self.gold_cv_ = cv
