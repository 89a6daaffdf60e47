"""What leaves the lab: LiteLLM configurations and routing plugins, snapshots, decisions CSVs, calibrated thresholds.

litellm_config.py writes a LiteLLM configuration that routes as the lab measured (the complexity router
with tuned boundaries, or the lab's length or classifier router as a plugin module, plugin_module.py, with
its parameters from plugin_params.py as JSON); snapshot.py writes and reads the YAML that reproduces a
view of the lab; decisions.py writes the per-query routes as a CSV that is safe to open in a spreadsheet;
calibrate.py finds thresholds for target call shares per tier; files.py writes any of them all or
nothing. Export may import lab.core, lab.sources, lab.failures and lab.present; plugin_module.py imports
nothing from the lab (it is copied beside the config and runs inside LiteLLM).
"""

from lab._lazy import lazy_exports

_EXPORTS = {
    "ExportOptions": "litellm_config",
    "LiteLLMExport": "litellm_config",
    "litellm_export": "litellm_config",
    "unexportable_reason": "litellm_config",
    "FALLBACK_ORDERINGS": "litellm_config",
    "PluginParams": "plugin_params",
    "deployable_classifier": "plugin_params",
    "Snapshot": "snapshot",
    "snapshot_of": "snapshot",
    "snapshot_yaml": "snapshot",
    "load_snapshot": "snapshot",
    "replay_snapshot": "snapshot",
    "decisions_csv": "decisions",
    "spreadsheet_safe": "decisions",
    "Calibration": "calibrate",
    "calibrate_shares": "calibrate",
    "write_files": "files",
    "zip_bytes": "files",
    "view_figures": "snapshot",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
