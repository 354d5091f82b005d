"""LFs with a built-in spaCy preprocessor (``snorkel.labeling.lf.nlp``).

As in Snorkel, all NLP LFs of one class share one :class:`SpacyPreprocessor` (so a
text is parsed once for all of them, memoized by default), and creating one with
different spaCy settings is an error rather than a second, silently different parse.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, ClassVar, NamedTuple

from ...preprocess.core import BasePreprocessor
from ...preprocess.nlp import EN_CORE_WEB_SM, SpacyPreprocessor
from ...types import HashingFunction
from .core import LabelingFunction, labeling_function


class SpacyPreprocessorParameters(NamedTuple):
    """The settings of a shared :class:`SpacyPreprocessor`."""

    text_field: str
    doc_field: str
    language: str
    disable: list[str] | None
    pre: list[BasePreprocessor]
    memoize: bool
    memoize_key: HashingFunction | None
    gpu: bool


class SpacyPreprocessorConfig(NamedTuple):
    """A shared preprocessor and the settings it was built with."""

    nlp: SpacyPreprocessor
    parameters: SpacyPreprocessorParameters


class BaseNLPLabelingFunction(LabelingFunction):
    """An LF whose data point carries a parsed ``doc`` (shared parser per class)."""

    _nlp_config: ClassVar[SpacyPreprocessorConfig]

    @classmethod
    def _create_preprocessor(cls, parameters: SpacyPreprocessorParameters) -> SpacyPreprocessor:
        return SpacyPreprocessor(**parameters._asdict())

    @classmethod
    def _create_or_check_preprocessor(cls, *args: Any) -> None:
        parameters = SpacyPreprocessorParameters(*args)
        if "_nlp_config" not in cls.__dict__:
            cls._nlp_config = SpacyPreprocessorConfig(cls._create_preprocessor(parameters), parameters)
        elif parameters != cls._nlp_config.parameters:
            raise ValueError(f"{cls.__name__} already configured with different parameters: "
                             f"{cls._nlp_config.parameters}; all {cls.__name__}s of a process share one "
                             "spaCy preprocessor, so give them the same text_field, doc_field, language, "
                             "disable, pre, memoize and gpu")

    def __init__(self, name: str, f: Callable[..., int], resources: Mapping[str, Any] | None = None,
                 pre: list[BasePreprocessor] | None = None, text_field: str = "text", doc_field: str = "doc",
                 language: str = EN_CORE_WEB_SM, disable: list[str] | None = None, memoize: bool = True,
                 memoize_key: HashingFunction | None = None, gpu: bool = False, *,
                 preprocessors: list[BasePreprocessor] | None = None) -> None:
        # ``preprocessors=`` is the later Snorkel spelling of ``pre=``.
        pre = pre if pre is not None else preprocessors
        self._create_or_check_preprocessor(text_field, doc_field, language, disable, list(pre or []), memoize,
                                           memoize_key, gpu)
        super().__init__(name, f, resources=resources, pre=[self._nlp_config.nlp])


class NLPLabelingFunction(BaseNLPLabelingFunction):
    """A labeling function over ``x.doc``, a spaCy parse of ``x.text``.

    Examples
    --------
    >>> def has_person(x):  # doctest: +SKIP
    ...     return 0 if any(e.label_ == "PERSON" for e in x.doc.ents) else -1
    >>> lf = NLPLabelingFunction(name="has_person", f=has_person)  # doctest: +SKIP
    """


class base_nlp_labeling_function(labeling_function):  # noqa: N801 - Snorkel's name
    """Decorator for an NLP LF class; subclasses set ``_lf_cls``."""

    _lf_cls: type[BaseNLPLabelingFunction] | None = None

    def __init__(self, name: str | None = None, resources: Mapping[str, Any] | None = None,
                 pre: list[BasePreprocessor] | None = None, text_field: str = "text", doc_field: str = "doc",
                 language: str = EN_CORE_WEB_SM, disable: list[str] | None = None, memoize: bool = True,
                 memoize_key: HashingFunction | None = None, gpu: bool = False, *,
                 preprocessors: list[BasePreprocessor] | None = None) -> None:
        super().__init__(name, resources, pre if pre is not None else preprocessors)
        self.text_field, self.doc_field, self.language = text_field, doc_field, language
        self.disable, self.memoize, self.memoize_key, self.gpu = disable, memoize, memoize_key, gpu

    def __call__(self, f: Callable[..., int]) -> BaseNLPLabelingFunction:
        """Wrap ``f`` as an NLP labeling function."""
        if self._lf_cls is None:
            raise NotImplementedError("_lf_cls must be defined")
        return self._lf_cls(name=self.name or f.__name__, f=f, resources=self.resources, pre=self.pre,
                            text_field=self.text_field, doc_field=self.doc_field, language=self.language,
                            disable=self.disable, memoize=self.memoize, memoize_key=self.memoize_key,
                            gpu=self.gpu)


class nlp_labeling_function(base_nlp_labeling_function):  # noqa: N801 - Snorkel's name
    """Decorator: ``@nlp_labeling_function()`` makes an :class:`NLPLabelingFunction`."""

    _lf_cls = NLPLabelingFunction


__all__ = ["BaseNLPLabelingFunction", "NLPLabelingFunction", "SpacyPreprocessorConfig",
           "SpacyPreprocessorParameters", "base_nlp_labeling_function", "nlp_labeling_function"]
