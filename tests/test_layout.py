"""The tree is the architecture: imports only point down the pipeline, and the old flat
module paths still resolve to the moved modules."""

import ast
import subprocess
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "weaklabel"

# Which top-level parts of the package a part may not import (the core is every module at
# the top plus models/, analysis/, learn/, io/ and backends/).
CORE = {"", "models", "analysis", "learn", "io", "backends"}
FORBIDDEN = {part: {"review", "cli", "bench", "compat"} for part in CORE}
FORBIDDEN["review"] = {"cli", "bench", "compat"}


def _imports(path: Path) -> set[str]:
    rel = path.relative_to(PKG.parent).with_suffix("").parts
    module = rel[:-1] if rel[-1] == "__init__" else rel
    package = list(module if path.name == "__init__.py" else module[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
                names = [target] if node.module else [f"{target}.{a.name}" for a in node.names]
            else:
                names = [node.module or ""]
            found.update(n for n in names if n.startswith("weaklabel"))
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("weaklabel"))
    return found


def _part(dotted: str) -> str:
    parts = dotted.split(".")
    if len(parts) < 2:
        return ""
    return parts[1] if (PKG / parts[1]).is_dir() else ""


def test_imports_point_down_the_pipeline():
    bad = []
    for path in PKG.rglob("*.py"):
        if path.name == "__main__.py" and path.parent == PKG:
            continue  # `python -m weaklabel` is the CLI's door
        src = _part(".".join(path.relative_to(PKG.parent).with_suffix("").parts))
        for target in _imports(path):
            if _part(target) in FORBIDDEN.get(src, set()):
                bad.append(f"{path.relative_to(PKG.parent)} imports {target}")
    assert bad == []


def test_the_layering_check_sees_a_violation(tmp_path):
    # The check itself must be able to fail: a core module importing the review loop.
    fake = PKG / "_layout_probe.py"
    fake.write_text("from .review.store import ExpertLabelStore\n", encoding="utf-8")
    try:
        assert "weaklabel.review.store" in _imports(fake)
        assert "review" in FORBIDDEN[_part("weaklabel._layout_probe")]
    finally:
        fake.unlink()


def test_old_package_level_names_still_import():
    from weaklabel.cli import main
    from weaklabel.io import read_table, read_wrench_split
    from weaklabel.review import ReviewSession

    assert callable(main) and callable(read_table) and callable(read_wrench_split)
    assert ReviewSession.__module__ == "weaklabel.review.session"


def test_each_module_has_one_path_and_the_flat_paths_of_0_1_are_gone():
    code = ("import importlib.util, weaklabel; "
            "print(importlib.util.find_spec('weaklabel.store') is None, "
            "importlib.util.find_spec('weaklabel.review.store') is not None)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True"]
