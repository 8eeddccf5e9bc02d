"""The package's shape: one-way imports between modules, small modules, a layout that shows the flow.

import-linter (`lint-imports`, run by the test command) checks the layers between
subpackages; this file checks what it does not: no cycle between any two modules, counting
imports made inside functions, and no module grown past what a reader takes in at once.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "assessment"
#: "none over ~500 lines": a module past this is split along the seams it already marks.
MAX_LINES = 520
LAYERS = ["util", "publish", "rubric", "inputs", "scoring", "review", "plan", "report", "samples", "batch", "api", "cli"]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Every module of the package `name` imports, at the top or inside a function
    (TYPE_CHECKING imports excepted: they never run)."""
    tree = ast.parse(path.read_text("utf-8"))
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            type_only.update(id(n) for n in ast.walk(node))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            targets = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (a list of modules, first = last), or None. A package's `__init__`
    importing its own modules is how a package exports its API, not a cycle: edges from a
    package to its submodules are kept, edges into a package from inside it are ignored."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if node.startswith(nxt + "."):
                continue  # a module importing its own package's __init__
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_no_module_imports_itself_back_through_others_even_inside_functions():
    assert _cycle(_graph()) is None


def test_the_cycle_check_finds_a_cycle_made_of_function_level_imports():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycle(graph) == ["a", "b", "c", "a"]


def test_a_lower_layer_never_imports_a_higher_one_even_lazily():
    rank = {layer: i for i, layer in enumerate(LAYERS)}
    siblings = {frozenset({"review", "plan"}), frozenset({"report", "samples"})}
    upward = []
    for name, targets in _graph().items():
        own = name.split(".")[1] if name.count(".") else None
        for target in targets:
            other = target.split(".")[1] if target.count(".") else None
            if own is None or other is None or own == other or own not in rank or other not in rank:
                continue
            if rank[other] > rank[own] or frozenset({own, other}) in siblings:
                upward.append(f"{name} -> {target}")
    assert upward == []


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_module_stays_readable_in_one_sitting(path):
    assert len(path.read_text("utf-8").splitlines()) <= MAX_LINES


def test_the_folders_name_the_stages_of_the_flow():
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").is_file()}
    assert {"util", "publish", "rubric", "inputs", "scoring", "review", "plan", "report", "batch", "cli"} <= folders
    loose = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__", "__main__", "api", "samples"}
    assert loose == set()
