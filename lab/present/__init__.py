"""What people read, still pure: numbers made into cards, tables, reports and figures.

KPI cards, per-category breakdowns and decisions, the strategy table (APGR, CPT, AIQ), the cost
projection, the self-contained HTML report, the prompt probe, the URL state of a view, text formats
(money, shares, durations, signed changes) and figures/ (plotly, one style). Nothing here imports
streamlit, so every figure and number is tested without a browser. Present may import lab.core,
lab.sources and lab.failures.
"""

from lab._lazy import lazy_exports

_EXPORTS = {
    "kpi_cards": "kpis",
    "category_split": "breakdown",
    "decisions_table": "breakdown",
    "misroute_counts": "breakdown",
    "select_queries": "breakdown",
    "comparison_table": "strategy_table",
    "savings_at_quality": "strategy_table",
    "ProjectionInputs": "projection",
    "project": "projection",
    "Assumption": "report",
    "render_report": "report",
    "probe_prompt": "prompt_probe",
    "LabConfig": "urlstate",
    "from_query_params": "urlstate",
    "to_query_params": "urlstate",
    "DEFAULT_SCENARIO": "urlstate",
    "usd": "text",
    "pct": "text",
    "duration": "text",
    "signed": "text",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
