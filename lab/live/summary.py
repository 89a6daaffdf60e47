"""What a live run reports: its progress while it runs (queries and calls done, spent, left of the budget) and its
summary when it ends (rows written, calls and retries, spend per role with the judge's apart, malformed replies,
why it stopped). Pure data with the lines people read; lab.live.runner fills them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from lab.live.replies import ROUTER_FALLBACK_RATING

StopReason = Literal["finished", "budget", "stopped", "cancelled", "endpoint"]


class Progress(BaseModel):
    """Where a run is: queries and calls done, what it spent and what is left of the budget."""

    queries_done: int
    queries_total: int
    calls_done: int
    spent_usd: float
    reserved_usd: float
    left_usd: float
    budget_usd: float


class RunSummary(BaseModel):
    """How a run ended: rows written, calls and retries, spend per role, malformed replies, and why it stopped."""

    output: str
    stop_reason: StopReason
    message: str
    queries_planned: int
    skipped_done: int
    rows_written: int
    rows_in_log: int
    failed_queries: int
    first_failures: list[str]
    calls: int
    reused_calls: int
    attempts: int
    retries: int
    failures_by_kind: dict[str, int]
    budget_usd: float
    spent_usd: float
    spent_by_role_usd: dict[str, float]
    unknown_usd: float
    overrun_usd: float
    left_usd: float
    router_malformed: int
    judge_malformed: int
    confidence_methods: dict[str, int]

    def lines(self) -> list[str]:
        """The summary as lines for people."""
        routed = self.spent_by_role_usd.get("answer", 0.0)
        out = [
            f"{self.message}",
            f"log: {self.output}: {self.rows_written:,} rows written now, {self.rows_in_log:,} in all"
            + (f" ({self.skipped_done:,} were already done and skipped)" if self.skipped_done else ""),
            f"spent ${self.spent_usd:,.6f} of the ${self.budget_usd:,.4f} budget (${self.left_usd:,.6f} left): "
            f"answers ${routed:,.6f}, router ${self.spent_by_role_usd.get('router', 0.0):,.6f}, "
            f"confidence ${self.spent_by_role_usd.get('confidence', 0.0):,.6f}; "
            f"judge ${self.spent_by_role_usd.get('judge', 0.0):,.6f} (grading, not routing)",
            f"calls: {self.calls:,} finished ({self.attempts:,} attempts, {self.retries:,} retries"
            + (f", {self.reused_calls:,} reused from the journal" if self.reused_calls else "")
            + ")"
            + (
                "; failed attempts: " + ", ".join(f"{k} {v}" for k, v in sorted(self.failures_by_kind.items()))
                if self.failures_by_kind
                else ""
            ),
        ]
        if self.unknown_usd > 0:
            out.append(
                f"${self.unknown_usd:,.6f} of the spend is counted at worst case: calls whose outcome is unknown "
                "(timeouts, server errors, replies cut off or without usage) may have been billed"
            )
        if self.overrun_usd > 0:
            out.append(
                f"warning: endpoints billed ${self.overrun_usd:,.6f} above the reservations (they count more tokens "
                "than the offline count plus margin): raise prompt_token_margin"
            )
        out.append(
            f"router replies malformed: {self.router_malformed:,} (rated {ROUTER_FALLBACK_RATING}, the fallback); "
            f"judge verdicts malformed: {self.judge_malformed:,} (left ungraded); confidence: "
            + (", ".join(f"{k} {v:,}" for k, v in sorted(self.confidence_methods.items())) or "none")
        )
        if self.failed_queries:
            out.append(
                f"{self.failed_queries:,} queries failed (rerun to retry them): " + "; ".join(self.first_failures)
            )
        return out
