"""Layers run one way — storage (models/) → content (seed/) → API (api/) — and no modules import
each other in a cycle, counting imports inside functions: a function-local import that closes a
cycle still ties the modules together, it only moves the failure to the first call.

The walk reads every module's source with `ast` (nothing is imported). Not counted, on purpose:
- imports under `if TYPE_CHECKING:`: they never run; mypy reads them to type annotations that
  name a type from a module that cannot be imported at run time (Municipality.agreements returns
  Agreements, while api/agreements imports api/geography).
- `strawberry.lazy("module")`: not an import but the schema's own reference to a type it
  resolves when api/schema.py, which imports every domain, builds the schema. GraphQL types
  refer to each other both ways (Municipality.agreements, Agreement.municipalities); that is
  the graph the API serves, not a dependency between the modules' code."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import ROOT

PACKAGES = ("models", "seed", "api")  # in layer order: each may import only those before it
LAYER = {package: rank for rank, package in enumerate(PACKAGES)}


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _type_checking_only(tree: ast.Module) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in {"TYPE_CHECKING", "typing.TYPE_CHECKING"}:
            skipped.update(id(inner) for statement in node.body for inner in ast.walk(statement))
    return skipped


def imported_names(module: str, path: Path) -> Iterator[tuple[str, int]]:
    """Every dotted name the module imports (module level and inside functions), with its line."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    skipped = _type_checking_only(tree)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                source = ".".join([*base, node.module] if node.module else base)
            else:
                source = node.module or ""
            yield source, node.lineno
            for alias in node.names:
                yield f"{source}.{alias.name}", node.lineno  # `from api.search import index`


def import_graph() -> dict[str, dict[str, int]]:
    """module → {module it imports: first line}, over our own modules only."""
    known = modules()

    def resolve(name: str) -> str | None:
        parts = name.split(".")
        while parts and ".".join(parts) not in known:
            parts.pop()
        return ".".join(parts) or None

    graph: dict[str, dict[str, int]] = {}
    for module, path in known.items():
        edges: dict[str, int] = {}
        for name, line in imported_names(module, path):
            target = resolve(name)
            if target and target != module:
                edges.setdefault(target, line)
        graph[module] = edges
    return graph


def cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(graph[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(graph[child])))
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


def describe(component: list[str], graph: dict[str, dict[str, int]]) -> str:
    members = set(component)
    edges = [f"  {m}:{line} imports {t}" for m in component for t, line in graph[m].items() if t in members]
    return f"{len(component)} modules in a cycle:\n" + "\n".join(edges)


def test_no_modules_of_api_models_and_seed_import_each_other_in_a_cycle() -> None:
    graph = import_graph()
    assert [describe(component, graph) for component in cycles(graph)] == []


def test_imports_run_from_storage_to_content_to_api_only() -> None:
    against = [
        f"{module} imports {target} (line {line})"
        for module, edges in import_graph().items()
        for target, line in edges.items()
        if LAYER[target.split(".")[0]] > LAYER[module.split(".")[0]]
    ]
    assert against == []


def test_the_walk_sees_imports_inside_functions_and_finds_a_cycle(tmp_path: Path) -> None:
    a = tmp_path / "a.py"
    a.write_text("import b\n", encoding="utf-8")
    b = tmp_path / "b.py"
    b.write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import c\ndef f():\n    from a import x\n",
        encoding="utf-8",
    )
    names = {module: [name for name, _ in imported_names(module, path)] for module, path in {"a": a, "b": b}.items()}
    assert names == {"a": ["b"], "b": ["typing", "typing.TYPE_CHECKING", "a", "a.x"]}
    graph = {"a": {"b": 1}, "b": {"a": 5}, "c": {"a": 1}}
    assert cycles(graph) == [["a", "b"]]


def test_no_model_documents_a_field_in_a_comment_tortoise_would_read() -> None:
    """models/_tortoise.py skips Tortoise's reading of `#:` field comments; a model that wrote
    one would lose it silently, so none may (fields are described with `description=`)."""
    written = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "models").glob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if line.lstrip().startswith("#:")
    ]
    assert not written, written
