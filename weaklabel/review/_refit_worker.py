"""The refit worker: a child process that fits the label model and ranks the queue for a review
session, so the server process that answers keypresses never waits for a fit.

Started as ``python -m weaklabel.review._refit_worker`` (a plain subprocess, not
``multiprocessing``: a spawned child re-imports the parent's main module, and under Streamlit
that is the app script itself). Protocol over the pipes, pickled: the fit's fixed inputs once,
then ``(y, y_fit, random_sample)`` per refit, answered by ``(True, snapshot)`` or
``(False, error)``. It exits when its stdin closes (the server stopped or died).
"""

from __future__ import annotations

import os
import pickle
import sys


def main() -> None:
    # The protocol owns the real stdout; anything a library prints goes to stderr instead.
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    inp = sys.stdin.buffer
    state = pickle.load(inp)
    from .session import _fit_and_rank

    while True:
        try:
            y, y_fit, random_sample = pickle.load(inp)
        except EOFError:
            return
        reply: tuple[bool, object]
        try:
            reply = (True, _fit_and_rank(state, y, y_fit, random_sample))
        except Exception as exc:  # noqa: BLE001 - reported to the server, which keeps its model
            reply = (False, f"{type(exc).__name__}: {exc}")
        pickle.dump(reply, out, protocol=pickle.HIGHEST_PROTOCOL)
        out.flush()


if __name__ == "__main__":
    main()
