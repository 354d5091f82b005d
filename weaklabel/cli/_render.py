"""Render tables for the terminal: aligned text, JSON, CSV or Markdown.

Aligned text fits the terminal (at most 100 columns unless ``--wide``): long column names
are shortened, long cells cut with "…", and a table wider than that wraps into blocks of
columns.
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:   # pandas loads when a table is printed, not when the command starts
    import pandas as pd

MAX_WIDTH = 100
MAX_CELL = 40
WIDE = False  # set by `weaklabel --wide`: full names, whole cells, the terminal's width

SHORT = {"Coverage": "Cov", "Overlaps": "Overlap", "Conflicts": "Conflict", "Correct": "Right",
         "Incorrect": "Wrong", "Emp. Acc.": "EmpAcc", "Est. Acc.": "EstAcc", "Learned Weight": "Weight",
         "Polarity": "Pol", "coverage_gain": "cov_gain", "score_without": "without", "score_gain": "gain",
         "score_basis": "basis"}


def _short(name: object) -> str:
    s = str(name)
    if s in SHORT:
        return SHORT[s]
    for long, short in (("Precision ", "P "), ("Recall ", "R "), ("Acc. lo", "lo"), ("Acc. hi", "hi")):
        if s.startswith(long):
            return short + s[len(long):]
    return s


def _cut(v: object) -> object:
    if isinstance(v, str) and len(v) > MAX_CELL:
        return v[: MAX_CELL - 1] + "…"
    if isinstance(v, (list, tuple)) and len(str(v)) > MAX_CELL:
        return str(v)[: MAX_CELL - 1] + "…"
    return v


def fit_to_terminal(df: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Return the frame as it is shown (short names, cut cells) and the width to wrap at."""
    import pandas as pd

    if WIDE:
        return df, 100_000  # one line per row, whatever its length
    shown = df.rename(columns=_short)
    shown = shown.apply(lambda col: col.astype(object).map(_cut)
                        if col.dtype == object or pd.api.types.is_string_dtype(col) else col)
    if shown.index.dtype == object or pd.api.types.is_string_dtype(shown.index):
        shown.index = [_cut(i) for i in shown.index]
    return shown, min(shutil.get_terminal_size((MAX_WIDTH, 24)).columns, MAX_WIDTH)


def print_table(df: pd.DataFrame, fmt: str = "table") -> None:
    """Print ``df`` as ``table`` (aligned text), ``json``, ``csv`` or ``markdown``."""
    import pandas as pd

    if fmt == "json":
        print(df.to_json(orient="index", indent=2))
    elif fmt == "csv":
        print(df.to_csv(), end="")
    elif fmt == "markdown":
        print(markdown(df))
    else:
        shown, width = fit_to_terminal(df)
        with pd.option_context("display.max_rows", 500, "display.float_format", "{:.3f}".format):
            print(shown.to_string(line_width=width))


def markdown(df: pd.DataFrame) -> str:
    """Return a GitHub-flavoured Markdown table (floats to 3 decimals)."""
    cols = [str(df.index.name or "")] + [str(c) for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for idx, row in df.iterrows():
        cells = [f"{v:.3f}" if isinstance(v, float) else str(v) for v in row.tolist()]
        lines.append("| " + " | ".join([str(idx), *cells]) + " |")
    return "\n".join(lines)


def print_records(df: pd.DataFrame, fmt: str = "table", long_over: int = MAX_CELL) -> None:
    """Rows one at a time, for reading the items themselves (drill-down, the queue).

    The short columns on one line, then each long text in full, wrapped to the terminal. Other formats
    go to :func:`print_table` whole.
    """
    import textwrap

    import pandas as pd

    if fmt != "table" or WIDE:
        print_table(df, fmt)
        return
    width = min(shutil.get_terminal_size((MAX_WIDTH, 24)).columns, MAX_WIDTH)
    long = [c for c in df.columns if (df[c].dtype == object or pd.api.types.is_string_dtype(df[c]))
            and df[c].astype(str).str.len().max() > long_over]
    for idx, row in df.iterrows():
        head = " · ".join([str(idx), *(f"{c}={row[c]}" for c in df.columns if c not in long)])
        print(textwrap.fill(head, width=width, subsequent_indent="    "))
        for c in long:
            text = " ".join(str(row[c]).split())   # one paragraph: line breaks in data never break the layout
            print(textwrap.fill(f"{c}: {text}", width=width, initial_indent="    ", subsequent_indent="    "))
    print(f"({len(df)} rows)")

