"""Item text with the LFs' evidence highlighted, as inert HTML.

Every piece of the text is escaped, and the only markup is our own ``<mark>`` tags.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

PALETTE = ("#ffe08a", "#a8d8ff", "#c3f0c8", "#ffc4d6", "#e3d0ff", "#ffd3a8")


def highlight_html(text: str, spans: Sequence[tuple[int, int, str, str]], class_names: Sequence[str]) -> str:
    """``text`` as HTML with each matched span marked.

    Color by the class the LF voted, the LF names on hover, and a legend of LF -> class below.

    Parameters
    ----------
    text : str
        Already entity-decoded (spans are offsets into it).
    spans : sequence of (start, end, lf_name, class_name)
    class_names : sequence of str
        For a stable color per class.
    """
    n = len(text)
    owners: list[list[tuple[str, str]]] = [[] for _ in range(n)]
    for a, b, lf, cls in spans:
        for i in range(max(0, a), min(n, b)):
            owners[i].append((lf, cls))
    parts, i = [], 0
    while i < n:
        j = i
        while j < n and owners[j] == owners[i]:
            j += 1
        chunk = _BR.sub("\n", html.escape(text[i:j]))   # a line break the data wrote as <br />
        if owners[i]:
            color = _color(owners[i][0][1], class_names)
            title = html.escape(", ".join(sorted({f"{lf} → {c}" for lf, c in owners[i]})), quote=True)
            parts.append(f'<mark style="background:{color};padding:0 2px;border-radius:3px" '
                         f'title="{title}">{chunk}</mark>')
        else:
            parts.append(chunk)
        i = j
    legend = sorted({(lf, cls) for _, _, lf, cls in spans})
    key = " · ".join(f'<mark style="background:{_color(c, class_names)};padding:0 2px;border-radius:3px">'
                     f"{html.escape(lf)}</mark> → {html.escape(c)}" for lf, c in legend)
    # a long text scrolls in its box, so the decision buttons below it stay in view
    return (f'<div style="white-space:pre-wrap;font-size:1.05rem;line-height:1.6;max-height:45vh;'
            f'overflow-y:auto">{"".join(parts)}</div>'
            + (f'<div style="font-size:0.8rem;color:#666;margin-top:4px">evidence: {key}</div>' if key else ""))


_BR = re.compile(r"&lt;br\s*/?&gt;", re.I)
_BR_RAW = re.compile(r"<br\s*/?>", re.I)


def display_text(value: object) -> str:
    """Item text as an expert reads it, the same in every view.

    HTML entities (&#39;, &amp;) decoded and ``<br />`` as a line break; never rendered as HTML.
    """
    return _BR_RAW.sub("\n", html.unescape(str(value)))


def _color(cls: str, class_names: Sequence[str]) -> str:
    names = list(class_names)
    return PALETTE[names.index(cls) % len(PALETTE)] if cls in names else PALETTE[0]


_MD_SPECIAL = frozenset("\\`*_{}[]()#+-.!|<>~$:&=\"'/?@%^;,")


# GFM turns bare URLs and e-mail addresses into links after parsing, on the text itself, so no
# escape stops it; it only links one that starts a word. An invisible word joiner (U+2060) in
# front of "http", "www." and "@" keeps them inside the word before them.
_AUTOLINK = re.compile(r"(?i)(https?:|www\.|@)")


def md_escape(value: object) -> str:
    """Make data (ids, notes, reasons, class names) inert for Streamlit's markdown elements.

    Those are caption, info, toast and write. Every ASCII punctuation character is backslash-escaped, so
    no emphasis, link or image (which a browser would fetch) can form, and a word joiner goes in front
    of URLs and e-mail addresses, so no autolink forms either.
    """
    text = _AUTOLINK.sub("\u2060\\1", str(value))
    return "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in text)

