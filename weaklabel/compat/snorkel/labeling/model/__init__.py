"""``snorkel.labeling.model``: LabelModel and baseline voters."""

from .baselines import MajorityClassVoter, MajorityLabelVoter, RandomVoter
from .label_model import LabelModel

__all__ = ["LabelModel", "MajorityClassVoter", "MajorityLabelVoter", "RandomVoter"]
