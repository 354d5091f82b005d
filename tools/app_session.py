"""A long review session in a real browser: two experts, a reload, fast double presses, on a
store that already holds 30,000 label events. Prints latency percentiles (key -> next item on
screen) and checks every stored label against what each expert's page showed.

Run: python tools/app_session.py [--items 10000] [--prior 30000] [--decisions 140] [--shots DIR]
(needs Chromium and the dev extras; takes a few minutes).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from weaklabel.bench.app import _free_port, _wait_for, make_project, prefill, row_on_screen, wait_for_next_item
from weaklabel.review.project import Project

# every item caption a page ever holds ("row <id> · why this item"), recorded as the DOM changes
WATCH = """() => {
  window.__seen = [];
  const grab = () => document.querySelectorAll('[data-testid="stCaptionContainer"]').forEach(e => {
    const m = e.innerText.match(/^row (\\S+) · why this item/);
    if (m && !window.__seen.includes(m[1])) window.__seen.push(m[1]);
  });
  grab();
  new MutationObserver(grab).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""
def press_and_wait(page, keys: list[str], gap_ms: int = 40) -> float:
    """Press ``keys`` (gap_ms apart); seconds until a new item is on screen."""
    page.get_by_text("why this item").first.click()        # focus the page, not the note box
    before = row_on_screen(page, 10_000)
    t0 = time.perf_counter()
    for i, key in enumerate(keys):
        if i:
            page.wait_for_timeout(gap_ms)
        page.keyboard.press(key)
    wait_for_next_item(page, before, timeout_ms=10_000)
    return time.perf_counter() - t0


def sign_in(browser, port: int, name: str):
    page = browser.new_context(viewport={"width": 1366, "height": 900}).new_page()
    page.goto(f"http://127.0.0.1:{port}/", timeout=120_000)
    page.get_by_label("Your name").wait_for(timeout=120_000)
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name=re.compile(r"^SPAM")).wait_for(timeout=120_000)
    page.evaluate(WATCH)
    time.sleep(0.3)   # Streamlit attaches key shortcuts just after the buttons paint
    return page


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=10_000)
    ap.add_argument("--prior", type=int, default=30_000)
    ap.add_argument("--decisions", type=int, default=140, help="per expert")
    ap.add_argument("--shots", default="app-session-shots")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    shots = Path(args.shots)
    shots.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp())
    path = make_project(tmp, args.items)
    prefill(path, args.prior, args.items)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "weaklabel", "app", "--project", str(path), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    lat: dict[str, list[float]] = {"ana": [], "ben": []}
    doubles = 0
    try:
        _wait_for(port)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=shutil.which("chromium"), headless=True,
                                         args=["--no-sandbox", "--disable-gpu"])
            pages = {name: sign_in(browser, port, name) for name in ("ana", "ben")}
            for name, page in pages.items():
                page.screenshot(path=str(shots / f"{name}-start.png"))
            seen: dict[str, set[str]] = {n: set() for n in pages}
            for i in range(args.decisions):
                for name, page in pages.items():
                    if i % 20 == 10:                          # a fast double press: "2" then "1", 40 ms apart
                        lat[name].append(press_and_wait(page, ["2", "1"]))
                        doubles += 1
                    else:
                        lat[name].append(press_and_wait(page, ["1" if i % 2 else "2"]))
                if i == args.decisions // 2:                  # ana reloads mid-session
                    page = pages["ana"]
                    seen["ana"] |= set(page.evaluate("() => window.__seen"))
                    t0 = time.perf_counter()
                    page.reload()
                    page.get_by_role("button", name=re.compile(r"^SPAM")).wait_for(timeout=60_000)
                    reload_s = time.perf_counter() - t0
                    assert page.get_by_label("Your name").count() == 0, "the reload lost the sign-in"
                    page.evaluate(WATCH)
                    time.sleep(0.3)
                    page.screenshot(path=str(shots / "ana-after-reload.png"))
            for name, page in pages.items():
                page.wait_for_timeout(2000)
                seen[name] |= set(page.evaluate("() => window.__seen"))
                page.screenshot(path=str(shots / f"{name}-end.png"), full_page=True)
            browser.close()
    finally:
        server.terminate()
        server.wait(30)
    ev = Project.load(path).open_store().events()
    out = {"items": args.items, "prior_events": args.prior, "double_presses": doubles,
           "reload_to_item_s": round(reload_s, 3)}
    rows_by: dict[str, set[str]] = {}
    for name in lat:
        mine = ev[(ev["annotator"] == name) & (ev["kind"] == "label")]["row_id"].astype(str).tolist()
        rows_by[name] = set(mine)
        arr = np.array(lat[name])
        out[name] = {"decisions": len(arr), "labels_stored": len(mine), "labeled_unseen": len(set(mine) - seen[name]),
                     "labeled_twice": len(mine) - len(set(mine)),
                     **{f"p{q}_s": round(float(np.percentile(arr, q)), 3) for q in (50, 90, 99)},
                     "max_s": round(float(arr.max()), 3)}
    both = np.array(lat["ana"] + lat["ben"])
    out["all"] = {f"p{q}_s": round(float(np.percentile(both, q)), 3) for q in (50, 90, 99)}
    out["all"]["max_s"] = round(float(both.max()), 3)
    out["rows_labeled_by_both"] = len(rows_by["ana"] & rows_by["ben"])   # overlap = 1: must be 0
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
