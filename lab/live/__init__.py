"""Live mode: real model calls through litellm, real router signals, and a budget that never overspends.

runner.py calls every model on every query (asyncio, per-model concurrency, our own retries:
client.py) inside a hard cap (budget.py: each call reserves its worst case before it is sent),
grades the answers against references or with an LLM judge (grading.py, replies.py), records the
router's rating and each cheaper model's confidence, and writes an outcome log with a journal of
every call (log.py) that replays on every page with the recorded signals. summary.py holds a run's
progress and summary; background.py runs it on a thread for the app. estimate.py prices a run
before it is sent; models.py resolves keys, endpoints and prices; credentials.py keeps keys in
memory only; prompts.py holds the visible prompts; queries.py reads prompts files and scenarios;
command.py runs `routing-lab live` with the options options.py declares.
Live may import lab.core and lab.sources; litellm is imported inside functions only.
"""

from lab._lazy import lazy_exports

_EXPORTS = {
    "LiveRunner": "runner",
    "BackgroundRun": "background",
    "plan_from_options": "plan",
    "replay_scenario": "log",
    "queries_from_bytes": "queries",
    "run_live": "runner",
    "RunSummary": "summary",
    "Progress": "summary",
    "LivePlan": "plan",
    "LiveSettings": "plan",
    "LiveModel": "models",
    "resolve_model": "models",
    "parse_price": "models",
    "parse_api_bases": "models",
    "Credentials": "credentials",
    "redact": "credentials",
    "Budget": "budget",
    "CostEstimate": "estimate",
    "estimate_run": "estimate",
    "LiveQuery": "queries",
    "queries_from_file": "queries",
    "queries_from_scenario": "queries",
    "sample_queries": "queries",
    "PromptTemplates": "prompts",
    "grade_against_reference": "grading",
    "parse_rating": "replies",
    "parse_verdict": "replies",
    "parse_confidence": "replies",
    "logprob_confidence": "replies",
    "EndpointFailure": "client",
    "BudgetRefused": "client",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
