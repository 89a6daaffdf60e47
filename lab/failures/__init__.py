"""What goes wrong, and how much it costs: failure modes and their evidence.

world.py is what a failure acts on (an experiment and one strategy's signals); transforms.py holds
the pure transforms (world, severity, rng) -> world; registry.py says what each failure is in the
real world and which strategies it touches; injection.py applies them; clean_vs_injected.py
compares a clean and an injected run on the same draws; calibration.py measures and repairs a
scorer's calibration; guardrails.py holds the defences (quality monitor, cost cap, fallback
orderings). Failures may import lab.core only.
"""

from lab._lazy import lazy_exports

_EXPORTS = {
    "World": "world",
    "FailureMode": "world",
    "list_failures": "registry",
    "get_failure": "registry",
    "parse_injection": "registry",
    "OUTAGE_ORDERINGS": "transforms",
    "MALFORMED_POLICIES": "transforms",
    "inject": "injection",
    "failure_rng": "injection",
    "tuned_thresholds": "injection",
    "live_thresholds": "injection",
    "Comparison": "clean_vs_injected",
    "compare": "clean_vs_injected",
    "demonstrate": "clean_vs_injected",
    "DemoRow": "clean_vs_injected",
    "demo_row": "clean_vs_injected",
    "SeverityCurve": "clean_vs_injected",
    "severity_curve": "clean_vs_injected",
    "payload_difference": "clean_vs_injected",
    "CalibrationReport": "calibration",
    "calibration_report": "calibration",
    "recalibrate": "calibration",
    "RECALIBRATION_METHODS": "calibration",
    "monitor_failure": "guardrails",
    "cap_comparison": "guardrails",
    "compare_fallbacks": "guardrails",
    "suggested_cap_usd": "guardrails",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
