"""The import graph of backend/, bot/, actions/ and common/: no cycles, and every layer
imports only downwards (issue 10).

Why a test: the layers (routes → workflows → services / queries → domain, documents,
adapters, db) are what lets a workflow be read in one place and the policy be tested
without a database. A cycle held together by a lazy import, or a document builder that
reaches into a service, goes unnoticed in review and only hurts much later; here it
fails at once, naming the file, the line and the edge.

The graph is read from source with :mod:`ast` (nothing is imported), and it includes
every ``import`` statement wherever it is: inside functions and under ``TYPE_CHECKING``
too, because a deferred import is still a dependency (and is how cycles hide). An
import of ``a.b.c`` is an edge to the module ``a.b.c`` only; the implicit import of the
parent packages' ``__init__`` is not modelled (ours are empty or re-export only).

To cover another package, add it to :data:`PACKAGES` and give it rows in :data:`RULES`.
"""
from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

REPO = Path(__file__).resolve().parents[1]

# The packages whose modules are nodes of the graph (checked for cycles and rules).
PACKAGES: tuple[str, ...] = ("backend", "bot", "actions", "common", "dev")


@dataclass(frozen=True)
class Rule:
    """Modules in ``package`` (itself or below) must not import anything in ``forbids``,
    except what ``allows`` names (itself or below)."""

    package: str
    forbids: tuple[str, ...]
    why: str
    allows: tuple[str, ...] = ()


RULES: tuple[Rule, ...] = (
    Rule("backend", ("bot", "actions", "dev"),
         "the backend is a separate service: the assistant calls it over HTTP, never the "
         "other way round"),
    Rule("bot", ("actions", "backend", "dev"),
         "the Rasa channels run in the Rasa process: they reach the backend through "
         "common.backend_client over HTTP and never run the action server's code"),
    Rule("actions", ("bot", "backend", "dev"),
         "the action server talks to the backend over HTTP (common.backend_client), never to "
         "its internals, and knows nothing of the channels"),
    Rule("common", ("backend", "bot", "actions", "dev", "rasa", "rasa_sdk", "fastapi", "sanic"),
         "what the three processes share must import none of them, nor their frameworks, "
         "so each process can import it alone"),
    Rule("dev", ("backend", "bot", "actions"),
         "the process harness for benchmarks and live tests starts the services as "
         "processes, it does not import them"),
    Rule("backend.domain",
         ("backend.services", "backend.workflows", "backend.queries", "backend.api", "backend.app",
          "backend.context", "backend.db.session", "backend.demo", "backend.bootstrap"),
         "the domain (state machine, policy, wording) is pure rules: it can be tested and "
         "reused without a database session, a service or HTTP"),
    Rule("backend.documents",
         ("backend.services", "backend.workflows", "backend.queries", "backend.api", "backend.app",
          "backend.adapters", "backend.db", "backend.context"),
         "document builders are bytes in, bytes out: adapters (the local carrier) and "
         "services both use them, so they sit below both"),
    Rule("backend.adapters",
         ("backend.services", "backend.workflows", "backend.queries", "backend.api", "backend.app",
          "backend.db", "backend.context"),
         "an adapter speaks to one partner (carrier, payments, SMS) and knows nothing of "
         "returns; what to do with its answer is a service's or a workflow's business"),
    Rule("backend.db",
         ("backend.services", "backend.workflows", "backend.queries", "backend.api", "backend.app",
          "backend.context", "backend.demo", "backend.bootstrap"),
         "the database layer knows the schema, not the demo shop nor the business steps: "
         "seeding lives in backend.bootstrap"),
    Rule("backend.demo",
         ("backend.services", "backend.workflows", "backend.queries", "backend.api", "backend.app",
          "backend.context", "backend.adapters", "backend.bootstrap", "backend.__main__"),
         "the demo shop writes its rows straight into the schema, checking each seeded history "
         "against the state machine itself: it needs the tables and the rules, not the running "
         "app, and only backend.bootstrap and the command line call it"),
    Rule("backend.queries", ("backend.workflows", "backend.api", "backend.app"),
         "reads are below the commands: a workflow may read, a query never changes anything"),
    Rule("backend.queries", ("backend.services",),
         "a read depends on no command step: what queries and services both need (the "
         "customer's claims, the free stock) sits in the domain or in a query; the one "
         "exception is the backend's error types, which live in backend.services.errors",
         allows=("backend.services.errors",)),
    Rule("backend.services", ("backend.workflows", "backend.api", "backend.app", "backend.__main__"),
         "services are single steps that import downwards only; the order of the steps "
         "belongs to the workflows that call them"),
    Rule("backend.workflows", ("backend.api", "backend.app", "backend.__main__"),
         "workflows know no HTTP and no command line: routes and the CLI call them"),
    Rule("backend.api",
         ("backend.services.transitions", "backend.services.labels", "backend.services.refunds",
          "backend.services.inventory", "backend.services.notifications",
          "backend.services.inspection", "backend.services.returns"),
         "a route that changes a return goes through its workflow, which owns the order of "
         "the side effects (transition, carrier, payment, SMS); what it asks for is a "
         "command of backend.domain.commands"),
)


@dataclass(frozen=True)
class Edge:
    source: str  # importing module
    target: str  # imported module (ours: resolved to a module of the graph; else as written)
    path: Path
    line: int

    def where(self) -> str:
        return f"{self.path.relative_to(REPO)}:{self.line}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def collect_modules(packages: Iterable[str] = PACKAGES) -> dict[str, Path]:
    modules: dict[str, Path] = {}
    for package in packages:
        for path in sorted((REPO / package.replace(".", "/")).rglob("*.py")):
            if ".venv" in path.parts or "node_modules" in path.parts:
                continue
            modules[_module_name(path)] = path
    return modules


def _resolve(name: str, modules: dict[str, Path]) -> str:
    """The longest prefix of ``name`` that is a module of the graph, else ``name`` itself."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in modules:
            return candidate
    return name


def _imported_names(node: ast.AST, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    assert isinstance(node, ast.ImportFrom)
    if node.level:  # relative: from its package (or, for an __init__, the package itself)
        base = module.split(".")
        if not is_package:
            base = base[:-1]
        base = base[: len(base) - (node.level - 1)]
        prefix = ".".join(base + ([node.module] if node.module else []))
    else:
        prefix = node.module or ""
    # ``from pkg import mod`` imports the module pkg.mod when there is one, else names of pkg.
    return [f"{prefix}.{alias.name}" for alias in node.names if alias.name != "*"] + [prefix]


def _targets(node: ast.Import | ast.ImportFrom, module: str, is_package: bool,
             modules: dict[str, Path]) -> set[str]:
    names = _imported_names(node, module, is_package)
    if isinstance(node, ast.Import):
        return {_resolve(name, modules) for name in names}
    # "from X import y" is an edge to the module X.y when there is one, else to X.
    *members, prefix = names
    targets = {member for member in members if member in modules}
    if len(targets) < len(members) or not members:
        targets.add(_resolve(prefix, modules))
    return targets


def collect_edges(modules: dict[str, Path]) -> list[Edge]:
    edges: set[Edge] = set()
    for module, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for target in _targets(node, module, path.name == "__init__.py", modules):
                if target != module:
                    edges.add(Edge(module, target, path, node.lineno))
    return sorted(edges, key=lambda e: (e.source, e.target, e.line))


def _within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def rule_violations(edges: Iterable[Edge], rules: Iterable[Rule] = RULES) -> list[str]:
    found = []
    for edge in edges:
        for rule in rules:
            if not _within(edge.source, rule.package):
                continue
            if any(_within(edge.target, allowed) for allowed in rule.allows):
                continue
            for forbidden in rule.forbids:
                if _within(edge.target, forbidden):
                    found.append(f"{edge.where()}: {edge.source} imports {edge.target}: "
                                 f"{rule.package} must not import {forbidden} ({rule.why})")
    return found


def find_cycles(edges: Iterable[Edge], modules: Iterable[str]) -> list[list[Edge]]:
    """One concrete cycle (as its edges) per strongly connected group of modules."""
    nodes = set(modules)
    graph: dict[str, list[Edge]] = {n: [] for n in nodes}
    for edge in edges:
        if edge.source in nodes and edge.target in nodes:
            graph[edge.source].append(edge)
    # Tarjan's strongly connected components, iteratively (no recursion limit to hit).
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[set[str]] = []
    counter = 0
    for root in sorted(nodes):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            out = graph[node]
            if i < len(out):
                work.append((node, i + 1))
                nxt = out[i].target
                if nxt not in index:
                    work.append((nxt, 0))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            if low[node] == index[node]:
                group = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.add(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(group)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return [_cycle_in(group, graph) for group in groups]


def _cycle_in(group: set[str], graph: dict[str, list[Edge]]) -> list[Edge]:
    """A shortest way around the group, from its first module back to it (breadth first)."""
    start = min(group)
    came_by: dict[str, Edge] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for edge in graph[node]:
                if edge.target not in group:
                    continue
                if edge.target == start:
                    path = [edge]
                    while path[0].source != start:
                        path.insert(0, came_by[path[0].source])
                    return path
                if edge.target not in came_by:
                    came_by[edge.target] = edge
                    following.append(edge.target)
        frontier = following
    raise AssertionError(f"no cycle found in {sorted(group)}")  # pragma: no cover


def describe_cycle(cycle: list[Edge]) -> str:
    steps = " -> ".join(f"{e.source} ({e.where()})" for e in cycle)
    return f"import cycle: {steps} -> {cycle[0].source}"


# --- the tests ---------------------------------------------------------------------------

MODULES = collect_modules()
EDGES = collect_edges(MODULES)


def test_the_graph_is_read() -> None:
    assert "backend.workflows.staff_moves" in MODULES
    assert any(e.source == "backend.workflows.review" and e.target == "backend.workflows.issue_label"
               for e in EDGES)


def test_every_rule_names_a_package_that_exists() -> None:
    for rule in RULES:
        assert any(_within(m, rule.package) for m in MODULES), rule.package


def test_no_import_cycles() -> None:
    cycles = find_cycles(EDGES, MODULES)
    assert not cycles, "\n" + "\n".join(describe_cycle(c) for c in cycles)


def test_layers_import_only_downwards() -> None:
    violations = rule_violations(EDGES)
    assert not violations, "\n" + "\n".join(violations)


def test_the_tests_do_not_import_the_benchmarks() -> None:
    """bench/ measures; the harness both need lives in dev/."""
    tests = collect_modules(("tests",))
    offenders = [e.where() for e in collect_edges(tests) if _within(e.target, "bench")]
    assert not offenders, offenders


def test_the_checks_catch_a_planted_cycle_and_a_forbidden_edge() -> None:
    """The checker itself: function-level imports count, and the report names the edge."""
    a = REPO / "backend" / "services" / "a.py"  # paths only label the report
    edges = [Edge("backend.services.a", "backend.services.b", a, 3),
             Edge("backend.services.b", "backend.services.a", a, 7),
             Edge("backend.services.b", "backend.workflows.x", a, 9)]
    cycles = find_cycles(edges, ["backend.services.a", "backend.services.b", "backend.workflows.x"])
    assert [describe_cycle(c) for c in cycles] == [
        "import cycle: backend.services.a (backend/services/a.py:3) -> "
        "backend.services.b (backend/services/a.py:7) -> backend.services.a"]
    [violation] = rule_violations(edges)
    assert "backend.services.b imports backend.workflows.x" in violation
    tree = ast.parse("def f():\n    from backend.workflows import review, steps as s\n")
    [node] = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert _targets(node, "backend.services.m", False, MODULES) == {
        "backend.workflows.review", "backend.workflows.steps"}


def test_an_allowed_module_is_the_only_exception_to_its_rule() -> None:
    q = REPO / "backend" / "queries" / "q.py"
    rules = [Rule("backend.queries", ("backend.services",), "why", allows=("backend.services.errors",))]
    edges = [Edge("backend.queries.q", "backend.services.errors", q, 1),
             Edge("backend.queries.q", "backend.services.inventory", q, 2)]
    [violation] = rule_violations(edges, rules)
    assert "backend.queries.q imports backend.services.inventory" in violation
