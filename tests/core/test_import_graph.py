"""No import cycles among peacetable's modules, function-local imports included.

Every ``import`` statement of every module under ``src/peacetable`` is read
from the source (module level and inside functions alike); only imports under
``if TYPE_CHECKING:`` are left out, since they never run. The modules and
those edges must form a directed acyclic graph.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted((SRC / "peacetable").rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, package: str, modules: dict[str, Path]) -> set[str]:
    found: set[str] = set()

    def target(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                t = target(alias.name)
                if t:
                    found.add(t)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                t = target(f"{base}.{alias.name}") if f"{base}.{alias.name}" in modules else None
                t = t or target(base)
                if t:
                    found.add(t)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the peacetable modules it imports (any scope but TYPE_CHECKING)."""
    modules = _modules()
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        graph[name] = _imports(tree, package, modules) - {name}
    return graph


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components (Tarjan 1972), iteratively."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                out.append(sorted(component))
    return out


def test_no_import_cycles() -> None:
    graph = import_graph()
    assert len(graph) > 50
    cycles = [c for c in strongly_connected(graph) if len(c) > 1]
    assert cycles == [], f"import cycles: {cycles}"


def test_the_checker_finds_a_cycle() -> None:
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [
        ["a", "b", "c"],
        ["d"],
    ]


def test_lenses_depend_on_the_core_not_on_surfaces() -> None:
    graph = import_graph()
    surfaces = ("peacetable.cli", "peacetable.report", "peacetable.analyze", "peacetable.web")
    for name, targets in graph.items():
        if name.startswith(("peacetable.core", "peacetable.model", "peacetable.analysis")):
            bad = [t for t in targets if t.startswith(surfaces)]
            assert not bad, f"{name} imports surfaces {bad}"
        if name.startswith("peacetable.core"):
            lenses = [
                t
                for t in targets
                if t.startswith(
                    ("peacetable.analysis", "peacetable.conflict", "peacetable.forecast")
                )
            ]
            assert not lenses, f"the core module {name} imports lenses {lenses}"


def test_help_loads_no_engine() -> None:
    """``peacetable --help`` stays fast: the command line registers every command without
    importing NumPy, pydantic, the model or any engine (they load inside the commands)."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from typer.main import get_command\n"
        "from peacetable.cli import app\n"
        "get_command(app)\n"
        "heavy = ('numpy', 'scipy', 'pydantic', 'peacetable.model', 'peacetable.core.prepared',"
        " 'peacetable.analysis', 'peacetable.simulate', 'fastapi', 'sqlalchemy')\n"
        "print(sorted({m.split('.')[0] if not m.startswith('peacetable') else m"
        " for m in sys.modules if m.startswith(heavy)}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip() == "[]", out.stdout
