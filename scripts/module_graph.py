"""Print the module graph of custom_components/facecapture (stdlib only: ast).

    python scripts/module_graph.py [PACKAGE_DIR] [--arrows]

Counts the modules and the arrows between them (one arrow per importing module and imported
module, however many names it takes), runtime and type-only (under ``if TYPE_CHECKING:``)
separately; the depth, the longest chain of runtime imports counted in modules (a module that
imports none of the package is floor 1); every runtime import cycle (and, for information, the
cycles that type-only imports close); and each module that imports from more than two wings at
run time, marked when it is not one of MAY_SPAN_WINGS. A wing is a sub-package of the integration other than ``api/``, the
protocol library that every wing may use like ``const.py``; the modules at the top are no wing.
An import inside a function counts as a runtime import: it only defers the cycle it would close.

Exits 1 if there is a runtime import cycle, 0 otherwise. ``--arrows`` also lists every arrow.
"""

from __future__ import annotations

import argparse
import ast
from dataclasses import dataclass, field
from pathlib import Path
import sys

PACKAGE = "custom_components.facecapture"
DEFAULT_DIR = Path(__file__).resolve().parent.parent / "custom_components" / "facecapture"
LIBRARIES = frozenset({"api"})
# The modules allowed to import from more than two wings: where the wings meet. Home Assistant
# loads the entry (__init__) and its entity platforms by name; services.py registers every wing's
# actions; diagnostics.py reads every wing. The config flow (link, people) and the options flow
# (voice, access) each stay within two.
PLATFORMS = frozenset({
    "binary_sensor", "button", "camera", "event", "lock", "media_player", "notify", "number",
    "select", "sensor", "switch", "text",
})  # fmt: skip
MAY_SPAN_WINGS = PLATFORMS | {"__init__", "services", "diagnostics"}


@dataclass
class Graph:
    """Modules by dotted name inside the package (``""`` is its ``__init__``) and their arrows."""

    modules: set[str] = field(default_factory=set)
    runtime: dict[str, set[str]] = field(default_factory=dict)
    type_only: dict[str, set[str]] = field(default_factory=dict)
    wings: set[str] = field(default_factory=set)

    def arrows(self, kind: dict[str, set[str]]) -> list[tuple[str, str]]:
        """Every arrow of one kind, sorted."""
        return sorted((src, dst) for src, dsts in kind.items() for dst in dsts)


def module_name(root: Path, path: Path) -> str:
    """``captures/archive.py`` -> ``captures.archive``; a package's ``__init__`` is the package."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_package(root: Path, name: str) -> bool:
    """Whether a module is a package (has an ``__init__.py``)."""
    return (root.joinpath(*name.split(".")) / "__init__.py").exists() if name else True


def _type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.Module) -> list[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Every import statement and whether it sits under ``if TYPE_CHECKING:``."""
    found: list[tuple[ast.Import | ast.ImportFrom, bool]] = []

    def visit(node: ast.AST, typing_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking(child.test):
                for stmt in child.body:
                    visit_stmt(stmt, typing_only=True)
                for stmt in child.orelse:
                    visit_stmt(stmt, typing_only)
            else:
                visit_stmt(child, typing_only)

    def visit_stmt(stmt: ast.AST, typing_only: bool) -> None:
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            found.append((stmt, typing_only))
        elif isinstance(stmt, ast.If) and _type_checking(stmt.test):
            visit(ast.Module(body=[stmt], type_ignores=[]), typing_only)
        else:
            visit(stmt, typing_only)

    visit(tree, typing_only=False)
    return found


def _targets(
    root: Path, modules: set[str], importer: str, stmt: ast.Import | ast.ImportFrom
) -> set[str]:
    """The package's modules one import statement reads."""
    if isinstance(stmt, ast.Import):
        names = [alias.name for alias in stmt.names]
        return {
            _inner(name) for name in names if name == PACKAGE or name.startswith(PACKAGE + ".")
        } & modules
    if stmt.level:
        base = importer.split(".") if is_package(root, importer) and importer else []
        if not is_package(root, importer):
            base = importer.split(".")[:-1]
        if stmt.level > 1:
            base = base[: len(base) - (stmt.level - 1)]
        source = ".".join([*base, *(stmt.module.split(".") if stmt.module else [])])
    elif stmt.module and (stmt.module == PACKAGE or stmt.module.startswith(PACKAGE + ".")):
        source = _inner(stmt.module)
    else:
        return set()
    found: set[str] = set()
    for alias in stmt.names:
        sub = f"{source}.{alias.name}" if source else alias.name
        # ``from . import x`` or ``from .wing import module`` reads the module x, else the package.
        found.add(sub if sub in modules else source)
    return found & modules


def _inner(dotted: str) -> str:
    return dotted.removeprefix(PACKAGE).removeprefix(".")


def build(root: Path) -> Graph:
    """Parse every module under ``root`` into a graph."""
    graph = Graph()
    paths = sorted(root.rglob("*.py"))
    graph.modules = {module_name(root, path) for path in paths}
    for path in paths:
        name = module_name(root, path)
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for stmt, typing_only in _imports(tree):
            for target in _targets(root, graph.modules, name, stmt) - {name}:
                graph.runtime.setdefault(name, set())
                graph.type_only.setdefault(name, set())
                (graph.type_only if typing_only else graph.runtime)[name].add(target)
    for name in graph.type_only:
        graph.type_only[name] -= graph.runtime.get(name, set())
    graph.wings = {
        name
        for name in graph.modules
        if name and "." not in name and is_package(root, name) and name not in LIBRARIES
    }
    return graph


def wing_of(graph: Graph, name: str) -> str | None:
    """The wing a module belongs to, or None for the top and the library."""
    head = name.partition(".")[0]
    return head if head in graph.wings else None


def cycles(graph: Graph) -> list[list[str]]:
    """The runtime import cycles: each strongly connected group of more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = 0

    def connect(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph.runtime.get(node, ())):
            if succ not in index:
                connect(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            group: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10 * len(graph.modules) + 100))
    for node in sorted(graph.modules):
        if node not in index:
            connect(node)
    return sorted(groups)


def depth(graph: Graph, *, library: bool = True) -> tuple[int, list[str]]:
    """The longest chain of runtime imports, in modules, and one such chain.

    Without ``library``, the chain stops at the library's modules (they are not counted).
    """
    longest: dict[str, list[str]] = {}
    skip = set() if library else {name for name in graph.modules if wing_of_library(name)}

    def chain(node: str, seen: frozenset[str]) -> list[str]:
        if node in longest:
            return longest[node]
        best: list[str] = []
        for succ in sorted(graph.runtime.get(node, ())):
            if succ in seen or succ in skip:  # a cycle is reported elsewhere, not followed
                continue
            candidate = chain(succ, seen | {succ})
            if len(candidate) > len(best):
                best = candidate
        longest[node] = [node, *best]
        return longest[node]

    best: list[str] = []
    for node in sorted(graph.modules - skip):
        found = chain(node, frozenset({node}))
        if len(found) > len(best):
            best = found
    return len(best), best


def wing_of_library(name: str) -> bool:
    """Whether a module is part of a library (``api/``)."""
    return name.partition(".")[0] in LIBRARIES


def wide_importers(graph: Graph, kind: dict[str, set[str]]) -> dict[str, list[str]]:
    """Modules that import from more than two wings (besides their own) by one kind of arrow."""
    wide: dict[str, list[str]] = {}
    for name in sorted(graph.modules):
        wings = {wing_of(graph, target) for target in kind.get(name, set())}
        wings -= {None, wing_of(graph, name)}
        if len(wings) > 2:
            wide[name] = sorted(wing for wing in wings if wing is not None)
    return wide


def wing_arrows(graph: Graph) -> dict[str, list[str]]:
    """Which wings each wing's modules import at run time."""
    reach: dict[str, set[str]] = {wing: set() for wing in graph.wings}
    for src, dst in graph.arrows(graph.runtime):
        here, there = wing_of(graph, src), wing_of(graph, dst)
        if here is not None and there is not None and here != there:
            reach[here].add(there)
    return {wing: sorted(reach[wing]) for wing in sorted(reach)}


def all_cycles(graph: Graph) -> list[list[str]]:
    """The cycles of runtime and type-only arrows together (Home Assistant's runtime-data
    pattern: a module naming the runtime data's classes under ``if TYPE_CHECKING:``)."""
    both = Graph(modules=graph.modules, wings=graph.wings)
    for name in graph.modules:
        both.runtime[name] = graph.runtime.get(name, set()) | graph.type_only.get(name, set())
    return cycles(both)


def display(name: str) -> str:
    """A module as it reads in the report."""
    return name or "__init__"


def main(argv: list[str] | None = None) -> int:
    """Print the report; 1 on a runtime cycle."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("package", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--arrows", action="store_true", help="list every arrow")
    args = parser.parse_args(argv)
    root: Path = args.package.resolve()
    graph = build(root)

    def inside(name: str) -> bool:
        return not wing_of_library(name)

    library = sorted(name for name in graph.modules if not inside(name))
    doors = sorted(graph.wings)  # a wing's __init__: a docstring, no arrows
    runtime = graph.arrows(graph.runtime)
    type_only = graph.arrows(graph.type_only)
    own_runtime = [arrow for arrow in runtime if inside(arrow[0]) and inside(arrow[1])]
    own_type = [arrow for arrow in type_only if inside(arrow[0]) and inside(arrow[1])]
    floors, chain = depth(graph)
    own_floors, own_chain = depth(graph, library=False)
    found = cycles(graph)
    typed_cycles = all_cycles(graph)
    wide = wide_importers(graph, graph.runtime)
    wide_typed = wide_importers(graph, graph.type_only)

    print(f"package: {root}")
    libraries = ", ".join(f"{name}/" for name in sorted(LIBRARIES))
    print(
        f"modules: {len(graph.modules)} ({len(library)} in {libraries}; "
        f"{len(graph.modules) - len(library) - len(doors)} outside it, "
        f"and {len(doors)} wing __init__ files)"
    )
    print(f"wings: {len(doors)}" + (":" if doors else ""))
    for wing, reaches in wing_arrows(graph).items():
        members = [name for name in graph.modules if wing_of(graph, name) == wing and name != wing]
        print(f"  {wing}: {len(members)} modules, imports from {', '.join(reaches) or 'no wing'}")
    top = [name for name in graph.modules if inside(name) and wing_of(graph, name) is None]
    print(f"  (the top: {len(top)} modules)")
    print(
        f"arrows: {len(runtime)} runtime, {len(type_only)} type-only "
        f"(outside {libraries}: {len(own_runtime)} runtime, {len(own_type)} type-only)"
    )
    print(f"depth: {floors} floors: {' -> '.join(display(name) for name in chain)}")
    print(
        f"depth outside {libraries}: {own_floors} floors: "
        f"{' -> '.join(display(name) for name in own_chain)}"
    )
    if found:
        print(f"runtime import cycles: {len(found)}")
        for group in found:
            print(f"  {' <-> '.join(display(name) for name in group)}")
    else:
        print("runtime import cycles: none")
    print(
        f"cycles through type-only imports (the runtime-data pattern): {len(typed_cycles)}"
        + "".join(f"\n  {', '.join(display(n) for n in group)}" for group in typed_cycles)
    )
    print(f"modules importing from more than two wings at run time: {len(wide)}")
    for name, names in wide.items():
        note = "" if display(name) in MAY_SPAN_WINGS else "  (NOT ALLOWED)"
        print(f"  {display(name)}: {', '.join(names)}{note}")
    print(f"  type-only (not counted): {len(wide_typed)}")
    for name, names in wide_typed.items():
        print(f"    {display(name)}: {', '.join(names)}")
    if args.arrows:
        for kind, arrows in (("runtime", runtime), ("type-only", type_only)):
            for src, dst in arrows:
                print(f"{kind}: {display(src)} -> {display(dst)}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
