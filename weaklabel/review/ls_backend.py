"""A Label Studio ML backend (``weaklabel ls serve``): live label-model predictions, and
expert annotations flowing back into the store.

It speaks Label Studio's ML backend protocol: ``GET /health``, ``POST /setup``,
``POST /predict`` (``{"tasks": [...]}`` -> ``{"results": [prediction, ...]}``) and
``POST /webhook`` (annotation created, updated or deleted). Every request must carry the
shared secret as HTTP Basic auth (Label Studio's "Basic auth" connection setting; any
user name) or as ``Authorization: Bearer <secret>`` (webhook headers). It binds
127.0.0.1 unless told otherwise, and runs on the standard library's threading HTTP
server: four JSON endpoints need no web framework.
"""

from __future__ import annotations

import base64
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np
import pandas as pd

from ..io.labelstudio import SOURCE_KEY, _Resolver, _source
from ..labels import ABSTAIN
from .session import ReviewSession

ANNOTATION_ACTIONS = ("ANNOTATION_CREATED", "ANNOTATION_UPDATED", "ANNOTATIONS_CREATED")
DELETE_ACTIONS = ("ANNOTATIONS_DELETED", "ANNOTATION_DELETED")


class Backend:
    """The model side: predictions for tasks, and annotations into the store.

    Parameters
    ----------
    session : ReviewSession
    origin : str
        Keys imported annotations (``ls:<origin>:<annotation id>``), as ``ls pull`` does.
    annotator_map : dict, optional
        Label Studio user id -> annotator name.
    ls_project_id : int, optional
        The Label Studio project this backend serves: webhooks from any other are refused.
    """

    def __init__(self, session: ReviewSession, *, origin: str = "ls:default",
                 annotator_map: dict[str, str] | None = None, from_name: str = "label",
                 to_name: str | None = None, ls_project_id: int | None = None) -> None:
        self.sess = session
        self.origin = origin
        self.ls_project_id = ls_project_id
        self.resolver = _Resolver(session.labels.names, None, annotator_map)
        self.from_name = from_name
        self.to_name = to_name or session.project.text_column or "text"
        self.lock = threading.Lock()
        self.since_refit = 0

    def health(self) -> dict[str, Any]:
        return {"status": "UP", "model_class": "weaklabel", "model_version": self.sess.model_version}

    def _votes_for(self, data: dict[str, Any]) -> np.ndarray:
        """LF votes for one task: the project's row when ``data.row_id`` names one, else the
        LFs applied to the task's own data (a task created in Label Studio)."""
        rid = data.get("row_id")
        if rid is not None and str(rid) in self.sess._row_pos:
            return self.sess.L.votes[self.sess._row_pos[str(rid)]]
        from ..apply import apply_lfs

        frame = pd.DataFrame([{k: v for k, v in data.items() if k != "row_id"}])
        return apply_lfs(self.sess.suite.lfs, frame, label_space=self.sess.labels, fault_tolerant=True,
                         cache=None).votes[0]

    def predict(self, tasks: list[dict[str, Any]]) -> dict[str, Any]:
        version = f"weaklabel-{self.sess.model_version}"
        results = []
        with self.lock:
            V = [self._votes_for(task.get("data") or {}) for task in tasks]
            P = self.sess.model.predict_proba(np.vstack(V)) if V else np.zeros((0, self.sess.labels.cardinality))
            for votes, probs in zip(V, P):  # one model call for the whole batch
                c = int(np.argmax(probs))
                fired = {lf.name: self.sess.labels.name(int(v)) for lf, v in zip(self.sess.suite.lfs, votes)
                         if v != ABSTAIN}
                results.append({"model_version": version, "score": float(probs[c]),
                                "result": [{"from_name": self.from_name, "to_name": self.to_name,
                                            "type": "choices", "value": {"choices": [self.sess.labels.names[c]]}}],
                                # extra keys are the model's explanation: probabilities and LF votes
                                "probabilities": {n: round(float(p), 4) for n, p in zip(self.sess.labels.names,
                                                                                        probs)},
                                "lf_votes": fired})
        return {"results": results, "model_version": version}

    def webhook(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Store what one Label Studio webhook reports. Deliveries may come twice, late or out of
        order: they are ordered by the annotation's ``updated_at`` and id, and a stale one
        changes nothing (``{"stale": 1}``). A delivery from another Label Studio project, or
        for a row this project does not have, is refused with :class:`WebhookRejected`."""
        if not isinstance(payload, dict):
            raise WebhookRejected(f"webhook body: expected a JSON object, got {type(payload).__name__}")
        action = payload.get("action")
        store = self.sess.store
        if action not in DELETE_ACTIONS + ANNOTATION_ACTIONS:
            return {"ignored": action}
        project = payload.get("project")
        pid = project.get("id") if isinstance(project, dict) else project
        if self.ls_project_id is not None and str(pid) != str(self.ls_project_id):
            raise WebhookRejected(f"webhook from Label Studio project {pid!r}; this backend serves project "
                                  f"{self.ls_project_id} (point that project's webhook elsewhere)")
        if action in DELETE_ACTIONS:
            ids = [a.get("id") for a in payload.get("annotations", [])] or [payload.get("annotation", {}).get("id")]
            with self.lock:
                done = store.retract_external([f"{self.origin}:{i}" for i in ids if i is not None])
            return {"retracted": done}
        ann, task = payload.get("annotation") or {}, payload.get("task") or {}
        data = task.get("data") or {}
        if ann.get("was_cancelled") or not data.get("row_id"):
            return {"ignored": "cancelled or not a weaklabel task"}
        if str(data["row_id"]) not in self.sess._row_pos:
            raise WebhookRejected(f"task {task.get('id')!r}: row_id {str(data['row_id'])[:80]!r} is not a row of "
                                  "this weaklabel project; nothing was stored")
        labels = [c for r in ann.get("result") or [] if r.get("type") == "choices"
                  for c in (r.get("value") or {}).get("choices") or []]
        if len(labels) != 1:
            return {"ignored": f"{len(labels)} choices"}
        rec = {"row_id": str(data["row_id"]), "label": self.resolver.label(labels[0], "webhook"),
               "annotator": self.resolver.annotator(ann.get("completed_by"), "webhook"),
               "external_id": ann.get("id"), "version": str(ann.get("updated_at") or ann.get("created_at") or ""),
               "source": _source(task.get("meta"), data)}
        with self.lock:
            counts = store.import_external([rec], origin=self.origin, retract_missing=False, ordered=True)
            self.since_refit += counts["added"] + counts["updated"]
            refit = None
            if self.since_refit >= self.sess.project.refit_every:
                refit = self.sess.refit()
                self.since_refit = 0
        return {**counts, "refit": refit is not None}


class WebhookRejected(ValueError):
    """A webhook this backend refuses (another project, an unknown row): answered 422 with the reason."""


def make_server(backend: Backend, secret: str, *, address: str = "127.0.0.1", port: int = 9090) -> ThreadingHTTPServer:
    """An HTTP server for ``backend`` that answers only requests carrying ``secret``."""
    if not secret:
        raise ValueError("secret: a shared secret is required")
    expected = secret.encode()

    class Handler(BaseHTTPRequestHandler):
        server_version = "weaklabel-ml-backend"

        def _authorized(self) -> bool:
            auth = self.headers.get("Authorization", "")
            given = b""
            if auth.startswith("Basic "):
                try:
                    given = base64.b64decode(auth[6:]).split(b":", 1)[-1]
                except ValueError:
                    given = b""
            elif auth.startswith("Bearer "):
                given = auth[7:].encode()
            return hmac.compare_digest(given, expected)

        def _reply(self, code: int, body: Any) -> None:
            raw = json.dumps(body).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def _body(self) -> Any:
            n = int(self.headers.get("Content-Length") or 0)
            if n > 50_000_000:
                raise ValueError("request too large")
            return json.loads(self.rfile.read(n) or b"{}")

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            if not self._authorized():
                return self._reply(401, {"error": "unauthorized: send the shared secret"})
            if self.path.split("?")[0] in ("/health", "/"):
                return self._reply(200, backend.health())
            return self._reply(404, {"error": f"no such endpoint {self.path}"})

        def do_POST(self) -> None:  # noqa: N802
            if not self._authorized():
                return self._reply(401, {"error": "unauthorized: send the shared secret"})
            route = self.path.split("?")[0]
            try:
                body = self._body()
                if route == "/setup":
                    return self._reply(200, {"model_version": f"weaklabel-{backend.sess.model_version}"})
                if route == "/predict":
                    return self._reply(200, backend.predict(body.get("tasks") or []))
                if route == "/webhook":
                    return self._reply(200, backend.webhook(body))
            except WebhookRejected as exc:
                return self._reply(422, {"error": str(exc)})
            except (ValueError, KeyError, TypeError) as exc:
                return self._reply(400, {"error": str(exc)})
            except Exception as exc:  # noqa: BLE001 - report, do not kill the server
                return self._reply(500, {"error": f"{type(exc).__name__}: {exc}"})
            return self._reply(404, {"error": f"no such endpoint {route}"})

        def log_message(self, fmt: str, *args: Any) -> None:  # quiet; errors come back as JSON
            pass

    return ThreadingHTTPServer((address, port), Handler)


__all__ = ["Backend", "SOURCE_KEY", "WebhookRejected", "make_server"]
