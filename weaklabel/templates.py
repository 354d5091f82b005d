r"""Vectorized LF templates: keywords, regexes, numeric thresholds, lookups.

Text templates run on the whole column: it is converted once per apply run to an
Arrow string array and matched by Arrow's RE2 kernel in one C++ pass (patterns RE2
cannot run, such as lookbehinds, fall back to Python's ``re``). ``lf(row)`` goes
through the same path, so a single item always gets the vote the frame gave it.
RE2's ``\w`` and ``\b`` are ASCII-only, unlike Python's.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Iterable, Mapping
from typing import Any, cast

import numpy as np
import pandas as pd

from ._runcache import cached, frame_key
from .exceptions import InputError, InputTypeError
from .labels import ABSTAIN
from .lf import LabelingFunction, check_lf_name


def _slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")
    return s if s and not s[0].isdigit() else f"x_{s}"


def _check_label(label: Any) -> int:
    if isinstance(label, bool) or not isinstance(label, (int, np.integer)) or label < 0:
        raise InputTypeError(
            f"label: expected the class index to vote (an int >= 0, e.g. LABELS.spam), got {label!r}"
        )
    return int(label)


def text_column(df: pd.DataFrame, column: str) -> Any:
    """``df[column]`` as an Arrow string array (nulls for non-strings), once per run.

    Falls back to a list of ``str | None`` when pyarrow is not installed.
    """

    def convert() -> Any:
        values = df[column]
        if values.dtype == object:
            values = values.where(values.map(lambda v: isinstance(v, str)), None)
        try:
            import pyarrow as pa
        except ImportError:
            return [v if isinstance(v, str) else None for v in values.tolist()]
        try:
            return pa.array(values, type=pa.large_string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return pa.array([v if isinstance(v, str) else None for v in values.tolist()],
                            type=pa.large_string())

    return cached(("text", frame_key(df), column), convert)


def _contains(df: pd.DataFrame, column: str, pattern: str, ignore_case: bool) -> np.ndarray:
    """Boolean mask of rows whose text matches ``pattern`` (``re.search`` semantics)."""
    texts = text_column(df, column)
    if not isinstance(texts, list):
        import pyarrow as pa
        import pyarrow.compute as pc

        try:  # Arrow's RE2 kernel: one C++ pass over the column
            hit = pc.match_substring_regex(texts, pattern=pattern, ignore_case=ignore_case)
            return cast("np.ndarray", hit.fill_null(False).to_numpy(zero_copy_only=False))
        except pa.ArrowInvalid:  # RE2 lacks lookbehind/backreferences: use Python's re
            texts = texts.to_pylist()
    rx = re.compile(pattern, re.IGNORECASE if ignore_case else 0)
    return np.fromiter((t is not None and rx.search(t) is not None for t in texts),
                       dtype=bool, count=len(texts))


def _bounded(keyword: str) -> str:
    """``keyword`` as a regex that matches it as whole word(s).

    A word boundary at each end that is a word character ("refund" not in "refunds"), none where it is
    not ("$$$", "!!!", "<b>" match wherever they occur; a boundary there could only match next to a
    letter).
    """
    left = r"\b" if re.match(r"\w", keyword[0]) else ""
    right = r"\b" if re.match(r"\w", keyword[-1]) else ""
    return f"{left}{re.escape(keyword)}{right}"


def keyword_lf(*keywords: str, label: int, column: str = "text", name: str | None = None,
               case_sensitive: bool = False) -> LabelingFunction:
    """Vote ``label`` when any keyword occurs as whole word(s) in ``column``.

    Parameters
    ----------
    *keywords : str
        Words or phrases; matched on word boundaries, case-insensitive by default.
    label : int
        Class to vote.
    column : str, default "text"
    name : str, optional
        Defaults to ``keyword_<first keyword>``.
    case_sensitive : bool, default False

    Examples
    --------
    >>> lf = keyword_lf("subscribe", "my channel", label=1)
    >>> lf({"text": "Please SUBSCRIBE!"}), lf({"text": "subscribers"})
    (1, -1)
    >>> keyword_lf("$$$", label=1)({"text": "win $$$ now"})
    1
    """
    if not keywords or any(not isinstance(k, str) or not k.strip() for k in keywords):
        raise InputError(f"keywords: expected one or more non-empty strings, got {list(keywords)}")
    label = _check_label(label)
    pattern = "(?:" + "|".join(_bounded(k.strip()) for k in keywords) + ")"
    ignore_case = not case_sensitive

    def keyword_votes(df: pd.DataFrame) -> np.ndarray:
        return np.where(_contains(df, column, pattern, ignore_case), label, ABSTAIN)

    lf = LabelingFunction(name or check_lf_name("keyword_" + _slug(keywords[0])), keyword_votes,
                          columns=[column], vectorized=True)
    return _with_spans(lf, pattern, re.IGNORECASE if ignore_case else 0, column)


def regex_for_column(pattern: str, flags: int) -> tuple[str, bool]:
    """Return the pattern with its MULTILINE / DOTALL flags inline, and whether it ignores case.

    The Arrow kernel can then run it; a bad pattern is an InputError.
    """
    try:
        re.compile(pattern, flags)
    except (re.error, TypeError) as exc:
        raise InputError(f"pattern: {pattern!r} is not a valid regular expression ({exc})") from exc
    inline = "".join(c for f, c in ((re.MULTILINE, "m"), (re.DOTALL, "s")) if flags & f)
    return (f"(?{inline})" if inline else "") + pattern, bool(flags & re.IGNORECASE)


def regex_lf(pattern: str, *, label: int, column: str = "text", name: str | None = None,
             flags: int = re.IGNORECASE) -> LabelingFunction:
    """Vote ``label`` when ``pattern`` is found in ``column`` (``re.search`` semantics).

    ``flags`` supports ``re.IGNORECASE``, ``re.MULTILINE`` and ``re.DOTALL`` (as inline flags,
    so the fast Arrow kernel can run them).
    """
    label = _check_label(label)
    full, ignore_case = regex_for_column(pattern, flags)

    def regex_votes(df: pd.DataFrame) -> np.ndarray:
        return np.where(_contains(df, column, full, ignore_case), label, ABSTAIN)

    lf = LabelingFunction(name or check_lf_name("regex_" + _slug(pattern)[:40]), regex_votes,
                          columns=[column], vectorized=True)
    return _with_spans(lf, pattern, flags, column)


def _with_spans(lf: LabelingFunction, pattern: str, flags: int, column: str) -> LabelingFunction:
    """Let the LF say where it matched.

    ``lf.spans(text)`` gives (start, end) character offsets in ``lf.span_column``, for highlighting the
    evidence in the review app.
    """
    rx = re.compile(pattern, flags)

    def spans(text: str) -> list[tuple[int, int]]:
        return [m.span() for m in rx.finditer(text) if m.end() > m.start()]

    lf.spans, lf.span_column = spans, column
    return lf


_OPS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
        "==": operator.eq, "!=": operator.ne}


def threshold_lf(column: str, op: str, value: float, *, label: int,
                 name: str | None = None) -> LabelingFunction:
    """Vote ``label`` where ``df[column] <op> value``; abstain elsewhere and on NaN.

    Parameters
    ----------
    column : str
        A numeric column.
    op : {">", ">=", "<", "<=", "==", "!="}
    value : float
    label : int

    Examples
    --------
    >>> lf = threshold_lf("mean radius", ">", 17.0, label=0, name="large_radius")
    >>> lf({"mean radius": 20.1})
    0
    """
    if op not in _OPS:
        raise InputError(f"op: expected one of {list(_OPS)}, got {op!r}")
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise InputTypeError(f"value: expected a number to compare {column!r} with, got {value!r}")
    label = _check_label(label)
    compare = _OPS[op]

    def threshold_votes(df: pd.DataFrame) -> np.ndarray:
        col = df[column]
        if not pd.api.types.is_numeric_dtype(col):
            raise InputTypeError(
                f"threshold_lf on {column!r} needs a numeric column, got dtype {col.dtype}; "
                f"convert with pd.to_numeric(df[{column!r}], errors='coerce')")
        x = col.to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            hit = compare(x, value) & ~np.isnan(x)
        return np.where(hit, label, ABSTAIN)

    op_name = {">": "gt", ">=": "ge", "<": "lt", "<=": "le", "==": "eq", "!=": "ne"}[op]
    default = f"{_slug(column)}_{op_name}_{_slug(str(value))}"
    return LabelingFunction(name or check_lf_name(default.replace(" ", "")), threshold_votes,
                            columns=[column], vectorized=True)


def lookup_lf(table: Mapping[Any, int] | Iterable[Any], *, column: str, label: int | None = None,
              name: str, case_sensitive: bool = False) -> LabelingFunction:
    """Vote by looking a column's value up in a gazetteer.

    Parameters
    ----------
    table : mapping or iterable
        A dict ``value -> class`` (per-entry votes), or a set/list of values that
        all vote ``label``.
    column : str
    label : int, optional
        Required when ``table`` is not a mapping.
    name : str
    case_sensitive : bool, default False
        String keys are compared case-insensitively (and stripped) by default.
    """
    if isinstance(table, Mapping):
        mapping = {k: _check_label(v) for k, v in table.items()}
    else:
        if label is None:
            raise InputError("label: a set/list gazetteer needs label=<class index> to vote")
        lab = _check_label(label)
        mapping = {k: lab for k in table}
    if not mapping:
        raise InputError("table: the gazetteer is empty")

    def norm(v: Any) -> Any:
        return v.strip().lower() if isinstance(v, str) and not case_sensitive else v

    mapping = {norm(k): v for k, v in mapping.items()}

    def lookup_votes(df: pd.DataFrame) -> np.ndarray:
        col = df[column]
        keys = col.map(norm) if not case_sensitive else col
        return cast("np.ndarray", keys.map(mapping).fillna(ABSTAIN).to_numpy(dtype=np.int64))

    return LabelingFunction(name, lookup_votes, columns=[column], vectorized=True)


class _Space:
    """The TF-IDF space of a similar_lf's examples.

    Words and two-word phrases, lower case, sublinear counts, the IDF taken from the examples. A text's
    words that no example has still count in its length, weighed as the rarest word the examples have:
    dropping them would make a long text that shares two words with an example look as close as a copy.
    """

    def __init__(self, examples: tuple[str, ...]) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.preprocessing import normalize

        self.vec = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w\w+\b", norm=None)
        try:
            self.ex = normalize(self.vec.fit_transform(examples)).T.tocsc()     # (terms, examples), unit columns
        except ValueError as exc:     # no word of two letters in any example
            raise InputError(f"examples: no words to compare texts by ({exc})") from None
        self.unseen_idf = float(self.vec.idf_.max())

    def cosines(self, texts: list[str], counts: tuple[Any, Any] | None = None) -> Any:
        """(texts, examples) sparse matrix of cosines; ``counts``.

        :func:`ngram_counts` of ``texts``, when already at hand (the same for every space).
        """
        from scipy import sparse

        C, names = ngram_counts(texts) if counts is None else counts
        n = C.shape[0]
        col = np.fromiter((self.vec.vocabulary_.get(t, -1) for t in names), dtype=np.int64, count=len(names))
        coo = C.tocoo()
        where = col[coo.col]
        weight = (1.0 + np.log(coo.data.astype(float))) * np.where(where >= 0, self.vec.idf_[np.maximum(where, 0)],
                                                                     self.unseen_idf)
        length = np.bincount(coo.row, weights=weight ** 2, minlength=n)
        seen = where >= 0
        rows = sparse.csr_matrix((weight[seen], (coo.row[seen], where[seen])), shape=(n, len(self.vec.idf_)))
        scale = np.divide(1.0, np.sqrt(length), out=np.zeros_like(length), where=length > 0)
        return sparse.diags(scale) @ (rows @ self.ex)


def ngram_counts(texts: list[str]) -> tuple[Any, Any]:
    """(rows x n-grams count matrix, the n-grams) of ``texts``, as every similar_lf space reads them.

    Words of two letters or more and two-word phrases, lower case.
    """
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer

    cv = CountVectorizer(ngram_range=(1, 2), token_pattern=r"(?u)\b\w\w+\b", lowercase=True)
    try:
        return cv.fit_transform(texts).tocsr(), cv.get_feature_names_out()
    except ValueError:            # no word in any text
        return sparse.csr_matrix((len(texts), 0)), np.array([], dtype=object)


@functools.lru_cache(maxsize=64)
def _tfidf(texts: tuple[str, ...]) -> _Space:
    """Return the space of a similar_lf's examples, built once per set of examples.

    It is built on first use, so importing an LF module stays cheap, and kept out of the LF, so its
    fingerprint never changes.
    """
    return _Space(texts)


def similar_lf(examples: Iterable[str], *, label: int, threshold: float, column: str = "text",
               name: str | None = None) -> LabelingFunction:
    """Vote ``label`` on rows whose text is close to one of ``examples``.

    The closeness is an embedding neighbourhood, in the spirit of Epoxy, with TF-IDF as the embedding:
    it always works.

    Texts are compared by the cosine of their TF-IDF vectors (words and two-word phrases, lower
    case, sublinear counts), with the IDF taken from ``examples`` alone (a word no example has
    counts as the rarest one), so the LF is fixed by its code: the same row gets the same vote
    whatever else is applied with it. A row votes where its best cosine reaches ``threshold``.

    Parameters
    ----------
    examples : iterable of str
        Texts of the class, typically expert-labeled items.
    label : int
    threshold : float in (0, 1]
    column : str, default "text"
    name : str, optional
        Defaults to ``similar_<label>``.

    Examples
    --------
    >>> lf = similar_lf(["great song, love it", "this tune is lovely"], label=0, threshold=0.3)
    >>> lf({"text": "love this song"}), lf({"text": "check out my channel"})
    (0, -1)
    """
    texts = [str(t) for t in examples]
    if not texts or not any(t.strip() for t in texts):
        raise InputError(f"examples: expected one or more non-empty texts, got {texts[:3]!r}")
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold <= 1:
        raise InputError(f"threshold: expected a cosine in (0, 1], got {threshold!r}")
    label = _check_label(label)
    key = tuple(texts)

    def similar_votes(df: pd.DataFrame) -> np.ndarray:
        texts = df[column].fillna("").astype(str).tolist()
        best = np.asarray(_tfidf(key).cosines(texts).max(axis=1).todense()).ravel() if texts else np.zeros(0)
        return np.where(best >= threshold - 1e-12, label, ABSTAIN)

    return LabelingFunction(name or check_lf_name(f"similar_{label}"), similar_votes, columns=[column],
                            vectorized=True)
