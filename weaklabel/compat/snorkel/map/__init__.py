"""``snorkel.map``: data point -> data point mappers."""

from .core import BaseMapper, LambdaMapper, Mapper, get_hashable, get_parameters, is_hashable, lambda_mapper

__all__ = ["BaseMapper", "LambdaMapper", "Mapper", "get_hashable", "get_parameters", "is_hashable",
           "lambda_mapper"]
