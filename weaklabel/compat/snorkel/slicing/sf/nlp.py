"""Slicing functions over a spaCy parse (their own shared parser, as in Snorkel)."""

from ...labeling.lf.nlp import BaseNLPLabelingFunction, base_nlp_labeling_function
from .core import SlicingFunction


class NLPSlicingFunction(BaseNLPLabelingFunction, SlicingFunction):
    """A slicing function over ``x.doc``, a spaCy parse of ``x.text``."""


class nlp_slicing_function(base_nlp_labeling_function):  # noqa: N801 - Snorkel's name
    """Decorator: ``@nlp_slicing_function()`` makes an :class:`NLPSlicingFunction`."""

    _lf_cls = NLPSlicingFunction


__all__ = ["NLPSlicingFunction", "nlp_slicing_function"]
