"""publisher/ has no import cycle: every import between its modules, at module level or inside a
function (a lazy import is still a dependency), forms an acyclic graph."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "publisher"


def imports_of(file: Path) -> set[str]:
    """The publisher modules a file imports, by module name."""
    found = set()
    for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "publisher":
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            found |= {n.split(".")[1] for n in names if n.count(".") >= 1 and (PACKAGE / f"{n.split('.')[1]}.py").exists()}
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("publisher.")}
    return found - {file.stem}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, str] = {}

    def visit(module: str, path: list[str]) -> list[str] | None:
        state[module] = "open"
        for other in sorted(graph.get(module, ())):
            if state.get(other) == "open":
                return [*path[path.index(other):], other] if other in path else [*path, other]
            if other not in state and (cycle := visit(other, [*path, other])):
                return cycle
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module, [module])):
            return cycle
    return None


def test_no_import_cycle_in_publisher():
    graph = {file.stem: imports_of(file) for file in PACKAGE.glob("*.py")}
    assert graph["cli"], "the import graph is empty: the parser above is broken"
    assert find_cycle(graph) is None, f"import cycle in publisher/: {' -> '.join(find_cycle(graph) or [])}"


def test_the_cycle_finder_finds_one():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None
