"""Candidate LFs mined from a few labeled rows and the unlabeled pool.

Five kinds of rule, each voting one class:

* **keywords**: words and two-word phrases (lower case, on word boundaries), screened on a
  binary bag of n-grams of the whole pool, then re-checked with the real ``keyword_lf``, so the
  numbers reported are those of the code that will be written;
* **shapes**: a fixed set of regexes a person would try first (a URL, a number, a long number, a
  word in capitals, repeated ``!``/``?``, a currency amount, an email address);
* **short texts**: "at most n words", n from the pool's word-count quantiles as for thresholds
  (a regex, so the written rule is a plain ``regex_lf``);
* **neighbourhoods** (``similar_lf``): a row close to one of a class's labeled rows, by the
  cosine of TF-IDF vectors (in the spirit of Epoxy), at the threshold whose precision on the
  other labeled rows (each left out of its own neighbourhood) is best by its Wilson bound;
* **thresholds** on numeric columns (decision stumps): ``column > value`` or ``column < value``,
  the value one of the pool's 5%, 10%, ..., 95% quantiles (rounded to three significant
  digits, so the written rule reads as a person would write it); per column, class and
  direction only the best value is kept, since the others fire on nested sets of rows.

Screening keeps, per class, the candidates whose precision on the labeled rows is best by its
Wilson lower bound, among those seen on at least ``min_support`` labeled rows. The n-gram matrix
and the shapes are computed once (:class:`Features`), so every fold of the gain's
cross-validation screens in milliseconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..analysis.summary import wilson_interval

SHAPES: dict[str, str] = {
    "url": r"https?://|www\.|\.com\b",
    "number": r"\b\d+\b",
    "long_number": r"\d{5,}",
    "capitals": r"\b[A-Z]{3,}\b",
    "repeated_punctuation": r"[!?]{2,}",
    "currency": r"[$£€]\s?\d",
    "email": r"\b[\w.+-]+@[\w-]+\.\w+",
}


@dataclass
class Candidate:
    """One mined rule.

    ``kind`` "keyword" (``terms``, any of them), "regex" (``pattern``) or "threshold" (``column`` ``op``
    ``value``), voting ``label``; ``fires`` marks the rows (of the pool) it fires on.
    """

    kind: str
    label: int
    terms: tuple[str, ...] = ()
    pattern: str = ""
    name: str = ""
    fires: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool), repr=False)
    column: str = ""          # a threshold's numeric column
    op: str = ""              # ">" or "<"
    value: float = 0.0        # a threshold's value, or a neighbourhood's cosine threshold
    examples: tuple[str, ...] = ()   # a neighbourhood's texts

    def fields(self) -> dict[str, object]:
        """Return what it matches, as a rule dict holds it (see :mod:`.decisions`), without the class."""
        if self.kind == "keyword":
            return {"kind": "keyword", "terms": list(self.terms)}
        if self.kind == "threshold":
            return {"kind": "threshold", "column": self.column, "op": self.op, "value": self.value}
        if self.kind == "similar":
            return {"kind": "similar", "examples": list(self.examples), "threshold": self.value}
        return {"kind": self.kind, "pattern": self.pattern}

    def lf(self, column: str = "text") -> object:
        """Return the LF this candidate stands for, built from the package's templates.

        ``column`` is the text column of keyword and regex rules.
        """
        from ..templates import keyword_lf, regex_lf, similar_lf, threshold_lf

        if self.kind == "keyword":
            return keyword_lf(*self.terms, label=self.label, column=column, name=self.name)
        if self.kind == "similar":
            return similar_lf(self.examples, label=self.label, threshold=self.value, column=column, name=self.name)
        if self.kind == "threshold":
            return threshold_lf(self.column, self.op, self.value, label=self.label, name=self.name)
        return regex_lf(self.pattern, label=self.label, column=column, name=self.name)


@dataclass
class Features:
    """What the rows contain, computed once for every fold.

    A binary (rows x n-grams) matrix and each shape's firing rows.
    """

    X: object                      # scipy.sparse csc, bool-valued
    terms: np.ndarray              # the n-gram of each column
    shapes: dict[str, np.ndarray]  # shape name -> (rows,) bool
    numbers: dict[str, np.ndarray] = field(default_factory=dict)   # numeric column -> (rows,) float
    texts: list[str] = field(default_factory=list)                  # for neighbourhoods

    @classmethod
    def of(cls, texts: pd.Series | None, *, max_features: int = 50_000,
           numbers: pd.DataFrame | None = None) -> Features:
        """Return the n-grams and shapes of ``texts`` (None: no text) and the numeric columns of ``numbers``."""
        from scipy import sparse
        from sklearn.feature_extraction.text import CountVectorizer

        nums = {} if numbers is None else {
            str(c): numbers[c].to_numpy(dtype=float, na_value=np.nan) for c in numbers.columns
            if pd.api.types.is_numeric_dtype(numbers[c]) and not pd.api.types.is_bool_dtype(numbers[c])}
        if texts is None:
            n = 0 if numbers is None else len(numbers)
            return cls(sparse.csc_matrix((n, 0), dtype=np.int8), np.array([], dtype=object), {}, nums)
        s = texts.fillna("").astype(str)
        vec = CountVectorizer(binary=True, ngram_range=(1, 2), min_df=2, max_features=max_features,
                              token_pattern=r"(?u)\b\w\w+\b", lowercase=True, dtype=np.int8)
        try:
            X = vec.fit_transform(s).tocsc()
            terms = vec.get_feature_names_out()
        except ValueError:          # no word seen twice: no keyword to mine
            X, terms = sparse.csc_matrix((len(s), 0), dtype=np.int8), np.array([], dtype=object)
        shapes = {name: s.str.contains(pattern, regex=True).to_numpy(dtype=bool) for name, pattern in SHAPES.items()}
        return cls(X, terms, shapes, nums, s.tolist())

    def __post_init__(self) -> None:
        """Leave the n-gram counts to be built on first use."""
        self._counts: tuple[object, object] | None = None

    def counts(self) -> tuple[object, object]:
        """Return the texts' n-gram counts as similar_lf reads them: once for every fold and class."""
        from ..templates import ngram_counts

        if self._counts is None:
            self._counts = ngram_counts(self.texts)
        return self._counts


def mine(features: Features, y: np.ndarray, k: int, *, min_support: int = 3, per_class: int = 40) -> list[Candidate]:
    """Mine, per class, the n-grams and shapes seen on at least ``min_support`` labeled rows of it.

    Best Wilson lower bound first (``per_class`` n-grams each), with their firing rows.
    """
    labeled = np.flatnonzero(y >= 0)
    onehot = np.zeros((labeled.size, k))
    onehot[np.arange(labeled.size), y[labeled]] = 1.0
    hits = np.asarray(features.X[labeled].T @ onehot)        # type: ignore[index]  # (F, k)
    total = hits.sum(axis=1)
    out: list[Candidate] = []
    for c in range(k):
        lo, _ = wilson_interval(hits[:, c], total)
        ok = np.flatnonzero(hits[:, c] >= min_support)
        best = ok[np.argsort(-np.nan_to_num(lo[ok]), kind="stable")][:per_class]
        for f in best.tolist():
            cand = Candidate("keyword", c, terms=(str(features.terms[f]),))
            cand.fires = np.asarray(features.X[:, f].todense()).ravel() > 0   # type: ignore[index]
            out.append(cand)
    for shape, fires in features.shapes.items():
        votes = np.bincount(y[labeled][fires[labeled]], minlength=k)
        for c in range(k):
            if votes[c] >= min_support:
                out.append(Candidate("regex", c, pattern=SHAPES[shape], name=f"suggest_{shape}", fires=fires))
    for column, x in features.numbers.items():
        out += _stumps(column, x, labeled, onehot, min_support)
    if features.texts:
        out += _short_texts(features.texts, labeled, onehot, min_support)
        out += _neighbourhoods(features, y, labeled, onehot, min_support)
    return out


def words_pattern(n: int) -> str:
    r"""Return a regex that matches a text of at most ``n`` words.

    Words are runs of non-space, as ``str.split()`` counts them; each ``\S+\s+`` must end at a
    space, so the match cannot split a word and never backtracks far.
    """
    return rf"^\s*(?:\S+\s+){{0,{max(n - 1, 0)}}}\S*\s*$"


def words_limit(pattern: str) -> int | None:
    """Return n where ``pattern`` is :func:`words_pattern` (n), else None (to show it as "at most n words")."""
    m = re.fullmatch(r"\^\\s\*\(\?:\\S\+\\s\+\)\{0,(\d+)\}\\S\*\\s\*\$", pattern)
    return int(m.group(1)) + 1 if m and words_pattern(int(m.group(1)) + 1) == pattern else None


def _short_texts(texts: list[str], labeled: np.ndarray, onehot: np.ndarray, min_support: int) -> list[Candidate]:
    """Per class, the best "at most n words" rule, written as a regex (an ordinary ``regex_lf``).

    A decision stump on the word count (:func:`_stumps`), short side only. Short texts are where
    keyword rules fall silent (YouTube's "cool video!" is ham), so a short-text rule covers rows
    the others cannot. A long-text rule is the reverse: a long text holds more words, so it fires
    where the keyword rules fire, and the label model would count one piece of evidence twice
    (measured: it cost SMS 3.3 points at 50 labels, and YouTube gained nothing from it).
    """
    n_words = np.fromiter((len(t.split()) for t in texts), dtype=float, count=len(texts))
    out = []
    for stump in _stumps("words", n_words, labeled, onehot, min_support):
        n = int(np.ceil(stump.value)) - 1        # whole counts: "< v" is "<= ceil(v) - 1"
        if stump.op != "<" or n < 1:
            continue
        out.append(Candidate("regex", stump.label, pattern=words_pattern(n), name=f"suggest_at_most_{n}_words",
                             fires=n_words <= n))
    return out


COSINES = np.round(np.arange(0.15, 0.85, 0.05), 2)
MAX_EXAMPLES = 200     # examples written into one similar_lf


def _neighbourhoods(features: Features, y: np.ndarray, labeled: np.ndarray, onehot: np.ndarray,
                    min_support: int) -> list[Candidate]:
    """Per class, the rows close to its labeled rows (``similar_lf``), at the best cosine.

    ``fires`` is the LF's own, except on the labeled rows: there each is left out of its own
    neighbourhood, so the precision read off the labeled rows is not its own echo.
    """
    from ..templates import _tfidf

    texts = features.texts
    out = []
    for c in range(onehot.shape[1]):
        mine = labeled[y[labeled] == c][:MAX_EXAMPLES]
        if mine.size < min_support:
            continue
        examples = tuple(texts[i] for i in mine)
        try:
            sims = _tfidf(examples).cosines(texts, features.counts()).tocsr()
        except Exception:  # noqa: BLE001 - examples without words: no neighbourhood for this class
            continue
        best = np.asarray(sims.max(axis=1).todense()).ravel()
        # the labeled rows, each without itself among the examples
        at = {int(r): j for j, r in enumerate(mine)}
        loo = best[labeled].copy()
        for k, r in enumerate(labeled.tolist()):
            if r in at:
                row = sims.getrow(r).toarray().ravel()
                row[at[r]] = 0.0
                loo[k] = row.max()
        counts = (loo[:, None] >= COSINES[None, :]).T.astype(float) @ onehot       # (cosines, k)
        lo, _ = wilson_interval(counts[:, c], counts.sum(axis=1))
        ok = np.flatnonzero(counts[:, c] >= min_support)
        if ok.size == 0:
            continue
        t = float(COSINES[int(ok[np.argmax(np.nan_to_num(lo[ok]))])])
        fires = best >= t - 1e-12
        fires[labeled] = loo >= t - 1e-12
        out.append(Candidate("similar", c, value=t, examples=examples, fires=fires))
    return out


def _round(v: float) -> float:
    """Three significant digits: 0.1573 -> 0.157, 1012.4 -> 1010.0."""
    return float(f"{v:.3g}")


def _stumps(column: str, x: np.ndarray, labeled: np.ndarray, onehot: np.ndarray, min_support: int) -> list[Candidate]:
    """Per class and direction, the best ``column > t`` / ``column < t`` over the pool's quantiles."""
    finite = x[np.isfinite(x)]
    if finite.size < 2 or finite.min() == finite.max():
        return []
    values = np.unique([_round(v) for v in np.quantile(finite, np.linspace(0.05, 0.95, 19))])
    xl = x[labeled][:, None]
    out = []
    for op in (">", "<"):
        with np.errstate(invalid="ignore"):
            hit = (xl > values[None, :]) if op == ">" else (xl < values[None, :])    # (labeled, values)
        counts = hit.T.astype(float) @ onehot                                            # (values, k)
        total = counts.sum(axis=1)
        for c in range(onehot.shape[1]):
            lo, _ = wilson_interval(counts[:, c], total)
            ok = np.flatnonzero(counts[:, c] >= min_support)
            if ok.size == 0:
                continue
            best = int(ok[np.argmax(np.nan_to_num(lo[ok]))])
            value = float(values[best])
            with np.errstate(invalid="ignore"):
                fires = (x > value) if op == ">" else (x < value)
            out.append(Candidate("threshold", c, column=column, op=op, value=value, fires=fires))
    return out
