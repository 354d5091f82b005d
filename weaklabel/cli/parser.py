"""The ``weaklabel`` command: parse -> call the library -> render.

Exit codes: 0 success, 1 an error (``Error: ...`` on stderr), 2 a usage error.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import __version__

if TYPE_CHECKING:   # the CLI starts without the scientific stack
    pass
from ..exceptions import UsageError, WeakLabelError
from . import accounts as cli_accounts
from . import analysis as cli_analysis
from . import bench as cli_bench
from . import benchmark as cli_benchmark
from . import data as cli_data
from . import endmodel as cli_endmodel
from . import ls as cli_ls
from . import pipeline as cli_pipeline
from . import review as cli_review
from . import suggest as cli_suggest

log = logging.getLogger("weaklabel")

COMMAND_GROUPS = (cli_pipeline, cli_analysis, cli_endmodel, cli_review, cli_accounts, cli_benchmark, cli_bench,
                  cli_ls, cli_data, cli_suggest)


def build_parser() -> argparse.ArgumentParser:
    """Return the ``weaklabel`` command's parser, every command group registered."""
    parser = argparse.ArgumentParser(
        prog="weaklabel", description="weaklabel: labeling functions -> label model -> probabilistic labels, "
                                      "expert review, benchmarks.")
    parser.add_argument("--version", action="version", version=f"weaklabel {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bars")
    parser.add_argument("--wide", action="store_true",
                        help="tables with full column names and whole cells (default: fit 100 columns)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for group in COMMAND_GROUPS:   # each module registers its commands and their handlers
        group.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``weaklabel`` command; returns its exit code (1 for an error, 2 for a usage error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    from . import _render

    _render.WIDE = bool(args.wide)
    from .. import _progress

    _progress.QUIET = bool(args.quiet)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    try:
        return _dispatch(args)
    except UsageError as exc:   # the command line asked for something it cannot have
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    except WeakLabelError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # a missing file, a folder where a file belongs, a full disk, ...
        where = f": {exc.filename}" if getattr(exc, "filename", None) else ""
        print(f"Error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the last line of defence: no traceback for users
        if args.verbose:
            raise
        print(f"Error: unexpected {type(exc).__name__}: {exc}. If the input looks right, this is a bug in "
              "weaklabel: rerun with --verbose for the traceback and report it", file=sys.stderr)
        return 1


def _dispatch(args: argparse.Namespace) -> int:
    return int(args.handler(args))

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
