"""The expert review loop, independent of any UI: queue -> lease -> label -> refit.

The Streamlit app (``weaklabel/app/review_app.py``) is a thin view over :class:`ReviewSession`;
tests and scripts drive the same object.
"""

from __future__ import annotations

import html
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from ..apply import apply_lfs
from ..exceptions import InputError, WeakLabelError
from ..models import BaseLabelModel, MajorityVote, probs_to_preds
from .project import Project
from .queue import conflict_weights, drawn_at_random, rank
from .records import Progress, RefitInfo, ReviewItem
from .refit import RefitProcess, Refits
from .suggest_review import SuggestionReview

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")


class StaleDecision(WeakLabelError):
    """A decision on an item the expert already decided since it was shown (another tab)."""


class ReviewSession(Refits, SuggestionReview):
    """One process's view of a project's review loop (the store is shared on disk).

    Parameters
    ----------
    project : Project
    background_refits : bool, default False
        Refit every ``refit_every`` labels in the background: a thread takes a snapshot of the
        store, a worker process fits and ranks (``weaklabel/review/refit.py``), and the
        model and the queue are swapped in when it is done (:meth:`label` then returns None at
        once; the refit's summary is appended to :attr:`history`). The app sets it, so no
        keypress waits for a fit or competes with one. :meth:`close` stops the worker.
    """

    model: BaseLabelModel  # the label model of the last refit
    probs: np.ndarray  # its P(y | votes) per row

    def __init__(self, project: Project, *, background_refits: bool = False) -> None:
        self.project = project
        self.background_refits = background_refits
        self._swap = threading.RLock()      # held only while a refit's results are swapped in
        self._worker: threading.Thread | None = None
        self._worker_process: RefitProcess | None = None
        self.refit_error: str | None = None
        self.suite = project.suite()
        self.labels = self.suite.labels
        self.df, _ = project.items()
        missing = [c for c in project.display_columns if c not in self.df.columns]
        if missing:
            raise InputError(f"display_columns: {missing} are not columns of the project's data "
                             f"{[str(c) for c in self.df.columns]}; fix display_columns in weaklabel.toml")
        unknown = sorted(set(project.label_descriptions) - set(self.labels.names))
        if unknown:
            raise InputError(f"label_descriptions: {unknown} are not labels of this project "
                             f"{list(self.labels.names)}; fix label_descriptions in weaklabel.toml")
        project.guidelines_text()  # a missing guidelines file is an error now, not in front of an expert
        self.L = apply_lfs(self.suite.lfs, self.df, label_space=self.labels, fault_tolerant=True)
        self.store = project.open_store()
        self._row_pos = {str(r): i for i, r in enumerate(self.L.row_ids.tolist())}
        import hashlib

        self._votes_digest = hashlib.sha256(self.L.votes.tobytes())
        # majority vote ignores expert labels: computed once, not at every refit
        self.mv_probs = MajorityVote(cardinality=self.labels.cardinality).fit(self.L).predict_proba(self.L)
        self.since_refit = 0
        self.history: list[RefitInfo] = []
        self._served: dict[tuple[str, str], str] = {}   # (expert, row) -> the source it was served as
        self._preds_before: np.ndarray | None = None   # labels before the last refit (the banner's back-and-forth)
        self.refit()  # the first fit sets self.model and self.probs

    # -- model ------------------------------------------------------------
    def expert_gold(self) -> np.ndarray:
        """Expert gold per row, the labels in force (-1 where none)."""
        return self.store.gold_array(self.L.row_ids, policy="adjudicated")

    def sampled_gold(self, y: np.ndarray | None = None) -> np.ndarray:
        """Expert gold on the rows drawn at random (-1 elsewhere): the rows the model fits to.

        See :func:`weaklabel.review.queue.drawn_at_random`.
        """
        y = self.expert_gold() if y is None else y
        cur = self.store.current_labels()
        drawn = set(cur.loc[drawn_at_random(cur["source"], self.project.strategy), "row_id"].astype(str))
        return np.where(pd.Series(self.L.row_ids.astype(str)).isin(drawn).to_numpy(), y, -1)

    def fit_labels(self, y: np.ndarray | None = None) -> tuple[np.ndarray, bool]:
        """(expert gold the model fits to, -1 elsewhere; whether those rows were all drawn at random).

        See :func:`weaklabel.review.queue.fit_gold`: under a strategy that ranks by the votes, queue rows
        count too; under ``label_issues`` only audit rows do.
        """
        from .refit import store_labels

        return store_labels(self.store, self.L.row_ids, self.project.strategy, y)[1:]

    @property
    def notice(self) -> str | None:
        """A one-line note when the configured strategy had to fall back, else None."""
        if self.project.strategy == "label_issues" and self.issue_scores() is None:
            return f"label_issues cannot rank yet ({self._issue_error}); ranking by conflict meanwhile"
        return None

    def _strategy(self, strategy: str | None) -> str:
        strategy = strategy or self.project.strategy
        if strategy == "label_issues" and self.issue_scores() is None:
            return "conflict"  # the fallback the notice names
        return strategy

    def lf_votes(self, row_ids: Any) -> list[dict[str, str]]:
        """Per row id, the LFs that voted on it and their labels (``{"promo": "SPAM"}``)."""
        names, lfs = self.labels.names, self.L.lf_names
        rows = self.L.votes[[self._row_pos[str(r)] for r in row_ids]]
        return [{lf: names[int(v)] for lf, v in zip(lfs, row) if v >= 0} for row in rows]

    # -- queue ------------------------------------------------------------
    def queue(self, n: int | None = None, strategy: str | None = None) -> pd.DataFrame:
        """Return the review queue: the items to label first, with why, best first."""
        counts = self.store.label_counts()
        weights = conflict_weights(self.model, self.labels.cardinality)
        strategy = self._strategy(strategy)
        return rank(self.L, strategy, probs=self.probs, mv_probs=self.mv_probs, weights=weights,
                    scores=self._issue_scores if strategy == "label_issues" else None, label_counts=counts,
                    overlap=self.project.overlap, audit_fraction=self.project.audit_fraction, n=n)

    def _queue_ids(self) -> list[Any]:
        """Row ids of the review queue in order, ranked once per refit.

        Who may take which row is the store's business (:meth:`ExpertLabelStore.lease_next`).
        """
        return self._queue_view()[1]

    def _queue_view(self) -> tuple[pd.DataFrame, list[Any], dict[str, int], int]:
        """(ranking, its row ids, row id -> position, a version that changes with the ranking), built once per ranking.

        A keypress must not rebuild lists and indexes of every row.
        """
        ranked = self._ranking()
        view = getattr(self, "_view", None)
        if view is None or view[0] is not ranked:
            ids = ranked["row_id"].tolist()
            self._view = view = (ranked, ids, {str(r): i for i, r in enumerate(ids)},
                                 (view[3] + 1) if view is not None else 0)
        return view

    def _ranking(self) -> pd.DataFrame:
        """Return the current review order (ranked by the refit that installed the model)."""
        with self._swap:
            if self._ranked is None:
                strategy = self._strategy(None)
                self._ranked = rank(self.L, strategy, probs=self.probs, mv_probs=self.mv_probs,
                                    weights=conflict_weights(self.model, self.labels.cardinality),
                                    scores=self._issue_scores if strategy == "label_issues" else None,
                                    overlap=self.project.overlap, audit_fraction=0.0)
            return self._ranked

    def _audit_due(self, annotator: str) -> bool:
        """Whether this expert's next item should be an audit row.

        One every 1/audit_fraction of their decisions, from the first block on.
        """
        f = self.project.audit_fraction
        if f <= 0:
            return False
        mine = self.store.current_labels_of(annotator)
        n_audit = int((mine["source"] == "audit").sum()) if len(mine) else 0
        return n_audit + 1 <= f * (len(mine) + 1) + 1e-9

    def _audit_order(self) -> list[Any]:
        if getattr(self, "_audit_ids", None) is None:  # a fixed uniform random order of all rows
            rng = np.random.default_rng(0)
            self._audit_ids = self.L.row_ids[rng.permutation(self.L.n_rows)].tolist()
        return cast("list[Any]", self._audit_ids)

    def next_item(self, annotator: str) -> ReviewItem | None:
        """Lease the best item for ``annotator`` and describe it (None when the queue is done).

        Every 1/audit_fraction-th decision of each expert is an audit row: drawn uniformly
        at random, so the model can learn from it and metrics read on it are unbiased.
        """
        ranked, ids, pos, version = self._queue_view()   # one ranking for this call, even if a refit swaps one in
        if not ids:
            return None
        if self._audit_due(annotator):
            rid = self.store.lease_next(self._audit_order(), annotator, overlap=self.project.overlap,
                                        version="audit")
            if rid is not None:
                return self._shown_to(self.describe(rid, pd.Series({
                    "reason": "audit: random sample for unbiased metrics", "source": "audit"})), annotator)
        rid = self.store.lease_next(ids, annotator, overlap=self.project.overlap, version=version)
        if rid is None:
            return None
        return self._shown_to(self.describe(rid, ranked.iloc[pos[str(rid)]]), annotator)

    def _shown_to(self, item: ReviewItem, annotator: str) -> ReviewItem:
        """Stamp an item with the expert's latest event when it is shown (``seen_after``).

        A decision on it is refused if they decided it since, elsewhere (:class:`StaleDecision`). The item's
        source is kept for :meth:`label`'s default.
        """
        if len(self._served) > 100_000:   # the last item per expert is what matters
            self._served.clear()
        self._served[(annotator, str(item.row_id))] = "audit" if item.source == "audit" else "queue"
        return replace(item, seen_after=self.store.latest_event_id(annotator))

    def item_for(self, row_id: Any, annotator: str) -> ReviewItem:
        """Lease a given row to ``annotator`` (e.g. after an undo) and describe it."""
        self.store.lease_next([row_id], annotator, overlap=self.project.overlap)
        return self._shown_to(self.describe(row_id, pd.Series({"reason": "you undid your label on this item",
                                                                "source": "queue"})), annotator)

    def describe(self, row_id: Any, queue_row: pd.Series | None = None) -> ReviewItem:
        """Return the item at ``row_id`` as the app shows it, with the queue's reason and source."""
        i = self._row_pos[str(row_id)]
        votes = self.L.votes[i]
        cols = self.project.display_columns or [c for c in self.df.columns if c != "label"]
        content = {c: self.df.iloc[i][c] for c in cols}
        return ReviewItem(
            row_id=self.L.row_ids[i],
            content=content,
            spans=self._evidence(votes, content),
            votes={name: self.labels.name(int(v)) for name, v in zip(self.L.lf_names, votes) if v >= 0},
            probs={name: float(p) for name, p in zip(self.labels.names, self.probs[i])},
            reason=None if queue_row is None else queue_row["reason"],
            source="queue" if queue_row is None else queue_row["source"],
        )

    def _evidence(self, votes: np.ndarray, content: dict[str, Any]) -> dict[str, list[tuple[int, int, str, str]]]:
        """Where each LF that voted on this item matched.

        Column -> [(start, end, LF, class)], for the LFs that can tell (keyword, regex and phrase
        templates).
        """
        out: dict[str, list[tuple[int, int, str, str]]] = {}
        for lf, v in zip(self.suite.lfs, votes):
            col = getattr(lf, "span_column", None)
            if v < 0 or col is None or lf.spans is None or not isinstance(content.get(col), str):
                continue
            try:
                found = lf.spans(html.unescape(content[col]))  # offsets into the text as shown
            except Exception:  # noqa: BLE001 - evidence is a courtesy; never block labeling on it
                continue
            out.setdefault(col, []).extend((a, b, lf.name, self.labels.name(int(v))) for a, b in found)
        return out

    def media_path(self, value: Any) -> Path | None:
        """Return the image file a text cell names, if it is one *inside the project's folder*.

        None for anything else (an image elsewhere on the server is never served).
        """
        if not isinstance(value, str) or not value.lower().endswith(IMAGE_SUFFIXES) or len(value) > 4096:
            return None
        root = Path(self.project.root).resolve()
        try:
            path = (root / value).resolve()
            if not path.is_relative_to(root) or not path.is_file():
                return None
        except (OSError, ValueError):  # a name too long for the OS, a NUL byte, ...
            return None
        return path

    # -- decisions --------------------------------------------------------
    def _check_fresh(self, row_id: Any, annotator: str, seen_after: int | None) -> None:
        if seen_after is not None and self.store.decided_after(row_id, annotator, seen_after):
            raise StaleDecision(f"row {row_id}: you already decided this item since it was shown here "
                                "(in another tab?); nothing was recorded")

    def label(self, row_id: Any, label: Any, annotator: str, *, note: str | None = None,
              source: str | None = None, seen_after: int | None = None) -> RefitInfo | None:
        """Record a label.

        Refits every ``refit_every`` labels (returns the refit info then; with ``background_refits``, starts
        the refit in the background and returns None).

        ``source`` defaults to how this session served the row to ``annotator`` (``"audit"`` for
        a row drawn at random, else ``"queue"``), as the app records it: an audit row labeled
        through the API trains the model like one labeled in the app.
        ``seen_after`` (an item's ``seen_after``): refuse with :class:`StaleDecision` if the
        expert labeled or skipped the row since it was shown (say, in another browser tab).
        """
        if source is None:
            source = self._served.get((annotator, str(row_id)), "queue")
        self._check_fresh(row_id, annotator, seen_after)
        self.store.add_label(row_id, label, annotator, source=source, note=note, model_version=self.model_version)
        self.since_refit += 1
        if self.since_refit >= self.project.refit_every:
            if self.background_refits:
                self.refit_in_background()
                return None
            return self.refit()
        return None

    def skip(self, row_id: Any, annotator: str, *, seen_after: int | None = None) -> None:
        """Skip an item for ``annotator`` (refused if they decided it since it was shown)."""
        self._check_fresh(row_id, annotator, seen_after)
        self.store.skip(row_id, annotator)

    def release(self, row_id: Any, annotator: str) -> None:
        """Give an item back to the queue (e.g. the one on screen when undo brings another)."""
        self.store.release(row_id, annotator)

    def agreement(self) -> dict[str, Any]:
        """Inter-expert agreement (see :meth:`ExpertLabelStore.agreement`)."""
        return self.store.agreement()

    def undo(self, annotator: str) -> str | None:
        """Undo the expert's latest label; returns its row id (None when nothing to undo)."""
        done = self.store.undo_last(annotator)
        return None if done is None else done[1]

    def progress(self, annotator: str) -> Progress:
        """Return the expert's queue left, answers, and agreement with the model; every row labeled."""
        # per keypress: this expert's own events and two SQL counts, never the whole log
        mine = self.store.current_labels_of(annotator)
        mine = mine[mine["source"] != "adjudication"]
        agree = None
        # a dict lookup per label: Series.map(dict) would index all the project's rows each time
        pos = np.array([self._row_pos.get(str(r), -1) for r in mine["row_id"]], dtype=np.int64)
        known = pos >= 0
        if known.any():  # rows the project does not have (an import) are left out, row by row
            pred = probs_to_preds(self.probs[pos[known]], tie_break_policy="random")
            agree = float(np.mean(pred == mine["label"].to_numpy()[known]))
        _, ids, _, version = self._queue_view()
        left = self.store.remaining(ids, annotator, overlap=self.project.overlap, version=version)
        return Progress(remaining=int(left), mine=int(len(mine)), answered=int(self.store.labeled_row_count()),
                        agreement_with_model=agree)

    # -- what experts and their lead look at ------------------------------------
    def texts(self) -> pd.Series:
        """Map row id (str) -> the item's text (its text column, else its first display column)."""
        col = self.project.text_column or next(iter(self.project.display_columns), None)
        if col is None or col not in self.df.columns:
            return pd.Series(dtype=str)
        return pd.Series(self.df[col].astype(str).to_numpy(), index=[str(r) for r in self.L.row_ids])

    def label_history(self, annotator: str, **filters: Any) -> pd.DataFrame:
        """Return the expert's labels in force, newest first (see :func:`weaklabel.review.reports.history`)."""
        from .reports import history

        return history(self.store.events(), annotator, self.labels, texts=self.texts(), **filters)

    def change_label(self, row_id: Any, label: Any, annotator: str, *, note: str | None = None) -> None:
        """Change one of the expert's past labels: a new event, the old one stays in the log.

        The row keeps the source it was labeled under (an audit row stays an audit row).
        """
        cur = self.store.current_labels(adjudications=False)
        mine = cur[(cur["annotator"] == annotator) & (cur["row_id"] == str(row_id))]
        if mine.empty:
            raise InputError(f"row_id: {annotator!r} has no label on row {row_id!r} to change")
        self.store.add_label(row_id, label, annotator, source=str(mine["source"].iloc[-1]), note=note,
                             model_version=self.model_version)

    def disagreements(self) -> pd.DataFrame:
        """Rows where experts differ, with each one's label and note (unresolved first)."""
        from .reports import disagreements

        return disagreements(self.store.events(), self.labels, texts=self.texts())

    def is_lead(self, annotator: str) -> bool:
        """Return a lead: named in ``leads`` of weaklabel.toml, or an account with the lead role."""
        if annotator in self.project.leads:
            return True
        try:
            account = self.store.account(annotator)
        except InputError:
            return False
        return account is not None and account.role == "lead"

    def adjudicate(self, row_id: Any, label: Any, lead: str, *, note: str | None = None) -> None:
        """Store a lead's ruling on a row where experts differ.

        ``labels export --policy adjudicated`` then gives it.
        """
        if not self.is_lead(lead):
            raise InputError(f"lead: {lead!r} is not a lead of this project; add the name to leads "
                             "in weaklabel.toml, or give the account the role (weaklabel users role NAME lead)")
        self.store.add_label(row_id, label, lead, source="adjudication", note=note)

    def annotator_stats(self) -> pd.DataFrame:
        """Per expert: labels, median seconds per item, kappa with peers, agreement with the model."""
        from .reports import annotator_stats

        preds = pd.Series(probs_to_preds(self.probs, tie_break_policy="random"),
                          index=[str(r) for r in self.L.row_ids])
        return annotator_stats(self.store.events(), preds)

    def final_labels(self) -> pd.DataFrame:
        """Every row's label: the experts' where they exist, else the model's."""
        y = self.expert_gold()
        pred = probs_to_preds(self.probs, tie_break_policy="abstain")
        out = pd.DataFrame({"row_id": self.L.row_ids})
        for c, name in enumerate(self.labels.names):
            out[f"p_{name}"] = self.probs[:, c]
        final = np.where(y >= 0, y, pred)
        out["label"] = [self.labels.name(v) if v >= 0 else "" for v in final]
        out["source"] = np.where(y >= 0, "expert", "model")
        return out
