"""Rules of the house, checked on the source: imports point down the data flow, no circle, lab/ never imports
streamlit, no global random state; the Lab page starts light."""

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


# Which subpackages of lab/ each may import (besides itself and lab._lazy): the data flow, one way.
ALLOWED = {
    "core": set(),
    "sources": {"core"},
    "failures": {"core"},
    "present": {"core", "sources", "failures"},
    "live": {"core", "sources"},
    "export": {"core", "sources", "failures", "present"},
    "workshop": {"core", "sources", "failures", "present"},
    "cli": {"core", "sources", "failures", "present", "live", "export", "workshop"},
}


def _lab_modules() -> dict[str, Path]:
    """Every module under lab/ by dotted name (packages by their __init__)."""
    out = {}
    for path in (REPO / "lab").rglob("*.py"):
        parts = path.relative_to(REPO).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _lab_imports(path: Path, module: str) -> set[str]:
    """The lab modules `path` imports anywhere in it (function-level imports too), as dotted names."""
    found: set[str] = set()
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "lab")
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            if base.split(".")[0] == "lab":
                found.add(base)
                found.update(f"{base}.{a.name}" for a in node.names)
    return found


def _subpackage(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and not parts[1].startswith("_") else None


def direction_violations(modules: dict[str, Path]) -> list[str]:
    """Imports from one subpackage of lab/ into another that ALLOWED does not permit."""
    bad = set()
    for module, path in modules.items():
        here = _subpackage(module)
        if here is None:
            continue
        for target in _lab_imports(path, module):
            there = _subpackage(target)
            if there is not None and there != here and there not in ALLOWED.get(here, set()):
                bad.add(f"{module} imports lab.{there} ({here} may import {sorted(ALLOWED.get(here, set()))})")
    return sorted(bad)


def import_cycles(modules: dict[str, Path]) -> list[list[str]]:
    """Circles in the module import graph of lab/ (a package's lazy exports are not imports)."""
    graph = {m: sorted(t for t in _lab_imports(p, m) if t in modules and t != m) for m, p in modules.items()}
    cycles, state = [], dict.fromkeys(graph, 0)

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in graph[node]:
            if state[nxt] == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif state[nxt] == 0:
                visit(nxt, [*stack, nxt])
        state[node] = 2

    for node in graph:
        if state[node] == 0:
            visit(node, [node])
    return cycles


def test_imports_point_down_the_data_flow():
    assert direction_violations(_lab_modules()) == []


def test_there_is_no_circle_in_the_import_graph():
    assert import_cycles(_lab_modules()) == []


def test_every_subpackage_has_a_rule_and_a_curated_export_list():
    for package in (REPO / "lab").iterdir():
        if package.is_dir() and (package / "__init__.py").exists():
            assert package.name in ALLOWED, f"lab/{package.name} has no rule in ALLOWED"
            init = (package / "__init__.py").read_text(encoding="utf-8")
            assert '"""' in init and "__all__" in init, f"lab/{package.name}/__init__.py lacks its docstring or __all__"


def test_the_checks_would_catch_a_wrong_way_import_and_a_circle(tmp_path):
    core, present = tmp_path / "lab" / "core", tmp_path / "lab" / "present"
    core.mkdir(parents=True)
    present.mkdir()
    (core / "a.py").write_text("def f():\n    from lab.present.b import g\n")
    (present / "b.py").write_text("from lab.core.a import f\n")
    modules = {"lab.core.a": core / "a.py", "lab.present.b": present / "b.py"}
    assert direction_violations(modules) == ["lab.core.a imports lab.present (core may import [])"]
    assert import_cycles(modules) == [["lab.core.a", "lab.present.b", "lab.core.a"]]


def test_nothing_under_lab_imports_streamlit():
    offenders = [str(p.relative_to(REPO)) for p in (REPO / "lab").rglob("*.py") if "streamlit" in _imports(p)]
    assert offenders == []


def test_the_check_would_catch_an_import(tmp_path):
    sample = tmp_path / "x.py"
    sample.write_text("def f():\n    from streamlit import session_state\n")
    assert "streamlit" in _imports(sample)


def test_no_global_random_state():
    banned = {"seed", "rand", "randn", "randint", "choice", "random", "normal", "uniform", "shuffle", "permutation"}
    offenders = []
    for path in [*(REPO / "lab").rglob("*.py"), *(REPO / "pages").rglob("*.py"), REPO / "app.py"]:
        if not path.exists():
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in banned:
                inner = node.value
                if (
                    isinstance(inner, ast.Attribute)
                    and inner.attr == "random"
                    and isinstance(inner.value, ast.Name)
                    and inner.value.id in {"np", "numpy"}
                ):
                    offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


def test_litellm_is_never_imported_at_module_level_in_lab():
    offenders = []
    for path in (REPO / "lab").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "litellm" for a in node.names):
                offenders.append(path.name)
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "litellm":
                offenders.append(path.name)
    assert offenders == []


LAB_PAGE_PATH = """
import sys
from pages._caches import first_lab_view

view = first_lab_view()
assert len(view.figures) == 6 and view.clean_cards
print(sorted(m for m in ("pandas", "scipy", "sklearn") if m in sys.modules))
"""


def test_the_lab_pages_cold_path_imports_neither_pandas_nor_scipy():
    # pandas (~2 s) and scipy.special (~0.6 s) dominated the first page load: the Lab page's imports, the
    # default experiment, the cascade's signals, sweep and runs, and its six figures must not need them
    out = subprocess.run([sys.executable, "-c", LAB_PAGE_PATH], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
