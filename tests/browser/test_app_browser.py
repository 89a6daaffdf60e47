"""The app in a real browser: every page draws without an exception box, a threshold slider changes the
charts (redrawn in place, not remounted), two sessions side by side do not share state, and plain
`streamlit run app.py` still draws the same charts. Screenshots go to artifacts/browser/."""

from __future__ import annotations

import gzip
import urllib.request
from urllib.parse import parse_qs, urlsplit

import pytest

from devkit.browser_harness import (
    ARTIFACTS,
    MUTATION_PROBE,
    REPO,
    chart_signature,
    exceptions,
    streamlit_server,
    wait_for_app,
    wait_idle,
)
from pages._live_chart import PLOTLY_JS_ROUTE, plotly_js_path

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "browser"
VIEWPORT = {"width": 1600, "height": 2600}
THRESHOLD_SLIDER = '[data-testid="stSlider"]:has-text("above score")'
# page title in the navigation -> what shows that it is drawn
PAGES = {
    "Lab": "chart",
    "Compare": "chart",
    "Queries": "table",
    "Cost projection": "chart",
    "Failure gallery": "chart",
    "Export": "download",
    "Data": "table",
    "Live": "table",  # the estimate, before anything is sent
}


def _open(browser, url: str):
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(url)
    wait_for_app(page, min_charts=6)
    return page


def _move_threshold(page, key: str, presses: int) -> None:
    page.evaluate(MUTATION_PROBE)
    handle = page.locator(THRESHOLD_SLIDER).first.locator('input[type="range"]')
    handle.focus()
    for _ in range(presses):
        page.keyboard.press(key)
    wait_idle(page)


def _threshold_value(page) -> str:
    return page.locator(THRESHOLD_SLIDER).first.locator('input[type="range"]').input_value()


def test_every_page_draws_without_an_exception(browser, app_url):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page = _open(browser, app_url)
    try:
        for title, shows in PAGES.items():
            page.locator('[data-testid="stSidebarNavLink"]', has_text=title).first.click()
            if shows == "chart":
                page.wait_for_selector(".js-plotly-plot .main-svg", timeout=90_000)
            elif shows == "download":
                page.wait_for_selector('[data-testid="stDownloadButton"]', timeout=90_000)
            else:
                page.wait_for_selector('[data-testid="stDataFrame"]', timeout=90_000)
            page.evaluate(MUTATION_PROBE)
            wait_idle(page, quiet_ms=800)
            page.screenshot(path=str(SHOTS / f"{title.lower().replace(' ', '_')}.png"), full_page=True)
            assert exceptions(page) == [], f"{title}: an exception box appeared"
            assert page.get_by_text(title if title != "Lab" else "Headline figures").count() >= 1
    finally:
        page.close()


NAVIGATION = ["Lab", "Compare", "Queries", "Cost projection", "Failure gallery", "Export", "Data", "Live", "Workshop"]
# a page's URL path -> the heading it opens with
LINKS = {
    "compare": "Compare strategies",
    "queries": "Queries",
    "cost_projection": "Cost projection",
    "failure_gallery": "Failure gallery",
    "export": "Export",
    "data": "Data",
    "live": "Live",
}
PROJECTOR = {"width": 1280, "height": 720}


@pytest.mark.parametrize("path", sorted(LINKS))
def test_a_link_to_a_page_opens_it_inside_the_app(browser, app_url, path):
    # a shared link lands on its page with the app's navigation, wide layout and the linked scenario,
    # not on Streamlit's pages/-folder fallback (which runs the page file alone)
    page = browser.new_page(viewport=PROJECTOR)
    try:
        page.goto(f"{app_url}/{path}?scenario=coding-assistant")
        page.wait_for_selector("h1", timeout=90_000)
        page.evaluate(MUTATION_PROBE)
        wait_idle(page, quiet_ms=800)
        nav = [text.split("\n")[-1] for text in page.locator('[data-testid="stSidebarNavLink"]').all_inner_texts()]
        assert nav == NAVIGATION
        assert page.locator("h1").first.inner_text().startswith(LINKS[path])
        assert (
            page.evaluate(
                "() => getComputedStyle(document.querySelector('[data-testid=\"stMainBlockContainer\"]')).maxWidth"
            )
            == "none"
        )
        assert (
            "coding-assistant" in page.get_by_role("combobox", name="Scenario", exact=True).input_value()
        )  # the link's scenario is loaded
        assert exceptions(page) == []
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"link_{path}_1280x720.png"))
    finally:
        page.close()


def test_on_a_projector_no_headline_figure_is_cut_off(browser, app_url):
    page = browser.new_page(viewport=PROJECTOR)
    try:
        page.goto(app_url)
        wait_for_app(page, min_charts=6)
        assert page.locator(".rl-card-value").count() == 5, "the Lab's five headline cards"
        cut = page.evaluate("""() => Array.from(document.querySelectorAll('.rl-card-value, .rl-card-label, .rl-card-label *, .rl-card-delta'))
            .filter(el => el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0).map(el => el.textContent)""")
        assert cut == [], f"cut off at 1280 x 720: {cut}"
        page.screenshot(path=str(SHOTS / "lab_1280x720.png"))
    finally:
        page.close()


def test_moving_a_threshold_changes_every_live_chart(browser, app_url):
    page = _open(browser, app_url)
    try:
        page.evaluate(MUTATION_PROBE)
        wait_idle(page)
        before_value = _threshold_value(page)
        before = chart_signature(page)
        page.evaluate(
            "() => document.querySelectorAll('.js-plotly-plot').forEach((el, i) => { el.__drawnBefore = i; })"
        )
        history_before = page.evaluate("() => window.history.length")
        _move_threshold(page, "ArrowRight", 10)
        after = chart_signature(page)
        kept = page.evaluate(
            "() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(el => el.__drawnBefore)"
        )
        assert kept == list(range(6)), "every chart is redrawn in place (Plotly.react), not replaced by a new one"
        assert _threshold_value(page) != before_value
        assert len(after) == len(before) == 6
        changed = [b != a for b, a in zip(before, after)]
        # split per model, per category, quality, monthly cost, frontier point, sweep marker: all move with the threshold
        assert all(changed), f"charts that did not change: {[i for i, c in enumerate(changed) if not c]}"
        assert exceptions(page) == []
        thresholds = parse_qs(urlsplit(page.url).query)["t"]
        assert [float(t) for t in thresholds] == [float(_threshold_value(page))], "the URL holds the threshold shown"
        assert page.evaluate("() => window.history.length") == history_before, "a slider move adds no history entry"
        page.screenshot(path=str(SHOTS / "lab_after_slider.png"), full_page=True)
    finally:
        page.close()


def test_two_sessions_do_not_share_state(browser, app_url):
    first = browser.new_context(viewport=VIEWPORT).new_page()
    second = browser.new_context(viewport=VIEWPORT).new_page()
    try:
        for page in (first, second):
            page.goto(app_url)
            wait_for_app(page, min_charts=6)
            page.evaluate(MUTATION_PROBE)
            wait_idle(page)
        second_value = _threshold_value(second)
        second_charts = chart_signature(second)
        _move_threshold(first, "ArrowLeft", 15)
        assert _threshold_value(first) != second_value
        # the second session, redrawn by its own rerun, still shows its own threshold and charts
        _move_threshold(second, "ArrowRight", 1)
        _move_threshold(second, "ArrowLeft", 1)
        assert _threshold_value(second) == second_value
        assert chart_signature(second) == second_charts
        assert "t=" not in second.url or second.url.split("t=")[1] != first.url.split("t=")[1]
        assert exceptions(first) == [] and exceptions(second) == []
        first.screenshot(path=str(SHOTS / "session_a.png"))
        second.screenshot(path=str(SHOTS / "session_b.png"))
    finally:
        first.context.close()
        second.context.close()


def test_the_downloaded_report_draws_its_charts_offline(browser, app_url):
    context = browser.new_context(accept_downloads=True, viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(f"{app_url}/cost_projection")
        wait_for_app(page, min_charts=2)
        with page.expect_download(timeout=90_000) as download:
            page.get_by_role("button", name="Download the HTML summary").click()
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / "report.html"
        download.value.save_as(str(path))
        offline = browser.new_context(offline=True, viewport=VIEWPORT).new_page()
        offline.goto(path.as_uri())
        offline.wait_for_function(
            "() => document.querySelectorAll('.plotly-graph-div .main-svg').length >= 3", timeout=30_000
        )
        assert offline.locator(".plotly-graph-div").count() == 3
        assert offline.get_by_text("Assumptions").count() >= 1
        offline.screenshot(path=str(SHOTS / "report.png"), full_page=True)
        offline.context.close()
    finally:
        context.close()


def test_the_server_serves_the_plotly_package_s_plotly_js(app_url):
    request = urllib.request.Request(app_url + PLOTLY_JS_ROUTE, headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.headers["Content-Type"].startswith("text/javascript")
        assert response.headers["Content-Encoding"] == "gzip"
        body = gzip.decompress(response.read())
    assert body == plotly_js_path().read_bytes()


def test_plain_streamlit_run_app_py_draws_the_same_lab_page(browser):
    with streamlit_server(script=REPO / "app.py") as (base, _):
        page = browser.new_page(viewport=VIEWPORT)
        try:
            page.goto(base)
            wait_for_app(page, min_charts=6)
            assert (
                page.locator('[data-testid="stPlotlyChart"]').count() == 6
            )  # st.plotly_chart: no plotly.js route here
            page.evaluate(MUTATION_PROBE)
            wait_idle(page)
            before = chart_signature(page)
            _move_threshold(page, "ArrowRight", 5)
            after = chart_signature(page)
            assert len(after) == 6 and all(b != a for b, a in zip(before, after))
            assert exceptions(page) == []
        finally:
            page.close()


def test_under_a_base_url_path_the_live_charts_still_get_plotly_js(browser):
    # Streamlit mounts its routes under server.baseUrlPath; server.py's plotly.js route must follow
    with streamlit_server(base_url_path="lab") as (base, _):
        page = browser.new_page(viewport=VIEWPORT)
        try:
            page.goto(base)
            wait_for_app(page, min_charts=6)
            assert page.locator('[data-testid="stPlotlyChart"]').count() == 0  # the live charts, not the fallback
            assert exceptions(page) == []
            assert "/lab/routing-lab/" in page.evaluate(
                "() => performance.getEntriesByType('resource').map(e => e.name).join(' ')"
            )
        finally:
            page.close()
