"""Progress bars for long commands: tqdm on stderr when it is a terminal, silent under
``weaklabel --quiet`` or when the output goes to a file or a pipe."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

QUIET = False  # set by `weaklabel --quiet`


def progress(items: Iterable[Any], *, total: int | None = None, desc: str = "") -> Iterable[Any]:
    """``items``, with a bar while they are consumed when a person is watching."""
    if QUIET or not sys.stderr.isatty():
        return items
    from tqdm.auto import tqdm

    return tqdm(items, total=total, desc=desc, leave=False)
