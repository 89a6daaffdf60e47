"""What a live run costs before anything is sent: each call's worst case, and the whole run expected and at worst.

Prompt tokens are counted offline (lab.sources.tokens, the tokenizer litellm uses for OpenAI
models) over every message's content, plus the chat format's overhead (4 tokens per message and 3
to prime the reply), then raised by the plan's margin for tokenizers that count more. The worst case
of a call adds max_tokens at the output price; the expected cost assumes answers of
`expected_output_tokens` (capped at max_tokens), one-token router and judge replies, and
log-probabilities returned (no scorer call). The worst case of the run assumes every answer reaches
max_tokens and every cheaper model needs a verbalised confidence call; it counts one attempt per
call: retries are paid from the same cap, which is what stops a run, never exceeded.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict

from lab.live.models import LiveModel
from lab.live.plan import LivePlan
from lab.live.queries import LiveQuery
from lab.sources.tokens import count_tokens

TOKENS_PER_MESSAGE = 4
TOKENS_TO_PRIME_REPLY = 3
EXPECTED_SHORT_REPLY_TOKENS = 2


def message_tokens(messages: Sequence[dict[str, str]], model_key: str) -> int:
    """Offline prompt tokens of one chat: every content, plus the chat format's overhead."""
    contents = [m.get("content", "") for m in messages]
    return (
        int(count_tokens(contents, _token_key(model_key)).sum())
        + TOKENS_PER_MESSAGE * len(messages)
        + TOKENS_TO_PRIME_REPLY
    )


def _token_key(model_key: str) -> str:
    return model_key.split("/", 1)[-1]


def reserved_prompt_tokens(tokens: int | np.ndarray, margin: float) -> int | np.ndarray:
    """Prompt tokens a reservation assumes: the offline count raised by the margin, rounded up."""
    return (
        np.ceil(np.asarray(tokens) * (1.0 + margin)).astype(np.int64)
        if np.ndim(tokens)
        else math.ceil(tokens * (1.0 + margin))
    )


def worst_case_usd(model: LiveModel, prompt_tokens: int, max_tokens: int, margin: float) -> float:
    """One call's worst case: reserved prompt tokens x input price + max_tokens x output price."""
    return model.cost_usd(int(reserved_prompt_tokens(prompt_tokens, margin)), max_tokens)


class RoleCost(BaseModel):
    """The calls of one role (answer, router, confidence, judge) and what they cost, expected and at worst."""

    model_config = ConfigDict(frozen=True)

    role: str
    calls: int
    expected_usd: float
    worst_usd: float


class CostEstimate(BaseModel):
    """A run's cost before it is sent: per role, in all, per query at worst, and the assumptions."""

    model_config = ConfigDict(frozen=True)

    n_queries: int
    roles: list[RoleCost]
    expected_usd: float
    worst_usd: float
    query_worst_usd: list[float]
    assumptions: list[str]

    def lines(self, budget_usd: float | None = None) -> list[str]:
        """The estimate as lines for people."""
        out = [f"{self.n_queries:,} queries; cost before anything is sent:"]
        width = max(len("total"), *(len(r.role) for r in self.roles))
        out.append(f"  {'role':<{width}} {'calls':>7} {'expected':>12} {'worst case':>12}")
        for r in self.roles:
            out.append(f"  {r.role:<{width}} {r.calls:>7,} {_usd(r.expected_usd):>12} {_usd(r.worst_usd):>12}")
        total_calls = sum(r.calls for r in self.roles)
        out.append(f"  {'total':<{width}} {total_calls:>7,} {_usd(self.expected_usd):>12} {_usd(self.worst_usd):>12}")
        if budget_usd is not None:
            out.append(self.budget_line(budget_usd))
        out += [f"assumption: {a}" for a in self.assumptions]
        return out

    def budget_line(self, budget_usd: float) -> str:
        """Whether a budget covers the worst case, for people."""
        if self.worst_usd <= budget_usd:
            return f"budget {_usd(budget_usd)}: covers the worst case ({_usd(self.worst_usd)})"
        return (
            f"budget {_usd(budget_usd)}: below the worst case ({_usd(self.worst_usd)}); the run stops before a call "
            "that might exceed it (done rows are kept; rerun with a larger budget to continue)"
        )


def _usd(value: float) -> str:
    return f"${value:,.4f}" if value < 100 else f"${value:,.2f}"


def estimate_run(plan: LivePlan, queries: Sequence[LiveQuery]) -> CostEstimate:
    """Expected and worst-case cost of calling the plan's models (and router, judge) on `queries`."""
    s, t = plan.settings, plan.templates
    n = len(queries)
    texts = [q.text for q in queries]
    expected_answer = min(s.expected_output_tokens, s.max_tokens)
    short = EXPECTED_SHORT_REPLY_TOKENS
    everyone = np.ones(n, dtype=bool)
    unreferenced = np.array([q.reference is None for q in queries], dtype=bool)

    def prompt_tokens(builder: Callable[..., list[dict[str, str]]], key: str, *blank_answer: str) -> np.ndarray:
        """Each query's prompt tokens under a template: the query's tokens plus the template's own."""
        template = message_tokens(builder("", *blank_answer), key)
        return count_tokens(texts, _token_key(key)) + template if n else np.zeros(0, dtype=np.int64)

    # (role, model, prompt tokens, answer tokens inside the prompt (expected, worst), reply (expected, worst), which queries)
    plans: list[tuple[str, LiveModel, np.ndarray, tuple[int, int], tuple[int, int], np.ndarray]] = []
    if plan.router is not None:
        router_prompt = prompt_tokens(t.router_messages, plan.router.key)
        plans.append(("router", plan.router, router_prompt, (0, 0), (short, s.router_max_tokens), everyone))
    for m in plan.models:
        answer_prompt = prompt_tokens(t.answer_messages, m.key)
        plans.append((f"answer {m.key}", m, answer_prompt, (0, 0), (expected_answer, s.max_tokens), everyone))
    for m in plan.models[:-1]:
        asked = prompt_tokens(t.confidence_messages, m.key, "")
        plans.append((f"confidence {m.key}", m, asked, (0, s.max_tokens), (0, s.confidence_max_tokens), everyone))
    if plan.judge is not None and unreferenced.any():
        judge_prompt = prompt_tokens(t.judge_messages, plan.judge.key, "")
        for m in plan.models:
            grading = (expected_answer, s.max_tokens)
            plans.append(
                (f"judge on {m.key}", plan.judge, judge_prompt, grading, (short, s.judge_max_tokens), unreferenced)
            )

    roles: list[RoleCost] = []
    query_worst = np.zeros(n)
    for role, model, prompt, (answer_expected, answer_worst), (reply_expected, reply_worst), mask in plans:
        worst = (
            reserved_prompt_tokens(prompt + answer_worst, s.prompt_token_margin) * model.input_usd_per_token
            + reply_worst * model.output_usd_per_token
        ) * mask
        expected_calls = 0.0 if role.startswith("confidence") else 1.0  # expected: log-probabilities come back
        expected = (prompt + answer_expected) * model.input_usd_per_token + reply_expected * model.output_usd_per_token
        query_worst += worst
        roles.append(
            RoleCost(
                role=role,
                calls=int(mask.sum()),
                expected_usd=float((expected * mask).sum() * expected_calls),
                worst_usd=float(worst.sum()),
            )
        )
    assumptions = [
        f"answers of {expected_answer} tokens expected, {s.max_tokens} at worst (max_tokens); router and judge replies "
        f"of {short} tokens expected",
        "expected: the endpoint returns log-probabilities, so confidence needs no call; worst case: every cheaper "
        "model's answer needs a verbalised-confidence call",
        f"prompt tokens counted offline with the OpenAI tokenizer litellm uses; worst cases reserve "
        f"{s.prompt_token_margin:.0%} more, plus {TOKENS_PER_MESSAGE} tokens per message",
        "one attempt per call; retries are paid from the same budget, and a call whose worst case does not fit is "
        "not sent",
    ]
    return CostEstimate(
        n_queries=n,
        roles=roles,
        expected_usd=float(sum(r.expected_usd for r in roles)),
        worst_usd=float(sum(r.worst_usd for r in roles)),
        query_worst_usd=query_worst.tolist(),
        assumptions=assumptions,
    )
