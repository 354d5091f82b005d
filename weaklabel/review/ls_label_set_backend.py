"""``weaklabel ls serve`` for multi-label projects.

The model's label set as a Label Studio prediction (a ``choices`` result on a ``choice="multiple"``
control), and annotated sets back through the webhook, as ``ls pull`` brings them (the protocol:
:mod:`._ls_answer_backend`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..io import labelstudio_multilabel as lsm
from ._ls_answer_backend import AnswerBackend
from .label_set_session import LabelSetReviewSession


class LabelSetBackend(AnswerBackend):
    """The model side for a multi-label project (parameters: :class:`AnswerBackend`)."""

    MODEL_CLASS = "weaklabel-multilabel"
    PULL = "ls pull"
    sess: LabelSetReviewSession

    def __init__(self, session: LabelSetReviewSession, **kwargs: Any) -> None:
        kwargs.setdefault("from_name", "labels")
        super().__init__(session, **kwargs)

    def configure(self, label_config: Any) -> None:
        """Predictions go to the config's first multiple-choice control and the object it labels."""
        found = lsm.multiple_choices(str(label_config or ""))
        if found:
            self.from_name, self.to_name = found[0], found[1]

    def _predict(self, index: int, data: dict[str, Any], version: str) -> dict[str, Any]:  # noqa: ARG002 - base's
        with self.sess._lock:
            p = self.sess.marginals[index].astype(float)
        # the score: how sure the model is of the whole set (the mean certainty over the labels)
        return lsm.prediction(self.sess.model_labels(index), float(np.mean(np.maximum(p, 1 - p))),
                              model_version=version, from_name=self.from_name, to_name=self.to_name)

    def _records(self, task: dict[str, Any], ann: dict[str, Any], pid: Any) -> list[dict[str, Any]]:
        recs = lsm.parse_label_set_export([{**task, "annotations": [ann]}], self.sess.labels, project=pid,
                                          users=self.users, from_name=self.from_name)
        i = self.sess._pos[str((task.get("data") or {}).get(lsm.DOC_FIELD))]
        return [{**r, "doc_version": self.sess.versions[self.sess.ids[i]]} for r in recs]
