"""Expert label sets, stored durably: each answer is the set of labels that apply to an item.

A multi-label project's experts toggle labels on an item and submit the set (the empty set: no
label applies). The log is :class:`~weaklabel.review.answer_log.AnswerLog`'s: append-only, with
skips, undo, the item's version (a hash of its text) and imports from Label Studio. The table is
``label_set_events``, in the same database as the class labels and the spans.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import InputError
from .answer_log import AnswerLog, doc_version

EXPORT_FORMATS = ("list", "onehot")


def text_version(text: Any) -> str:
    """Return an item's version: :func:`~weaklabel.review.answer_log.doc_version` of its text."""
    return doc_version([str(text)])


class LabelSetStore(AnswerLog):
    """Expert label sets per item, in a SQLite or PostgreSQL database.

    Parameters
    ----------
    url : str, optional
        SQLAlchemy URL; default ``sqlite:///./weaklabel-labels.db`` (the class labels' file).
    project : str, default "default"
    labels : sequence of str
        The labels an expert may set.
    timeout : float, default 30
        Seconds a SQLite writer waits for another writer's lock.

    Examples
    --------
    >>> store = LabelSetStore("sqlite:///:memory:", labels=["joy", "anger", "surprise"])
    >>> _ = store.save("c1", ["surprise", "joy"], "ana")
    >>> store.current()[["doc_id", "annotator", "labels"]].to_dict("records")
    [{'doc_id': 'c1', 'annotator': 'ana', 'labels': ['joy', 'surprise']}]
    >>> store.matrix(["c1", "c2"]).tolist()
    [[1, 0, 1], [-1, -1, -1]]
    """

    TABLE = "label_set_events"
    ANSWER = "labels"
    WHAT = "label-set store"

    def __init__(self, url: str | None = None, *, project: str = "default", labels: Sequence[str],
                 timeout: float = 30.0) -> None:
        self.labels = tuple(str(x) for x in labels)
        if not self.labels or len(set(self.labels)) != len(self.labels):
            raise InputError(f"labels: expected distinct label names, got {list(labels)!r}")
        self._order = {name: i for i, name in enumerate(self.labels)}
        self._open(url, project, timeout)

    def _check_answer(self, answer: Any, context: Any = None) -> list[Any]:  # noqa: ARG002 - AnswerLog's
        if isinstance(answer, (str, bytes)) or not hasattr(answer, "__iter__"):
            raise InputError(f"labels: expected a list of label names, got {type(answer).__name__} {answer!r}; "
                             "pass [] when no label applies")
        out = set()
        for name in answer:
            if name not in self._order:
                raise InputError(f"labels: {name!r} is not one of the project's labels {list(self.labels)}")
            out.add(str(name))
        return sorted(out, key=self._order.__getitem__)     # in the project's label order

    def save(self, doc_id: Any, labels: Sequence[str], annotator: str, *, text: Any = None,
             source: str = "review", note: str | None = None, external_id: str | None = None) -> int:
        """Append ``annotator``'s label set for an item (``[]``: no label applies).

        ``text`` (the item's text) sets the answer's version. Returns the event's id.
        """
        clean = self._check_answer(labels)
        return self._append(doc_id, clean, annotator, version=None if text is None else text_version(text),
                            source=source, note=note, external_id=external_id)

    def resolve(self, doc_id: Any, labels: Sequence[str], lead: str, *, text: Any = None,
                note: str | None = None) -> int:
        """Return the lead's label set where experts disagree; it outranks theirs in :meth:`gold`."""
        return self.save(doc_id, labels, lead, text=text, source="adjudication", note=note)

    # -- reading ----------------------------------------------------------
    def matrix(self, doc_ids: Sequence[Any], versions: dict[str, str] | None = None) -> np.ndarray:
        """Return the (n, k) gold label sets for ``doc_ids``: the ``Y`` a multi-label model's ``fit`` takes.

        0/1 where :meth:`gold` has an answer, a row of -1 (unknown) elsewhere.
        """
        gold = self.gold(doc_ids, versions)
        Y = np.full((len(gold), len(self.labels)), -1, dtype=np.int8)
        for i, g in enumerate(gold):
            if g is not None:
                Y[i] = 0
                Y[i, [self._order[x] for x in g]] = 1
        return Y

    def agreement(self) -> pd.DataFrame:
        """Between each pair of experts, over the items both answered.

        The share of items with the same set (``exact``), the mean Jaccard of their sets (two empty sets
        agree fully), and Cohen's kappa per label averaged over the labels either expert used
        (``mean_kappa``).
        """
        from ..evaluate import cohen_kappa

        rows = []
        for a, b, la, lb in self.pairs():
            sa_, sb_ = [set(x) for x in la], [set(x) for x in lb]
            jac = [1.0 if not (x | y) else len(x & y) / len(x | y) for x, y in zip(sa_, sb_)]
            used = sorted(set().union(*sa_, *sb_), key=self._order.__getitem__)
            kappas = [cohen_kappa(np.array([lab in x for x in sa_], dtype=np.int64),
                                  np.array([lab in y for y in sb_], dtype=np.int64)) for lab in used]
            kappas = [k for k in kappas if np.isfinite(k)]
            rows.append({"annotator_a": a, "annotator_b": b, "items": len(la),
                         "exact": float(np.mean([x == y for x, y in zip(sa_, sb_)])), "jaccard": float(np.mean(jac)),
                         "mean_kappa": float(np.mean(kappas)) if kappas else float("nan")})
        return pd.DataFrame(rows, columns=["annotator_a", "annotator_b", "items", "exact", "jaccard", "mean_kappa"])

    def export(self, path: str | os.PathLike[str], ids: Sequence[Any], texts: Sequence[Any], *,
               format: str = "list") -> tuple[Path, int]:
        """Write the items that have a gold answer (:meth:`gold`, current texts only) to ``path``.

        The file is CSV, or Parquet / JSON Lines by extension, with ``id``, ``text`` and either a ``labels``
        list column (``format="list"``; ``|``-joined in CSV) or one 0/1 column per label (``"onehot"``).
        Returns the path and the number of items.
        """
        from .._atomic import atomic_path

        if format not in EXPORT_FORMATS:
            raise InputError(f"format: expected one of {list(EXPORT_FORMATS)}, got {format!r}")
        if len(ids) != len(texts):
            raise InputError(f"texts: expected one text per id ({len(ids)}), got {len(texts)}")
        gold = self.gold(ids, {str(i): text_version(t) for i, t in zip(ids, texts)})
        keep = [d for d, g in enumerate(gold) if g is not None]
        df = pd.DataFrame({"id": [str(ids[d]) for d in keep], "text": [str(texts[d]) for d in keep]})
        out = Path(path)
        suffix = out.suffix.lower()
        if format == "list":
            sets = [list(gold[d] or []) for d in keep]
            df["labels"] = ["|".join(s) for s in sets] if suffix not in (".parquet", ".jsonl", ".json") else sets
        else:
            for name in self.labels:
                df[name] = [int(name in (gold[d] or [])) for d in keep]
        with atomic_path(out) as tmp:
            if suffix == ".parquet":
                df.to_parquet(tmp, index=False)
            elif suffix in (".jsonl", ".json"):
                df.to_json(tmp, orient="records", lines=True, force_ascii=False)
            else:
                df.to_csv(tmp, index=False)
        return out, len(keep)
