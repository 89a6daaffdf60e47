"""Where query sets come from: generated, replayed as recorded, or uploaded.

The synthetic generator and its texts, token counting (offline, litellm's tokenizer files), recorded
outcome tables (outcomes.py) with their value checks (outcome_values.py), the user's outcome-log format
(outcome_log.py) and the files they come in (outcome_files.py), the public-data directory (pinned,
sha256-checked downloads) and replay/ (RouteLLM, RouterArena, RouterBench, imports). loader.py is the
one place that dispatches on a scenario's source kind. Sources may import lab.core only.
"""

from lab._lazy import lazy_exports

_EXPORTS = {
    "load_queries": "loader",
    "load_experiment": "loader",
    "generate_queryset": "synthetic",
    "count_tokens": "tokens",
    "parse_outcome_log": "outcome_log",
    "to_queryset": "outcomes",
    "parse_recorded": "recorded_columns",
    "MAX_OUTCOME_LOG_BYTES": "outcome_log",
    "read_table": "outcome_files",
    "resolve_data_dir": "datadir",
    "download": "datadir",
    "status": "datadir",
    "DATA_SETS": "datadir",
    "load_replay": "replay",
    "load_table": "replay",
    "replay_queries": "replay",
    "read_log": "replay.importer",
    "detect_format": "replay.importer",
    "UploadedLog": "replay.importer",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
