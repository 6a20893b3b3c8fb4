"""The package's rooms stay few and import each other in one direction (issue 10): a newcomer
guesses the file before opening it, and no room needs another that needs it back."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "endorse"
MOST_ROOT_MODULES = 20


def _room(module: str) -> str:
    """The top-level room of ``endorse.x.y``: ``x`` (a root module or a package)."""
    return module.split(".")[1] if module.count(".") else module


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _module_or_package(package: str, name: str) -> str:
    module = f"{package}.{name}"
    path = PACKAGE.parent.joinpath(*module.split("."))
    return module if path.is_dir() or path.with_suffix(".py").exists() else package


def _imports_at_load(path: Path) -> set[str]:
    """The endorse modules ``path`` imports when it is loaded (not inside a function, which
    runs later and may look back up the tree, as the app factory does)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.If):  # TYPE_CHECKING blocks import nothing at run time
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("endorse")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("endorse"):
                # `from . import caching` imports a module; `from .x import y`, a name of x
                found |= {_module_or_package(target, a.name) for a in node.names}
    return found


def _is_room(name: str) -> bool:
    """A root module, a package, or the package itself (``endorse``: its ``__init__``)."""
    return name == "endorse" or (PACKAGE / name).is_dir() or (PACKAGE / f"{name}.py").exists()


def _room_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        source = _room(_module_name(path))
        for target in _imports_at_load(path):
            room = _room(target)
            if room != source and _is_room(room):
                graph.setdefault(source, set()).add(room)
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle in ``graph`` as the list of rooms along it, or None."""
    done: set[str] = set()

    def visit(room: str, path: list[str]) -> list[str] | None:
        if room in path:
            return path[path.index(room) :] + [room]
        if room in done:
            return None
        for nxt in sorted(graph.get(room, ())):
            found = visit(nxt, path + [room])
            if found:
                return found
        done.add(room)
        return None

    for room in sorted(graph):
        found = visit(room, [])
        if found:
            return found
    return None


def test_the_package_root_holds_at_most_twenty_modules() -> None:
    modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(modules) <= MOST_ROOT_MODULES, modules


def test_the_rooms_import_each_other_without_a_cycle() -> None:
    graph = _room_graph()
    assert graph, "no imports found: the walk is broken"
    assert "models" in graph["operations"]
    assert _cycle(graph) is None, " -> ".join(_cycle(graph) or [])


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": {"c"}}) is None
