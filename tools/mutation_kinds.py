"""Sort mutmut's mutants into code mutants and message mutants (read by tools/mutation.sh).

A message mutant changes only what a person reads: the text of an error, a warning, a log
line or a printed line (``raise X("...")`` -> ``raise X(None)``, ``"some words"`` ->
``"XXsome wordsXX"``). Issue 13 scores mutation testing "leaving aside mutants in messages";
everything else counts. Usage, inside a mutmut work folder:

    python tools/mutation_kinds.py   ->  one line per mutant: "<name> <status> <code|message>"
"""

from __future__ import annotations

import re
import subprocess
import sys

# Calls whose arguments are text for people.
MESSAGE_CALLS = re.compile(r"^\s*(raise\b|warnings\.warn\(|print\(|log\.\w+\(|logging\.\w+\(|msgs\.append\()")
WORDS = re.compile(r"[A-Za-z]{2,}\S*\s+\S|\S\s+[A-Za-z]{2,}")  # prose: a word and a space, not " " or ", "
STRING = re.compile(r"""(?:[rbfu]{0,2})("([^"\\]|\\.)*"|'([^'\\]|\\.)*')""", re.IGNORECASE)


def _strings(line: str) -> list[str]:
    return [m.group(1)[1:-1] for m in STRING.finditer(line)]


def _without_strings(line: str) -> str:
    return STRING.sub('""', line).strip()


def is_message(diff: str) -> bool:
    removed = [ln[1:] for ln in diff.splitlines() if ln.startswith("-") and not ln.startswith("---")]
    added = [ln[1:] for ln in diff.splitlines() if ln.startswith("+") and not ln.startswith("+++")]
    if not removed or len(removed) != len(added):
        return False
    for old, new in zip(removed, added):
        if MESSAGE_CALLS.match(old):
            continue  # inside a raise/warn/print/log statement's first line
        if _without_strings(old) == _without_strings(new) and any(WORDS.search(s) for s in _strings(old)):
            continue  # only the words of a human-readable string changed
        return False
    return True


def main() -> int:
    res = subprocess.run(["mutmut", "results", "--all", "true"], capture_output=True, text=True).stdout
    for line in res.splitlines():
        if ":" not in line:
            continue
        name, status = (part.strip() for part in line.rsplit(":", 1))
        diff = subprocess.run(["mutmut", "show", name], capture_output=True, text=True).stdout
        print(f"{name} {status.replace(' ', '_')} {'message' if is_message(diff) else 'code'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
