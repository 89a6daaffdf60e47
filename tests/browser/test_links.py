"""Links keep the view: configure the lab through its widgets, move through every page with the sidebar
navigation, copy the address on each, open it in a fresh browser (a new context: no cookies, no session) and
find the same view: the same figures, headline numbers, captions and widget values."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from devkit.browser_harness import ARTIFACTS, MUTATION_PROBE, chart_signature, exceptions, wait_idle

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "browser"
VIEWPORT = {"width": 1600, "height": 1000}
NAVIGATION = ["Lab", "Compare", "Queries", "Cost projection", "Failure gallery", "Data"]

VIEW = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const texts = (root, selector) => Array.from(root.querySelectorAll(selector)).map(el => el.innerText.trim());
  return {
    title: texts(main, 'h1'),
    metrics: texts(main, '[data-testid="stMetric"], .rl-card'),
    captions: texts(main, '[data-testid="stCaptionContainer"]'),
    markdown: texts(main, '[data-testid="stMarkdownContainer"] strong'),
    choices: Array.from(document.querySelectorAll('input[role="combobox"]')).map(el => el.getAttribute('aria-label') + '=' + el.value),
    multi: texts(document, '[data-baseweb="tag"]'),
    sliders: Array.from(document.querySelectorAll('[role="slider"]')).map(el => el.getAttribute('aria-valuenow')),
    numbers: Array.from(document.querySelectorAll('[data-testid="stNumberInput"] input')).map(el => el.value),
    toggles: Array.from(document.querySelectorAll('[data-testid="stCheckbox"] input, [data-baseweb="checkbox"] input')).map(el => el.checked),
  };
}"""


def _settle(page, quiet_ms: float = 800) -> None:
    page.evaluate(MUTATION_PROBE)
    wait_idle(page, quiet_ms=quiet_ms, timeout_ms=120_000)


def _goto_page(page, title: str) -> None:
    page.locator('[data-testid="stSidebarNavLink"]', has_text=title).first.click()
    path = "" if title == "Lab" else title.lower().replace(" ", "_")
    page.wait_for_function(
        f"() => window.location.pathname.replace(/\\/$/, '').endsWith('/{path}'.replace(/\\/$/, '')) "
        "&& document.querySelector('h1') !== null",
        timeout=120_000,
    )
    _settle(page)


def _choose(page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label, exact=True).click()
    page.get_by_role("option", name=option, exact=True).click()
    _settle(page)


def _view(page) -> dict:
    return {"charts": chart_signature(page), **page.evaluate(VIEW)}


def _configure(page) -> None:
    """A view nobody gets by default, made through the widgets of every page."""
    _choose(page, "Strategy", "length")
    handle = page.locator('[data-testid="stSlider"]:has-text("above score")').first.locator('input[type="range"]')
    handle.focus()
    for _ in range(7):
        page.keyboard.press("ArrowRight")
    _settle(page)
    page.get_by_text("apply to length").first.click()
    page.get_by_text("Prompt padding fools the length router").first.click()
    _settle(page)
    _goto_page(page, "Compare")
    target = page.locator('[data-testid="stSlider"]:has-text("Savings read at quality")').locator('input[type="range"]')
    target.focus()
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
    _settle(page)
    _goto_page(page, "Queries")
    _choose(page, "Misroutes", next(o for o in _options(page, "Misroutes") if o.startswith("lost quality")))
    _goto_page(page, "Cost projection")
    box = page.get_by_label("Queries per day")
    box.fill("2000000")
    box.press("Enter")
    _settle(page)
    _goto_page(page, "Failure gallery")
    _choose(page, "Failure", "A noisy quality judge")
    _goto_page(page, "Data")
    _choose(page, "Scenario to browse", "coding-assistant")


def _options(page, label: str) -> list[str]:
    page.get_by_role("combobox", name=label, exact=True).click()
    options = page.get_by_role("option").all_inner_texts()
    page.keyboard.press("Escape")
    return options


def test_a_link_copied_on_any_page_opens_the_same_view_in_a_fresh_browser(browser, app_url):
    SHOTS.mkdir(parents=True, exist_ok=True)
    first = browser.new_context(viewport=VIEWPORT)
    page = first.new_page()
    try:
        page.goto(app_url)
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)
        _settle(page)
        _configure(page)
        for title in NAVIGATION:
            _goto_page(page, title)
            assert exceptions(page) == [], title
            link = page.url
            query = parse_qs(urlsplit(link).query)
            assert query["strategy"] == ["length"] and float(query["qpd"][0]) == 2e6, (title, link)
            expected = _view(page)
            fresh = browser.new_context(viewport=VIEWPORT)
            try:
                other = fresh.new_page()
                other.goto(link)
                other.wait_for_selector("h1", timeout=120_000)
                _settle(other, quiet_ms=1200)
                got = _view(other)
                name = title.lower().replace(" ", "_")
                other.screenshot(path=str(SHOTS / f"link_copied_{name}.png"))
            finally:
                fresh.close()
            for part, value in expected.items():
                assert got[part] == value, f"{title}: the link {link} opens another view ({part} differs)"
    finally:
        first.close()


def test_a_link_to_an_upload_of_another_session_offers_the_upload_and_keeps_the_settings(browser, app_url):
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.goto(f"{app_url}/cost_projection?scenario=upload:shared.csv&strategy=length&t=0.4&qpd=2000000")
        page.wait_for_selector('[data-testid="stAlertContentInfo"]', timeout=120_000)
        _settle(page)
        assert "shared.csv" in page.locator('[data-testid="stAlertContentInfo"]').first.inner_text()
        assert "Uploaded: shared.csv" in page.get_by_role("combobox", name="Scenario", exact=True).input_value()
        query = parse_qs(urlsplit(page.url).query)
        assert query["scenario"] == ["upload:shared.csv"] and query["strategy"] == ["length"] and query["t"] == ["0.4"]
        page.get_by_role("link", name="Upload shared.csv on the Data page").click()
        page.wait_for_selector('[data-testid="stFileUploader"]', timeout=120_000)
        _settle(page)
        query = parse_qs(urlsplit(page.url).query)
        assert urlsplit(page.url).path.endswith("/data") and query["strategy"] == ["length"]
        assert exceptions(page) == []
        page.screenshot(path=str(SHOTS / "link_to_missing_upload.png"))
    finally:
        context.close()
