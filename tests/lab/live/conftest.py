"""Fixtures for live mode: OpenAI-compatible servers on 127.0.0.1 (nothing leaves loopback), and plans for them."""

from __future__ import annotations

import os

import pytest

from devkit.openai_server import LoopbackOpenAI
from lab.live.models import resolve_model
from lab.live.plan import LivePlan, LiveSettings
from lab.live.queries import LiveQuery

PRICES = {"cheap": (1e-6, 2e-6), "strong": (5e-6, 15e-6), "judge": (2e-6, 8e-6)}


@pytest.fixture(scope="session", autouse=True)
def _offline_litellm():
    """litellm imported once, offline (its import takes seconds)."""
    os.environ["LITELLM_LOCAL_MODEL_COST_MAP"] = "True"
    from lab.live.client import _litellm

    return _litellm()


@pytest.fixture
def loopback():
    """A factory of loopback servers (LoopbackOpenAI keyword arguments); every server is stopped afterwards."""
    started: list[LoopbackOpenAI] = []

    def start(**kwargs) -> LoopbackOpenAI:
        kwargs.setdefault("prices", PRICES)
        server = LoopbackOpenAI(**kwargs).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def stated_prices() -> dict[str, tuple[float, float]]:
    """The loopback models' prices as a user states them with --price."""
    return {f"openai/{name}": price for name, price in PRICES.items()}


def make_plan(
    server: LoopbackOpenAI, budget_usd: float = 1.0, router: bool = True, judge: bool = True, **settings
) -> LivePlan:
    """A plan calling cheap and strong on the server, cheap as router and judge as judge."""
    stated = stated_prices()
    models = [resolve_model(f"openai/{name}", server.base_url, stated) for name in ("cheap", "strong")]
    settings.setdefault("timeout_s", 2.0)
    settings.setdefault("backoff_base_s", 0.01)
    settings.setdefault("backoff_max_s", 0.05)
    return LivePlan(
        models=models,
        router=models[0] if router else None,
        judge=resolve_model("openai/judge", server.base_url, stated) if judge else None,
        settings=LiveSettings(budget_usd=budget_usd, **settings),
    )


def arithmetic_queries(n: int, with_reference: bool = True) -> list[LiveQuery]:
    """n small sums; every other one without a reference (the judge grades those) unless all have one."""
    return [
        LiveQuery(
            id=f"q{i}",
            text=f"What is {i} + {2 * i}?",
            category="math" if i % 3 else "chat",
            reference=str(3 * i) if with_reference or i % 2 else None,
        )
        for i in range(n)
    ]
