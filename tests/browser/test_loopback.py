"""Nothing leaves the machine: every request a browser session makes while it visits every page, moves a
threshold and reruns goes to the app on loopback (or stays inside the page: data: and blob: URLs)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from devkit.browser_harness import MUTATION_PROBE, exceptions, wait_for_app, wait_idle

pytestmark = pytest.mark.browser

NAVIGATION = ["Lab", "Compare", "Queries", "Cost projection", "Failure gallery", "Data", "Live"]
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
IN_PAGE_SCHEMES = {"data", "blob", "about"}


def _outside(urls: list[str]) -> list[str]:
    """The URLs that would leave the machine."""
    out = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in IN_PAGE_SCHEMES:
            continue
        if parts.hostname not in LOOPBACK_HOSTS:
            out.append(url)
    return out


def test_the_outside_check_tells_loopback_from_the_internet():
    assert _outside(["http://127.0.0.1:8501/", "ws://localhost:1/_stcore/stream", "data:image/svg+xml;base64,AA"]) == []
    assert _outside(["https://fonts.gstatic.com/s/i/x.svg", "http://127.0.0.2.example.com/"]) == [
        "https://fonts.gstatic.com/s/i/x.svg",
        "http://127.0.0.2.example.com/",
    ]


def test_a_session_visiting_every_page_asks_nothing_outside_loopback(browser, app_url):
    context = browser.new_context(viewport={"width": 1600, "height": 1000})
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    page = context.new_page()
    page.on("websocket", lambda ws: requested.append(ws.url))
    try:
        page.goto(app_url)
        wait_for_app(page, min_charts=6)
        # a rerun on the Lab page: the favicon used to be fetched again on every one
        page.evaluate(MUTATION_PROBE)
        slider = page.locator('[data-testid="stSlider"]').first.locator('input[type="range"]')
        slider.focus()
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        wait_idle(page)
        for title in [*NAVIGATION[1:], "Lab"]:
            page.locator('[data-testid="stSidebarNavLink"]', has_text=title).first.click()
            page.wait_for_function(
                f"() => document.querySelector('h1') && document.title !== '' "
                f"&& window.location.pathname.endsWith('{title.lower().replace(' ', '_') if title != 'Lab' else ''}')",
                timeout=90_000,
            )
            page.evaluate(MUTATION_PROBE)
            wait_idle(page, quiet_ms=800)
            assert exceptions(page) == [], f"{title}: an exception box appeared"
        favicon = page.evaluate("() => Array.from(document.querySelectorAll('link[rel~=\"icon\"]')).map(l => l.href)")
    finally:
        context.close()
    assert any(urlsplit(url).hostname in LOOPBACK_HOSTS for url in requested), "the recorder saw no request at all"
    assert _outside(requested) == [], f"requests that left the machine: {sorted(set(_outside(requested)))}"
    assert favicon and all(href.startswith("data:image/svg+xml") for href in favicon), favicon
