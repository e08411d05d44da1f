"""The layout rules of CONTRIBUTING.md, checked on the source tree.

- the import graph of ``maritime`` has no cycle, counting imports inside functions too;
- no module imports a higher layer (data flows sources → decode → store → ingest → detect →
  runtime → dashboard → cli);
- the core never imports the dashboard; detectors and the decoder never touch DuckDB or
  sockets; only the dashboard imports the web UI libraries;
- every module the README's data-flow diagram names exists, and every package and top-level
  module of ``maritime`` is in the diagram;
- no file over 500 lines and no function over 150 lines, except those listed with a reason.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "maritime"

#: Layers, lowest first: a module may import its own layer and lower ones only.
LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "maritime",
        "maritime.errors",
        "maritime.arguments",
        "maritime.geodesy",
        "maritime.records",
        "maritime.reference",
        "maritime.export",
    ),
    ("maritime.sources", "maritime.decode"),
    ("maritime.store",),
    ("maritime.ingest",),
    ("maritime.detect", "maritime.archive", "maritime.alerts"),
    ("maritime.analytics",),
    ("maritime.runtime",),
    ("maritime.dashboard",),
    ("maritime.cli", "maritime.demo"),
)
#: The synthetic-data generator, a developer tool: it may use layers 0-2; no runtime module uses it.
TOOL_PACKAGES = ("maritime.scenario",)
TOOL_MAX_LAYER = 2
#: Modules of the detection package that are adapters (I/O), not detectors.
DETECT_ADAPTERS = (
    "maritime.detect.runner",
    "maritime.detect.cluster",
    "maritime.detect.cli",
    "maritime.detect.live",
    "maritime.detect.contact_runner",
    "maritime.detect.anchorage_store",
    "maritime.detect.anchorage_cli",
)
#: Third-party packages that mean I/O: forbidden in the pure layers.
IO_PACKAGES = ("duckdb", "socket", "dask", "distributed", "pyarrow.fs", "requests", "urllib.request")
UI_PACKAGES = ("dash", "dash_ag_grid", "flask", "plotly")

#: Files allowed over MAX_FILE_LINES, with the reason (see CONTRIBUTING.md).
LONG_FILES: dict[str, str] = {
    "maritime/decode/messages.py": "the message tables and their compiled field decoders, one per ITU-R M.1371 type",
}
#: Functions allowed over MAX_FUNCTION_LINES, with the reason.
LONG_FUNCTIONS: dict[str, str] = {}
MAX_FILE_LINES = 500
MAX_FUNCTION_LINES = 150


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources() -> Iterator[tuple[str, Path, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        yield _module_name(path), path, ast.parse(path.read_text(encoding="utf-8"), str(path))


def _imports(name: str, path: Path, tree: ast.Module) -> Iterator[str]:
    """Every module ``tree`` imports, at any depth (``from a import b`` yields ``a.b`` and ``a``)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            yield module
            for alias in node.names:
                yield f"{module}.{alias.name}"


MODULES = {name: (path, tree) for name, path, tree in _sources()}


def _resolve(target: str) -> str | None:
    """The project module ``target`` names (``pkg.mod.func`` → ``pkg.mod``), or None."""
    while target:
        if target in MODULES:
            return target
        target = target.rpartition(".")[0]
    return None


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, (path, tree) in MODULES.items():
        deps = {_resolve(t) for t in _imports(name, path, tree) if t.split(".")[0] == "maritime"}
        graph[name] = {d for d in deps if d and d != name and not name.startswith(d + ".") and d != "maritime"}
    return graph


def _layer(module: str) -> int | None:
    best: tuple[int, int] | None = None
    for i, prefixes in enumerate(LAYERS):
        for p in prefixes:
            if (module == p or module.startswith(p + ".")) and (best is None or len(p) > best[1]):
                best = (i, len(p))
    return None if best is None else best[0]


def _is(module: str, prefixes: tuple[str, ...]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def test_every_module_has_a_layer() -> None:
    missing = [m for m in MODULES if _layer(m) is None and not _is(m, TOOL_PACKAGES)]
    assert not missing, f"modules in no layer of tests/test_architecture.py::LAYERS: {missing}"


def test_import_graph_has_no_cycle() -> None:
    graph = _graph()
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                cycles.append(stack[stack.index(dep) :] + [dep])
            elif dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_no_upward_import() -> None:
    upward = []
    for src, deps in _graph().items():
        if _is(src, TOOL_PACKAGES):
            upward += [(src, d) for d in deps if not _is(d, TOOL_PACKAGES) and (_layer(d) or 0) > TOOL_MAX_LAYER]
            continue
        for dep in deps:
            if _is(dep, TOOL_PACKAGES):
                upward.append((src, dep))
            elif (_layer(dep) or 0) > (_layer(src) or 0):
                upward.append((src, dep))
    assert not upward, "imports of a higher layer: " + ", ".join(f"{a} -> {b}" for a, b in sorted(upward))


def test_core_never_imports_the_dashboard() -> None:
    core = [m for m in MODULES if not _is(m, ("maritime.dashboard", "maritime.cli", "maritime.demo"))]
    graph = _graph()
    bad = [(m, d) for m in core for d in graph[m] if _is(d, ("maritime.dashboard",))]
    assert not bad, f"core modules importing the dashboard: {bad}"


def _third_party(module: str) -> set[str]:
    path, tree = MODULES[module]
    return {t for t in _imports(module, path, tree) if t.split(".")[0] != "maritime"}


def test_detectors_and_decoder_do_no_io() -> None:
    pure = [
        m
        for m in MODULES
        if (_is(m, ("maritime.detect", "maritime.decode", "maritime.geodesy")) and not _is(m, DETECT_ADAPTERS))
    ]
    bad = [(m, t) for m in pure for t in _third_party(m) if _is(t, IO_PACKAGES)]
    assert not bad, f"pure modules importing I/O packages: {bad}"


def test_only_the_dashboard_imports_the_ui() -> None:
    bad = [
        (m, t) for m in MODULES if not _is(m, ("maritime.dashboard",)) for t in _third_party(m) if _is(t, UI_PACKAGES)
    ]
    assert not bad, f"modules outside maritime.dashboard importing UI packages: {bad}"


def test_import_rules_catch_a_violation() -> None:
    """The checks above are not vacuous: a detector importing DuckDB or the dashboard is caught."""
    assert _is("duckdb", IO_PACKAGES)
    assert (_layer("maritime.dashboard.app") or 0) > (_layer("maritime.detect.loitering") or 0)
    tree = ast.parse("def f():\n    import duckdb\n    from maritime.dashboard import app\n")
    found = set(_imports("maritime.detect.loitering", PACKAGE / "detect" / "loitering.py", tree))
    assert {"duckdb", "maritime.dashboard", "maritime.dashboard.app"} <= found


def _diagram() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Data flow", 1)[1]
    return section.split("```", 2)[1].strip("\n").splitlines()


def _diagram_paths() -> list[tuple[str, str]]:
    """(folder, name) for every module or package the diagram names: the first word of each
    unindented line (a path under ``maritime/``) and every ``*.py`` or ``name/`` word after it,
    which may be under the line's folder (``detect/ … runner.py``)."""
    named: list[tuple[str, str]] = []
    folder = ""
    for line in _diagram():
        if not line.strip():
            continue
        if not line.startswith(" "):
            head = line.split()[0]
            folder = head if head.endswith("/") else ""
            named.append(("", head))
            line = line[len(head) :]
        named += [(folder, token) for token in re.findall(r"(?<![\w./])[\w/]+(?:\.py|/)(?![\w])", line)]
    return named


def _exists(folder: str, name: str) -> bool:
    return (PACKAGE / name).exists() or (PACKAGE / folder / name).exists()


def test_readme_diagram_names_existing_modules() -> None:
    named = _diagram_paths()
    assert len(named) >= 10
    missing = [folder + name for folder, name in named if not _exists(folder, name)]
    assert not missing, f"README data-flow diagram names what maritime/ does not hold: {missing}"


def test_readme_diagram_covers_every_package() -> None:
    named = {name.rstrip("/") for folder, name in _diagram_paths() if not folder}
    present = {
        p.name
        for p in PACKAGE.iterdir()
        if (p.is_dir() and (p / "__init__.py").exists()) or (p.suffix == ".py" and p.name != "__init__.py")
    }
    missing = sorted(present - named)
    assert not missing, f"packages or modules of maritime/ missing from the README data-flow diagram: {missing}"


def _long_functions() -> Iterator[tuple[str, int]]:
    for path, tree in MODULES.values():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    yield f"{path.relative_to(REPO)}::{node.name}", lines


def test_no_file_over_the_limit() -> None:
    long = {
        str(path.relative_to(REPO)): n
        for path, _ in MODULES.values()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_FILE_LINES
    }
    unexplained = {p: n for p, n in long.items() if p not in LONG_FILES}
    assert not unexplained, (
        f"files over {MAX_FILE_LINES} lines (split by concern, or list with a reason): {unexplained}"
    )


def test_no_function_over_the_limit() -> None:
    long = {f: n for f, n in _long_functions() if f not in LONG_FUNCTIONS}
    assert not long, f"functions over {MAX_FUNCTION_LINES} lines: {long}"
