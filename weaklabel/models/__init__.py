"""Label models: combine LF votes into probabilistic labels.

All follow one contract (:class:`BaseLabelModel`): ``fit(L, y=None)`` returns
self, ``predict_proba(L)`` gives (n, k) rows summing to 1, ``predict`` breaks ties
by ``tie_break_policy``. ``LabelModel`` names the recommended default.
"""

from .base import TIE_BREAK_POLICIES, BaseLabelModel, probs_to_preds
from .dawid_skene import ConvergenceWarning, DawidSkene
from .majority import MajorityVote


class LabelModel(DawidSkene):
    """The recommended default label model.

    Currently a :class:`DawidSkene` with settings chosen on synthetic recovery
    tests and real benchmarks; what it is may improve between releases, its
    contract will not. Parameters and attributes: see :class:`DawidSkene`.
    """


__all__ = ["BaseLabelModel", "ConvergenceWarning", "DawidSkene", "LabelModel", "MajorityVote",
           "TIE_BREAK_POLICIES", "probs_to_preds"]
