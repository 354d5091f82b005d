"""Typed records the review sessions hand to the app, the benches and the tests."""

from __future__ import annotations

from dataclasses import dataclass


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
