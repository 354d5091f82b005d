"""Typed records the review sessions hand to the app, the benches and the tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Progress:
    """Where one expert stands in a project.

    Attributes
    ----------
    remaining : int
        Items left in this expert's queue.
    mine : int
        Items this expert has answered (answers in force; a lead's resolutions not counted).
    answered : int
        Items answered by any expert.
    total : int or None
        Items in the project (span and label-set projects; None for class projects, whose
        queue holds only the rows worth a look).
    agreement_with_model : float or None
        Share of this expert's labels the current model predicts (class projects; None before
        the first label).
    """

    remaining: int
    mine: int
    answered: int
    total: int | None = None
    agreement_with_model: float | None = None


@dataclass(frozen=True)
class ReviewItem:
    """One item as the class review app shows it (:meth:`ReviewSession.next_item`).

    Attributes
    ----------
    row_id : object
        The item's id in the project's data.
    content : dict
        Column -> value, the columns the project displays.
    spans : dict
        Column -> ``[(start, end, LF name, class name)]``: where the LFs that voted matched, for
        the templates that can tell (keyword, regex, phrase).
    votes : dict
        LF name -> the class it voted (abstaining LFs left out).
    probs : dict
        Class name -> the current model's probability.
    reason : str or None
        Why the queue put it here ("LFs disagree: ...", "audit: random sample ...").
    source : str
        ``"audit"`` (drawn at random) or ``"queue"``; a label given to it is stored with it.
    seen_after : int or None
        The expert's latest event when it was shown: a decision on it is refused if they decided
        it since, elsewhere (:class:`~weaklabel.review.session.StaleDecision`).
    """

    row_id: Any
    content: dict[str, Any]
    spans: dict[str, list[tuple[int, int, str, str]]]
    votes: dict[str, str]
    probs: dict[str, float]
    reason: str | None
    source: str
    seen_after: int | None = None


@dataclass(frozen=True)
class LabelMove:
    """A row whose label a refit changed: from ``old`` to ``new`` (class names)."""

    row_id: str
    old: str
    new: str


@dataclass(frozen=True)
class RefitInfo:
    """What one refit of a class review session did (:meth:`ReviewSession.refit`, ``history``).

    Attributes
    ----------
    expert_labels : int
        Rows with an expert label in force.
    fitted_on : int
        Of them, the rows the model was fitted on (see ``fit_to_expert_labels``).
    accuracy_on_expert_labels : float or None
        Share of the expert-labeled rows the new model predicts (None without any).
    changed : int
        Rows without an expert label whose label moved.
    back : int
        Of them, rows back to their label before the previous refit.
    changed_rows : tuple of LabelMove
        The most decided moves, at most five.
    """

    expert_labels: int
    fitted_on: int
    accuracy_on_expert_labels: float | None
    changed: int
    back: int
    changed_rows: tuple[LabelMove, ...]
