"""The live runner: every model on every query through litellm, concurrently, inside a hard budget.

Per query, the router call (if any) and one answer call per model go out together; then each
cheaper model's confidence (from its answer's log-probabilities, else one verbalised-confidence
call) and the grading (against the reference, else one judge call per answer). `concurrency`
workers take queries in turn and every model has `concurrency` slots, so no model ever has more
calls in flight. Finished queries are written to the log as they end; every finished call goes to
the journal at once (lab.live.log), so stopping (the app's stop button, Ctrl-C) keeps them all.

The run stops early, with a summary, when a call's worst case does not fit in the budget (it is
not sent; calls in flight finish), when stopped, or when an endpoint cannot be reached or refuses
the key (calls in flight are cancelled; their reservations count as spent).
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter, deque
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from lab.core.errors import LabError
from lab.live.budget import Budget
from lab.live.client import BudgetRefused, CallContext, CallRecord, CallSpec, EndpointFailure, Role, send
from lab.live.credentials import Credentials
from lab.live.estimate import estimate_run, message_tokens, worst_case_usd
from lab.live.grading import grade_against_reference
from lab.live.log import LiveLog
from lab.live.plan import LivePlan
from lab.live.queries import LiveQuery
from lab.live.replies import (
    CONFIDENCE_FALLBACK,
    logprob_confidence,
    parse_confidence,
    parse_rating,
    parse_verdict,
)
from lab.live.summary import Progress, RunSummary, StopReason
from lab.sources.tokens import count_tokens

ROUTER_REPLY_CHARS = 200  # how much of a router's reply the log keeps


class LiveRunner:
    """One live run of a plan on queries, writing `output`; `stop()` may be called from any thread."""

    def __init__(
        self,
        plan: LivePlan,
        queries: Sequence[LiveQuery],
        output: str | Path,
        credentials: Credentials | None = None,
        on_progress: Callable[[Progress], None] | None = None,
    ) -> None:
        unreferenced = sum(q.reference is None for q in queries)
        if unreferenced and plan.judge is None:
            raise LabError(
                f"{unreferenced:,} of {len(queries):,} queries have no reference answer: name a judge model with "
                "--judge (its calls are paid and shown apart), or give a 'reference' column"
            )
        ids = [q.id for q in queries]
        if len(set(ids)) != len(ids):
            raise LabError("two queries share an id; ids must be unique")
        self.plan = plan
        self.queries = list(queries)
        self.output = Path(output).expanduser()
        self.credentials = credentials or Credentials()
        self.on_progress = on_progress
        self.budget = Budget(plan.settings.budget_usd)
        self._stop = threading.Event()
        self._stop_reason: StopReason | None = None
        self._message = ""
        self._rows = 0
        self._calls = 0
        self._reused = 0
        self._failed: list[str] = []
        self._failed_count = 0
        self._router_malformed = 0
        self._judge_malformed = 0
        self._methods: Counter[str] = Counter()
        self._log: LiveLog | None = None
        self._ctx: CallContext | None = None
        self._todo: list[LiveQuery] = []

    # -- control ------------------------------------------------------------------------------------------

    def stop(self) -> None:
        """Send no new call; calls in flight finish and their queries are written."""
        self._stop.set()

    def _end(self, reason: StopReason, message: str) -> None:
        if self._stop_reason is None:
            self._stop_reason, self._message = reason, message
        self._stop.set()

    # -- the run ------------------------------------------------------------------------------------------

    async def run(self) -> RunSummary:
        """Run to the end (or the budget, a stop, an endpoint failure) and summarise; EndpointFailure is summarised too."""
        plan, s = self.plan, self.plan.settings
        self._log = LiveLog(self.output, plan.header())
        self._todo = [q for q in self.queries if q.id not in self._log.done_ids]
        worst = estimate_run(plan, self._todo).query_worst_usd if self._todo else []
        keys = {m.key for m in [*plan.models, plan.router, plan.judge] if m is not None}
        self._ctx = CallContext(
            settings=s,
            budget=self.budget,
            credentials=self.credentials,
            slots={key: asyncio.Semaphore(s.concurrency) for key in keys},
            rng=np.random.default_rng([s.seed, 0xBAC0]),
        )
        pending = deque(range(len(self._todo)))
        workers = [
            asyncio.create_task(self._worker(pending, worst)) for _ in range(min(s.concurrency, len(self._todo)))
        ]
        try:
            done, _ = await asyncio.wait(workers, return_when=asyncio.FIRST_EXCEPTION)
            for task in done:
                if not task.cancelled() and task.exception() is not None:
                    raise task.exception()  # type: ignore[misc]
        except EndpointFailure as exc:
            self._end("endpoint", f"stopped: {exc}")
        except asyncio.CancelledError:
            self._end("cancelled", "cancelled: every finished call is kept (the journal is reused on a rerun)")
            raise
        finally:
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            self._log.close()
            self._progress()
        if self._stop_reason is None:
            failed = f", {self._failed_count:,} failed" if self._failed_count else ""
            self._end("finished", f"finished: {self._rows:,} of {len(self._todo):,} queries written{failed}")
        return self.summary()

    async def _worker(self, pending: deque[int], worst: list[float]) -> None:
        while pending and not self._stop.is_set():
            i = pending.popleft()
            query = self._todo[i]
            if not self.budget.fits(worst[i]):
                self._end(
                    "budget",
                    f"stopped by the budget: query {query.id}'s worst case ${worst[i]:,.6f} does not fit in the "
                    f"${self.budget.left_usd:,.6f} left; nothing more was sent (rerun with a larger --budget-usd to "
                    "continue: done rows are skipped)",
                )
                return
            try:
                row = await self._query(query)
            except BudgetRefused as refused:
                self._end(
                    "budget",
                    f"stopped by the budget: the {refused.spec.role} call of {refused.spec.model} for query "
                    f"{refused.spec.query_id} (worst case ${refused.spec.worst_case_usd:,.6f}) did not fit in the "
                    f"${refused.left_usd:,.6f} left and was not sent (rerun with a larger --budget-usd to continue)",
                )
                return
            if row is not None:
                assert self._log is not None
                self._log.add_row(row)
                self._rows += 1
            self._progress()
        if self._stop.is_set() and self._stop_reason is None:
            self._end("stopped", "stopped on request: no new call was sent; every finished call is kept")

    async def _call(self, spec: CallSpec) -> CallRecord:
        assert self._log is not None and self._ctx is not None
        cached = self._log.cached.get((spec.query_id, spec.role, spec.model, spec.subject))
        if cached is not None:
            self._reused += 1
            return cached
        record = await send(spec, self.plan.model(spec.model), self._ctx)
        self._log.add_call(record)
        self._calls += 1
        self._progress()
        return record

    def _spec(
        self,
        query: LiveQuery,
        role: Role,
        key: str,
        messages: list[dict[str, str]],
        logprobs: bool = False,
        subject: str | None = None,
    ) -> CallSpec:
        s = self.plan.settings
        limit = {
            "answer": s.max_tokens,
            "router": s.router_max_tokens,
            "judge": s.judge_max_tokens,
            "confidence": s.confidence_max_tokens,
        }[role]
        model = self.plan.model(key)
        worst = worst_case_usd(model, message_tokens(messages, key), limit, s.prompt_token_margin)
        return CallSpec(
            query_id=query.id,
            role=role,
            model=key,
            messages=messages,
            max_tokens=limit,
            logprobs=logprobs,
            worst_case_usd=worst,
            subject=subject,
        )

    async def _gather(self, specs: list[CallSpec]) -> list[CallRecord]:
        """The calls' records; every call runs to its end before an exception (budget, endpoint) is raised."""
        results = await asyncio.gather(*(self._call(spec) for spec in specs), return_exceptions=True)
        errors = [r for r in results if isinstance(r, BaseException)]
        for kind in (EndpointFailure, BudgetRefused):
            for error in errors:
                if isinstance(error, kind):
                    raise error
        if errors:
            raise errors[0]
        return [r for r in results if isinstance(r, CallRecord)]

    async def _query(self, query: LiveQuery) -> dict[str, Any] | None:
        plan, t = self.plan, self.plan.templates
        first = [self._spec(query, "answer", m.key, t.answer_messages(query.text), logprobs=True) for m in plan.models]
        if plan.router is not None:
            first.append(self._spec(query, "router", plan.router.key, t.router_messages(query.text)))
        records = await self._gather(first)
        if self._any_failed(query, records):
            return None
        answers = {r.model: r for r in records if r.role == "answer"}
        router = next((r for r in records if r.role == "router"), None)
        confidence: dict[str, tuple[float, str]] = {}
        second: list[CallSpec] = []
        for m in plan.models[:-1]:
            from_logprobs = logprob_confidence(answers[m.key].token_logprobs or [])
            if from_logprobs is not None:
                confidence[m.key] = (from_logprobs, "logprob")
            else:
                asked = t.confidence_messages(query.text, answers[m.key].text or "")
                second.append(self._spec(query, "confidence", m.key, asked, subject=m.key))
        if query.reference is None and plan.judge is not None:
            for m in plan.models:
                judged_messages = t.judge_messages(query.text, answers[m.key].text or "")
                second.append(self._spec(query, "judge", plan.judge.key, judged_messages, subject=m.key))
        later = await self._gather(second)
        if self._any_failed(query, later):
            return None
        scored = {r.subject: r for r in later if r.role == "confidence" and r.subject is not None}
        judged = {r.subject: r for r in later if r.role == "judge" and r.subject is not None}
        for key, record in scored.items():
            confidence[key] = parse_confidence(record.text)
        return self._row(query, answers, router, confidence, scored, judged)

    def _any_failed(self, query: LiveQuery, records: list[CallRecord]) -> bool:
        failed = next((r for r in records if r.status == "failed"), None)
        if failed is None:
            return False
        self._failed_count += 1
        if len(self._failed) < 3:
            self._failed.append(
                f"{failed.role} call of {failed.model} for query {query.id}: {failed.error_kind}: {failed.error}"
            )
        return True

    def _row(
        self,
        query: LiveQuery,
        answers: dict[str, CallRecord],
        router: CallRecord | None,
        confidence: dict[str, tuple[float, str]],
        scored: dict[str, CallRecord],
        judged: dict[str, CallRecord],
    ) -> dict[str, Any]:
        row: dict[str, Any] = {
            "id": query.id,
            "text": query.text,
            "category": query.category,
            "prompt_tokens": int(count_tokens([query.text], "gpt-4o")[0]),
        }
        if query.reference is not None:
            row["reference"] = query.reference
        for m in self.plan.models:
            answer = answers[m.key]
            if query.reference is not None:
                grade = grade_against_reference(answer.text or "", query.reference)
                verdict: str = "correct" if grade.correct else "incorrect"
                method: str = grade.method
                judge_cost = 0.0
            else:
                verdict, method, judge_cost = parse_verdict(judged[m.key].text), "judge", judged[m.key].cost_usd
                self._judge_malformed += verdict == "malformed"
            row[f"quality:{m.key}"] = None if verdict == "malformed" else float(verdict == "correct")
            row[f"output_tokens:{m.key}"] = answer.completion_tokens
            row[f"cost_usd:{m.key}"] = answer.cost_usd
            row[f"latency_ms:{m.key}"] = answer.latency_ms
            row[f"answer:{m.key}"] = answer.text
            row[f"finish_reason:{m.key}"] = answer.finish_reason
            row[f"verdict:{m.key}"] = verdict
            row[f"grade_method:{m.key}"] = method
            row[f"judge_cost_usd:{m.key}"] = judge_cost
        for m in self.plan.models[:-1]:
            value, method = confidence.get(m.key, (CONFIDENCE_FALLBACK, "verbalised-malformed"))
            call = scored.get(m.key)
            row[f"confidence:{m.key}"] = value
            row[f"confidence_method:{m.key}"] = method
            row[f"confidence_cost_usd:{m.key}"] = 0.0 if call is None else call.cost_usd
            row[f"confidence_latency_ms:{m.key}"] = 0.0 if call is None else call.latency_ms
            self._methods[method] += 1
        if router is not None:
            rating = parse_rating(router.text)
            self._router_malformed += rating.malformed
            row["router_rating"] = rating.rating
            row["router_reply"] = (router.text or "")[:ROUTER_REPLY_CHARS]
            row["router_malformed"] = rating.malformed
            row["router_cost_usd"] = router.cost_usd
            row["router_latency_ms"] = router.latency_ms
        return row

    # -- reporting ----------------------------------------------------------------------------------------

    def progress(self) -> Progress:
        """Where the run is now."""
        return Progress(
            queries_done=self._rows,
            queries_total=len(self._todo),
            calls_done=self._calls,
            spent_usd=self.budget.spent_usd,
            reserved_usd=self.budget.reserved_usd,
            left_usd=self.budget.left_usd,
            budget_usd=self.budget.cap_usd,
        )

    def _progress(self) -> None:
        if self.on_progress is not None:
            self.on_progress(self.progress())

    def summary(self) -> RunSummary:
        """The run's summary so far (complete once run() has returned or been cancelled)."""
        ctx = self._ctx
        log = self._log
        return RunSummary(
            output=str(self.output),
            stop_reason=self._stop_reason or "cancelled",
            message=self._message or "cancelled: every finished call is kept (the journal is reused on a rerun)",
            queries_planned=len(self.queries),
            skipped_done=len(self.queries) - len(self._todo) if log is not None else 0,
            rows_written=self._rows,
            rows_in_log=(log.rows_before if log is not None else 0) + self._rows,
            failed_queries=self._failed_count,
            first_failures=list(self._failed),
            calls=self._calls,
            reused_calls=self._reused,
            attempts=0 if ctx is None else ctx.attempts,
            retries=0 if ctx is None else ctx.retries,
            failures_by_kind={} if ctx is None else dict(ctx.failures),
            budget_usd=self.budget.cap_usd,
            spent_usd=self.budget.spent_usd,
            spent_by_role_usd=self.budget.spent_by_role(),
            unknown_usd=self.budget.unknown_usd,
            overrun_usd=self.budget.overrun_usd,
            left_usd=self.budget.left_usd,
            router_malformed=self._router_malformed,
            judge_malformed=self._judge_malformed,
            confidence_methods=dict(self._methods),
        )


def run_live(
    plan: LivePlan,
    queries: Sequence[LiveQuery],
    output: str | Path,
    credentials: Credentials | None = None,
    on_progress: Callable[[Progress], None] | None = None,
) -> RunSummary:
    """Run a plan on queries to the end (or the budget, a stop, an endpoint failure) and return the summary."""
    return asyncio.run(LiveRunner(plan, queries, output, credentials, on_progress).run())
