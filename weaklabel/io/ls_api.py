"""A small client for Label Studio's REST API: the calls that `weaklabel ls push/pull` need.

It speaks plain HTTP (the standard library): Label Studio's SDK pulls in OpenCV, NLTK and
a code generator for what are six JSON calls here. Both token kinds work: a personal
access token (a JWT, exchanged for short-lived access tokens and refreshed when one
expires) and a legacy token. The token is never printed.
"""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Sequence
from typing import Any

from ..exceptions import InputError


class LabelStudioError(InputError):
    """Label Studio answered with an error, or could not be reached."""


class LabelStudioAPI:
    """Label Studio at ``url``, authenticated with ``token``.

    Parameters
    ----------
    url : str
        e.g. ``http://127.0.0.1:8080``.
    token : str
        A personal access token (Account & Settings) or a legacy token.
    timeout : float
        Seconds per request.
    """

    def __init__(self, url: str, token: str, *, timeout: float = 60.0) -> None:
        if not url.startswith(("http://", "https://")):
            raise InputError(f"url: expected http(s)://host:port of Label Studio, got {url!r}")
        if not token or not token.strip():
            raise InputError("token: empty; set the Label Studio API token in the environment variable "
                             "named by token_env in weaklabel.toml (default WEAKLABEL_LS_TOKEN)")
        self.url = url.rstrip("/")
        self._token = token.strip()
        self._access: str | None = None
        self.timeout = timeout

    # -- transport --------------------------------------------------------
    def _is_pat(self) -> bool:
        return self._token.count(".") == 2  # a JWT: header.payload.signature

    def _refresh(self) -> str:
        out = self._call("POST", "/api/token/refresh", {"refresh": self._token}, auth=False)
        if not isinstance(out, dict) or "access" not in out:
            raise LabelStudioError("Label Studio did not exchange the personal access token; check that it "
                                   "is current (Account & Settings > Personal Access Token)")
        return str(out["access"])

    def _auth(self) -> str:
        if not self._is_pat():
            return f"Token {self._token}"
        if self._access is None:
            self._access = self._refresh()
        return f"Bearer {self._access}"

    def _call(self, method: str, path: str, body: Any = None, *, params: dict[str, Any] | None = None,
              auth: bool = True, raw: bool = False, timeout: float | None = None) -> Any:
        url = self.url + path + ("?" + urllib.parse.urlencode(params) if params else "")
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if auth:
            headers["Authorization"] = self._auth()
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout or self.timeout) as resp:
                payload = resp.read()
        except urllib.error.HTTPError as exc:
            if exc.code == 401 and auth and self._is_pat() and self._access is not None:
                self._access = None  # an expired access token: refresh once and retry
                return self._call(method, path, body, params=params, auth=auth, raw=raw, timeout=timeout)
            detail = exc.read()[:300].decode(errors="replace")
            raise LabelStudioError(f"Label Studio {method} {path} -> HTTP {exc.code}: {detail}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise LabelStudioError(f"cannot reach Label Studio at {self.url} ({exc}); is it running?") from None
        except http.client.HTTPException as exc:   # IncompleteRead, a bad status line: a cut connection
            raise LabelStudioError(f"Label Studio {method} {path}: the answer broke off ({type(exc).__name__}); "
                                   "nothing was changed, try again") from None
        if raw:
            return payload
        try:
            return json.loads(payload) if payload.strip() else None
        except (ValueError, RecursionError):
            head = "an HTML page" if payload.lstrip()[:1] == b"<" else "not JSON"
            raise LabelStudioError(f"Label Studio {method} {path} answered with {head} (a login or proxy page?); "
                                   "check the URL and token; nothing was changed") from None

    # -- what weaklabel needs --------------------------------------------------
    def get_project(self, project_id: int) -> dict[str, Any] | None:
        """Return the project with this id, or None when Label Studio has none."""
        try:
            out = self._call("GET", f"/api/projects/{int(project_id)}")
        except LabelStudioError as exc:
            if "HTTP 404" in str(exc):
                return None
            raise
        if not isinstance(out, dict) or "id" not in out:
            raise LabelStudioError(f"Label Studio answered GET /api/projects/{project_id} with no project")
        return out

    def projects_titled(self, title: str) -> list[dict[str, Any]]:
        """Every project whose title is exactly ``title``."""
        found = self._call("GET", "/api/projects", params={"title": title, "page_size": 1000})
        items = found.get("results", found) if isinstance(found, dict) else found
        return [p for p in items or [] if isinstance(p, dict) and p.get("title") == title]

    def create_project(self, title: str, label_config: str, description: str = "") -> dict[str, Any]:
        """Create a project with ``label_config``; returns Label Studio's record of it."""
        out = self._call("POST", "/api/projects", {"title": title, "label_config": label_config,
                                                   "description": description})
        if not isinstance(out, dict) or "id" not in out:
            raise LabelStudioError("Label Studio did not return the project it was asked to create")
        return out

    def tasks(self, project_id: int, *, only: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """Every task of a project (all pages).

        ``only`` names the fields wanted (e.g. ``["id", "data"]``): Label Studio then skips annotations and
        predictions, 4x faster per page.
        """
        out: list[dict[str, Any]] = []
        page = 1
        params: dict[str, Any] = {"fields": "task_only", "include": ",".join(only)} if only else {}
        # light pages, fewer round trips (10,000 tasks, loaded machine: 14.7 s at 500 a page, 11.4 s at 2,000)
        size = 2000 if only else 500
        while True:
            try:
                got = self._call("GET", "/api/tasks", params={"project": project_id, "page": page, "page_size": size,
                                                              **params})
            except LabelStudioError as exc:
                if "HTTP 404" in str(exc) and page > 1:  # past the last page
                    break
                raise
            batch = got.get("tasks", []) if isinstance(got, dict) else got
            out += batch
            total = got.get("total") if isinstance(got, dict) else None
            if not batch or len(batch) < size or (total is not None and len(out) >= total):
                break
            page += 1
        return out

    def import_predictions(self, project_id: int, predictions: list[dict[str, Any]]) -> None:
        """Add predictions (``task``, ``result``, ``score``, ``model_version``) in one call."""
        if predictions:
            self._call("POST", f"/api/projects/{project_id}/import/predictions", predictions)

    def update_task_data(self, updates: Sequence[tuple[int, dict[str, Any]]], *, workers: int = 8) -> None:
        """Replace the ``data`` of each ``(task id, data)``.

        Label Studio has no bulk update of task data, so this is one PATCH per task, ``workers`` at a time;
        the first failure is raised once the calls in flight end (the tasks already patched keep their new
        data).
        """
        if not updates:
            return
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=max(1, min(workers, len(updates)))) as pool:
            for _ in pool.map(lambda u: self._call("PATCH", f"/api/tasks/{int(u[0])}", {"data": u[1]}), updates):
                pass

    def import_tasks(self, project_id: int, tasks: list[dict[str, Any]]) -> None:
        """Import ``tasks`` into a project."""
        if tasks:
            self._call("POST", f"/api/projects/{project_id}/import", tasks)

    def delete_project(self, project_id: int) -> None:
        """Delete a project with its tasks and annotations (the Label Studio bench's own)."""
        self._call("DELETE", f"/api/projects/{int(project_id)}")

    def export(self, project_id: int, *, size: int = 0) -> list[dict[str, Any]]:
        """Return the project's full JSON export (tasks with their annotations).

        ``size`` (its tasks plus annotations) lengthens the wait: Label Studio builds the whole
        export before it answers, about 8 ms per annotation (77-85 s for 10,000 on a 2-core
        machine), so a fixed timeout fails the large pulls. An answer that is not one (empty, an
        HTML login or proxy page, other JSON) is an error that says so: read as "no
        annotations", it would retract every label pulled before.
        """
        wait = max(self.timeout, 60.0 + 0.02 * max(int(size), 0))
        raw = self._call("GET", f"/api/projects/{project_id}/export", params={"exportType": "JSON"}, raw=True,
                         timeout=wait)
        where = f"Label Studio's export of project {project_id} at {self.url}"
        head = raw.lstrip()[:1]
        if not head:
            raise LabelStudioError(f"{where} came back empty (an expired session, or a proxy?); nothing imported "
                                   "or retracted")
        if head == b"<":
            raise LabelStudioError(f"{where} came back as HTML, not JSON (a login or proxy page?); check the URL and "
                                   "token; nothing imported or retracted")
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise LabelStudioError(f"{where} is not JSON ({exc}); nothing imported or retracted") from None
        if not isinstance(data, list) or not all(isinstance(t, dict) for t in data):
            raise LabelStudioError(f"{where} is not a list of tasks (got {type(data).__name__}); nothing imported "
                                   "or retracted")
        return data

    def users(self) -> dict[str, str]:
        """User id -> email, to turn ``completed_by`` ids into annotators."""
        return {str(u["id"]): str(u["email"]) for u in self._call("GET", "/api/users") if u.get("email")}
