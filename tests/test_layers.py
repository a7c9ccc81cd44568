"""The apps depend one way: the import graph of ``src/enlist``, read from the source.

Every ``import enlist…`` counts, inside functions too; only imports under ``if TYPE_CHECKING:``
are left out (they never run). Three checks:

- no cycle between modules;
- no cycle between apps (two apps of one layer may not import each other both ways);
- no import against the layer order of ARCHITECTURE.md ("Layers"), with no exception: a lower
  app that must reach up defines a hook or a signal the upper app fills.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import enlist

SOURCE = Path(enlist.__file__).parent

# Lowest first; an app may import its own layer's apps and any layer below it.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"errors", "core"}),
    frozenset({"vault"}),
    frozenset({"jobs"}),
    frozenset({"accounts", "missions"}),
    frozenset({"audit"}),
    frozenset({"cases"}),
    frozenset({"matching", "intake"}),
    frozenset({"interviews", "visas", "travel", "logistics", "mailin", "reports"}),
    frozenset({"api", "demo", "workspace"}),
    frozenset({"urls", "wsgi", "settings", "cli"}),
)


def _layer_of(app: str) -> int:
    for depth, apps in enumerate(LAYERS):
        if app in apps:
            return depth
    raise AssertionError(f"{app!r} has no layer: add it to LAYERS and to ARCHITECTURE.md")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(inner) for stmt in node.body for inner in ast.walk(stmt))
    return skipped


def _imports(path: Path, module: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_checking_nodes(tree)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            # `from enlist.x import y` may name a module y: count it when it is one.
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.add(candidate if _is_module(candidate) else target)
    return {name for name in found if name == "enlist" or name.startswith("enlist.")}


def _is_module(name: str) -> bool:
    path = SOURCE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        module = _module_name(path)
        graph[module] = {name for name in _imports(path, module) if name != module}
    return graph


def app_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "enlist"


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
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
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def upward_imports(graph: dict[str, set[str]]) -> dict[tuple[str, str], list[str]]:
    upward: dict[tuple[str, str], list[str]] = defaultdict(list)
    for module, targets in graph.items():
        for target in targets:
            importer, imported = app_of(module), app_of(target)
            if importer == "enlist" or imported == "enlist" or importer == imported:
                continue
            if _layer_of(imported) > _layer_of(importer):
                upward[(importer, imported)].append(f"{module} -> {target}")
    return upward


def test_the_graph_is_read_from_the_source():
    graph = import_graph()
    assert "enlist.cases.workflow" in graph
    assert "enlist.cases.workflow" in graph["enlist.cases.services"]
    # an import inside a function counts
    assert "enlist.interviews.scheduling.solve" in graph["enlist.interviews.scheduling"]


def test_no_cycle_between_modules():
    assert cycles(import_graph()) == []


def app_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    """Which apps import which (an app's own modules and the package root left out)."""
    apps: dict[str, set[str]] = defaultdict(set)
    for module, targets in graph.items():
        for target in targets:
            importer, imported = app_of(module), app_of(target)
            if importer != imported and "enlist" not in (importer, imported):
                apps[importer].add(imported)
    return apps


def test_no_cycle_between_apps():
    """Apps of one layer may import each other, but never both ways round."""
    assert cycles(app_graph(import_graph())) == []


def test_no_import_against_the_layer_order():
    upward = upward_imports(import_graph())
    assert upward == {}, "imports against the layer order (see ARCHITECTURE.md, Layers)"


def test_every_app_has_a_layer():
    apps = {app_of(module) for module in import_graph()} - {"enlist"}
    for app in apps:
        _layer_of(app)


def test_the_checks_catch_what_they_look_for():
    graph = {"enlist.a.x": {"enlist.b.y"}, "enlist.b.y": {"enlist.a.x"}, "enlist.c": set()}
    assert cycles(graph) == [["enlist.a.x", "enlist.b.y"]]
    two_apps = {
        "enlist.accounts.x": {"enlist.missions.y"},
        "enlist.missions.z": {"enlist.accounts.w"},
    }
    assert cycles(app_graph(two_apps)) == [["accounts", "missions"]]
    assert upward_imports({"enlist.vault.x": {"enlist.cases.y"}}) == {
        ("vault", "cases"): ["enlist.vault.x -> enlist.cases.y"]
    }
