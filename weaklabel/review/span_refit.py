"""Span refits: the sequence model fitted on the experts' answers and the documents ranked, as one
function (:func:`fit_spans`) that the session calls in-process for its first fit and that a worker
process (this module run as ``python -m``, through :class:`~weaklabel.review.refit.RefitProcess`)
runs for the app's background refits. In its own process a refit takes no interpreter time from
the server answering keypresses: in a thread beside it, a refit on 10,000 documents made
``next_doc`` 65 ms instead of 10.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Mapping, Sequence
from typing import Any


def fit_spans(L: Any, store: Any, ids: Sequence[str], versions: Mapping[str, str], strategy: str) -> dict[str, Any]:
    """Fit the default sequence model on the store's answers and rank the documents: the model's
    spans per document, the ranked document indices, how the answers were used, and which
    documents had an answer (their spans are the experts', not the model's to change)."""
    from ..spans import SeqLabelModelDefault
    from ..spans.review import rank_documents

    gold = store.gold(ids, versions)
    labeled = sum(g is not None for g in gold)
    model = SeqLabelModelDefault().fit(L, gold if labeled else None)
    how = ("observed paths" if getattr(model, "uses_gold_", False) else
           "pattern layer" if getattr(model, "pattern_strength_", None) is not None else "set aside")
    return {"spans": model.predict_spans(L), "ranked": [int(d) for d in rank_documents(L, strategy, model,
                                                                                      random_state=0)],
            "answers": labeled, "how": how, "answered": [g is not None for g in gold]}


def main() -> None:
    try:   # fits yield the cores to the server answering keypresses
        os.nice(10)
    except OSError:
        pass
    # The protocol owns the real stdout; anything a library prints goes to stderr instead.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    inp = sys.stdin.buffer
    state = pickle.load(inp)
    store = None
    while True:
        try:
            pickle.load(inp)   # "fit"
        except EOFError:
            return
        reply: tuple[bool, object]
        try:
            if store is None:
                from .span_store import SpanStore

                project = state["project"]
                store = SpanStore(project.store_url, project=project.name, types=list(state["L"].types))
            reply = (True, fit_spans(state["L"], store, state["ids"], state["versions"], state["strategy"]))
        except Exception as exc:  # noqa: BLE001 - reported to the server, which keeps its model
            reply = (False, f"{type(exc).__name__}: {exc}")
        pickle.dump(reply, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()


if __name__ == "__main__":
    main()
