"""One multi-label review session.

The items, the LFs' votes per label, the multi-label model, the queue and the label-set store,
behind the calls the app makes (next item, save, skip, undo, progress, refit, export).

A project of ``kind = "multilabel"`` names its items in ``data``: a folder in GoEmotions' layout
(``labels.txt`` and ``{split}.tsv``), or a CSV / Parquet / JSON Lines file whose ``text_column``
holds the text (``id_column`` its ids). ``lfs`` is a module that defines ``LABELS`` (the label
names) and ``LFS`` (multi-label LFs, :mod:`weaklabel.multilabel`).

The queue orders items by per-label disagreement (``strategy``; see
:mod:`weaklabel.multilabel.review`), with audit items drawn at random mixed in. The expert sees
the model's label set pre-selected, toggles labels and submits the set. Every ``refit_every``
answers the model refits in a worker process (see :mod:`weaklabel.review.label_set_refit` for what
the answers teach it).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from ..exceptions import InputError
from ._answer_session import AnswerSession
from .label_set_store import LabelSetStore, text_version
from .project import Project


def load_items(project: Project) -> tuple[pd.DataFrame, list[str], list[str], list[Any], list[str]]:
    """Return a multi-label project's items.

    The frame the LFs read (every column of the data), the ids (as text), the texts shown to experts,
    the LFs and the label names.
    """
    from ..io.suite import load_multilabel_suite
    from ..io.tables import read_table
    from ..multilabel.data import is_multilabel_folder, read_labels, read_multilabel_split

    if project.kind != "multilabel":
        raise InputError(f"project: {project.name!r} is a {project.kind!r} project; this needs kind = \"multilabel\"")
    spec = project.lfs
    lfs, labels = load_multilabel_suite(project._path(spec) if spec.endswith(".py") else spec)
    root = Path(project._path(project.data_dir)) if project.data_dir else project.root
    data = Path(project.data) if Path(project.data).is_absolute() else root / project.data
    text = project.text_column or "text"
    if is_multilabel_folder(data):
        if read_labels(data) != labels:
            raise InputError(f"lfs: {spec!r} names labels {labels[:5]}... but {data}/labels.txt names "
                             f"{read_labels(data)[:5]}...; LABELS must list labels.txt's names in its order")
        df, _, _ = read_multilabel_split(data, project.split)
        ids = df["id"].astype(str).tolist()
        text = "text"
    else:
        df = read_table(data, id_column=project.id_column or None)
        ids = df.index.astype(str).tolist() if project.id_column else [str(i) for i in range(len(df))]
        df = df.reset_index(drop=not project.id_column)
    if text not in df.columns:
        raise InputError(f"text_column: {text!r} is not a column of {str(data)!r}; columns: "
                         f"{[str(c) for c in df.columns]}")
    dupes = pd.Index(ids)[pd.Index(ids).duplicated()].tolist()
    if dupes:
        raise InputError(f"data: duplicate item ids {dupes[:5]} in {str(data)!r}; every item needs its own id "
                         "(set id_column)")
    return df.reset_index(drop=True), ids, df[text].astype(str).tolist(), lfs, labels


class LabelSetReviewSession(AnswerSession):
    """Multi-label review for one project (``kind = "multilabel"`` in ``weaklabel.toml``).

    Parameters
    ----------
    project : Project
    background_refits : bool, default False
        Refit in a worker process (the app) rather than inside the call that crossed ``refit_every``.
    """

    REASONS = {"conflict": "LF votes go against the model on some label",
               "entropy": "the model is unsure of several labels", "random": "drawn at random"}
    REFIT_MODULE = "weaklabel.review.label_set_refit"
    store: LabelSetStore

    def __init__(self, project: Project, *, background_refits: bool = False) -> None:
        from ..multilabel import apply_multilabel_lfs

        self.items, self.ids, self.texts, self.lfs, self.labels = load_items(project)
        self.L = apply_multilabel_lfs(self.lfs, self.items, self.labels)
        self.versions = {d: text_version(t) for d, t in zip(self.ids, self.texts)}
        self.store = LabelSetStore(project.store_url, project=project.name, labels=self.labels)
        self._fits: dict[str, Any] = {}    # the last fit, reused while what the model learns from is unchanged
        self._start(project, background_refits)

    # -- the model and the queue ------------------------------------------
    def _compute(self) -> dict[str, Any]:
        from .label_set_refit import fit_label_sets

        return fit_label_sets(self.L, self.store, self.ids, self.versions, self.project.strategy, self.audit_ids(),
                              self._fits)

    def _refit_state(self) -> dict[str, Any]:
        return {"project": self.project, "L": self.L, "ids": self.ids, "versions": self.versions,
                "strategy": self.project.strategy, "audit": self.audit_ids()}

    def _install(self, snap: dict[str, Any], first: bool) -> None:
        before = getattr(self, "pred", None)
        self.marginals, self.pred, self.thresholds = snap["marginals"], snap["pred"], snap["thresholds"]
        self.model_version = f"multilabel-{self.fits}-{snap['answers']}answers"
        if not first and before is not None:
            moved = (before != self.pred).any(axis=1) & ~np.asarray(snap["answered"], dtype=bool)
            self.last_refit = {"answers": snap["answers"], "taught": snap["taught"],
                               "changed_items": [self.ids[i] for i in np.flatnonzero(moved)]}

    # -- what the app shows ------------------------------------------------
    def model_labels(self, index: int) -> list[str]:
        """Return the model's label set for an item, in label order."""
        with self._lock:
            row = self.pred[index]
        return [self.labels[j] for j in np.flatnonzero(row)]

    def doc_view(self, index: int, annotator: str | None = None, reason: str = "") -> dict[str, Any]:
        """Return an item as the app shows it.

        Its text, the labels to pre-select (the expert's own answer if any, else the model's), each label's
        marginal (labels with a vote or a marginal of 5% or more), each LF's votes, and why it was served.
        """
        doc_id = self.ids[index]
        mine = self._mine(doc_id, annotator)
        model = self.model_labels(index)
        with self._lock:
            p = self.marginals[index].astype(float)
        row = self.L.votes[index].tocoo()
        K = len(self.labels)
        votes: dict[str, list[str]] = {}
        for col, sign in zip(row.col, row.data):
            name = self.L.lf_names[col // K]
            votes.setdefault(name, []).append(("" if sign > 0 else "not ") + self.labels[col % K])
        voted = {self.labels[c % K] for c in row.col}
        probs = {lab: float(p[j]) for j, lab in enumerate(self.labels) if p[j] >= 0.05 or lab in voted}
        if reason == self.REASONS["conflict"]:      # say which labels, or that none is disputed any more
            disputed = [lab for lab, v in zip(self.labels, self._disputed(index)) if v]
            reason = (f"LF votes go against the model on {', '.join(disputed)}" if disputed else
                      "no LF vote goes against the model; it is unsure of some label")
        return {"doc_id": doc_id, "index": index, "text": self.texts[index], "reason": reason,
                "labels": mine if mine is not None else model, "model_labels": model, "probs": probs,
                "lf_votes": votes, "answered": mine is not None}

    def _disputed(self, index: int) -> np.ndarray:
        from ..multilabel.review import disputed_labels

        with self._lock:
            pred = self.pred[index:index + 1]
        return cast("np.ndarray", disputed_labels(self.L.rows(np.array([index])), pred)[0])

    # -- decisions ----------------------------------------------------------
    def save(self, doc_id: str, labels: Any, annotator: str) -> int:
        """Store the expert's label set for an item; refits after every ``refit_every`` answers."""
        i = self._index(doc_id)
        event = self.store.save(doc_id, list(labels), annotator, text=self.texts[i], source="app")
        self._answered()
        return event

    def labeled_frame(self, format: str = "list") -> pd.DataFrame:
        """Every item with its labels.

        The experts' agreed or resolved set where there is one (``source`` "expert"), else the model's
        ("model"), as a ``labels`` list column or one 0/1 column per label (``format="onehot"``).
        """
        from .label_set_store import EXPORT_FORMATS

        if format not in EXPORT_FORMATS:
            raise InputError(f"format: expected one of {list(EXPORT_FORMATS)}, got {format!r}")
        Y = self.store.matrix(self.ids, self.versions)
        expert: np.ndarray = np.asarray((Y >= 0).all(axis=1))
        with self._lock:
            final = np.where(expert[:, None], Y, self.pred).astype(np.int8)
        out = pd.DataFrame({"id": self.ids, "text": self.texts,
                            "source": np.where(expert, "expert", "model")})
        if format == "onehot":
            return pd.concat([out, pd.DataFrame(final, columns=self.labels)], axis=1)
        out["labels"] = [[self.labels[j] for j in np.flatnonzero(r)] for r in final]
        return out
