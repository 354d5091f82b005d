"""``python -m weaklabel`` = the ``weaklabel`` command."""

import sys

from .cli import main

if __name__ == "__main__":  # not when a worker process (spawn) imports this module as its main
    sys.exit(main())
