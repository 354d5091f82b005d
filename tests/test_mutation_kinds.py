"""tools/mutation_kinds.py decides which mutants the mutation score leaves aside: only text
for people may be left aside, never a change in behaviour."""

import importlib.util
from pathlib import Path

spec = importlib.util.spec_from_file_location("mutation_kinds",
                                              Path(__file__).resolve().parents[1] / "tools" / "mutation_kinds.py")
kinds = importlib.util.module_from_spec(spec)
spec.loader.exec_module(kinds)


def _diff(old, new):
    return f"--- m.py\n+++ m.py\n@@ -1,3 +1,3 @@\n def f(x):\n-{old}\n+{new}\n     return x\n"


def test_text_for_people_is_a_message():
    assert kinds.is_message(_diff('    raise ValueError(f"x: expected >= 0, got {x}")', "    raise ValueError(None)"))
    assert kinds.is_message(_diff('    warnings.warn("a bad LF", FaultWarning)',
                                  '    warnings.warn("XXa bad LFXX", FaultWarning)'))
    assert kinds.is_message(_diff('                 "than once; rename it")',
                                  '                 "XXthan once; rename itXX")'))
    assert kinds.is_message(_diff('    print(f"Wrote {path}")', "    print(None)"))


def test_behaviour_is_never_a_message():
    assert not kinds.is_message(_diff("    if x < 0:", "    if x <= 0:"))
    assert not kinds.is_message(_diff('    return {"accuracy": x}', '    return {"XXaccuracyXX": x}'))  # a key
    assert not kinds.is_message(_diff('    out.append("model unsure: " + name)', '    out.append(None)'))
    assert not kinds.is_message(_diff('    s = x.split(" ")', '    s = x.split(None)'))
    assert not kinds.is_message(_diff('    s = ", ".join(x)', '    s = "XX, XX".join(x)'))  # a separator
    assert not kinds.is_message("")  # no change shown: count it
