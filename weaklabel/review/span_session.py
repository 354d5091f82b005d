"""One span-review session.

The documents, the sequence label model, the queue and the store, behind the calls the span editor
makes (next document, save, skip, undo, progress, refit).

The queue orders documents by how much the LFs dispute them (``strategy``: ``"conflict"``,
``"entropy"`` or ``"random"``; see :mod:`weaklabel.spans.review`), with a share
``audit_fraction`` of documents drawn at random mixed in, as for class labels: they keep the
metrics honest. A document leaves an expert's queue once they answered or skipped it, and
everyone's once ``overlap`` experts answered it.

Every ``refit_every`` answers the model refits on the experts' answers (the default keeps them
only where cross-validation says they help; see :class:`SeqLabelModelDefault`), in a worker
process for the app: the queue and the pre-filled spans switch when it is done, and
``last_refit`` says which documents' spans changed. The queue, skips, undo and progress are
:class:`~weaklabel.review._answer_session.AnswerSession`'s.
"""

from __future__ import annotations

from typing import Any

from ._answer_session import AnswerSession
from .project import Project
from .span_store import SpanStore, doc_version


class SpanReviewSession(AnswerSession):
    """Span review for one project (``kind = "spans"`` in ``weaklabel.toml``).

    Parameters
    ----------
    project : Project
    background_refits : bool, default False
        Refit in a worker process (the app) rather than inside the call that crossed ``refit_every``.
    """

    REASONS = {"conflict": "the LFs dispute its tags", "entropy": "the model is unsure of its tags",
               "random": "drawn at random"}
    REFIT_MODULE = "weaklabel.review.span_refit"
    store: SpanStore

    def __init__(self, project: Project, *, background_refits: bool = False) -> None:
        self.split = project.seq_split()
        self.L = self.split.L
        self.types = list(self.L.types)
        self.ids = [str(i) for i in self.split.ids]
        self.versions = {d: doc_version(t) for d, t in zip(self.ids, self.split.tokens)}
        self.store = SpanStore(project.store_url, project=project.name, types=self.types)
        self._lf_spans = self.L.to_spans()
        self._start(project, background_refits)

    # -- the model and the queue ------------------------------------------
    def _compute(self) -> dict[str, Any]:
        from .span_refit import fit_spans

        return fit_spans(self.L, self.store, self.ids, self.versions, self.project.strategy)

    def _refit_state(self) -> dict[str, Any]:
        return {"project": self.project, "L": self.L, "ids": self.ids, "versions": self.versions,
                "strategy": self.project.strategy}

    def _install(self, snap: dict[str, Any], first: bool) -> None:
        spans = snap["spans"]
        before = getattr(self, "model_spans", None)
        self.model_spans = spans
        self.model_version = f"hmm-{self.fits}-{snap['answers']}answers"
        if not first and before is not None:
            changed = [self.ids[d] for d in range(len(spans)) if not snap["answered"][d] and
                       sorted(before[d]) != sorted(spans[d])]
            self.last_refit = {"answers": snap["answers"], "uses_answers": snap["how"] != "set aside",
                               "how": snap["how"], "changed_docs": changed}

    # -- what the editor shows --------------------------------------------
    def doc_view(self, index: int, annotator: str | None = None, reason: str = "") -> dict[str, Any]:
        """Return a document as the editor shows it.

        Tokens, the spans to pre-fill (the expert's own answer if any, else the model's), the model's and
        each LF's spans, and why it was served.
        """
        doc_id = self.ids[index]
        mine = self._mine(doc_id, annotator)
        with self._lock:
            model_spans = list(self.model_spans[index])
        lfs = {name: per for name, per in zip(self.L.lf_names, self._lf_spans[index]) if per}
        return {"doc_id": doc_id, "index": index, "tokens": list(self.split.tokens[index]), "reason": reason,
                "spans": mine if mine is not None else model_spans, "model_spans": model_spans, "lf_spans": lfs,
                "answered": mine is not None}

    # -- decisions ----------------------------------------------------------
    def save(self, doc_id: str, spans: Any, annotator: str) -> int:
        """Store the expert's answer for a document; refits after every ``refit_every`` answers."""
        i = self._index(doc_id)
        event = self.store.save(doc_id, [tuple(s) for s in spans], annotator, tokens=self.split.tokens[i],
                                source="app")
        self._answered()
        return event
