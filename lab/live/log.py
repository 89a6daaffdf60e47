"""A live run's files: the outcome log (JSONL, one row per finished query) and the journal of every finished call.

The log starts with a header line {"routing_lab_run": {...}}: lab and litellm versions, the date,
the models with their endpoint hosts and prices, the router and judge, and the prompt templates (no
key, ever). Each finished query is appended as one row in the lab's outcome format plus the live
columns (lab.sources.recorded_columns) and flushed, so a crash or Ctrl-C loses no finished row.
The journal (<log>.calls.jsonl) holds every finished call as it ends, so a stopped run keeps the
calls of queries it had not finished and a rerun reuses them instead of paying again. A rerun with
the same log skips the rows already there; one whose models or prompts differ is refused.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import json
from pathlib import Path
from typing import IO, Any

from lab.core.errors import LabError
from lab.core.pricing import litellm_version
from lab.live.client import CallRecord
from lab.sources.recorded_columns import RUN_HEADER_KEY

# Header fields a resumed run must share with the log it appends to.
_SAME_ON_RESUME = ("models", "router_model", "judge_model", "templates", "max_tokens")


def lab_version() -> str:
    """The installed routing-lab version."""
    try:
        return importlib.metadata.version("routing-lab")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def journal_path(log_path: Path) -> Path:
    """Where the journal of a log lives: run.jsonl -> run.calls.jsonl."""
    return log_path.with_name(log_path.stem + ".calls.jsonl")


def _read_jsonl(path: Path) -> tuple[list[dict], bool]:
    """The objects in a JSONL file, and whether a cut-off last line (a write interrupted) was dropped."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LabError(f"cannot read {path} ({exc.strerror or exc.__class__.__name__})") from None
    records: list[dict] = []
    lines = text.split("\n")
    dropped = False
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            if number == len(lines):  # the last line, without its newline: cut off mid-write
                dropped = True
                continue
            raise LabError(
                f"{path}: line {number} is not JSON; is it a log written by `routing-lab live run`?"
            ) from None
        if not isinstance(record, dict):
            raise LabError(f"{path}: line {number} is not a JSON object")
        records.append(record)
    return records, dropped


class LiveLog:
    """The outcome log and the journal of one run, opened for appending; rows already there are skipped."""

    def __init__(self, path: Path, header: dict[str, Any]) -> None:
        self.path = path
        self.journal = journal_path(path)
        self.done_ids: set[str] = set()
        self.cached: dict[tuple[str, str, str, str | None], CallRecord] = {}
        self.resumed = False
        self.rows_before = 0
        stamp = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
        if path.exists() and path.stat().st_size > 0:
            self._resume(header, stamp)
        else:
            self._write_new(header, stamp)
        self._log = self._open(path)
        self._calls = self._open(self.journal)

    def _open(self, path: Path) -> IO[str]:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            return path.open("a", encoding="utf-8")
        except OSError as exc:
            raise LabError(f"cannot write {path} ({exc.strerror or exc.__class__.__name__})") from None

    def _write_new(self, header: dict[str, Any], stamp: str) -> None:
        first = {
            "kind": "run",
            "lab_version": lab_version(),
            "litellm_version": litellm_version(),
            "started_utc": stamp,
            **header,
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps({RUN_HEADER_KEY: first}, ensure_ascii=False) + "\n", encoding="utf-8")
            self.journal.write_text("", encoding="utf-8")
        except OSError as exc:
            raise LabError(f"cannot write {self.path} ({exc.strerror or exc.__class__.__name__})") from None

    def _resume(self, header: dict[str, Any], stamp: str) -> None:
        records, dropped = _read_jsonl(self.path)
        headers = [r[RUN_HEADER_KEY] for r in records if RUN_HEADER_KEY in r]
        if not headers or headers[0].get("kind") != "run":
            raise LabError(f"{self.path} exists and was not written by `routing-lab live run`; choose another -o file")
        first = headers[0]
        for name in _SAME_ON_RESUME:
            if first.get(name) != header.get(name):
                raise LabError(
                    f"{self.path} was written by a run with other {name.replace('_', ' ')}; rerun with the same "
                    "settings to continue it, or write to another file with -o"
                )
        rows = [r for r in records if RUN_HEADER_KEY not in r]
        if dropped:  # rewrite without the cut-off line, so the log stays readable
            lines = [json.dumps(r, ensure_ascii=False) for r in records]
            self.path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        self.done_ids = {str(r.get("id")) for r in rows}
        self.rows_before = len(rows)
        self.resumed = True
        if self.journal.exists():
            calls, _ = _read_jsonl(self.journal)
            for raw in calls:
                record = CallRecord.model_validate(raw)
                if record.status == "ok":
                    self.cached[(record.query_id, record.role, record.model, record.subject)] = record
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps({RUN_HEADER_KEY: {"kind": "resumed", "started_utc": stamp}}) + "\n")

    def add_row(self, row: dict[str, Any]) -> None:
        """Append one finished query and flush it to disk."""
        self._log.write(json.dumps(row, ensure_ascii=False, allow_nan=False) + "\n")
        self._log.flush()
        self.done_ids.add(str(row["id"]))

    def add_call(self, record: CallRecord) -> None:
        """Append one finished call to the journal and flush it."""
        self._calls.write(record.model_dump_json() + "\n")
        self._calls.flush()
        if record.status == "ok":
            self.cached[(record.query_id, record.role, record.model, record.subject)] = record

    def close(self) -> None:
        """Close both files."""
        for fh in (self._log, self._calls):
            if not fh.closed:
                fh.close()


def replay_scenario(path: str | Path, plan_models: list[dict[str, Any]] | None = None):
    """A live log as (Scenario, QuerySet) to open in the lab: its models priced as the run priced them."""
    from lab.core.models import ModelSpec
    from lab.core.scenario import ReplaySource, Scenario
    from lab.sources.outcome_files import read_bytes
    from lab.sources.outcome_log import MAX_OUTCOME_LOG_BYTES, parse_outcome_log

    file = Path(path)
    queries = parse_outcome_log(read_bytes(file, MAX_OUTCOME_LOG_BYTES), file.name)
    if plan_models is None:
        records, _ = _read_jsonl(file)
        first: dict[str, Any] = next((r[RUN_HEADER_KEY] for r in records if RUN_HEADER_KEY in r), {})
        plan_models = list(first.get("models", []))
    priced = {m["key"]: m for m in plan_models}
    specs = []
    for name in queries.model_names:
        entry = priced.get(name)
        if entry is None:
            raise LabError(f"{file}: model {name} is not in the run's header; import it with `routing-lab import`")
        specs.append(
            ModelSpec(
                key=name,
                input_usd_per_token=entry["input_usd_per_1m"] / 1e6,
                output_usd_per_token=entry["output_usd_per_1m"] / 1e6,
                price_source=f"the live run's price ({entry.get('price_source', 'stated')})",
            )
        )
    scenario = Scenario(
        name=f"live-{file.stem}"[:80],
        title=f"Live run: {file.name}",
        description=f"{queries.n_queries:,} queries sent live, graded, with recorded router signals.",
        models=specs,
        source=ReplaySource(format="outcomes", path=str(file)),
    )
    return scenario, queries
