"""What the span and the label-set ML backends share.

Label Studio's webhooks (an annotation created, updated, deleted or cancelled; "Start Training")
stored in the session's answer log, and predictions per task, each task answered by the subclass. It
plugs into the class backend's server (:func:`weaklabel.review.ls_backend.make_app`: the shared
secret, the throttle, waitress).
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from ._answer_session import AnswerSession
from ._ls_protocol import ANNOTATION_ACTIONS, DELETE_ACTIONS, WebhookRejected, delivery_head

DOC_FIELD = "row_id"          # Label Studio's data key for weaklabel's id, for every kind of task


class AnswerBackend:
    """The model side for a project whose answers are whole documents (see the module docstring).

    Parameters
    ----------
    session : AnswerSession
    ls_project_id : int, optional
        The Label Studio project served; webhooks from another are refused. Answers are keyed
        ``ls:<project id>:<annotation id>``, as ``ls pull`` keys them.
    users : dict, optional
        Label Studio user id -> email.
    """

    MODEL_CLASS: ClassVar[str]
    PULL: ClassVar[str]            # the command that imports what a bulk delivery holds

    def __init__(self, session: AnswerSession, *, ls_project_id: int | None = None,
                 users: dict[str, str] | None = None, from_name: str = "label", to_name: str = "text") -> None:
        self.sess = session
        self.ls_project_id = ls_project_id
        self.users = dict(users or {})
        self.from_name, self.to_name = from_name, to_name
        self.lock = threading.Lock()
        self.since_refit = 0

    # -- what a subclass says ---------------------------------------------------
    def configure(self, label_config: Any) -> None:
        """Read ``from_name`` / ``to_name`` off the project's labeling config."""

    def _predict(self, index: int, data: dict[str, Any], version: str) -> dict[str, Any]:
        """Return the prediction for the task of document ``index`` (``data``: the task's data)."""
        raise NotImplementedError

    def _records(self, task: dict[str, Any], ann: dict[str, Any], pid: Any) -> list[dict[str, Any]]:
        """Return the answer-log records of one annotation on one of this project's tasks."""
        raise NotImplementedError

    # -- the protocol ---------------------------------------------------------
    def health(self) -> dict[str, Any]:
        return {"status": "UP", "model_class": self.MODEL_CLASS, "model_version": self.sess.model_version}

    def predict(self, tasks: list[dict[str, Any]]) -> dict[str, Any]:
        """Return the model's answer for the documents the tasks name (``data.row_id``).

        A task made in Label Studio has no LF votes here, so it gets an empty prediction, not a guess.
        """
        version = f"weaklabel-{self.sess.model_version}"
        out = []
        for task in tasks:
            data = task.get("data") or {}
            doc = str(data.get(DOC_FIELD, ""))
            if doc not in self.sess._pos:
                out.append({"model_version": version, "score": 0.0, "result": []})
                continue
            out.append(self._predict(self.sess._pos[doc], data, version))
        return {"results": out, "model_version": version}

    def webhook(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Store one delivery.

        An annotation created or updated (a late, older version changes nothing), or deleted (retracted).
        """
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
            return {"ignored": f"a bulk delivery: run {self.PULL}"}
        data = task.get("data") or {}
        if str(data.get(DOC_FIELD, "")) not in self.sess._pos:
            raise WebhookRejected(f"task {task.get('id')!r}: no document of this project (row_id "
                                  f"{str(data.get(DOC_FIELD))[:80]!r}); nothing was stored")
        if ann.get("was_cancelled"):
            with self.lock:
                return {"retracted": store.retract_external([f"{origin}{ann.get('id')}"])}
        records = self._records(task, ann, pid)
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
