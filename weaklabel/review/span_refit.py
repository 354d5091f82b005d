"""Span refits.

The sequence model fitted on the experts' answers and the documents ranked, as one function
(:func:`fit_spans`) that the session calls in-process for its first fit and that a worker process
(this module run as ``python -m``, through :class:`~weaklabel.review.refit.RefitProcess`) runs for
the app's background refits. In its own process a refit takes no interpreter time from the server
answering keypresses: in a thread beside it, a refit on 10,000 documents made ``next_doc`` 65 ms
instead of 10.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def fit_spans(L: Any, store: Any, ids: Sequence[str], versions: Mapping[str, str], strategy: str) -> dict[str, Any]:
    """Fit the default sequence model on the store's answers and rank the documents.

    The model's spans per document, the ranked document indices, how the answers were used, and which
    documents had an answer (their spans are the experts', not the model's to change).
    """
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


def _fit(state: dict[str, Any], cache: dict[str, Any]) -> dict[str, Any]:
    if "store" not in cache:
        from .span_store import SpanStore

        project = state["project"]
        cache["store"] = SpanStore(project.store_url, project=project.name, types=list(state["L"].types))
    return fit_spans(state["L"], cache["store"], state["ids"], state["versions"], state["strategy"])


def main() -> None:
    """Run the refit worker process's loop (``python -m``): fit what the session sends, send back the result."""
    from .refit import serve

    serve(_fit)


if __name__ == "__main__":
    main()
