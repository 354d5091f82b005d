"""The label space: ``ABSTAIN = -1`` and names <-> integer classes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .exceptions import InputError, InputTypeError

ABSTAIN: int = -1
"""The vote of a labeling function that does not label an item (Snorkel's convention)."""


MAX_CLASSES = 127  # votes are int8: classes 0..126 and ABSTAIN = -1


class LabelSpace:
    """Ordered class names mapped to the integers ``0 .. k-1``.

    Parameters
    ----------
    names : sequence of str
        Class names, in class-index order. At least two, unique.

    Examples
    --------
    >>> LABELS = LabelSpace(["ham", "spam"])
    >>> LABELS.spam, LABELS[0], LABELS.index("ham"), len(LABELS)
    (1, 'ham', 0, 2)
    """

    __slots__ = ("_names", "_index")
    _names: tuple[str, ...]  # declared so type checkers do not route them through __getattr__
    _index: dict[str, int]

    def __init__(self, names: Sequence[str]) -> None:
        if isinstance(names, str) or not isinstance(names, Iterable):
            raise InputTypeError(
                f"names: expected a list of class names such as ['ham', 'spam'], got {names!r}"
            )
        names = tuple(str(n) if isinstance(n, str) else n for n in names)  # np.str_ -> str
        if len(names) < 2:
            raise InputError(
                f"names: expected at least 2 class names, got {list(names)}; "
                "a label model needs two or more classes"
            )
        if len(names) > MAX_CLASSES:
            raise InputError(f"names: got {len(names)} classes; at most {MAX_CLASSES} are supported (votes are "
                             "stored as int8, -1 = abstain); merge rare classes or label in stages")
        bad = [n for n in names if not isinstance(n, str) or not n]
        if bad:
            raise InputTypeError(f"names: every class name must be a non-empty string, got {bad}")
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise InputError(f"names: class names must be unique, {dupes} appear more than once")
        object.__setattr__(self, "_names", names)
        object.__setattr__(self, "_index", {n: i for i, n in enumerate(names)})

    # -- access -----------------------------------------------------------
    @property
    def names(self) -> tuple[str, ...]:
        """Class names in index order."""
        return self._names

    @property
    def cardinality(self) -> int:
        """Number of classes ``k``."""
        return len(self._names)

    def index(self, name: str) -> int:
        """Integer class of ``name``; raises ``InputError`` naming the valid names."""
        try:
            return self._index[name]
        except (KeyError, TypeError):
            raise InputError(
                f"label {name!r} is not in the label space {list(self._names)}"
            ) from None

    def name(self, value: int) -> str:
        """Class name of integer ``value`` (``'ABSTAIN'`` for -1)."""
        if value == ABSTAIN:
            return "ABSTAIN"
        if not 0 <= int(value) < len(self._names):
            raise InputError(
                f"label {value} is outside 0..{len(self._names) - 1} for {list(self._names)}"
            )
        return self._names[int(value)]

    def encode(self, values: Iterable[object]) -> list[int]:
        """Map names (or ints already in range, or None/NaN -> ABSTAIN) to ints."""
        out = []
        for v in values:
            if v is None or (isinstance(v, float) and v != v):
                out.append(ABSTAIN)
            elif isinstance(v, str):
                out.append(self.index(v))
            else:
                iv = int(v)  # type: ignore[call-overload]  # numbers and numpy scalars
                if iv != ABSTAIN:
                    self.name(iv)
                out.append(iv)
        return out

    def __getattr__(self, name: str) -> int:
        """Return the index of the class called ``name`` (``labels.SPAM``)."""
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._index[name]
        except KeyError:
            raise AttributeError(
                f"LabelSpace has no class {name!r}; classes are {list(self._names)}"
            ) from None

    def __setattr__(self, name: str, value: object) -> None:
        """Refuse every assignment: a label space never changes."""
        raise AttributeError("LabelSpace is immutable")

    def __getitem__(self, key: int | str) -> str | int:
        """Return the index of a class name, or the name of a class index."""
        if isinstance(key, str):
            return self.index(key)
        return self.name(key)

    def __len__(self) -> int:
        """Return the number of classes."""
        return len(self._names)

    def __iter__(self) -> Iterator[str]:
        """Iterate over the class names in index order."""
        return iter(self._names)

    def __contains__(self, name: object) -> bool:
        """Tell whether ``name`` is one of the class names."""
        return name in self._index

    def __eq__(self, other: object) -> bool:
        """Compare the class names and their order."""
        return isinstance(other, LabelSpace) and other._names == self._names

    def __hash__(self) -> int:
        """Hash the class names in order, as :meth:`__eq__` compares them."""
        return hash(self._names)

    def __repr__(self) -> str:
        """Show the class names in index order."""
        return f"LabelSpace({list(self._names)!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle as the class names, rebuilt through ``__init__``."""
        return (LabelSpace, (list(self._names),))
