"""Progress bars for long commands.

Tqdm on stderr when it is a terminal, silent under ``weaklabel --quiet`` or when the output goes to
a file or a pipe.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any, cast

QUIET = False  # set by `weaklabel --quiet`


def progress(items: Iterable[Any], *, total: int | None = None, desc: str = "") -> Iterable[Any]:
    """``items``, with a bar while they are consumed when a person is watching."""
    if QUIET or not sys.stderr.isatty():
        return items
    from tqdm.auto import tqdm

    return cast("Iterable[Any]", tqdm(items, total=total, desc=desc, leave=False))


class Steps:
    """A bar over the named steps of one command (``weaklabel train``: apply, fit, train, ...).

    ``step(name)`` marks the previous step done and names the one starting; ``close()``
    ends the bar. Silent under the same rules as :func:`progress`.
    """

    def __init__(self, total: int, *, desc: str) -> None:
        self._bar = None
        self._started = False
        if not QUIET and sys.stderr.isatty():
            from tqdm.auto import tqdm

            self._bar = tqdm(total=total, desc=desc, leave=False)

    def step(self, name: str) -> None:
        if self._bar is None:
            return
        if self._started:
            self._bar.update(1)
        self._started = True
        self._bar.set_postfix_str(name)

    def close(self) -> None:
        if self._bar is not None:
            if self._started:
                self._bar.update(1)
            self._bar.close()


class Waiting:
    """A bar over one long call whose length is only estimated (Label Studio building an export).

    Elapsed seconds against ``expected``, ticking from a thread while the call runs. A context manager;
    silent under the same rules as :func:`progress`.
    """

    def __init__(self, expected: float, *, desc: str, tick: float = 0.5) -> None:
        self.expected = max(float(expected), 1.0)
        self.desc = desc
        self.tick = tick
        self._bar: Any = None
        self._stop: Any = None
        self._thread: Any = None

    def __enter__(self) -> Waiting:
        if QUIET or not sys.stderr.isatty():
            return self
        import threading
        import time

        from tqdm.auto import tqdm

        self._bar = tqdm(total=round(self.expected), desc=self.desc, unit="s", leave=False,
                         bar_format="{desc}: {bar} {n:.0f}/~{total} s")
        self._stop = threading.Event()
        start = time.monotonic()

        def run() -> None:
            while not self._stop.wait(self.tick):
                self._bar.n = min(time.monotonic() - start, self._bar.total)   # past the estimate: hold full
                self._bar.refresh()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._bar is not None:
            self._stop.set()
            self._thread.join()
            self._bar.close()
