"""Render tables for the terminal: aligned text, JSON, CSV or Markdown."""

from __future__ import annotations

import pandas as pd


def print_table(df: pd.DataFrame, fmt: str = "table") -> None:
    """Print ``df`` as ``table`` (aligned text), ``json``, ``csv`` or ``markdown``."""
    if fmt == "json":
        print(df.to_json(orient="index", indent=2))
    elif fmt == "csv":
        print(df.to_csv(), end="")
    elif fmt == "markdown":
        print(markdown(df))
    else:
        with pd.option_context("display.max_rows", 500, "display.width", 160,
                               "display.float_format", "{:.3f}".format):
            print(df.to_string())


def markdown(df: pd.DataFrame) -> str:
    """A GitHub-flavoured Markdown table (floats to 3 decimals)."""
    cols = [str(df.index.name or "")] + [str(c) for c in df.columns]
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for idx, row in df.iterrows():
        cells = [f"{v:.3f}" if isinstance(v, float) else str(v) for v in row.tolist()]
        lines.append("| " + " | ".join([str(idx), *cells]) + " |")
    return "\n".join(lines)
