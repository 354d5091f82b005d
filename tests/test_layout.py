"""The tree is the architecture: imports only point down the pipeline, no two modules import
each other (even inside a function), and the old flat module paths are gone."""

import ast
import subprocess
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "weaklabel"

# Which top-level parts of the package a part may not import (the core is every module at
# the top plus models/, analysis/, learn/, io/ and backends/).
CORE = {"", "models", "analysis", "learn", "io", "backends"}
FORBIDDEN = {part: {"review", "app", "cli", "bench", "compat"} for part in CORE}
FORBIDDEN["review"] = {"app", "cli", "bench", "compat"}
# the Streamlit app is a view over the review loop: the command line may start it, nothing imports it
FORBIDDEN["app"] = {"cli", "bench", "compat"}


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


def test_the_layering_check_sees_a_violation():
    # The check itself must be able to fail: a core module importing the review loop.
    fake = PKG / "_layout_probe.py"
    fake.write_text("from .review.store import ExpertLabelStore\n", encoding="utf-8")
    try:
        assert "weaklabel.review.store" in _imports(fake)
        assert "review" in FORBIDDEN[_part("weaklabel._layout_probe")]
    finally:
        fake.unlink()


def _runtime_imports(path: Path, modules: set[str]) -> set[str]:
    """The package's modules that ``path`` imports when it runs: at the top or inside a function,
    but not under ``if TYPE_CHECKING:`` (annotations only). ``from .x import y`` counts as an
    import of ``x`` and, where ``y`` is a module, of ``y`` too."""
    rel = path.relative_to(PKG.parent).with_suffix("").parts
    package = list(rel[:-1])
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = ".".join(package[: len(package) - (node.level - 1)] + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            found.update(n for n in [base, *(f"{base}.{a.name}" for a in node.names)] if n in modules)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name in modules)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or round a loop (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def strong(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            strong(v)
    return out


def _package_graph() -> dict[str, set[str]]:
    def name(p: Path) -> str:
        parts = p.relative_to(PKG.parent).with_suffix("").parts
        return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)

    paths = {name(p): p for p in PKG.rglob("*.py")}
    # a module's own parent packages are loaded before it anyway: ``from . import x`` is no edge up
    return {m: {t for t in _runtime_imports(p, set(paths)) if t != m and not m.startswith(t + ".")}
            for m, p in paths.items()}


def test_no_two_modules_import_each_other_even_inside_a_function():
    assert _cycles(_package_graph()) == []


def test_the_cycle_check_sees_a_loop_through_a_lazy_import():
    graph = _package_graph()
    assert "weaklabel.models.guardrails" in graph["weaklabel.models.base"]   # the check reads real edges
    graph["weaklabel.models.hard_labels"] = graph["weaklabel.models.hard_labels"] | {"weaklabel.models.base"}
    assert _cycles(graph) == [["weaklabel.models.base", "weaklabel.models.guardrails",
                               "weaklabel.models.hard_labels"]]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


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


# Packages whose module names repeat others' on purpose, each name for the same role:
# spans/ and multilabel/ mirror the class pipeline (matrix, models, lfs, evaluate, ...), cli/
# has one module per command group and bench/ one per `weaklabel bench` command, and
# compat/snorkel/ keeps Snorkel's own module paths so its imports work unchanged.
MIRRORS = ("spans", "multilabel", "cli", "bench", "compat")


def _basename_clashes(paths: list[Path]) -> dict[str, list[str]]:
    seen: dict[str, list[str]] = {}
    for path in paths:
        rel = path.relative_to(PKG)
        if path.name in ("__init__.py", "__main__.py") or rel.parts[0] in MIRRORS:
            continue
        seen.setdefault(path.stem.lstrip("_"), []).append(str(rel))
    return {name: sorted(where) for name, where in seen.items() if len(where) > 1}


def test_no_two_modules_share_a_name_outside_the_mirrored_packages():
    assert _basename_clashes(sorted(PKG.rglob("*.py"))) == {}


def test_the_name_check_sees_a_clash():
    paths = [PKG / "io" / "tables.py", PKG / "review" / "tables.py", PKG / "spans" / "matrix.py", PKG / "matrix.py"]
    assert _basename_clashes(paths) == {"tables": ["io/tables.py", "review/tables.py"]}
