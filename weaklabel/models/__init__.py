"""Label models: combine LF votes into probabilistic labels.

All follow one contract (:class:`BaseLabelModel`): ``fit(L, y=None)`` returns
self, ``predict_proba(L)`` gives (n, k) rows summing to 1, ``predict`` breaks ties
by ``tie_break_policy``. ``LabelModel`` names the recommended default.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import attach

# public name -> the module (under weaklabel.models) that defines it; each loads on first use
_EXPORTS = {
    "ConvergenceWarning": "..exceptions", "LabelModelWarning": "..exceptions",
    "CrowdKitModel": "anchors", "HyperLM": "anchors",
    "TIE_BREAK_POLICIES": "hard_labels", "BaseLabelModel": "base", "accuracy_weights": "base",
    "probs_to_preds": "hard_labels",
    "DawidSkene": "dawid_skene", "LabelModel": "label_model", "MajorityVote": "majority",
    "MODELS": "registry", "make_model": "registry",
    "AUTO_CANDIDATES": "select", "ModelSelection": "select", "select_model": "select",
    "SnorkelLabelModel": "snorkel", "TripletModel": "triplets", "WeightedMajorityVote": "weighted",
}

if TYPE_CHECKING:
    from ..exceptions import ConvergenceWarning, LabelModelWarning
    from .anchors import CrowdKitModel, HyperLM
    from .base import BaseLabelModel, accuracy_weights
    from .dawid_skene import DawidSkene
    from .hard_labels import TIE_BREAK_POLICIES, probs_to_preds
    from .label_model import LabelModel
    from .majority import MajorityVote
    from .registry import MODELS, make_model
    from .select import AUTO_CANDIDATES, ModelSelection, select_model
    from .snorkel import SnorkelLabelModel
    from .triplets import TripletModel
    from .weighted import WeightedMajorityVote

__getattr__, __dir__ = attach(__name__, _EXPORTS)

__all__ = ["AUTO_CANDIDATES", "ModelSelection", "select_model",
           "BaseLabelModel", "accuracy_weights", "ConvergenceWarning", "CrowdKitModel", "DawidSkene", "HyperLM",
           "LabelModel", "LabelModelWarning",
           "MajorityVote", "SnorkelLabelModel", "TIE_BREAK_POLICIES", "TripletModel", "WeightedMajorityVote",
           "MODELS", "make_model", "probs_to_preds"]
