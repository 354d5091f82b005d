"""Label models: combine LF votes into probabilistic labels.

All follow one contract (:class:`BaseLabelModel`): ``fit(L, y=None)`` returns
self, ``predict_proba(L)`` gives (n, k) rows summing to 1, ``predict`` breaks ties
by ``tie_break_policy``. ``LabelModel`` names the recommended default.
"""

from ..exceptions import ConvergenceWarning, LabelModelWarning
from .anchors import CrowdKitModel, HyperLM  # optional peers: their packages load only when fitted
from .base import TIE_BREAK_POLICIES, BaseLabelModel, accuracy_weights, probs_to_preds
from .dawid_skene import DawidSkene
from .label_model import LabelModel
from .majority import MajorityVote
from .registry import MODELS, make_model
from .select import AUTO_CANDIDATES, ModelSelection, select_model
from .snorkel import SnorkelLabelModel
from .triplets import TripletModel
from .weighted import WeightedMajorityVote

__all__ = ["AUTO_CANDIDATES", "ModelSelection", "select_model",
           "BaseLabelModel", "accuracy_weights", "ConvergenceWarning", "CrowdKitModel", "DawidSkene", "HyperLM",
           "LabelModel", "LabelModelWarning",
           "MajorityVote", "SnorkelLabelModel", "TIE_BREAK_POLICIES", "TripletModel", "WeightedMajorityVote",
           "MODELS", "make_model", "probs_to_preds"]
