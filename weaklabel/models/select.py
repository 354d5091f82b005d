"""``--model auto``: choose a label model from the zoo by cross-validated score on gold rows.

Unsupervised, the default (:class:`LabelModel`) is the choice. With gold rows (a dev split,
expert labels drawn at random) the gold can say which model fits this suite: each candidate is
fitted with the gold of all folds but one as partial labels, as it will be used, and scored on
the held-out fold's rows. The best expected accuracy wins; ties go to the lower log-loss, then
to the candidate listed first (the default).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from .._validation import check_gold
from ..exceptions import InputError, LabelModelWarning
from ..matrix import check_label_array

if TYPE_CHECKING:
    import pandas as pd

AUTO_CANDIDATES: tuple[str, ...] = ("label_model", "majority", "weighted_majority", "dawid_skene",
                                    "dawid_skene_one_coin", "triplets")
MIN_GOLD_PER_FOLD = 2


@dataclass
class ModelSelection:
    """What :func:`select_model` chose and why.

    Attributes
    ----------
    name : str
        The chosen model (a key of :data:`weaklabel.models.MODELS`).
    runner_up : str or None
        The next best, None with a single candidate.
    table : DataFrame
        One row per candidate, best first: ``accuracy`` (expected held-out accuracy, ties
        counted fractionally), ``log_loss`` (held-out), ``n_gold``.
    """

    name: str
    runner_up: str | None
    table: pd.DataFrame

    def describe(self) -> str:
        """One line for people: the choice, its score and the runner-up's."""
        t = self.table
        best = f"{self.name} (cross-validated accuracy {t.loc[self.name, 'accuracy']:.3f} on " \
               f"{int(t.loc[self.name, 'n_gold'])} gold rows)"
        if self.runner_up is None:
            return f"model auto: {best}"
        return f"model auto: {best}; runner-up {self.runner_up} ({t.loc[self.runner_up, 'accuracy']:.3f})"


def _expected_accuracy(probs: np.ndarray, y: np.ndarray, tol: float = 1e-5) -> np.ndarray:
    """Per row: 1/t when the gold class is among the t tied top classes, else 0."""
    tied = probs >= probs.max(axis=1, keepdims=True) - tol
    return cast("np.ndarray", tied[np.arange(y.size), y] / tied.sum(axis=1))


def select_model(L: Any, y: Any, *, candidates: tuple[str, ...] = AUTO_CANDIDATES, n_folds: int = 5,
                 random_state: int = 0) -> ModelSelection:
    """Choose a label model by ``n_folds``-fold cross-validation on the gold rows of ``y``.

    Parameters
    ----------
    L : LabelMatrix or ndarray of shape (n_rows, n_lfs)
    y : array-like of shape (n_rows,)
        Gold, -1 = unknown (class names are accepted when ``L`` has a label space).
    candidates : tuple of str
        Model names; the first wins exact ties.
    n_folds : int, default 5
    random_state : int, default 0
        Seed of the fold split and of the models.

    Returns
    -------
    ModelSelection

    Examples
    --------
    >>> from weaklabel.bench.synthetic import sample_L
    >>> L, y = sample_L(600, [0.9, 0.8, 0.7, 0.6], [0.6, 0.6, 0.6, 0.6], [0.5, 0.5], seed=0)
    >>> gold = np.where(np.arange(600) < 100, y, -1)
    >>> select_model(L, gold, candidates=("majority", "label_model")).name
    'label_model'
    """
    import pandas as pd

    from ..matrix import LabelMatrix
    from .registry import MODELS, make_model

    unknown = [c for c in candidates if c not in MODELS]
    if unknown or not candidates:
        raise InputError(f"candidates: expected names from {list(MODELS)}, got {list(candidates)}")
    votes = check_label_array(L)
    label_space = L.label_space if isinstance(L, LabelMatrix) else None
    gold = check_gold(y, votes.shape[0], label_space=label_space)
    known = np.flatnonzero(gold >= 0)
    if n_folds < 2 or known.size < n_folds * MIN_GOLD_PER_FOLD:
        raise InputError(f"y: model 'auto' chooses by {n_folds}-fold cross-validation on gold rows and needs at "
                         f"least {max(n_folds, 2) * MIN_GOLD_PER_FOLD}, got {known.size}; label more rows (a dev "
                         "split, or expert labels) or name a model")
    fold = np.random.default_rng(random_state).permutation(known.size) % n_folds
    hits = {c: np.zeros(known.size) for c in candidates}
    logp = {c: np.zeros(known.size) for c in candidates}
    for f in range(n_folds):
        held = known[fold == f]
        y_fit = gold.copy()
        y_fit[held] = -1
        for name in candidates:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", LabelModelWarning)
                model = make_model(name, random_state=random_state).fit(L, y_fit)
            probs = model.predict_proba(votes[held])
            hits[name][fold == f] = _expected_accuracy(probs, gold[held])
            logp[name][fold == f] = np.log(np.clip(probs[np.arange(held.size), gold[held]], 1e-15, 1.0))
    table = pd.DataFrame({"accuracy": [hits[c].mean() for c in candidates],
                          "log_loss": [-logp[c].mean() for c in candidates],
                          "n_gold": known.size, "order": range(len(candidates))}, index=list(candidates))
    table["accuracy"] = table["accuracy"].round(12)  # equal scores compare equal
    table = table.sort_values(["accuracy", "log_loss", "order"], ascending=[False, True, True]).drop(columns="order")
    table.index.name = "model"
    names = table.index.tolist()
    return ModelSelection(names[0], names[1] if len(names) > 1 else None, table)
