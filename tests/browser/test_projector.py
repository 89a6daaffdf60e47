"""Every page legible on a projector (1280 x 720, sidebar open) and on a laptop (1600 x 1000): in every chart each
title, axis title, tick label, legend entry, annotation and bar or point label lies inside the chart and overlaps no
other; no legend sits on a plot; no KPI card's value or label is cut off. The views are the ones people were seen
using: the default, a failure at full severity with 2,000,000 queries a day (seven-figure cards), three models with
a failure and 20,000,000 queries a day."""

from __future__ import annotations

import pytest

from devkit.browser_harness import ARTIFACTS, MUTATION_PROBE, exceptions, wait_idle
from tests.browser.legibility import card_problems, chart_problems

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "browser"
NAVIGATION = ["Lab", "Compare", "Queries", "Cost projection", "Failure gallery", "Data"]
PROJECTOR = {"width": 1280, "height": 720}
LAPTOP = {"width": 1600, "height": 1000}
VIEWS = {
    "default-1280": ("", PROJECTOR),
    "default-1600": ("", LAPTOP),
    "failure-2M-1280": ("?strategy=cascade&fail=overconfident-scorer:1&qpd=2000000", PROJECTOR),
    "three-models-20M-1280": ("?scenario=mixed-production&fail=traffic-drift:0.5&qpd=20000000", PROJECTOR),
}


@pytest.mark.parametrize("view", list(VIEWS))
def test_every_page_is_legible(browser, app_url, view):
    query, viewport = VIEWS[view]
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    problems: list[str] = []
    try:
        page.goto(app_url + query)
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)
        for title in NAVIGATION:
            page.locator('[data-testid="stSidebarNavLink"]', has_text=title).first.click()
            path = title.lower().replace(" ", "_") if title != "Lab" else ""
            page.wait_for_function(
                f"() => window.location.pathname.replace(/\\/$/, '').endsWith('/{path}'.replace(/\\/$/, ''))",
                timeout=120_000,
            )
            page.evaluate(MUTATION_PROBE)
            wait_idle(page, quiet_ms=1200, timeout_ms=120_000)
            assert exceptions(page) == [], f"{title}: an exception box appeared"
            problems += [f"{title}: {p}" for p in chart_problems(page) + card_problems(page)]
            SHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SHOTS / f"legible_{view}_{path or 'lab'}.png"))
            # most charts are below the fold: one picture of each drawn one (not those in a closed tab), to look at
            charts = page.locator(".js-plotly-plot").filter(visible=True)
            for k in range(charts.count()):
                charts.nth(k).screenshot(path=str(SHOTS / f"legible_{view}_{path or 'lab'}_chart{k + 1}.png"))
    finally:
        context.close()
    assert problems == [], "\n".join(problems)
