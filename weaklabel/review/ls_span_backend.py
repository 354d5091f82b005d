"""``weaklabel ls serve`` for span projects: the sequence model's spans as Label Studio
predictions (``labels`` results in character offsets), and annotated spans back through the
webhook, as ``ls pull-spans`` brings them.

It plugs into the same server as the class backend (:func:`weaklabel.review.ls_backend.make_app`:
the shared secret, the throttle, waitress).
"""

from __future__ import annotations

import threading
from typing import Any

from ..io import labelstudio_spans as lss
from ._ls_protocol import ANNOTATION_ACTIONS, DELETE_ACTIONS, WebhookRejected, delivery_head
from .span_session import SpanReviewSession


class SpanBackend:
    """The model side for a span project.

    Parameters
    ----------
    session : SpanReviewSession
    ls_project_id : int, optional
        The Label Studio project served; webhooks from another are refused. Answers are keyed
        ``ls:<project id>:<annotation id>``, as ``ls pull-spans`` keys them.
    users : dict, optional
        Label Studio user id -> email.
    """

    def __init__(self, session: SpanReviewSession, *, ls_project_id: int | None = None,
                 users: dict[str, str] | None = None, from_name: str = "label", to_name: str = "text") -> None:
        self.sess = session
        self.ls_project_id = ls_project_id
        self.users = dict(users or {})
        self.from_name, self.to_name = from_name, to_name
        self.lock = threading.Lock()
        self.since_refit = 0

    def health(self) -> dict[str, Any]:
        return {"status": "UP", "model_class": "weaklabel-spans", "model_version": self.sess.model_version}

    def configure(self, label_config: Any) -> None:
        """Predictions go to the config's first ``Labels`` control and the object it labels."""
        import re

        text = str(label_config or "")
        m = re.search(r'<Labels\b[^>]*\bname="([^"]+)"[^>]*\btoName="([^"]+)"', text)
        if m:
            self.from_name, self.to_name = m.group(1), m.group(2)

    def predict(self, tasks: list[dict[str, Any]]) -> dict[str, Any]:
        """The model's spans for the documents the tasks name (``data.row_id``); a task made in
        Label Studio has no LF votes here, so it gets an empty prediction, not a guess."""
        version = f"weaklabel-{self.sess.model_version}"
        out = []
        for task in tasks:
            data = task.get("data") or {}
            doc = str(data.get(lss.DOC_FIELD, ""))
            if doc not in self.sess._pos:
                out.append({"model_version": version, "score": 0.0, "result": []})
                continue
            i = self.sess._pos[doc]
            with self.sess._lock:
                spans = list(self.sess.model_spans[i])
            made = lss.span_tasks([doc], [self.sess.split.tokens[i]], [spans], texts=[data[self.to_name]]
                                  if isinstance(data.get(self.to_name), str) else None,
                                  model_version=version, from_name=self.from_name, to_name=self.to_name)
            out.append({**made[0]["predictions"][0], "score": 1.0 if spans else 0.0})
        return {"results": out, "model_version": version}

    def webhook(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Store one delivery: an annotation created or updated (a late, older version changes
        nothing), or deleted (retracted)."""
        action, pid = delivery_head(payload, self.ls_project_id)
        if action == "START_TRAINING":
            return self.train()
        if action not in DELETE_ACTIONS + ANNOTATION_ACTIONS:
            return {"ignored": action}
        origin = f"ls:{pid}:"
        store = self.sess.store
        if action in DELETE_ACTIONS:
            ids = [a.get("id") for a in payload.get("annotations", [])] or [(payload.get("annotation") or {}).get("id")]
            with self.lock:
                return {"retracted": store.retract_external([f"{origin}{i}" for i in ids if i is not None])}
        task = payload.get("task") or {}
        ann = payload.get("annotation") or {}
        if not isinstance(task, dict) or not isinstance(ann, dict):
            return {"ignored": "a bulk delivery: run ls pull-spans"}
        data = task.get("data") or {}
        if str(data.get(lss.DOC_FIELD, "")) not in self.sess._pos:
            raise WebhookRejected(f"task {task.get('id')!r}: no document of this project (row_id "
                                  f"{str(data.get(lss.DOC_FIELD))[:80]!r}); nothing was stored")
        if ann.get("was_cancelled"):
            with self.lock:
                return {"retracted": store.retract_external([f"{origin}{ann.get('id')}"])}
        if not isinstance(data.get(lss.TOKENS_FIELD), list):   # a task pushed without its tokens: ours
            data = {**data, lss.TOKENS_FIELD: list(self.sess.split.tokens[self.sess._pos[str(data[lss.DOC_FIELD])]])}
        records = lss.parse_span_export([{**task, "data": data, "annotations": [ann]}], self.sess.types, project=pid,
                                        users=self.users, from_name=self.from_name, text_name=self.to_name)
        with self.lock:
            counts = store.import_external(records, origin=origin, retract_missing=False)
            self.since_refit += counts["added"] + counts["updated"]
            refit = self.since_refit >= self.sess.project.refit_every
            if refit:
                self.sess.refit()
                self.since_refit = 0
        return {**counts, "refit": refit}

    def train(self) -> dict[str, Any]:
        """Refit on every answer in the store now (Label Studio's "Start Training")."""
        with self.lock:
            self.sess.refit()
            self.since_refit = 0
        return {"refit": True, "model_version": f"weaklabel-{self.sess.model_version}"}
