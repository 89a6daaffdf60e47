"""Rules of the house, checked on the source: lab/ never imports streamlit, no global random state; the Lab page starts light."""

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
import pages._common, lab.present.breakdown, lab.present.figures.frontier, lab.present.figures.estimates, lab.present.figures.routing, lab.present.figures.style, lab.present.kpis, lab.core.experiment
from lab.present.breakdown import category_split
from lab.core.experiment import build_experiment, run, signals_for, sweep_for, thresholds_for
from lab.sources.loader import load_experiment
from lab.present.figures.frontier import Anchors, Curve, Point, frontier_figure, sweep_figure
from lab.present.figures.estimates import Estimate, estimate_figure
from lab.present.figures.routing import category_split_figure, model_split_figure
from lab.present.kpis import kpi_cards
from lab.core.scenario import load_scenario
from lab.core.sweep import sort_signals

exp = load_experiment(load_scenario("customer-support"))
signals = signals_for(exp, "cascade")
sweep = sweep_for(exp, signals, sorted_signals=sort_signals(signals, exp.queries))
weak, strong, oracle = (run(exp, signals_for(exp, s), thresholds_for(exp, s))[1] for s in ("always-cheapest", "always-strongest", "oracle"))
result, summary = run(exp, signals, thresholds_for(exp, "cascade"))
kpi_cards(summary)
anchors, curves, points = Anchors.of(exp.baselines, oracle), [Curve("cascade", "cascade", sweep)], [Point("now", "cascade", summary)]
model_split_figure([("now", summary.call_share)], exp.model_names)
category_split_figure([("now", category_split(result, exp.queries))], exp.model_names)
estimate_figure([Estimate(n, s.quality, *s.quality_ci) for n, s in (("weak", weak), ("now", summary), ("strong", strong))], "q", "quality (0-1)")
estimate_figure([Estimate(n, s.monthly_cost_usd, *s.monthly_cost_ci) for n, s in (("now", summary), ("strong", strong))], "c", "USD", money=True)
frontier_figure(curves, anchors, points)
sweep_figure(curves, anchors, points)
print(sorted(m for m in ("pandas", "scipy", "sklearn") if m in sys.modules))
"""


def test_the_lab_pages_cold_path_imports_neither_pandas_nor_scipy():
    # pandas (~2 s) and scipy.special (~0.6 s) dominated the first page load: the Lab page's imports, the
    # default experiment, the cascade's signals, sweep and runs, and its six figures must not need them
    out = subprocess.run([sys.executable, "-c", LAB_PAGE_PATH], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"
