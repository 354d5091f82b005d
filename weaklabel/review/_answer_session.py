"""What a span session and a label-set session share.

The queue of documents with audit documents mixed in, who answered what (followed through the
store's log), skip, undo, progress and background refits in a worker process. A subclass loads its
documents and its model (:meth:`_compute`, :meth:`_install`) and says what the app shows of a
document (:meth:`doc_view`).
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from ..exceptions import InputError
from .answer_log import AnswerLog, in_force
from .project import Project
from .records import Progress

STRATEGIES = ("conflict", "entropy", "random")


class AnswerSession:
    """The shared half of a review session whose answers are whole documents' (see the module docstring).

    Subclasses set ``REASONS`` (why a document is served, per strategy) and ``REFIT_MODULE`` (the worker
    module that runs :meth:`_compute`'s fit).
    """

    REASONS: ClassVar[dict[str, str]]
    REFIT_MODULE: ClassVar[str]
    project: Project
    ids: list[str]
    versions: dict[str, str]
    store: AnswerLog
    order: list[tuple[int, str]]
    model_version: str          # set by _install: names the fit (Label Studio shows it)

    def _start(self, project: Project, background_refits: bool) -> None:
        if project.strategy not in STRATEGIES:
            raise InputError(f"strategy: a {project.kind} project ranks documents by 'conflict', 'entropy' or "
                             f"'random', got {project.strategy!r}; set strategy in weaklabel.toml")
        self.project = project
        self._pos = {d: i for i, d in enumerate(self.ids)}
        self.background = background_refits
        self._lock = threading.Lock()
        self._since_refit = 0
        self.refitting = False
        self.refit_error: str | None = None
        self.last_refit: dict[str, Any] | None = None
        self._answers: dict[str, Any] | None = None   # see _queue_state
        self._queue_lock = threading.Lock()
        self._worker: Any = None                         # the refit worker process (app refits)
        self.fits = 0
        self._fit(first=True)

    # -- what a subclass says ---------------------------------------------------
    def _compute(self) -> dict[str, Any]:
        """Fit on the store's answers and rank.

        A snapshot with at least ``ranked`` (document indices, most informative first); the same function
        the worker process runs.
        """
        raise NotImplementedError

    def _refit_state(self) -> dict[str, Any]:
        """Return the fit's fixed inputs, sent once to the worker process."""
        raise NotImplementedError

    def _install(self, snap: dict[str, Any], first: bool) -> None:
        """Swap in a snapshot's model output (called under ``self._lock``)."""
        raise NotImplementedError

    def doc_view(self, index: int, annotator: str | None = None, reason: str = "") -> dict[str, Any]:
        raise NotImplementedError

    # -- the model and the queue ------------------------------------------
    def _fit(self, *, first: bool = False) -> None:
        """Fit and rank (in the worker process for the app's background refits), then swap in."""
        snap = self._refit_process().run() if self.background and not first else self._compute()
        order = self._with_audit(snap["ranked"])
        with self._lock:
            self.order = order
            self.fits += 1
            self._install(snap, first)

    def _refit_process(self) -> Any:
        """Return the session's refit worker process, started on first use (and again if it died)."""
        from .refit import RefitProcess

        proc = self._worker
        if proc is None or not proc.alive:
            proc = self._worker = RefitProcess(self._refit_state(), module=self.REFIT_MODULE)
        return proc

    def close(self) -> None:
        """Stop the refit worker process, if one was started."""
        proc = self._worker
        if proc is not None:
            proc.close()
            self._worker = None

    def _audit_set(self) -> list[int]:
        """Return the audit documents.

        A fixed random sample (``audit_fraction`` of them, seeded), served only in the queue's audit places,
        so their answers are a fair sample of all documents whatever the ranking did.
        """
        share = self.project.audit_fraction
        n = len(self.ids)
        if share <= 0:
            return []
        every = max(int(round(1 / share)), 2)
        return [int(d) for d in np.random.default_rng(1).permutation(n)[: n // every]]

    def _with_audit(self, ranked: list[int]) -> list[tuple[int, str]]:
        """Return the ranked documents with every k-th place given to the next audit document.

        k = 1 / audit share (:meth:`_audit_set`); the others never jump the queue by being ranked high.
        """
        reason = self.REASONS[self.project.strategy]
        audit = self._audit_set()
        if not audit:
            return [(d, reason) for d in ranked]
        every = max(int(round(1 / self.project.audit_fraction)), 2)
        chosen = set(audit)
        pools = iter(audit), iter([d for d in ranked if d not in chosen])
        out: list[tuple[int, str]] = []
        for place in range(len(ranked)):
            first, second = pools if place % every == every - 1 else pools[::-1]
            d = next(first, None)
            d = next(second) if d is None else d          # one pool ran out: the other fills the place
            out.append((d, "audit: drawn at random" if d in chosen else reason))
        return out

    def audit_ids(self) -> list[str]:
        """Return the audit documents' ids (:meth:`_audit_set`)."""
        return [self.ids[d] for d in self._audit_set()]

    def _mine(self, doc_id: str, annotator: str | None) -> list[Any] | None:
        """Return the expert's answer in force for a document (not stale), or None."""
        if annotator is None:
            return None
        cur = self.store.current(self.versions)
        row = cur[(cur["doc_id"] == doc_id) & (cur["annotator"] == annotator) & ~cur["adjudication"] & ~cur["stale"]]
        return list(row.iloc[-1][self.store.ANSWER]) if len(row) else None

    def _queue_state(self, annotator: str) -> tuple[set[str], dict[str, int], set[str]]:
        """Return the queue's state for this expert.

        That is (documents this expert answered, experts who answered each document, documents this expert
        answered or skipped). Counted once from the log, then followed through the events written since (an
        answer or a skip updates a set; an undo, rarer, recounts): a keypress on a store of 30,000 events
        reads and counts a handful.
        """
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
                elif kind == self.store.ANSWER and source != "adjudication":  # the expert's latest answer decides
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
        """Return the first document in the queue this expert has neither answered nor skipped.

        It must also have fewer than ``overlap`` experts' answers; None when the queue is done.
        """
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

    def _answered(self) -> None:
        """Count an answer; refit after every ``refit_every``."""
        self._since_refit += 1
        if self._since_refit >= self.project.refit_every:
            self.refit()

    def skip(self, doc_id: str, annotator: str) -> int:
        return self.store.skip(doc_id, annotator, version=self.versions[self.ids[self._index(doc_id)]])

    def undo(self, annotator: str) -> dict[str, Any] | None:
        """Take back the expert's last answer or skip.

        Returns that document (with the answer before, if any, pre-filled) to show again, or None.
        """
        ev = self.store.events()
        target = self.store.undo(annotator)
        if target is None:
            return None
        doc_id = str(ev.loc[ev["id"] == target, "doc_id"].iloc[0])
        return self.doc_view(self._index(doc_id), annotator, "you took back your last decision")

    def refit(self) -> bool:
        """Refit on the experts' answers now (in a worker process with ``background_refits``, waited for in a thread).

        False when a refit is already running.
        """
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
            threading.Thread(target=run, name="weaklabel-refit", daemon=True).start()
        else:
            run()
        return True

    def progress(self, annotator: str) -> Progress:
        """Count the expert's answers, everyone's, what is left in the queue, and the documents in all."""
        mine, answers, done = self._queue_state(annotator)
        remaining = sum(1 for d in self.ids if d not in done and answers.get(d, 0) < self.project.overlap)
        return Progress(remaining=remaining, mine=len(mine), answered=len(answers), total=len(self.ids))
