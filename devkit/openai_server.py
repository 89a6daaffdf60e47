"""An OpenAI-compatible chat-completions server on 127.0.0.1 for the live-mode tests and benchmark.

It answers deterministically (the same request gets the same answer), reports usage and, where
asked, token log-probabilities, waits a configurable latency, and plays a fault schedule: 429 with
Retry-After, 500, a reply slower than the client's timeout, malformed JSON, a body cut off mid-way,
a reply without usage, a 400, and a 401 that echoes the key it was sent (as some providers do).
It bills like a provider: a reply that carried usage (or that the server finished computing, even if
the client never read it) is charged at the server's prices; an error status is not. `spend_usd` is
what it charged, the figure the budget tests hold against the cap.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lab.sources.tokens import count_tokens

Fault = Literal["ok", "429", "500", "timeout", "malformed", "cutoff", "no_usage", "400", "401"]
FAULTS: tuple[Fault, ...] = ("ok", "429", "500", "timeout", "malformed", "cutoff", "no_usage")  # what a run survives

Responder = Callable[[str, list[dict]], str]


def prompt_tokens_of(messages: list[dict]) -> int:
    """Prompt tokens as OpenAI counts a chat: each content's tokens, 3 per message and 3 to prime the reply."""
    contents = [str(m.get("content") or "") for m in messages]
    return int(count_tokens(contents, "gpt-4o").sum()) + 3 * len(messages) + 3


def _digest(*parts: str) -> int:
    return int.from_bytes(hashlib.sha256("\x1f".join(parts).encode()).digest()[:8], "big")


def default_responder(model: str, messages: list[dict]) -> str:
    """Deterministic replies to the lab's prompts: a rating, a verdict, a confidence or an answer."""
    text = "\n".join(str(m.get("content") or "") for m in messages)
    h = _digest(model, text)
    if "Rate how much" in text:
        return str(1 + h % 10)
    if "Grade the answer" in text:
        return "CORRECT" if h % 3 else "INCORRECT"
    if "How likely is it" in text:
        return str(h % 101)
    question = str(messages[-1].get("content") or "")
    numbers = re.findall(r"-?\d+", question)
    value = sum(int(n) for n in numbers) if numbers else h % 100
    if h % 4 == 0:  # a wrong answer now and then, so grading has something to find
        value += 1
    return f"Working through it for {model}.\nAnswer: {value}"


@dataclass
class ServerLog:
    """What the server saw and charged (thread-safe: the server runs in its own thread)."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: list[dict] = field(default_factory=list)
    faults: Counter = field(default_factory=Counter)
    spend_usd: float = 0.0
    billed_calls: int = 0


class LoopbackOpenAI:
    """The server: `prices` per model (USD per token in, out), `latency_ms`, and a fault schedule.

    `schedule` yields one Fault per request in arrival order (then "ok" forever); `retry_after_s`
    goes into the Retry-After header of each 429; `timeout_delay_s` is how long a "timeout" reply
    stalls; `logprobs_models` are the models that return log-probabilities when asked.
    """

    def __init__(
        self,
        prices: dict[str, tuple[float, float]],
        latency_ms: float = 0.0,
        schedule: Iterable[Fault] = (),
        retry_after_s: float = 0.05,
        timeout_delay_s: float = 2.0,
        logprobs_models: Iterable[str] | None = None,
        responder: Responder = default_responder,
    ) -> None:
        self.prices = dict(prices)
        self.latency_ms = latency_ms
        self._schedule = iter(schedule)
        self.retry_after_s = retry_after_s
        self.timeout_delay_s = timeout_delay_s
        self.logprobs_models = set(self.prices if logprobs_models is None else logprobs_models)
        self.responder = responder
        self.log = ServerLog()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The OpenAI-style base URL (ends in /v1)."""
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> LoopbackOpenAI:
        """Start serving on a free loopback port in a daemon thread; returns once it accepts connections."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        app = Starlette(routes=[Route("/v1/chat/completions", self._chat, methods=["POST"])])
        config = uvicorn.Config(app, log_level="critical", access_log=False, lifespan="off", timeout_keep_alive=30)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the loopback server did not start within 10 s")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop the server and wait for its thread."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)

    def set_schedule(self, schedule: Iterable[Fault]) -> None:
        """Replace the fault schedule (requests from now on consume it)."""
        with self.log.lock:
            self._schedule = iter(schedule)

    def reset(self, schedule: Iterable[Fault] = ()) -> None:
        """Forget what was seen and charged, and play a new schedule (one server for many runs)."""
        with self.log.lock:
            self._schedule = iter(schedule)
            self.log.requests.clear()
            self.log.faults.clear()
            self.log.spend_usd = 0.0
            self.log.billed_calls = 0

    # -- the endpoint ------------------------------------------------------------------------------------

    def _next_fault(self) -> Fault:
        with self.log.lock:
            fault = next(self._schedule, "ok")
            self.log.faults[fault] += 1
            return fault

    def _bill(self, model: str, prompt_tokens: int, completion_tokens: int) -> None:
        price_in, price_out = self.prices[model]
        with self.log.lock:
            self.log.spend_usd += prompt_tokens * price_in + completion_tokens * price_out
            self.log.billed_calls += 1

    async def _chat(self, request: Request) -> Response:
        raw = await request.body()
        body = json.loads(raw)
        model = str(body.get("model"))
        messages = list(body.get("messages") or [])
        with self.log.lock:
            self.log.requests.append(
                {
                    "model": model,
                    "body": body,
                    "headers": dict(request.headers),
                    "path": str(request.url),
                    "t": time.monotonic(),
                }
            )
        fault = self._next_fault()
        if fault == "429":
            return JSONResponse(
                {"error": {"message": "rate limited", "type": "rate_limit_error", "code": "rate_limit_exceeded"}},
                status_code=429,
                headers={"retry-after": f"{self.retry_after_s:g}"},
            )
        if fault == "500":
            return JSONResponse({"error": {"message": "internal error", "type": "server_error"}}, status_code=500)
        if fault == "400":
            return JSONResponse({"error": {"message": "bad request", "type": "invalid_request_error"}}, status_code=400)
        if fault == "401":
            sent = request.headers.get("authorization", "")
            return JSONResponse(
                {"error": {"message": f"Incorrect API key provided: {sent}", "type": "invalid_request_error"}},
                status_code=401,
            )
        if model not in self.prices:
            return JSONResponse(
                {"error": {"message": f"model {model} does not exist", "type": "invalid_request_error"}},
                status_code=404,
            )
        if self.latency_ms > 0:
            await asyncio.sleep(self.latency_ms / 1000)
        payload, prompt_tokens, completion_tokens = self._completion(model, messages, body)
        self._bill(model, prompt_tokens, completion_tokens)  # the work is done: a provider charges from here on
        text = json.dumps(payload)
        if fault == "timeout":
            await asyncio.sleep(self.timeout_delay_s)
            return Response(text, media_type="application/json")
        if fault == "malformed":
            return Response(text[: len(text) // 2] + "<html>", media_type="application/json")
        if fault == "cutoff":
            return _CutOff(text.encode())
        if fault == "no_usage":
            payload.pop("usage")
            return Response(json.dumps(payload), media_type="application/json")
        return Response(text, media_type="application/json")

    def _completion(self, model: str, messages: list[dict], body: dict) -> tuple[dict, int, int]:
        reply = self.responder(model, messages)
        limit = body.get("max_completion_tokens") or body.get("max_tokens")
        from lab.sources.tokens import _encoding

        encoding = _encoding("o200k_base")
        tokens = encoding.encode_ordinary(reply)
        finish = "stop"
        if limit is not None and len(tokens) > int(limit):
            tokens = tokens[: int(limit)]
            reply = encoding.decode(tokens)
            finish = "length"
        prompt_tokens = prompt_tokens_of(messages)
        choice: dict = {
            "index": 0,
            "message": {"role": "assistant", "content": reply},
            "finish_reason": finish,
            "logprobs": None,
        }
        if body.get("logprobs") and model in self.logprobs_models:
            choice["logprobs"] = {
                "content": [
                    {
                        "token": encoding.decode([t]),
                        "logprob": -(((_digest(model, str(t), reply) % 1000) / 1000.0) ** 2),
                        "bytes": list(encoding.decode([t]).encode()),
                        "top_logprobs": [],
                    }
                    for t in tokens
                ]
            }
        payload = {
            "id": f"chatcmpl-{_digest(model, reply) % 10**12}",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": model,
            "choices": [choice],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": len(tokens),
                "total_tokens": prompt_tokens + len(tokens),
            },
        }
        return payload, prompt_tokens, len(tokens)


class _CutOff(Response):
    """A 200 reply whose Content-Length promises the whole body but which closes after half of it."""

    def __init__(self, body: bytes) -> None:
        super().__init__(b"", media_type="application/json")
        self._full = body

    async def __call__(self, scope, receive, send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(self._full)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": self._full[: len(self._full) // 2], "more_body": True})
        raise ConnectionResetError("cut off on purpose")


def main(argv: list[str] | None = None) -> None:
    """Serve in this process until killed (the benchmark runs the server apart from the client it times)."""
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--price", action="append", default=[], metavar="MODEL=IN/OUT", help="USD per token")
    args = parser.parse_args(argv)
    prices = {}
    for text in args.price:
        model, _, value = text.partition("=")
        price_in, price_out = value.split("/")
        prices[model] = (float(price_in), float(price_out))
    server = LoopbackOpenAI(prices, latency_ms=args.latency_ms).start()
    print(server.port, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
