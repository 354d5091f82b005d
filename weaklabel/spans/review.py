"""Which documents an expert should fix first, and what their fixes do to the model.

A document's worth to the expert is the number of its tokens whose tag is in doubt:

* ``"entropy"``: the sum over its tokens of the entropy (in bits) of the label model's tag
  marginals, the expected number of uncertain decisions the document holds;
* ``"conflict"``: the number of its tokens on which the LFs cast different tags (another type, or
  a ``B-`` against an ``I-``: a boundary in dispute); silence is not a vote;
* ``"random"``: a seeded shuffle, the baseline and the audit sample.

Sums rather than means: a long document with three disputed entities teaches the model three
times what a short one with one does. Ties are broken by a seeded shuffle, never by file order
(sorted files would otherwise hand the model a biased sample, as they did for class labels).

:func:`simulate_review` plays the expert with gold: it fixes the ``budget`` first documents of a
strategy, refits with them as observed paths (``HMM.fit(L, y)``) and scores the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..exceptions import InputError
from .evaluate import span_f1
from .matrix import SpanMatrix
from .tags import Span

DOC_STRATEGIES = ("entropy", "conflict", "random")


def _per_doc(values: np.ndarray, L: SpanMatrix) -> np.ndarray:
    """Sum of a per-token value over each document."""
    doc = np.repeat(np.arange(L.n_docs), np.diff(L.doc_offsets))
    return np.bincount(doc, weights=values, minlength=L.n_docs)


def token_conflicts(L: SpanMatrix) -> np.ndarray:
    """(n_tokens,) bool: the LFs that voted on the token cast more than one distinct tag."""
    V = L.votes.tocsr()
    lo = np.full(L.n_tokens, np.inf)
    hi = np.full(L.n_tokens, -np.inf)
    rows = np.repeat(np.arange(L.n_tokens), np.diff(V.indptr))
    data = V.data.astype(float)
    np.minimum.at(lo, rows, data)
    np.maximum.at(hi, rows, data)
    return hi > lo


def document_scores(L: SpanMatrix, strategy: str = "entropy", model: Any = None,
                    random_state: int = 0) -> np.ndarray:
    """Per document, how much an expert's fix is worth under ``strategy`` (higher first).

    Parameters
    ----------
    L : SpanMatrix
    strategy : {"entropy", "conflict", "random"}
    model : fitted sequence label model, optional
        Needed for ``"entropy"`` (its ``predict_proba``).
    random_state : int
        Seed of ``"random"``.

    Returns
    -------
    ndarray of float, shape (n_docs,)
    """
    if strategy not in DOC_STRATEGIES:
        raise InputError(f"strategy: expected one of {list(DOC_STRATEGIES)}, got {strategy!r}")
    if strategy == "random":
        return np.random.default_rng(random_state).random(L.n_docs)
    if strategy == "conflict":
        return _per_doc(token_conflicts(L).astype(float), L)
    if model is None:
        raise InputError("model: the 'entropy' strategy scores by a fitted label model's token marginals; pass "
                         "one (for example SeqLabelModelDefault().fit(L)) or use strategy='conflict'")
    P = np.clip(np.asarray(model.predict_proba(L), dtype=float), 1e-12, 1.0)
    return _per_doc(-(P * np.log2(P)).sum(axis=1), L)


def rank_documents(L: SpanMatrix, strategy: str = "entropy", model: Any = None,
                   random_state: int = 0) -> np.ndarray:
    """Document indices, most worth fixing first; ties in a seeded random order.

    Examples
    --------
    >>> from weaklabel.spans import SpanMatrix
    >>> L = SpanMatrix.from_spans([[[(0, 1, "PER")], [(0, 2, "PER")]], [[(0, 1, "PER")], [(0, 1, "PER")]]],
    ...                           [2, 2], ["PER"], ["a", "b"])
    >>> rank_documents(L, "conflict").tolist()    # document 0: the LFs dispute token 1's tag
    [0, 1]
    """
    score = document_scores(L, strategy, model, random_state)
    tie = np.random.default_rng(random_state + 1).permutation(L.n_docs)
    return np.lexsort((tie, -score))


def simulate_review(L: SpanMatrix, gold: Sequence[Sequence[Span]], *, budget: int, strategy: str,
                    make_model: Callable[[], Any], random_state: int = 0) -> dict[str, float]:
    """Entity F1 on the documents the expert did not fix, before and after fixing ``budget`` of them.

    The expert is played by ``gold``: the documents ``strategy`` ranks first get their true spans,
    the model is refitted with them (``fit(L, y)``), and both fits are scored on the other
    documents.

    Returns
    -------
    dict with ``before``, ``after`` and ``lift`` (F1 x 1 on the unfixed documents), and
    ``uses_gold`` (1.0 when the refit used the fixed documents, as observed paths or through the
    pattern layer; models without ``uses_gold_`` always do).
    """
    if len(gold) != L.n_docs:
        raise InputError(f"gold: expected {L.n_docs} span lists (one per document), got {len(gold)}")
    if not 0 < budget < L.n_docs:
        raise InputError(f"budget: expected 1..{L.n_docs - 1} documents, got {budget}")
    base = make_model().fit(L)
    chosen = rank_documents(L, strategy, base, random_state)[:budget]
    y: list[Any] = [None] * L.n_docs
    for d in chosen.tolist():
        y[d] = list(gold[d])
    refit = make_model().fit(L, y)
    rest = np.setdiff1d(np.arange(L.n_docs), chosen)
    sub = L.docs(rest)
    truth = [gold[d] for d in rest.tolist()]
    before = span_f1(truth, base.predict_spans(sub))
    after = span_f1(truth, refit.predict_spans(sub))
    used = getattr(refit, "uses_gold_", True) or getattr(refit, "pattern_strength_", None) is not None
    return {"before": before, "after": after, "lift": after - before, "uses_gold": float(used)}
