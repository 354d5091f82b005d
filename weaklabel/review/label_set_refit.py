"""Label-set refits.

The multi-label model fitted on the experts' answers and the items ranked, as one function
(:func:`fit_label_sets`) that the session calls in-process for its first fit and that a worker
process (this module run as ``python -m``, through :class:`~weaklabel.review.refit.RefitProcess`)
runs for the app's background refits.

How answers teach the model: an answered item shows its answer, never the model's guess. The
model itself learns from the answers to audit items (drawn at random, so a fair sample) once
there are :data:`~weaklabel.models.correction.MIN_GOLD_FOR_CORRECTION` of them: their label sets
join the prior's support and each label's threshold is tuned on them (F1-best). Fewer, or
queue-chosen items only, would tune thresholds on a handful of hard items.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def fit_label_sets(L: Any, store: Any, ids: Sequence[str], versions: Mapping[str, str], strategy: str,
                   audit: Sequence[str] = (), cache: dict[str, Any] | None = None) -> dict[str, Any]:
    """Fit the default multi-label model and rank the items.

    The marginals (float32), the 0/1 decisions, the ranked item indices, how many items have an answer,
    how many audit answers the model learned from, and which items had an answer.

    ``cache`` (a dict kept between calls) holds the last fit: when what the model learns from
    has not changed (no audit answers yet, or the same ones), the fit is not run again.
    """
    from ..models.correction import MIN_GOLD_FOR_CORRECTION
    from ..multilabel import MultiLabelModel
    from ..multilabel.review import rank_items

    Y = store.matrix(ids, dict(versions))
    answered = (Y >= 0).all(axis=1)
    chosen = set(audit)
    in_audit = np.fromiter((d in chosen for d in ids), dtype=bool, count=len(ids)) & answered
    taught = int(in_audit.sum())
    Y_fit = np.where(in_audit[:, None], Y, -1).astype(np.int8) if taught >= MIN_GOLD_FOR_CORRECTION else None
    key = None if Y_fit is None else Y_fit.tobytes()
    cache = {} if cache is None else cache
    if "fit" not in cache or cache["key"] != key:
        model = MultiLabelModel().fit(L, Y_fit)
        P = model.predict_proba(L)
        pred = (P >= model.thresholds_[None, :]).astype(np.int8)     # model.predict, without a second pass
        cache["key"], cache["fit"] = key, {
            "marginals": P.astype(np.float32), "pred": pred, "thresholds": model.thresholds_.copy(),
            "ranked": [int(d) for d in rank_items(L, P, pred, strategy, random_state=0)]}
    return {**cache["fit"], "answers": int(answered.sum()), "taught": taught if Y_fit is not None else 0,
            "answered": answered.tolist()}


def _fit(state: dict[str, Any], cache: dict[str, Any]) -> dict[str, Any]:
    if "store" not in cache:
        from .label_set_store import LabelSetStore

        project = state["project"]
        cache["store"] = LabelSetStore(project.store_url, project=project.name, labels=list(state["L"].labels))
    return fit_label_sets(state["L"], cache["store"], state["ids"], state["versions"], state["strategy"],
                          state["audit"], cache.setdefault("fits", {}))


def main() -> None:
    """Run the refit worker process's loop (``python -m``): fit what the session sends, send back the result."""
    from .refit import serve

    serve(_fit)


if __name__ == "__main__":
    main()
