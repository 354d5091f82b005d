"""A Label Studio ML backend (``weaklabel ls serve``).

Live label-model predictions, and expert annotations flowing back into the store.

It speaks Label Studio's ML backend protocol: ``GET /health``, ``POST /setup``,
``POST /predict`` (``{"tasks": [...]}`` -> ``{"results": [prediction, ...]}``) and
``POST /webhook`` (annotation created, updated or deleted). Every request must carry the
shared secret as HTTP Basic auth (Label Studio's "Basic auth" connection setting; any
user name) or as ``Authorization: Bearer <secret>`` (webhook headers); ten wrong secrets in a
minute lock that client out for the minute. It binds 127.0.0.1 unless told otherwise, and runs
on waitress, with a bounded worker pool, timeouts and a body cap: four JSON endpoints need no
web framework, but a hand-rolled server cannot hold up to slow or hostile clients.
"""

from __future__ import annotations

import base64
import hmac
import json
import threading
import time
from collections.abc import Callable
from http import HTTPStatus
from typing import Any, cast

import numpy as np
import pandas as pd

from ..exceptions import InputError, OptionalDependencyError
from ..io.labelstudio import SOURCE_KEY, _Resolver, _source, annotation_meta, is_prediction_copy, read_controls
from ..labels import ABSTAIN
from ._ls_protocol import ANNOTATION_ACTIONS, DELETE_ACTIONS, ModelBackend, WebhookRejected, delivery_head
from .access import Throttle
from .session import ReviewSession


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
        Without it, a delivery is keyed by the project it names (``ls:<its id>``), as
        ``ls pull`` keys it, so a pull and the webhooks never hold one annotation twice.
    fetch_users : callable, optional
        Returns Label Studio's user id -> email map; asked when a delivery names a user id
        the map lacks (at most once a minute), so webhooks store the email, as pulls do.
    """

    def __init__(self, session: ReviewSession, *, origin: str = "ls:default",
                 annotator_map: dict[str, str] | None = None, from_name: str = "label",
                 to_name: str | None = None, ls_project_id: int | None = None,
                 fetch_users: Callable[[], dict[str, str]] | None = None) -> None:
        self.sess = session
        self.origin = origin
        self.ls_project_id = ls_project_id
        self.resolver = _Resolver(session.labels.names, None, annotator_map)
        self.fetch_users = fetch_users
        self._users_asked = -float("inf")
        self.values: dict[str, str] = {}     # label -> its value in the project's config (configure)
        self.field: str | None = None        # the task field the config's text object shows
        self._config: str | None = None      # the config last read
        self.from_name = from_name
        self.to_name = to_name or session.project.text_column or "text"
        self.lock = threading.Lock()
        self.since_refit = 0

    def health(self) -> dict[str, Any]:
        """Label Studio's health check."""
        return {"status": "UP", "model_class": "weaklabel", "model_version": self.sess.model_version}

    def configure(self, label_config: Any) -> None:
        """Follow the project's labeling config (sent with /setup and /predict).

        Predictions go to its Choices control with its values (aliases too), and a task made in Label Studio
        is read from the field its text object shows.
        """
        if not isinstance(label_config, str) or not label_config.strip() or label_config == self._config:
            return   # every webhook carries the config: read it when it changes
        self._config = label_config
        found = read_controls(label_config, self.sess.labels.names)
        if found is None:
            return
        with self.lock:   # predictions read these under the same lock
            self.from_name, self.to_name = found["from_name"], found["to_name"] or self.to_name
            self.values = found["values"]
            self.field = found["field"]
            for name, value in found["values"].items():   # an alias in results maps back to its label
                self.resolver.label_map.setdefault(value, name)

    def _votes_for(self, data: dict[str, Any]) -> np.ndarray:
        """LF votes for one task.

        The project's row when ``data.row_id`` names one, else the LFs applied to the task's own data (a
        task created in Label Studio).
        """
        rid = data.get("row_id")
        if rid is not None and str(rid) in self.sess._row_pos:
            return cast("np.ndarray", self.sess.L.votes[self.sess._row_pos[str(rid)]])
        from ..apply import apply_lfs

        row = {k: v for k, v in data.items() if k != "row_id"}
        text = self.sess.project.text_column or "text"
        if self.field and self.field in row and text not in row:   # the team's own field name
            row[text] = row[self.field]
        frame = pd.DataFrame([row])
        L = apply_lfs(self.sess.suite.lfs, frame, label_space=self.sess.labels, fault_tolerant=True, cache=None)
        return cast("np.ndarray", L.votes[0])

    def predict(self, tasks: list[dict[str, Any]]) -> dict[str, Any]:
        """Predictions for Label Studio's tasks: the class, its probability and the LF votes."""
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
                                            "type": "choices", "value": {"choices": [self.values.get(
                                                self.sess.labels.names[c], self.sess.labels.names[c])]}}],
                                # extra keys are the model's explanation: probabilities and LF votes
                                "probabilities": {n: round(float(p), 4) for n, p in zip(self.sess.labels.names,
                                                                                        probs)},
                                "lf_votes": fired})
        return {"results": results, "model_version": version}

    def webhook(self, payload: dict[str, Any]) -> dict[str, Any]:
        """Store what one Label Studio webhook reports.

        Deliveries may come twice, late or out of order: they are ordered by the annotation's ``updated_at``
        and id, and a stale one changes nothing (``{"stale": 1}``). A delivery from another Label Studio
        project, or for a row this project does not have, is refused with :class:`WebhookRejected`.
        """
        action, pid = delivery_head(payload, self.ls_project_id)
        store = self.sess.store
        if action == "START_TRAINING":   # the "Start Training" button
            return self.train()
        if action not in DELETE_ACTIONS + ANNOTATION_ACTIONS:
            return {"ignored": action}
        project = payload.get("project")
        ann, task = payload.get("annotation") or {}, payload.get("task") or {}
        if pid is None and isinstance(task, dict):
            pid = task.get("project")
        origin = self.origin if self.ls_project_id is not None or pid in (None, "") else f"ls:{pid}"
        if action in DELETE_ACTIONS:
            ids = [a.get("id") for a in payload.get("annotations", [])] or [payload.get("annotation", {}).get("id")]
            with self.lock:
                done = store.retract_external([f"{origin}:{i}" for i in ids if i is not None])
            return {"retracted": done}
        if isinstance(project, dict):   # the delivery carries the project's config
            self.configure(project.get("label_config"))
        if isinstance(ann, list):   # a bulk action ("Create Annotations From Predictions"): lists
            tasks = {t.get("id"): t for t in task if isinstance(t, dict)} if isinstance(task, list) else {}
            found = [self._delivery(a, tasks.get(a.get("task"), {}), origin, strict=False)
                     for a in ann if isinstance(a, dict)]
        else:
            found = [self._delivery(ann, task if isinstance(task, dict) else {}, origin, strict=True)]
        ignored = [what for kind, what in found if kind == "ignored"]
        if len(found) == 1 and ignored:
            return {"ignored": ignored[0]}
        skips = [what for kind, what in found if kind == "skip"]
        records = [what for kind, what in found if kind == "record"]
        with self.lock:
            done = sum(store.retract_external([key], version=version) for key, version in skips)
            if not records:
                return {"retracted": done} if len(found) == 1 else {"retracted": done, "ignored": len(ignored)}
            counts = store.import_external(records, origin=origin, retract_missing=False, ordered=True)
            self.since_refit += counts["added"] + counts["updated"]
            refit = None
            if self.since_refit >= self.sess.project.refit_every:
                refit = self.sess.refit()
                self.since_refit = 0
        extra = {"ignored": len(ignored), "retracted": counts["retracted"] + done} if len(found) > 1 else {}
        return {**counts, **extra, "refit": refit is not None}

    def _delivery(self, ann: dict[str, Any], task: dict[str, Any], origin: str, *,
                  strict: bool) -> tuple[str, Any]:
        """Return what one delivered annotation means.

        ("record", a store record), ("skip", (external id, version)) or ("ignored", why). An unknown row is
        refused when ``strict`` (one delivery).
        """
        data = task.get("data") or {}
        if data.get("row_id") is None or str(data["row_id"]) == "":   # row 0 is a row
            return "ignored", "not a weaklabel task"
        version = str(ann.get("updated_at") or ann.get("created_at") or "")
        if ann.get("was_cancelled"):
            # skipped, possibly after a label: that annotation's label is no longer in force
            if ann.get("id") is None:
                return "ignored", "a skip without an annotation id"
            return "skip", (f"{origin}:{ann['id']}", version)
        if is_prediction_copy(ann):
            return "ignored", "a copy of a model's prediction, made without an expert's look"
        if str(data["row_id"]) not in self.sess._row_pos:
            if not strict:
                return "ignored", "not a row of this project"
            raise WebhookRejected(f"task {task.get('id')!r}: row_id {str(data['row_id'])[:80]!r} is not a row of "
                                  "this weaklabel project; nothing was stored")
        labels = [c for r in ann.get("result") or [] if r.get("type") == "choices"
                  for c in (r.get("value") or {}).get("choices") or []]
        if len(labels) != 1:
            return "ignored", f"{len(labels)} choices"
        return "record", {"row_id": str(data["row_id"]), "label": self.resolver.label(labels[0], "webhook"),
                          "annotator": self._annotator(ann.get("completed_by")), "external_id": ann.get("id"),
                          "version": version, "source": _source(task.get("meta"), data),
                          "meta": annotation_meta(ann)}

    def _annotator(self, who: Any) -> str:
        """Return the expert behind ``completed_by``: their email where Label Studio says it."""
        name = self.resolver.annotator(who, "webhook")
        if name.startswith("ls-user-") and self.fetch_users is not None \
                and time.monotonic() - self._users_asked > 60:
            self._users_asked = time.monotonic()
            try:
                self.resolver.users.update(self.fetch_users())
            except Exception:  # noqa: BLE001 - Label Studio unreachable: the id stands; a pull renames it
                return name
            name = self.resolver.annotator(who, "webhook")
        return name

    def train(self) -> dict[str, Any]:
        """Refit on every label in the store now (Label Studio's "Start Training")."""
        with self.lock:
            self.sess.refit()
            self.since_refit = 0
        return {"refit": True, "model_version": f"weaklabel-{self.sess.model_version}"}


MIN_SECRET_LENGTH = 16
PATH_SECRET = "/s/"   # a backend URL ending in /s/SECRET carries the secret in every request's path


def check_secret(secret: str, name: str = "secret") -> bytes:
    """Return the shared secret as bytes, refused when short or repetitive enough to guess.

    ``name`` is what the error calls it.
    """
    if not isinstance(secret, str) or len(secret) < MIN_SECRET_LENGTH or len(set(secret)) < 8:
        raise InputError(f"{name}: expected at least {MIN_SECRET_LENGTH} characters, 8 of them different, got "
                         f"{len(secret) if isinstance(secret, str) else type(secret).__name__} characters; make one "
                         'with python -c "import secrets; print(secrets.token_urlsafe(24))"')
    return secret.encode()


def _given_secret(environ: dict[str, Any]) -> bytes:
    """Return the secret a request carries in its Authorization header (Basic's password, or Bearer)."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    if auth.startswith("Basic "):
        try:
            return base64.b64decode(auth[6:]).split(b":", 1)[-1]
        except ValueError:
            return b""
    return auth[7:].encode() if auth.startswith("Bearer ") else b""


def _answer_post(backend: ModelBackend, route: str, body: dict[str, Any]) -> tuple[int, Any] | None:
    """(status, body) for a POST to ``route``; None for a route the backend does not have."""
    if route == "/setup":
        backend.configure(body.get("schema"))
        return 200, {"model_version": f"weaklabel-{backend.sess.model_version}"}
    if route == "/predict":
        backend.configure(body.get("label_config"))
        return 200, backend.predict(body.get("tasks") or [])
    if route == "/webhook":
        return 200, backend.webhook(body)
    if route == "/train":   # Label Studio before webhooks carried START_TRAINING
        return 201, backend.train()
    return None


def make_app(backend: ModelBackend, secret: str, *, guard: Throttle | None = None) -> Callable[..., Any]:
    """Return the backend as a WSGI application that answers only requests carrying ``secret``."""
    expected = check_secret(secret)
    guard = guard or Throttle(limit=10, window=60.0, lockout=60.0, total=None)   # 10 wrong a minute: locked

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        def reply(code: int, body: Any, extra: list[tuple[str, str]] | None = None) -> list[bytes]:
            raw = json.dumps(body).encode()
            start_response(f"{code} {HTTPStatus(code).phrase}", [
                ("Content-Type", "application/json"), ("Content-Length", str(len(raw))), *(extra or [])])
            return [raw]

        client = environ.get("REMOTE_ADDR", "?")
        wait = guard.wait(client)
        if wait:
            return reply(429, {"error": f"too many wrong secrets from {client}; try again in {wait:.0f} s"},
                         [("Retry-After", str(int(wait) + 1))])
        route, method = environ.get("PATH_INFO", "/"), environ.get("REQUEST_METHOD", "GET")
        # Label Studio's own webhook (made when the backend is connected) sends no auth header: the
        # secret may lead the path instead (backend URL http://host:9090/s/SECRET), for every route
        in_path = False
        if route.startswith(PATH_SECRET):
            given, _, rest = route[len(PATH_SECRET):].partition("/")
            in_path = hmac.compare_digest(given.encode(), expected)
            route = "/" + rest
        if not (in_path or hmac.compare_digest(_given_secret(environ), expected)):
            guard.failed(client)
            return reply(401, {"error": "unauthorized: send the shared secret"})
        if method == "GET":
            if route in ("/health", "/"):
                return reply(200, backend.health())
            if route == "/metrics":   # as Label Studio's ML SDK answers
                return reply(200, {})
            return reply(404, {"error": f"no such endpoint {route}"})
        if method != "POST":
            return reply(405, {"error": f"{method} is not supported; use GET or POST"})
        try:
            n = int(environ.get("CONTENT_LENGTH") or 0)
            answer = _answer_post(backend, route, json.loads(environ["wsgi.input"].read(n) or b"{}") if n > 0 else {})
        except WebhookRejected as exc:
            return reply(422, {"error": str(exc)})
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
            return reply(400, {"error": f"bad request: {exc}"})
        except Exception as exc:  # noqa: BLE001 - report, do not kill the server
            return reply(500, {"error": f"{type(exc).__name__}: {exc}"})
        return reply(*answer) if answer is not None else reply(404, {"error": f"no such endpoint {route}"})

    return app


class BackendServer:
    """The backend behind waitress, a production WSGI server.

    A fixed pool of ``threads`` workers (a slow or half-open connection holds no worker), idle
    connections closed after ``timeout`` seconds, at most ``connection_limit`` connections and
    ``max_body`` bytes per request (a missing or negative Content-Length cannot skip it).
    """

    def __init__(self, app: Callable[..., Any], *, address: str, port: int, threads: int = 4,
                 timeout: int = 30, connection_limit: int = 4000, max_body: int = 50_000_000) -> None:
        try:
            from waitress.server import create_server
        except ImportError as e:
            raise OptionalDependencyError("weaklabel ls serve runs on waitress: pip install "
                                          "'weaklabel[labelstudio]'") from e
        _raise_open_files_limit(connection_limit + 64)
        # poll(), not select(): select cannot watch descriptors past 1024
        self._srv = create_server(app, host=address, port=port, threads=threads, channel_timeout=timeout,
                                  connection_limit=connection_limit, max_request_body_size=max_body,
                                  asyncore_use_poll=True,
                                  cleanup_interval=max(1, timeout // 2), ident="weaklabel-ml-backend",
                                  expose_tracebacks=False)
        self.server_address = (address, int(self._srv.effective_port))
        self._serving, self._stopped = threading.Event(), threading.Event()

    def serve_forever(self) -> None:
        """Serve until :meth:`shutdown`."""
        self._serving.set()
        try:
            self._srv.run()
        finally:
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop serving: close every socket from inside the server's loop, which then ends."""
        def stop() -> None:
            for obj in list(self._srv._map.values()):
                obj.close()
        if self._serving.is_set() and not self._stopped.is_set():
            try:
                self._srv.trigger.pull_trigger(stop)
            except OSError:   # the loop closed its trigger already: it has stopped, or is stopping
                pass
            else:
                self._stopped.wait(10)
        self._srv.task_dispatcher.shutdown()

    def server_close(self) -> None:
        """Close the listening socket of a server that is not serving (after :meth:`shutdown`, a no-op)."""
        if not self._serving.is_set():
            self._srv.close()
            self._srv.task_dispatcher.shutdown()


def _raise_open_files_limit(wanted: int) -> None:
    """Raise this process's soft limit on open files towards ``wanted`` (within the hard limit).

    Many slow clients then cost sockets, not refused connections for everyone.
    """
    try:
        import resource
    except ImportError:  # Windows: no such limit to raise
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def make_server(backend: ModelBackend, secret: str, *, address: str = "127.0.0.1", port: int = 9090,
                threads: int = 4, timeout: int = 30, guard: Throttle | None = None) -> BackendServer:
    """Make a server for ``backend`` that answers only requests carrying ``secret``.

    See :class:`BackendServer` for the limits, :func:`check_secret` for the secret.
    """
    return BackendServer(make_app(backend, secret, guard=guard), address=address, port=port, threads=threads,
                         timeout=timeout)


__all__ = ["Backend", "BackendServer", "SOURCE_KEY", "WebhookRejected", "check_secret", "make_app", "make_server"]
