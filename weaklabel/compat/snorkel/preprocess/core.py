"""Preprocessors (``snorkel.preprocess``): mappers run before an LF or SF."""

from ..map.core import BaseMapper, LambdaMapper, Mapper, lambda_mapper

BasePreprocessor = BaseMapper
Preprocessor = Mapper
LambdaPreprocessor = LambdaMapper


class preprocessor(lambda_mapper):  # noqa: N801 - Snorkel's name
    """Decorator: ``@preprocessor(memoize=...)`` turns ``f(x) -> x`` into a preprocessor.

    Examples
    --------
    >>> @preprocessor()
    ... def add_length(x):
    ...     x.length = len(x.text)
    ...     return x
    """


__all__ = ["BasePreprocessor", "LambdaPreprocessor", "Preprocessor", "preprocessor"]
