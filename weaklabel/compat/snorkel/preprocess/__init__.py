"""``snorkel.preprocess``: preprocessors for LFs and SFs."""

from .core import BasePreprocessor, LambdaPreprocessor, Preprocessor, preprocessor

__all__ = ["BasePreprocessor", "LambdaPreprocessor", "Preprocessor", "preprocessor"]
