"""Rules of the house, checked on the source: lab/ never imports streamlit, no global random state."""

import ast
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
                if isinstance(inner, ast.Attribute) and inner.attr == "random" and isinstance(inner.value, ast.Name) and inner.value.id in {"np", "numpy"}:
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
