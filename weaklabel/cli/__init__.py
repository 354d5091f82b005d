"""The ``weaklabel`` command line: one module per command group.

``parser`` builds the argument parser and dispatches; ``pipeline`` (run, demo, apply, fit,
cache), ``analysis`` (analyze, compare), ``bench`` (benchmark, bench), ``model`` (train,
issues), ``review`` (init, queue, labels, app), ``ls`` (Label Studio) and ``data`` (fetch)
hold the commands; ``_render`` prints tables that fit the terminal.
"""

from .parser import build_parser, main

__all__ = ["build_parser", "main"]
