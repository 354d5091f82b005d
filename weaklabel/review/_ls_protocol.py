"""What Label Studio's ML-backend protocol asks of a backend.

The webhook actions, the head of a delivery, the refusal, and the interface the server
(``ls_backend.make_app``) calls.
"""

from __future__ import annotations

from typing import Any, Protocol

ANNOTATION_ACTIONS = ("ANNOTATION_CREATED", "ANNOTATION_UPDATED", "ANNOTATIONS_CREATED")
DELETE_ACTIONS = ("ANNOTATIONS_DELETED", "ANNOTATION_DELETED")


def delivery_head(payload: Any, ls_project_id: int | None) -> tuple[Any, Any]:
    """Return (action, Label Studio project id) of a webhook delivery.

    A body that is not a JSON object, or an annotation delivery from a project other than
    ``ls_project_id``, is refused (:class:`WebhookRejected`).
    """
    if not isinstance(payload, dict):
        raise WebhookRejected(f"webhook body: expected a JSON object, got {type(payload).__name__}")
    action = payload.get("action")
    project = payload.get("project")
    pid = project.get("id") if isinstance(project, dict) else project
    if action in DELETE_ACTIONS + ANNOTATION_ACTIONS and ls_project_id is not None and str(pid) != str(ls_project_id):
        raise WebhookRejected(f"webhook from Label Studio project {pid!r}; this backend serves project "
                              f"{ls_project_id} (point that project's webhook elsewhere)")
    return action, pid


class ModelBackend(Protocol):
    """What the server needs of a backend.

    :class:`Backend` (classes) and :class:`~weaklabel.review.ls_span_backend.SpanBackend` (spans) both
    are one.
    """

    sess: Any

    def health(self) -> dict[str, Any]: ...
    def configure(self, label_config: Any) -> None: ...
    def predict(self, tasks: list[dict[str, Any]]) -> dict[str, Any]: ...
    def webhook(self, payload: dict[str, Any]) -> dict[str, Any]: ...
    def train(self) -> dict[str, Any]: ...


class WebhookRejected(ValueError):
    """A webhook this backend refuses (another project, an unknown row): answered 422 with the reason."""
