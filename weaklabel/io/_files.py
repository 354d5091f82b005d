"""Reading the text and JSON files users hand to weaklabel.

A file that is not UTF-8, not JSON, or nested too deeply is an ``InputError`` that names the file,
the argument and the place, never a decoder's exception.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..exceptions import InputError


def read_text_file(path: str | os.PathLike[str], what: str) -> str:
    """Return the text of ``path`` (UTF-8; a BOM is fine). ``what`` names the argument in errors."""
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{what}: {path} is not UTF-8 text (byte {exc.start}: {exc.reason}); save it as UTF-8 "
                         "or check that it is the right file") from None


def read_json_file(path: str | os.PathLike[str], what: str) -> Any:
    """Return the JSON value in ``path``; see :func:`read_text_file`."""
    text = read_text_file(path, what)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        head = "an HTML page, " if text.lstrip()[:1] == "<" else ""
        raise InputError(f"{what}: {path} is {head}not valid JSON ({exc.msg} at line {exc.lineno}, column "
                         f"{exc.colno})") from None
    except RecursionError:
        raise InputError(f"{what}: {path} nests JSON too deeply to be a weaklabel input") from None


def expect(ok: bool, path: str | os.PathLike[str], what: str, expected: str) -> None:
    """Refuse a JSON file whose structure is not ``expected``."""
    if not ok:
        raise InputError(f"{what}: {path} does not hold {expected}")
