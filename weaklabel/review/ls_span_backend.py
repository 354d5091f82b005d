"""``weaklabel ls serve`` for span projects.

The sequence model's spans as Label Studio predictions (``labels`` results in character offsets),
and annotated spans back through the webhook, as ``ls pull-spans`` brings them (the protocol:
:mod:`._ls_answer_backend`).
"""

from __future__ import annotations

from typing import Any

from ..io import labelstudio_spans as lss
from ._ls_answer_backend import AnswerBackend
from .span_session import SpanReviewSession


class SpanBackend(AnswerBackend):
    """The model side for a span project (parameters: :class:`AnswerBackend`)."""

    MODEL_CLASS = "weaklabel-spans"
    PULL = "ls pull-spans"
    sess: SpanReviewSession

    def configure(self, label_config: Any) -> None:
        """Predictions go to the config's first ``Labels`` control and the object it labels."""
        import re

        text = str(label_config or "")
        m = re.search(r'<Labels\b[^>]*\bname="([^"]+)"[^>]*\btoName="([^"]+)"', text)
        if m:
            self.from_name, self.to_name = m.group(1), m.group(2)

    def _predict(self, index: int, data: dict[str, Any], version: str) -> dict[str, Any]:
        with self.sess._lock:
            spans = list(self.sess.model_spans[index])
        made = lss.span_tasks([self.sess.ids[index]], [self.sess.split.tokens[index]], [spans],
                              texts=[data[self.to_name]] if isinstance(data.get(self.to_name), str) else None,
                              model_version=version, from_name=self.from_name, to_name=self.to_name)
        return {**made[0]["predictions"][0], "score": 1.0 if spans else 0.0}

    def _records(self, task: dict[str, Any], ann: dict[str, Any], pid: Any) -> list[dict[str, Any]]:
        data = task.get("data") or {}
        if not isinstance(data.get(lss.TOKENS_FIELD), list):   # a task pushed without its tokens: ours
            data = {**data, lss.TOKENS_FIELD: list(self.sess.split.tokens[self.sess._pos[str(data[lss.DOC_FIELD])]])}
        return lss.parse_span_export([{**task, "data": data, "annotations": [ann]}], self.sess.types, project=pid,
                                     users=self.users, from_name=self.from_name, text_name=self.to_name)
