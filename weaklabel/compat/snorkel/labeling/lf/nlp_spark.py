"""Spark NLP LFs: :class:`SparkNLPLabelingFunction` and ``@spark_nlp_labeling_function``.

The same LFs over ``x.doc`` as :mod:`.nlp`, for data points that are PySpark ``Row`` objects
(read-only): their spaCy preprocessor is made Spark-aware, so it returns a new ``Row`` with
the parse in ``doc_field`` rather than setting an attribute. The Spark class keeps a parser
of its own, apart from :class:`~.nlp.NLPLabelingFunction`'s.
"""

from __future__ import annotations

from ...preprocess.nlp import SpacyPreprocessor
from ...preprocess.spark import make_spark_preprocessor
from .nlp import BaseNLPLabelingFunction, SpacyPreprocessorParameters, base_nlp_labeling_function


class SparkNLPLabelingFunction(BaseNLPLabelingFunction):
    """:class:`~.nlp.NLPLabelingFunction` for PySpark rows (its parameters, and the same ``x.doc``).

    Examples
    --------
    >>> def has_person(x):  # doctest: +SKIP
    ...     return 0 if any(e.label_ == "PERSON" for e in x.doc.ents) else -1
    >>> from pyspark.sql import Row  # doctest: +SKIP
    >>> SparkNLPLabelingFunction(name="has_person", f=has_person)(Row(text="Jane Doe acted well."))  # doctest: +SKIP
    0
    """

    @classmethod
    def _create_preprocessor(cls, parameters: SpacyPreprocessorParameters) -> SpacyPreprocessor:
        preprocessor = SpacyPreprocessor(**parameters._asdict())
        make_spark_preprocessor(preprocessor)       # Row in, a new Row with the doc out
        return preprocessor


class spark_nlp_labeling_function(base_nlp_labeling_function):  # noqa: N801 - Snorkel's name
    """Decorator: ``@spark_nlp_labeling_function()`` makes a :class:`SparkNLPLabelingFunction`."""

    _lf_cls = SparkNLPLabelingFunction


__all__ = ["SparkNLPLabelingFunction", "spark_nlp_labeling_function"]
