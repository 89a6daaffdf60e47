"""One call to a model through litellm, with our own retries, so the budget sees every attempt.

Who retries: we do. litellm's own retry layer needs tenacity (not installed; it fails silently)
and the openai SDK retries twice by default, unseen by a budget; so every call goes out with
`max_retries=0, num_retries=0` and this loop retries instead: 429 after its Retry-After (or
Retry-After-Ms), 5xx, timeouts, dropped or unreadable replies and refused connections with
exponential backoff and jitter, up to `max_attempts`. Each attempt first reserves its worst case
(lab.live.budget) and waits for a slot of its model (a per-model semaphore); a 400-class refusal is
not retried, and 401/403/404 stop the run (no later call can succeed).
"""

from __future__ import annotations

import asyncio
import email.utils
import errno
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict

from lab.core.errors import LabError
from lab.live.budget import Budget, Reservation
from lab.live.credentials import Credentials
from lab.live.models import LiveModel
from lab.live.plan import LiveSettings

Role = Literal["answer", "router", "confidence", "judge"]
FailureKind = Literal[
    "unreachable", "timeout", "rate_limited", "server_error", "connection_lost", "auth", "not_found", "rejected"
]


class CallSpec(BaseModel):
    """One call to make: for which query, in which role, to which model, with what messages and limit."""

    model_config = ConfigDict(frozen=True)

    query_id: str
    role: Role
    model: str
    messages: list[dict[str, str]]
    max_tokens: int
    logprobs: bool = False
    worst_case_usd: float
    subject: str | None = None  # the model whose answer a confidence or judge call looks at

    def names(self) -> dict[str, Any]:
        """What names the call in its record and in the journal: query, role, model and subject."""
        return self.model_dump(include={"query_id", "role", "model", "subject"})


class CallRecord(BaseModel):
    """A finished call: its reply, usage, cost and latency, or why it failed (the error has no key in it)."""

    query_id: str
    role: Role
    model: str
    subject: str | None = None
    status: Literal["ok", "failed"]
    text: str | None = None
    finish_reason: str | None = None
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    usage_reported: bool = False
    cost_usd: float = 0.0
    latency_ms: float | None = None
    token_logprobs: list[float] | None = None
    attempts: int = 1
    error: str | None = None
    error_kind: FailureKind | None = None


class BudgetRefused(Exception):
    """A call's worst case did not fit in what is left of the budget: it was not sent."""

    def __init__(self, spec: CallSpec, left_usd: float) -> None:
        super().__init__(f"{spec.role} call of {spec.model} for query {spec.query_id}")
        self.spec = spec
        self.left_usd = left_usd


class EndpointFailure(LabError):
    """An endpoint that no call can succeed with: unreachable after the retries, a refused key, an unknown model."""

    def __init__(self, message: str, kind: FailureKind) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Failure:
    """How an attempt failed, and what follows: was it maybe billed, is it worth retrying, does it end the run."""

    kind: FailureKind
    maybe_billed: bool
    retryable: bool
    fatal: bool
    message: str
    retry_after_s: float | None = None


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    stack: list[BaseException | None] = [exc]
    while stack:
        item = stack.pop()
        if item is None or any(item is s for s in seen):
            continue
        seen.append(item)
        stack += [item.__cause__, item.__context__]
    return seen


def _is_connect_error(exc: BaseException) -> bool:
    names = {type(e).__name__ for e in _chain(exc)}
    if names & {
        "ConnectError",
        "ClientConnectorError",
        "ConnectionRefusedError",
        "gaierror",
        "ClientConnectorDNSError",
    }:
        return True
    return any(
        isinstance(e, socket.gaierror)
        or (isinstance(e, OSError) and e.errno in (errno.ECONNREFUSED, errno.EHOSTUNREACH))
        for e in _chain(exc)
    )


def retry_after_s(exc: BaseException) -> float | None:
    """The wait a 429 asks for (Retry-After-Ms, else Retry-After in seconds or as an HTTP date), if any."""
    sources = (getattr(exc, "litellm_response_headers", None), getattr(getattr(exc, "response", None), "headers", None))
    for headers in sources:
        if not headers:
            continue
        lowered = {str(k).lower(): str(v) for k, v in dict(headers).items()}
        try:
            if "retry-after-ms" in lowered:
                return max(0.0, float(lowered["retry-after-ms"]) / 1000)
            if "retry-after" in lowered:
                value = lowered["retry-after"].strip()
                try:
                    return max(0.0, float(value))
                except ValueError:
                    when = email.utils.parsedate_to_datetime(value)
                    return max(0.0, when.timestamp() - time.time())
        except (TypeError, ValueError, OverflowError):
            return None
    return None


def classify(exc: BaseException, redact: Callable[[str], str]) -> Failure:
    """What an exception from litellm means for billing, retrying and the run."""
    message = redact(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__)[:300]
    status = getattr(exc, "status_code", None)
    names = {type(e).__name__ for e in _chain(exc)}
    if isinstance(exc, asyncio.TimeoutError) or names & {"Timeout", "APITimeoutError", "ReadTimeout", "TimeoutError"}:
        return Failure("timeout", True, True, False, message)
    if _is_connect_error(exc):
        return Failure("unreachable", False, True, False, message)
    if status == 429:
        return Failure("rate_limited", False, True, False, message, retry_after_s(exc))
    if status in (401, 403):
        return Failure("auth", False, False, True, message)
    if status == 404:
        return Failure("not_found", False, False, True, message)
    if isinstance(status, int) and 400 <= status < 500 and status != 408:
        return Failure("rejected", False, False, False, message)
    if isinstance(status, int) and status >= 500:
        return Failure("server_error", True, True, False, message)
    if names & {"APIConnectionError", "APIError", "ReadError", "RemoteProtocolError", "ClientPayloadError"}:
        return Failure("connection_lost", True, True, False, message)
    raise exc


def _litellm():
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import litellm

    litellm.suppress_debug_info = True
    litellm.disable_hf_tokenizer_download = True
    litellm.telemetry = False
    return litellm


def _field(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def _token_logprobs(choice: Any) -> list[float] | None:
    logprobs = _field(choice, "logprobs")
    content = _field(logprobs, "content") if logprobs is not None else None
    if not content:
        return None
    values = [_field(item, "logprob") for item in content]
    return [float(v) for v in values if isinstance(v, (int, float))] or None


@dataclass
class CallContext:
    """What every call of a run shares: settings, budget, keys, per-model slots, jitter and counters."""

    settings: LiveSettings
    budget: Budget
    credentials: Credentials
    slots: dict[str, asyncio.Semaphore]
    rng: np.random.Generator
    attempts: int = 0
    retries: int = 0
    failures: dict[str, int] = field(default_factory=dict)

    def backoff_s(self, attempt: int, failure: Failure) -> float:
        """The wait before the next attempt: Retry-After when given, else exponential with jitter."""
        s = self.settings
        exponential = min(s.backoff_max_s, s.backoff_base_s * 2**attempt) * float(self.rng.uniform(0.5, 1.0))
        if failure.retry_after_s is not None:
            return max(failure.retry_after_s, 0.0)
        return exponential


async def send(spec: CallSpec, model: LiveModel, ctx: CallContext) -> CallRecord:
    """Make one call with retries; BudgetRefused when an attempt does not fit, EndpointFailure when none can succeed."""
    litellm = _litellm()
    s = ctx.settings
    kwargs: dict[str, Any] = {
        "model": model.key,
        "messages": spec.messages,
        "max_tokens": spec.max_tokens,
        "timeout": s.timeout_s,
        "max_retries": 0,
        "num_retries": 0,
        "drop_params": True,
        "input_cost_per_token": model.input_usd_per_token,
        "output_cost_per_token": model.output_usd_per_token,
    }
    if model.api_base is not None:
        kwargs["api_base"] = model.api_base
    key = ctx.credentials.key_for(model.key, model.api_base is not None)
    if key is not None:
        kwargs["api_key"] = key
    if spec.logprobs:
        kwargs["logprobs"] = True
    last: Failure | None = None
    for attempt in range(s.max_attempts):
        reservation = ctx.budget.try_reserve(spec.worst_case_usd, spec.role)
        if reservation is None:
            raise BudgetRefused(spec, ctx.budget.left_usd)
        try:
            async with ctx.slots[model.key]:
                ctx.attempts += 1
                started = time.perf_counter()
                response = await asyncio.wait_for(litellm.acompletion(**kwargs), timeout=s.timeout_s + 5)
                latency_ms = (time.perf_counter() - started) * 1000
        except asyncio.CancelledError:
            ctx.budget.keep(reservation)  # it may have reached the provider
            raise
        except Exception as exc:
            try:
                failure = classify(exc, ctx.credentials.redact)
            except BaseException:
                ctx.budget.keep(reservation)  # an error of an unknown kind: count the call as billed
                raise
            (ctx.budget.keep if failure.maybe_billed else ctx.budget.release)(reservation)
            ctx.failures[failure.kind] = ctx.failures.get(failure.kind, 0) + 1
            last = failure
            if failure.fatal:
                raise EndpointFailure(_fatal_message(failure, model), failure.kind) from None
            too_long = failure.retry_after_s is not None and failure.retry_after_s > s.retry_after_max_s
            if failure.retryable and attempt + 1 < s.max_attempts and not too_long:
                ctx.retries += 1
                await asyncio.sleep(ctx.backoff_s(attempt, failure))
                continue
            if failure.kind == "unreachable":
                raise EndpointFailure(
                    f"cannot reach {model.endpoint} for {model.key} after {attempt + 1} attempt(s): {failure.message}",
                    "unreachable",
                ) from None
            note = (
                f" (it asked to wait {failure.retry_after_s:.0f} s, above {s.retry_after_max_s:.0f} s)"
                if too_long
                else ""
            )
            return CallRecord(
                **spec.names(),
                status="failed",
                attempts=attempt + 1,
                error=failure.message + note,
                error_kind=failure.kind,
            )
        else:
            return _record(spec, model, response, latency_ms, attempt + 1, reservation, ctx)
    raise AssertionError(f"unreachable: {last}")  # the loop returns or raises


def _record(
    spec: CallSpec,
    model: LiveModel,
    response: Any,
    latency_ms: float,
    attempts: int,
    reservation: Reservation,
    ctx: CallContext,
) -> CallRecord:
    choice = response.choices[0] if getattr(response, "choices", None) else None
    message = _field(choice, "message") if choice is not None else None
    text = _field(message, "content") if message is not None else None
    usage = getattr(response, "usage", None)
    prompt = _field(usage, "prompt_tokens") if usage is not None else None
    completion = _field(usage, "completion_tokens") if usage is not None else None
    reported = isinstance(prompt, int) and isinstance(completion, int) and (prompt > 0 or completion > 0)
    if isinstance(prompt, int) and isinstance(completion, int) and reported:
        cost = model.cost_usd(prompt, completion)
        ctx.budget.settle(reservation, cost)
    else:  # no usage: the bill is unknown, so the worst case stands
        cost = reservation.amount_usd
        ctx.budget.keep(reservation)
    return CallRecord(
        **spec.names(),
        status="ok",
        text=text if isinstance(text, str) else "",
        finish_reason=_field(choice, "finish_reason") if choice is not None else None,
        prompt_tokens=prompt if reported else None,
        completion_tokens=completion if reported else None,
        usage_reported=reported,
        cost_usd=cost,
        latency_ms=round(latency_ms, 3),
        token_logprobs=_token_logprobs(choice) if spec.logprobs and choice is not None else None,
        attempts=attempts,
    )


def _fatal_message(failure: Failure, model: LiveModel) -> str:
    if failure.kind == "auth":
        return (
            f"{model.endpoint} refused the key for {model.key} ({failure.message}); set the provider's key "
            "variable (e.g. OPENAI_API_KEY) or --api-key-env"
        )
    return f"{model.endpoint} does not know the model {model.key} ({failure.message}); check the key with the provider"
