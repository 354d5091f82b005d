"""``span_lf_summary``: what each span LF does, like ``lf_summary`` for class LFs."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..exceptions import InputError
from .matrix import SpanMatrix
from .tags import Span, bio_ids_to_io_ids


def span_lf_summary(L: SpanMatrix, gold: Sequence[Sequence[Span]] | None = None) -> pd.DataFrame:
    """One row per LF: its types, coverage, overlaps, conflicts and (with gold) span precision/recall.

    Columns: ``types`` (entity types it tagged), ``spans`` (entity spans), ``token_coverage``
    (share of tokens it tagged as an entity), ``overlaps`` (share of its entity tokens another LF
    also tagged), ``conflicts`` (share of its entity tokens another LF tagged with another type);
    with ``gold`` (spans per document): ``precision`` and ``recall`` of its spans (exact match)
    and ``correct``/``incorrect`` span counts.
    """
    if gold is not None and len(gold) != L.n_docs:
        raise InputError(f"gold: {len(gold)} documents but L has {L.n_docs}")
    V = L.votes.tocsc()
    n = max(L.n_tokens, 1)
    ent_tok = L.votes.copy()
    ent_tok.data = np.where(ent_tok.data > 1, 1, 0).astype(np.int64)       # entity votes only
    ent_tok.eliminate_zeros()
    per_token = np.asarray(ent_tok.sum(axis=1)).ravel()
    rows = []
    all_spans = [L.lf_spans(j) for j in range(L.n_lfs)]
    for j in range(L.n_lfs):
        col = V[:, j]
        tok = col.indices[col.data > 1]
        io = bio_ids_to_io_ids(col.data[col.data > 1].astype(np.int64) - 1)
        others = per_token[tok] - 1
        # another type on the same token: some other LF's IO vote differs
        conflict = np.zeros(tok.size, dtype=bool)
        if tok.size:
            sub = L.votes[tok]
            other_io = bio_ids_to_io_ids(sub.toarray().astype(np.int64) - 1)
            other_io[:, j] = -1
            conflict = ((other_io > 0) & (other_io != io[:, None])).any(axis=1)
        spans = all_spans[j]
        n_spans = sum(len(s) for s in spans)
        row = {"types": ", ".join(sorted({t for doc in spans for _, _, t in doc})),
               "spans": n_spans, "token_coverage": tok.size / n,
               "overlaps": float((others > 0).mean()) if tok.size else 0.0,
               "conflicts": float(conflict.mean()) if tok.size else 0.0}
        if gold is not None:
            right = sum(len({tuple(s) for s in doc} & {(int(a), int(b), str(c)) for a, b, c in g})
                        for doc, g in zip(spans, gold))
            n_gold = sum(len(g) for g in gold)
            row.update({"correct": right, "incorrect": n_spans - right,
                        "precision": right / n_spans if n_spans else float("nan"),
                        "recall": right / n_gold if n_gold else float("nan")})
        rows.append(row)
    return pd.DataFrame(rows, index=pd.Index(L.lf_names, name="lf"))
