"""One span-review session: the documents, the sequence label model, the queue and the store,
behind the calls the span editor makes (next document, save, skip, undo, progress, refit).

The queue orders documents by how much the LFs dispute them (``strategy``: ``"conflict"``,
``"entropy"`` or ``"random"``; see :mod:`weaklabel.spans.review`), with a share
``audit_fraction`` of documents drawn at random mixed in, as for class labels: they keep the
metrics honest. A document leaves an expert's queue once they answered or skipped it, and
everyone's once ``overlap`` experts answered it.

Every ``refit_every`` answers the model refits on the experts' answers (the default keeps them
only where cross-validation says they help; see :class:`SeqLabelModelDefault`), in a background
thread: the queue and the pre-filled spans switch when it is done, and ``last_refit`` says which
documents' spans changed.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import InputError
from .project import Project
from .span_store import SpanStore, doc_version, in_force


class SpanReviewSession:
    """Span review for one project (``kind = "spans"`` in ``weaklabel.toml``).

    Parameters
    ----------
    project : Project
    background_refits : bool, default False
        Refit in a thread (the app) rather than inside the call that crossed ``refit_every``.
    """

    def __init__(self, project: Project, *, background_refits: bool = False) -> None:
        if project.strategy not in ("conflict", "entropy", "random"):
            raise InputError(f"strategy: a span project ranks documents by 'conflict', 'entropy' or 'random', got "
                             f"{project.strategy!r}; set strategy in weaklabel.toml")
        self.project = project
        self.split = project.seq_split()
        self.L = self.split.L
        self.types = list(self.L.types)
        self.ids = [str(i) for i in self.split.ids]
        self._pos = {d: i for i, d in enumerate(self.ids)}
        self.versions = {d: doc_version(t) for d, t in zip(self.ids, self.split.tokens)}
        self.store = SpanStore(project.store_url, project=project.name, types=self.types)
        self.background = background_refits
        self._lock = threading.Lock()
        self._since_refit = 0
        self.refitting = False
        self.refit_error: str | None = None
        self.last_refit: dict[str, Any] | None = None
        self._lf_spans = self.L.to_spans()
        self._answers: dict[str, Any] | None = None   # see _queue_state
        self._queue_lock = threading.Lock()
        self._worker: Any = None                         # the refit worker process (app refits)
        self._fit(first=True)

    # -- the model and the queue ------------------------------------------
    def _fit(self, *, first: bool = False) -> None:
        """Fit and rank (in the worker process for the app's background refits), then swap in."""
        from .span_refit import fit_spans

        if self.background and not first:
            snap = self._refit_process().run()
        else:
            snap = fit_spans(self.L, self.store, self.ids, self.versions, self.project.strategy)
        spans, order = snap["spans"], self._with_audit(snap["ranked"])
        with self._lock:
            before = getattr(self, "model_spans", None)
            self.model_spans, self.order = spans, order
            self.fits = getattr(self, "fits", 0) + 1
            self.model_version = f"hmm-{self.fits}-{snap['answers']}answers"
            if not first and before is not None:
                changed = [self.ids[d] for d in range(len(spans)) if not snap["answered"][d] and
                           sorted(before[d]) != sorted(spans[d])]
                self.last_refit = {"answers": snap["answers"], "uses_answers": snap["how"] != "set aside",
                                   "how": snap["how"], "changed_docs": changed}

    def _refit_process(self) -> Any:
        """The session's refit worker process, started on first use (and again if it died)."""
        from .refit import RefitProcess

        proc = self._worker
        if proc is None or not proc.alive:
            proc = self._worker = RefitProcess({"project": self.project, "L": self.L, "ids": self.ids,
                                                "versions": self.versions, "strategy": self.project.strategy},
                                               module="weaklabel.review.span_refit")
        return proc

    def close(self) -> None:
        """Stop the refit worker process, if one was started."""
        proc = self._worker
        if proc is not None:
            proc.close()
            self._worker = None

    def _with_audit(self, ranked: list[int]) -> list[tuple[int, str]]:
        """The ranked documents with every k-th place given to a random document (k = 1 / audit share)."""
        share = self.project.audit_fraction
        reason = {"conflict": "the LFs dispute its tags", "entropy": "the model is unsure of its tags",
                  "random": "drawn at random"}[self.project.strategy]
        if share <= 0:
            return [(d, reason) for d in ranked]
        every = max(int(round(1 / share)), 2)
        audit = [int(d) for d in np.random.default_rng(1).permutation(len(ranked))]
        out: list[tuple[int, str]] = []
        used: set[int] = set()
        queue = iter(ranked)
        for place in range(len(ranked)):
            pool, why = (audit, "audit: drawn at random") if place % every == every - 1 else (queue, reason)
            for d in pool:
                if d not in used:
                    used.add(d)
                    out.append((d, why))
                    break
        return out

    # -- what the editor shows --------------------------------------------
    def doc_view(self, index: int, annotator: str | None = None, reason: str = "") -> dict[str, Any]:
        """A document as the editor shows it: tokens, the spans to pre-fill (the expert's own answer
        if any, else the model's), the model's and each LF's spans, and why it was served."""
        doc_id = self.ids[index]
        mine = None
        if annotator is not None:
            cur = self.store.current(self.versions)
            row = cur[(cur["doc_id"] == doc_id) & (cur["annotator"] == annotator) & ~cur["adjudication"]
                      & ~cur["stale"]]
            mine = list(row.iloc[-1]["spans"]) if len(row) else None
        with self._lock:
            model_spans = list(self.model_spans[index])
        lfs = {name: per for name, per in zip(self.L.lf_names, self._lf_spans[index]) if per}
        return {"doc_id": doc_id, "index": index, "tokens": list(self.split.tokens[index]), "reason": reason,
                "spans": mine if mine is not None else model_spans, "model_spans": model_spans, "lf_spans": lfs,
                "answered": mine is not None}

    def _queue_state(self, annotator: str) -> tuple[set[str], dict[str, int], set[str]]:
        """(documents this expert answered, experts who answered each document, documents this expert
        answered or skipped). Counted once from the log, then followed through the events written
        since (an answer or a skip updates a set; an undo, rarer, recounts): a keypress on a store of
        30,000 events reads and counts a handful."""
        with self._queue_lock:      # two experts' keypresses in two threads follow the log one at a time
            return self._follow_queue(annotator)

    def _follow_queue(self, annotator: str) -> tuple[set[str], dict[str, int], set[str]]:
        events = self.store.events()
        q = self._answers
        ids = events["id"].to_numpy()
        new = events.iloc[int(ids.searchsorted(q["top"], side="right")):] if q is not None else events
        if q is None or len(events) - q["n"] != len(new) or (new["kind"] == "undo").any():
            q = self._answers = self._count(events)                     # a first read, an undo, a late commit
        else:
            for doc, who, kind, source, version in zip(new["doc_id"], new["annotator"], new["kind"], new["source"],
                                                       new["doc_version"]):
                if kind == "skip":
                    q["skipped"].setdefault(who, set()).add(doc)
                elif kind == "spans" and source != "adjudication":      # the expert's latest answer decides
                    stale = isinstance(version, str) and doc in self.versions and self.versions[doc] != version
                    (q["docs"].setdefault(doc, set()).discard if stale else q["docs"].setdefault(doc, set()).add)(who)
                    (q["mine"].setdefault(who, set()).discard if stale else q["mine"].setdefault(who, set()).add)(doc)
            q["n"], q["top"] = len(events), int(ids[-1]) if len(ids) else 0
        mine = q["mine"].get(annotator, set())
        answers = {d: len(w) for d, w in q["docs"].items() if w}
        return mine, answers, mine | q["skipped"].get(annotator, set())

    def _count(self, events: pd.DataFrame) -> dict[str, Any]:
        cur = self.store.current(self.versions, events=events)
        cur = cur[~cur["adjudication"] & ~cur["stale"]]
        docs: dict[str, set[str]] = {}
        mine: dict[str, set[str]] = {}
        for doc, who in zip(cur["doc_id"], cur["annotator"]):
            docs.setdefault(doc, set()).add(who)
            mine.setdefault(who, set()).add(doc)
        skipped: dict[str, set[str]] = {}
        skips = in_force(events, ("skip",))
        for doc, who in zip(skips["doc_id"], skips["annotator"]):
            skipped.setdefault(who, set()).add(doc)
        return {"n": len(events), "top": int(events["id"].iloc[-1]) if len(events) else 0, "docs": docs,
                "mine": mine, "skipped": skipped}

    def next_doc(self, annotator: str) -> dict[str, Any] | None:
        """The first document in the queue this expert has neither answered nor skipped, and that
        fewer than ``overlap`` experts answered; None when the queue is done."""
        _, answers, done = self._queue_state(annotator)
        with self._lock:
            order = list(self.order)
        for d, why in order:
            doc_id = self.ids[d]
            if doc_id not in done and answers.get(doc_id, 0) < self.project.overlap:
                return self.doc_view(d, None, why)
        return None

    # -- decisions ----------------------------------------------------------
    def _index(self, doc_id: str) -> int:
        if doc_id not in self._pos:
            raise InputError(f"doc_id: {doc_id!r} is not a document of project {self.project.name!r}")
        return self._pos[doc_id]

    def save(self, doc_id: str, spans: Any, annotator: str) -> int:
        """Store the expert's answer for a document; refits after every ``refit_every`` answers."""
        i = self._index(doc_id)
        event = self.store.save(doc_id, [tuple(s) for s in spans], annotator, tokens=self.split.tokens[i],
                                source="app")
        self._since_refit += 1
        if self._since_refit >= self.project.refit_every:
            self.refit()
        return event

    def skip(self, doc_id: str, annotator: str) -> int:
        return self.store.skip(doc_id, annotator, tokens=self.split.tokens[self._index(doc_id)])

    def undo(self, annotator: str) -> dict[str, Any] | None:
        """Take back the expert's last answer or skip; returns that document (with the answer before,
        if any, pre-filled) to show again, or None."""
        ev = self.store.events()
        target = self.store.undo(annotator)
        if target is None:
            return None
        doc_id = str(ev.loc[ev["id"] == target, "doc_id"].iloc[0])
        return self.doc_view(self._index(doc_id), annotator, "you took back your last decision")

    def refit(self) -> bool:
        """Refit on the experts' answers now (in a thread with ``background_refits``); False when a
        refit is already running."""
        if self.refitting:
            return False
        self._since_refit = 0
        self.refitting = True

        def run() -> None:
            try:
                self._fit()
                self.refit_error = None
            except Exception as exc:  # noqa: BLE001 - the app keeps the previous model and says why
                self.refit_error = f"{type(exc).__name__}: {exc}"
            finally:
                self.refitting = False

        if self.background:
            threading.Thread(target=run, name="weaklabel-span-refit", daemon=True).start()
        else:
            run()
        return True

    def progress(self, annotator: str) -> dict[str, int]:
        """``mine`` (documents this expert answered), ``answered`` (by anyone), ``remaining`` (in this
        expert's queue), ``documents``."""
        mine, answers, done = self._queue_state(annotator)
        remaining = sum(1 for d in self.ids if d not in done and answers.get(d, 0) < self.project.overlap)
        return {"mine": len(mine), "answered": len(answers), "remaining": remaining, "documents": len(self.ids)}
