"""Browser fixtures: a running app and Debian's chromium; missing chromium skips locally and fails under CI=true."""

from __future__ import annotations

import pytest

from devkit.browser_harness import CHROMIUM, chromium, streamlit_server
from tests.conftest import missing


@pytest.fixture(scope="module")
def browser():
    """Headless chromium through Playwright."""
    if not CHROMIUM.exists():
        missing(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) to run the browser tests")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing("playwright is not installed: run `uv sync` (it is a dev dependency)")
    with chromium() as b:
        yield b


@pytest.fixture(scope="module")
def app_url(browser):
    """The base URL of `streamlit run server.py` on a free port (started once per module)."""
    with streamlit_server() as (base, _):
        yield base
