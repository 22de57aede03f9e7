"""The layering rules of docs/architecture.md, checked on the source: no import cycle inside search/,
and the entry points reach the engine only through the service layer."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "search"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Every import of a search module by another, wherever it is written (module level or inside a function)."""
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")
                    base = base[:len(base) - node.level + 1]
                    root = ".".join(base + ([node.module] if node.module else []))
                else:
                    root = node.module or ""
                if node.module:   # "from . import x" imports the submodule x, not its package
                    targets.append(root)
                targets += [f"{root}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                targets += [alias.name for alias in node.names]
            for target in targets:
                if target in modules and target != name:
                    graph[name].add(target)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
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


def test_no_import_cycle_in_the_package():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_entry_points_use_the_service_layer():
    graph = import_graph()
    blueprints = ("search.api", "search.pages", "search.figures_api")
    for entry in blueprints + ("search.cli",):
        for inner in ("search.engine", "search.qa", "search.ranking"):
            assert inner not in graph[entry], f"{entry} must go through search.service, not {inner}"
    # blueprints are siblings over the shared data functions: none imports another
    for a in blueprints:
        for b in blueprints:
            assert b not in graph[a], f"{a} imports the blueprint {b}"


def test_rebuild_fingerprint_follows_the_build_imports():
    """The index is rebuilt when code the build runs changes — found by following imports, so a new
    module cannot be forgotten — and not when only the query side (answers, pages) changes."""
    from search.indexer import pipeline_sources

    names = {p.relative_to(PACKAGE).as_posix() for p in pipeline_sources(PACKAGE)}
    for built in ("reader.py", "clean.py", "chunk.py", "metadata.py", "ingest.py", "facts.py", "vocab.py",
                  "store.py", "tokens.py", "bm25.py", "regions.py", "data/regions.tsv", "data/budget_dict.txt"):
        assert built in names, built
    # the question vocabularies and row questions are query side: editing them must not rebuild an archive
    for query_side in ("qa/__init__.py", "pages.py", "api.py", "service.py", "webapp.py", "qa/lexicon.py",
                       "rowsearch.py", "data/departments.tsv", "data/metrics.tsv"):
        assert query_side not in names, query_side
