"""Snapshots: one YAML holding a view of the lab (scenario, strategy, thresholds, failures, seed) and its figures.

`routing-lab simulate --config FILE` runs a snapshot again and prints the same figures: the scenario is
embedded whole (models with their prices, source, knobs), so a later change to a built-in scenario or a
price map does not move it. Replayed data is read from the data directory as for any replay scenario;
an outcome log named by path must still be there. The figures the lab showed when the snapshot was
taken are kept beside it, for comparison.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from lab.core.errors import LabError
from lab.core.experiment import Experiment, run
from lab.core.scenario import Scenario, parse_scenario
from lab.core.signals import Signals
from lab.failures.clean_vs_injected import compare

FIGURES = ("quality", "quality_retained", "savings", "strong_share", "cost_per_query_usd", "call_share")


class Snapshot(BaseModel):
    """A reproducible view: the scenario as run, the strategy, thresholds, failures and seed, and its figures."""

    model_config = ConfigDict(extra="forbid")

    routing_lab_snapshot: Literal[1] = 1
    scenario: dict[str, Any]
    strategy: str
    thresholds: list[float] | None = Field(
        description="one per tier boundary; null: the strategy's defaults for this scenario"
    )
    failures: dict[str, float] = Field(default_factory=dict)
    seed: int
    figures: dict[str, Any] = Field(default_factory=dict, description="what the lab showed, for comparison")

    def scenario_model(self, origin: str = "<snapshot>") -> Scenario:
        """The embedded scenario, validated, with the snapshot's seed."""
        text = yaml.safe_dump(self.scenario, sort_keys=False)
        return parse_scenario(text, f"{origin}: scenario").model_copy(update={"seed": self.seed})


def snapshot_of(
    scenario: Scenario,
    strategy: str,
    thresholds: list[float] | tuple[float, ...] | None,
    failures: dict[str, float] | None,
    figures: dict[str, Any] | None = None,
) -> Snapshot:
    """A snapshot of this view; `figures` is a simulate payload (only the headline figures are kept)."""
    kept = {k: figures[k] for k in FIGURES if figures and k in figures}
    return Snapshot(
        scenario=scenario.model_dump(mode="json"),
        strategy=strategy,
        thresholds=None if thresholds is None else [float(t) for t in thresholds],
        failures={name: float(severity) for name, severity in (failures or {}).items()},
        seed=scenario.seed,
        figures=kept,
    )


def view_figures(
    experiment: Experiment, signals: Signals, thresholds: tuple[float, ...], failures: dict[str, float]
) -> dict[str, Any]:
    """The headline figures of a view at fixed thresholds (the run with failures where there are any), as simulate prints them."""
    if not failures:
        return run(experiment, signals, thresholds)[1].model_dump()
    return compare(experiment, signals, failures, thresholds, retune=False).injected.model_dump()


def snapshot_yaml(snapshot: Snapshot) -> str:
    """The snapshot as YAML, with a comment saying how to run it again."""
    name = snapshot.scenario.get("name", "scenario")
    header = (
        f"# Routing Lab snapshot: strategy {snapshot.strategy} on {name}, seed {snapshot.seed}.\n"
        "# Run it again with `routing-lab simulate --config THIS_FILE` (add --data-dir for replayed public data).\n"
    )
    return header + yaml.safe_dump(snapshot.model_dump(mode="json"), sort_keys=False, allow_unicode=True, width=120)


def load_snapshot(path: str | Path) -> Snapshot:
    """A snapshot file; any problem is a LabError naming the file and what is wrong."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LabError(f"{path}: no such snapshot file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LabError(f"{path}: cannot read the snapshot ({exc.__class__.__name__})") from None
    except yaml.YAMLError as exc:
        raise LabError(f"{path}: not valid YAML ({getattr(exc, 'problem', None) or exc})") from None
    if not isinstance(data, dict) or "routing_lab_snapshot" not in data:
        raise LabError(
            f"{path}: not a Routing Lab snapshot (no routing_lab_snapshot key); write one with `routing-lab export snapshot`"
        )
    try:
        snapshot = Snapshot.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(top level)"
        raise LabError(f"{path}: {where}: {first['msg']}") from None
    snapshot.scenario_model(str(path))  # the embedded scenario must validate too
    return snapshot
