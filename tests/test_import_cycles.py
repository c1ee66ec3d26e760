"""No import cycle among the project's modules (services/*/<package>/ and shared/watchpost/), found statically.

Every `import` and `from ... import` (also inside functions: a lazy import is still a cycle) is an edge to the
module it names: `from a.b import c` to `a.b.c` when that is a module, else to `a.b`. Tests are left out.
"""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _modules():
    """{dotted name: path} of every module of the shared library and the four services."""
    found = {}
    services = [p for p in (ROOT / "services").glob("*/*") if (p / "__init__.py").is_file()]
    roots = [ROOT / "shared" / "watchpost", *services]
    for package in roots:
        for path in package.rglob("*.py"):
            parts = list(path.relative_to(package.parent).with_suffix("").parts)
            if "tests" in parts:
                continue
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _imports(name, path, modules):
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


def _cycles(graph):
    """Each cycle found by a depth-first walk, as the list of modules around it."""
    cycles, state, stack = [], {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt) :] + [nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node)
    return cycles


def test_the_scan_sees_every_service_and_the_shared_library():
    modules = _modules()
    assert {
        "watchpost.runtime.web",
        "intake.service",
        "liaison.service",
        "training.service",
        "assessment.service",
    } <= set(modules)


def test_no_module_imports_itself_through_others():
    modules = _modules()
    graph = {name: set(_imports(name, path, modules)) for name, path in modules.items()}
    cycles = _cycles(graph)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_the_check_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
