"""Multi-label LFs: one LF votes positive, negative or nothing on each label of an item.

An LF is a :class:`~weaklabel.lf.LabelingFunction` as for classes, so ``@labeling_function``
works unchanged: on a multi-label task its function may return

* ``ABSTAIN`` (or ``None``): no vote on any label;
* one label (its index or its name): a positive vote on that label;
* a set, list or tuple of labels: a positive vote on each;
* a mapping ``{label: True | False}``: positive or negative votes, label by label.

The templates here (:func:`keyword_lf`, :func:`regex_lf`, :func:`lexicon_lf`) are the class
templates' multi-label twins: they take a target label set and run over the whole column.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import InputError
from ..lf import LabelingFunction, check_lf_name
from ..templates import _contains, _slug, _with_spans, regex_for_column

ABSTAIN = -1


class MultiLabelLF(LabelingFunction):
    """A vectorized LF that fires on some rows and then votes positive on ``labels``.

    Parameters
    ----------
    name : str
    fires : callable
        ``fires(df) -> bool array`` of shape (n_rows,).
    labels : iterable of str
        The target label set.
    columns : sequence of str
    """

    def __init__(self, name: str, fires: Any, labels: Iterable[str], *, columns: Sequence[str]) -> None:
        targets = tuple(dict.fromkeys(str(x) for x in _as_labels(labels, "labels")))
        super().__init__(name, fires, columns=columns, vectorized=True)
        self.labels = targets

    def __repr__(self) -> str:
        """Show the LF's name and the labels it votes on."""
        return f"MultiLabelLF({self.name!r}, labels={list(self.labels)})"

    def apply(self, df: pd.DataFrame, *, label_space: Any = None) -> np.ndarray:  # noqa: ARG002 - LF's signature
        """Where the LF fires: a bool array of shape (n_rows,) (it then votes on ``labels``)."""
        from .._validation import check_columns

        if self.columns is not None:
            check_columns(df, self.columns, who=f"LF {self.name!r}")
        return fires_mask(self, df)


def fires_mask(lf: LabelingFunction, df: pd.DataFrame) -> np.ndarray:
    """Run a template's ``fires`` function and check it gives one bool per row."""
    from ..exceptions import LFError

    try:
        out = np.asarray(lf.func(df, **lf.resources))
    except (Exception, SystemExit) as exc:  # user code
        raise LFError(f"LF {lf.name!r} raised {type(exc).__name__}: {exc} (vectorized, on the whole frame)",
                      lf_name=lf.name) from exc
    if out.shape != (len(df),):
        raise InputError(f"LF {lf.name!r}: expected one value per row ({len(df)}), got shape {out.shape}")
    return out.astype(bool)


def _as_labels(labels: Any, arg: str) -> list[Any]:
    if isinstance(labels, (str, int, np.integer)):
        return [labels]
    try:
        out = list(labels)
    except TypeError:
        raise InputError(f"{arg}: expected a label or an iterable of labels, got {type(labels).__name__}") from None
    if not out:
        raise InputError(f"{arg}: expected at least one target label, got none")
    return out


def keyword_lf(*keywords: str, labels: Iterable[str] | str, column: str = "text", name: str | None = None,
               case_sensitive: bool = False) -> MultiLabelLF:
    """Vote positive on every label in ``labels`` where any keyword occurs as whole word(s).

    Examples
    --------
    >>> lf = keyword_lf("thanks", "thank you", labels={"gratitude"})
    >>> lf.apply(pd.DataFrame({"text": ["Thanks a lot", "no"]})).tolist()
    [True, False]
    """
    if not keywords or any(not isinstance(k, str) or not k.strip() for k in keywords):
        raise InputError(f"keywords: expected one or more non-empty strings, got {list(keywords)}")
    pattern = r"\b(?:" + "|".join(re.escape(k.strip()) for k in keywords) + r")\b"
    ignore_case = not case_sensitive

    def keyword_fires(df: pd.DataFrame) -> np.ndarray:
        return _contains(df, column, pattern, ignore_case)

    lf = MultiLabelLF(name or check_lf_name("keyword_" + _slug(keywords[0])), keyword_fires, labels,
                      columns=[column])
    return _with_spans(lf, pattern, re.IGNORECASE if ignore_case else 0, column)  # type: ignore[return-value]


def regex_lf(pattern: str, *, labels: Iterable[str] | str, column: str = "text", name: str | None = None,
             flags: int = re.IGNORECASE) -> MultiLabelLF:
    """Vote positive on every label in ``labels`` where ``pattern`` is found (``re.search``)."""
    full, ignore_case = regex_for_column(pattern, flags)

    def regex_fires(df: pd.DataFrame) -> np.ndarray:
        return _contains(df, column, full, ignore_case)

    lf = MultiLabelLF(name or check_lf_name("regex_" + _slug(pattern)[:40]), regex_fires, labels, columns=[column])
    return _with_spans(lf, pattern, flags, column)  # type: ignore[return-value]


def lexicon_lf(lexicon: Mapping[str, Iterable[str] | str], *, name: str, column: str = "text",
               case_sensitive: bool = False) -> LabelingFunction:
    """One LF from a word -> labels lexicon.

    On each row, a positive vote on the labels of every lexicon word it contains (whole words). Labels
    no word of the row maps to get no vote.

    Examples
    --------
    >>> lf = lexicon_lf({"lol": "amusement", "sad": ["sadness"]}, name="emolex")
    >>> from weaklabel.multilabel import apply_multilabel_lfs
    >>> L = apply_multilabel_lfs([lf], pd.DataFrame({"text": ["lol so sad", "ok"]}), ["amusement", "sadness"])
    >>> L.positive_counts().tolist()
    [[1, 1], [0, 0]]
    """
    if not lexicon:
        raise InputError("lexicon: expected a non-empty mapping of word -> label(s)")
    by_label: dict[str, list[str]] = {}
    for word, labs in lexicon.items():
        if not isinstance(word, str) or not word.strip():
            raise InputError(f"lexicon: keys must be non-empty words, got {word!r}")
        for lab in _as_labels(labs, f"lexicon[{word!r}]"):
            by_label.setdefault(str(lab), []).append(word.strip())
    patterns = {lab: r"\b(?:" + "|".join(map(re.escape, words)) + r")\b" for lab, words in by_label.items()}
    ignore_case = not case_sensitive

    def lexicon_votes(df: pd.DataFrame) -> dict[str, np.ndarray]:
        return {lab: _contains(df, column, p, ignore_case) for lab, p in patterns.items()}

    lf = LabelingFunction(name, lexicon_votes, columns=[column], vectorized=True)
    lf.labels = tuple(patterns)  # type: ignore[attr-defined]
    return lf


def parse_vote(value: Any, index: Mapping[str, int]) -> tuple[list[int], list[int]]:
    """(positive label ids, negative label ids) of one row-wise LF return value."""
    if value is None or (isinstance(value, (int, np.integer)) and not isinstance(value, bool) and value == ABSTAIN):
        return [], []
    if isinstance(value, Mapping):
        pos: list[int] = []
        neg: list[int] = []
        for lab, v in value.items():
            (pos if bool(v) else neg).append(_label_id(lab, index))
        return pos, neg
    if isinstance(value, (str, int, np.integer)) and not isinstance(value, bool):
        return [_label_id(value, index)], []
    if isinstance(value, (set, frozenset, list, tuple)):
        return [_label_id(v, index) for v in value], []
    raise InputError(f"expected ABSTAIN, a label, a set of labels or a {{label: bool}} mapping, got "
                     f"{type(value).__name__} {value!r}")


def _label_id(label: Any, index: Mapping[str, int]) -> int:
    if isinstance(label, (int, np.integer)) and not isinstance(label, bool):
        if 0 <= int(label) < len(index):
            return int(label)
        raise InputError(f"label id {int(label)} is out of range 0..{len(index) - 1}")
    try:
        return index[str(label)]
    except KeyError:
        raise InputError(f"unknown label {label!r}; expected one of {list(index)}") from None
