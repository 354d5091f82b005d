"""Label models: combine LF votes into probabilistic labels.

All follow one contract (:class:`BaseLabelModel`): ``fit(L, y=None)`` returns
self, ``predict_proba(L)`` gives (n, k) rows summing to 1, ``predict`` breaks ties
by ``tie_break_policy``. ``LabelModel`` names the recommended default.
"""

from .base import TIE_BREAK_POLICIES, BaseLabelModel, accuracy_weights, probs_to_preds
from .dawid_skene import ConvergenceWarning, DawidSkene
from .guardrails import LabelModelWarning
from .majority import MajorityVote
from .snorkel import SnorkelLabelModel
from .triplets import TripletModel
from .weighted import WeightedMajorityVote


class LabelModel(DawidSkene):
    """The recommended default label model.

    Currently a one-coin :class:`DawidSkene` that models abstains: one accuracy
    per LF plus P(LF fires | y). With a single accuracy per LF it stays robust
    when LFs are correlated or unipolar, where a full confusion matrix per LF
    overfits (on the spam suite in ``lfs/spam.py`` the full model drifts to a
    wrong class balance and loses to majority vote; one-coin does not). Gold rows
    passed to ``fit(L, y)`` are observed labels with weight 1: experts label rows a
    queue chose from the votes, and only unweighted rows keep that selection
    ignorable (up-weighting queue-chosen rows flipped the youtube model from 85%
    to 54% train accuracy in ``weaklabel bench review``). With 50 or more gold
    rows drawn at random, a cross-validated correction fitted on them
    (``gold_correction``) repairs LF weights that EM got wrong; pass
    ``gold_correction=None`` for queue-chosen rows. What it
    is may improve between releases; its contract will not. Parameters and
    attributes: see :class:`DawidSkene`.
    """

    def __init__(self, *, cardinality: int | None = None, class_balance=None,
                 confusion: str = "one_coin", model_abstains: bool = True, max_iter: int = 100,
                 tol: float = 1e-5, smoothing: float = 10.0, gold_weight: float = 1.0,
                 gold_correction: float | str | None = "auto", random_state: int = 0) -> None:
        super().__init__(cardinality=cardinality, class_balance=class_balance, confusion=confusion,
                         model_abstains=model_abstains, max_iter=max_iter, tol=tol,
                         smoothing=smoothing, gold_weight=gold_weight, gold_correction=gold_correction,
                         random_state=random_state)


__all__ = ["BaseLabelModel", "accuracy_weights", "ConvergenceWarning", "DawidSkene", "LabelModel", "LabelModelWarning",
           "MajorityVote", "SnorkelLabelModel", "TIE_BREAK_POLICIES", "TripletModel", "WeightedMajorityVote",
           "probs_to_preds"]
