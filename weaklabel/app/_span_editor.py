"""The span editor.

A Streamlit (components v2) widget that shows a document's tokens with the expert's working spans
highlighted by type, and takes the keyboard and the mouse.

Keys (the legend under the text says the same):

* ``←`` / ``→`` move the cursor; with ``Shift`` they extend the selection; the mouse selects by
  dragging over tokens;
* ``1``-``9`` give the selection that type (spans it overlaps are replaced);
* ``x`` or ``Delete`` removes the spans under the selection;
* ``z`` takes back the last edit on this document;
* ``Enter`` saves the spans shown (the model's, pre-filled, if nothing was changed: accept all);
* ``s`` skips the document; ``u`` undoes the last saved document, which comes back on screen.

Every piece of data reaches the page as text (``textContent``), never as HTML. The widget sends
one trigger per decision, ``action``: ``{"kind": "save" | "skip" | "undo", "key": ..., "spans":
[[start, end, type], ...]}``; ``key`` names the document on screen, so a decision meant for an
earlier document is recognised and dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

# Our own fixed markup, styles and script: no data in them (data arrives through ``data``).
_HTML = '<div class="wl"><div class="doc" tabindex="0"></div><div class="legend"></div></div>'
_CSS = """
.wl { font-family: var(--st-font, sans-serif); }
.doc { line-height: 2.3; font-size: 1.05rem; padding: .5rem .25rem; outline: none; user-select: none; }
.tok { padding: .1rem .05rem; border-radius: .2rem; cursor: pointer; }
.ent { padding: .15rem .1rem; border-radius: .25rem; }
.tok.sel { outline: 2px solid var(--st-primary-color, #f63366); }
.tok.cur { text-decoration: underline; text-decoration-thickness: 2px; }
.tag { font-size: .65rem; font-weight: 600; margin-left: .15rem; padding: 0 .2rem; border-radius: .2rem;
       vertical-align: super; color: #fff; }
.legend { font-size: .85rem; color: #555; margin-top: .25rem; }
.legend .key { display: inline-block; margin-right: .6rem; padding: 0 .35rem; border-radius: .2rem; color: #fff; }
"""
_JS = r"""
const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf", "#7f7f7f"];
export default function ({ parentElement, data, setTriggerValue }) {
  const docEl = parentElement.querySelector(".doc");
  const legend = parentElement.querySelector(".legend");
  let s = parentElement.__wl;
  if (!s || s.key !== data.key) {
    s = parentElement.__wl = { key: data.key, spans: (data.spans || []).map((x) => x.slice()), history: [],
                               cursor: 0, anchor: 0, dragging: false, sent: false };
  }
  const types = data.types || [];
  const color = (t) => COLORS[Math.max(0, types.indexOf(t)) % COLORS.length];
  const lo = () => Math.min(s.anchor, s.cursor), hi = () => Math.max(s.anchor, s.cursor) + 1;
  function render() {
    docEl.textContent = "";
    docEl.dataset.key = s.key;         // which document the keys now act on (tests and the bench wait for it)
    const at = {};
    s.spans.forEach((sp) => { for (let i = sp[0]; i < sp[1]; i++) at[i] = sp; });
    let box = docEl;                   // an entity's tokens sit in one highlighted box
    (data.tokens || []).forEach((tok, i) => {
      const sp = at[i];
      if (sp && i === sp[0]) {
        box = document.createElement("span");
        box.className = "ent";
        box.style.background = color(sp[2]) + "2e";
        box.style.borderBottom = "2px solid " + color(sp[2]);
        docEl.appendChild(box);
      }
      const el = document.createElement("span");
      el.className = "tok" + (i >= lo() && i < hi() ? " sel" : "") + (i === s.cursor ? " cur" : "");
      el.dataset.i = String(i);
      el.textContent = tok;
      box.appendChild(el);
      if (sp && i === sp[1] - 1) {
        const tag = document.createElement("span");
        tag.className = "tag";
        tag.style.background = color(sp[2]);
        tag.textContent = sp[2];
        box.appendChild(tag);
        box = docEl;
      }
      (sp && i < sp[1] - 1 ? box : docEl).appendChild(document.createTextNode(" "));
    });
    legend.textContent = "";
    types.forEach((t, k) => {
      const el = document.createElement("span");
      el.className = "key";
      el.style.background = color(t);
      el.textContent = (k + 1) + " " + t;
      legend.appendChild(el);
    });
    legend.appendChild(document.createTextNode("← → move · Shift+← → or drag: select · 1-9: type · " +
      "x: delete · z: take back · Enter: save · s: skip · u: undo last"));
  }
  function edit(fn) { s.history.push(s.spans.map((x) => x.slice())); fn(); render(); }
  function send(kind) {
    if (s.sent) return;              // one decision per document on screen
    s.sent = true;
    setTriggerValue("action", { kind, key: s.key, spans: s.spans });
  }
  const n = (data.tokens || []).length;
  const onKey = (e) => {
    const t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.isContentEditable)) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    let done = true;
    if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      const step = e.key === "ArrowRight" ? 1 : -1;
      s.cursor = Math.min(Math.max(s.cursor + step, 0), Math.max(n - 1, 0));
      if (!e.shiftKey) s.anchor = s.cursor;
      render();
    } else if (/^[1-9]$/.test(e.key) && Number(e.key) <= types.length && n > 0) {
      const type = types[Number(e.key) - 1], a = lo(), b = hi();
      edit(() => { s.spans = s.spans.filter((sp) => sp[1] <= a || sp[0] >= b); s.spans.push([a, b, type]);
                   s.spans.sort((p, q) => p[0] - q[0]); });
    } else if (e.key === "x" || e.key === "Delete" || e.key === "Backspace") {
      const a = lo(), b = hi();
      edit(() => { s.spans = s.spans.filter((sp) => sp[1] <= a || sp[0] >= b); });
    } else if (e.key === "z") {
      if (s.history.length) { s.spans = s.history.pop(); render(); }
    } else if (e.key === "Enter") { send("save"); }
    else if (e.key === "s") { send("skip"); }
    else if (e.key === "u") { send("undo"); }
    else done = false;
    if (done) { e.preventDefault(); e.stopPropagation(); }
  };
  const tokAt = (e) => {
    const el = e.target.closest && e.target.closest(".tok");
    return el ? Number(el.dataset.i) : null;
  };
  docEl.onmousedown = (e) => { const i = tokAt(e); if (i === null) return; s.anchor = s.cursor = i; s.dragging = true;
                               render(); e.preventDefault(); };
  docEl.onmouseover = (e) => {
    if (!s.dragging) return;
    const i = tokAt(e);
    if (i !== null) { s.cursor = i; render(); }
  };
  const onUp = () => { s.dragging = false; };
  document.addEventListener("keydown", onKey, true);
  document.addEventListener("mouseup", onUp);
  render();
  return () => { document.removeEventListener("keydown", onKey, true); document.removeEventListener("mouseup", onUp); };
}
"""


@st.cache_resource(show_spinner=False)
def _component() -> Any:
    return st.components.v2.component(name="weaklabel_span_editor", html=_HTML, css=_CSS, js=_JS)


def span_editor(tokens: Sequence[str], spans: Sequence[Sequence[Any]], types: Sequence[str], *, key: str,
                on_action: Callable[[], None]) -> Any:
    """Mount the editor for one document.

    ``on_action`` runs when the expert decides (read the decision from
    ``st.session_state["span-editor"].action``).
    """
    return _component()(data={"tokens": [str(t) for t in tokens], "spans": [list(s) for s in spans],
                              "types": list(types), "key": key},
                        key="span-editor", on_action_change=on_action)
