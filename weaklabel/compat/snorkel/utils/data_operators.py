"""``snorkel.utils.data_operators``: the name check Snorkel's appliers run on their operators."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from weaklabel._validation import repeated


def check_unique_names(names: Sequence[str], what: str = "operator") -> None:
    """Raise ``ValueError`` when two operators (LFs, SFs, preprocessors) share a name.

    The message opens as Snorkel's does and names every repeated name.
    """
    dup = repeated(names)
    if dup:
        name, count = Counter(names).most_common(1)[0]
        raise ValueError(f"Operator names not unique: {count} operators with name {name}; found duplicate {what} "
                         f"names: {dup}; give each {what} a unique name")
