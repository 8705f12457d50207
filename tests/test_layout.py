"""The package's shape: the flow's folders, no import cycle, a small public surface."""

import ast

from analysis import paths

PACKAGE = paths.PACKAGE_DIR
#: The steps of the flow, in order; the top-level modules (paths, parameters, cli) serve all.
STEPS = ("data", "compute", "present", "build")


def modules() -> dict[str, ast.Module]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(("analysis", *path.relative_to(PACKAGE).with_suffix("").parts))
        found[name.removesuffix(".__init__")] = ast.parse(path.read_text("utf-8"))
    return found


def imports(tree: ast.Module, known: dict) -> list[tuple[str, str | None]]:
    """Every (module, name) imported from the package, lazily imported ones included."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("analysis"):
            for alias in node.names:
                full = f"{node.module}.{alias.name}"
                found.append((full, None) if full in known else (node.module, alias.name))
        elif isinstance(node, ast.Import):
            found += [(a.name, None) for a in node.names if a.name.startswith("analysis")]
    return found


def public_names(tree: ast.Module) -> list[str] | None:
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return [ast.literal_eval(e) for e in node.value.elts]
    return None


def test_the_package_folders_are_the_steps_of_the_flow():
    folders = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert folders == set(STEPS)


def test_no_import_cycle():
    known = modules()
    graph = {m: {d for d, _ in imports(tree, known) if d != m} for m, tree in known.items()}
    state: dict[str, int] = {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for dep in sorted(graph.get(module, ())):
            assert state.get(dep) != 1, " -> ".join([*trail, module, dep])
            if dep not in state:
                visit(dep, [*trail, module])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [])


def test_no_private_name_crosses_a_module_and_imports_use_the_public_surface():
    known = modules()
    for module, tree in known.items():
        for source, name in imports(tree, known):
            if name is None:
                continue
            dunder = name.startswith("__") and name.endswith("__")
            assert dunder or not name.startswith("_"), f"{module} imports {source}.{name}"
            surface = public_names(known[source]) if source in known else None
            if surface is not None:
                assert name in surface, f"{module} imports {name}, not in {source}.__all__"


def test_every_module_of_a_step_declares_its_public_surface():
    known = modules()
    missing = [
        m
        for m, tree in known.items()
        if m.split(".")[1:2]
        and m.split(".")[1] in STEPS
        and m.count(".") == 2
        and public_names(tree) is None
    ]
    assert missing == []
