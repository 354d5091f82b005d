"""``BaseLabeler``: what every Snorkel-style label model answers."""

from __future__ import annotations

import logging
import pickle
from typing import Any

import numpy as np

from ...analysis import Scorer
from ...utils import probs_to_preds


class BaseLabeler:
    """Abstract label model: ``predict_proba`` plus prediction, scoring, save and load.

    Parameters
    ----------
    cardinality : int, default 2
        Number of classes.
    """

    def __init__(self, cardinality: int = 2, **kwargs: Any) -> None:
        if not isinstance(cardinality, (int, np.integer)) or cardinality < 2:
            raise ValueError(f"cardinality: expected an int >= 2, got {cardinality!r}")
        self.cardinality = int(cardinality)

    def predict_proba(self, L: np.ndarray) -> np.ndarray:
        """Probabilistic labels, shape (n, cardinality)."""
        raise NotImplementedError

    def predict(self, L: np.ndarray, return_probs: bool = False,
                tie_break_policy: str = "abstain") -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """Hard labels; ties broken by ``tie_break_policy`` ("abstain", "random", "true-random")."""
        probs = self.predict_proba(L)
        preds = probs_to_preds(probs, tie_break_policy=tie_break_policy, random_state=self._tie_seed(tie_break_policy))
        return (preds, probs) if return_probs else preds

    def _tie_seed(self, tie_break_policy: str) -> int | None:
        """Return a draw from the generator ``fit(seed=...)`` made, for "true-random" ties.

        None: NumPy's global generator, as Snorkel.
        """
        rng = getattr(self, "_tie_rng", None)
        return int(rng.integers(2**31 - 1)) if rng is not None and tie_break_policy == "true-random" else None

    def score(self, L: np.ndarray, Y: np.ndarray, metrics: list[str] | None = None,
              tie_break_policy: str = "abstain") -> dict[str, float]:
        """Metrics of the predictions on ``L`` against gold ``Y`` (abstains left out, but counted by ``coverage``)."""
        if tie_break_policy == "abstain":
            logging.getLogger(__name__).info("Metrics calculated over data points with non-abstain labels only")
        preds, probs = self.predict(L, return_probs=True, tie_break_policy=tie_break_policy)
        return Scorer(metrics=metrics or ["accuracy"]).score(golds=np.asarray(Y), preds=preds, probs=probs)

    def save(self, destination: str) -> None:
        """Pickle the model's state to ``destination``."""
        with open(destination, "wb") as f:
            pickle.dump(self.__dict__, f)

    def load(self, source: str) -> None:
        """Load a state written by :meth:`save` (only load files you trust: this is pickle)."""
        with open(source, "rb") as f:
            self.__dict__.update(pickle.load(f))


__all__ = ["BaseLabeler"]
