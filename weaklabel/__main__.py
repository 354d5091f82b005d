"""``python -m weaklabel`` = the ``weaklabel`` command."""

import sys

from .cli import main

sys.exit(main())
