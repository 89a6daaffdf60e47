"""The engine: the outcome matrix and everything a slider moves.

Query sets and models, priced calls, strategies and their signals (one score per query, computed
once), routing by thresholds, metrics with bootstrap intervals, threshold sweeps, the Experiment
that ties them together, the Scenario file that describes one, and the limits on sizes (ranges of
the numbers users give, and the memory a run needs against what the machine has). Core is the bottom of the house:
it imports nothing else from lab (the model price map it reads is litellm's offline file, in
pricing), so every other subpackage can build on it. Core never loads a source: lab.sources.loader
dispatches on a scenario's source kind.
"""

from lab._lazy import lazy_exports

_EXPORTS = {
    "LabError": "errors",
    "DataError": "errors",
    "QuerySet": "queryset",
    "ModelSpec": "models",
    "token_prices_usd": "pricing",
    "closest_model_keys": "pricing",
    "litellm_version": "pricing",
    "CallTable": "calls",
    "price_calls": "calls",
    "Signals": "signals",
    "RecordedSignals": "recordings",
    "recorded_signals": "recorded",
    "compute_signals": "strategies",
    "list_strategies": "strategies",
    "default_thresholds": "strategies",
    "strategy_rng": "strategies",
    "RouterClassifier": "classifier",
    "fit_classifier": "classifier",
    "cross_fit_scores": "classifier",
    "Result": "routing",
    "route": "routing",
    "assign_tiers": "routing",
    "check_thresholds": "routing",
    "Summary": "metrics",
    "Baselines": "metrics",
    "summarize": "metrics",
    "SingleModels": "metrics",
    "single_models": "metrics",
    "baselines_of": "metrics",
    "DAYS_PER_MONTH": "metrics",
    "BootstrapPlan": "bootstrap",
    "plan_bootstrap": "bootstrap",
    "interval": "bootstrap",
    "Sweep": "sweep",
    "sweep": "sweep",
    "sort_signals": "sweep",
    "calibrate_thresholds": "sweep",
    "ShareCalibration": "share_targets",
    "calibrate": "share_targets",
    "even_thresholds": "share_targets",
    "tier_shares": "share_targets",
    "upper_hull": "sweep",
    "quality_within_cost": "sweep",
    "Experiment": "experiment",
    "build_experiment": "experiment",
    "run": "experiment",
    "signals_for": "experiment",
    "sweep_for": "experiment",
    "thresholds_for": "experiment",
    "Scenario": "scenario",
    "SyntheticSource": "scenario",
    "ReplaySource": "scenario",
    "load_scenario": "scenario",
    "parse_scenario": "scenario",
    "builtin_scenarios": "scenario",
    "check_size": "limits",
    "max_queries": "limits",
    "available_bytes": "limits",
    "RunSize": "limits",
    "oracle_tiers": "strategies",
    "weakest_sufficient_tiers": "strategies",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
