"""Routing Lab's server: Streamlit's ASGI app (st.App) around app.py. `uv run routing-lab` starts this.

Beyond `streamlit run app.py` it does two things: it serves the plotly.js that the plotly package
ships, so the Lab page's live charts redraw in place (pages/_live_chart.py), and, as the server
starts, it fills the caches of the default scenario in a thread so the first page does not wait
for imports and the experiment build. Run: `streamlit run server.py`.
"""

from __future__ import annotations

import gzip
import logging
import os
import threading
from functools import lru_cache
from pathlib import Path

import streamlit as st
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route
from streamlit.runtime.pages_manager import PagesManager

from pages._live_chart import PLOTLY_JS_ENV, PLOTLY_JS_ROUTE, plotly_js_path, plotly_js_url

HERE = Path(__file__).resolve().parent
WARM_UP_THREAD = "routing-lab-warm-up"
LOG = logging.getLogger("routing_lab.server")

os.environ[PLOTLY_JS_ENV] = PLOTLY_JS_ROUTE  # tells the pages that the live charts' plotly.js is served here

# Streamlit 1.67 takes a pages/ folder beside the main script for a v1 multipage app: a link to
# /cost_projection would run pages/cost_projection.py alone (without app.py's navigation, wide layout
# and shared sidebar) and list every file in pages/ as a page. app.py declares the pages with
# st.navigation, so say so before the first session exists (the flag is read when one starts).
PagesManager.uses_pages_directory = False


CACHE_HEADERS = {"Cache-Control": "public, max-age=86400", "Vary": "Accept-Encoding"}


@lru_cache(maxsize=1)
def plotly_js_gzip() -> bytes:
    """The plotly.js bundle gzipped once per process (1.1 MB -> 0.35 MB; not again on every request)."""
    return gzip.compress(plotly_js_path().read_bytes(), compresslevel=6)


async def plotly_js(request: Request) -> Response:
    """The live charts' plotly.js, gzipped when the browser accepts it (kept for a day)."""
    if "gzip" in request.headers.get("accept-encoding", ""):
        return Response(
            plotly_js_gzip(), media_type="text/javascript", headers={**CACHE_HEADERS, "Content-Encoding": "gzip"}
        )
    return FileResponse(plotly_js_path(), media_type="text/javascript", headers=CACHE_HEADERS)


def warm_up() -> None:
    """Fill the default scenario's caches; a failure only costs speed (the page then builds, and reports, it itself)."""
    try:
        plotly_js_gzip()  # the browser asks for it as soon as the first page starts drawing
        from pages import _common

        _common.warm_default()
    except Exception as exc:
        LOG.warning(
            "warming the default scenario failed (%s: %s); the first page will build it", type(exc).__name__, exc
        )


class PreloadPlotly:
    """ASGI middleware: every HTML page's response carries `Link: <plotly.js>; rel=preload`, so the browser
    fetches the live charts' plotly.js while Streamlit's own scripts start, not after the first chart mounts."""

    def __init__(self, app) -> None:
        self.app = app
        self.link = f"<{plotly_js_url()}>; rel=preload; as=script".encode()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_link(message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                if any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers):
                    message = {**message, "headers": [*headers, (b"link", self.link)]}
            await send(message)

        await self.app(scope, receive, send_with_link)


def _not_from_warm_up(record: logging.LogRecord) -> bool:
    # Cached functions ask for a session's context; the warm-up thread has none, by design.
    return WARM_UP_THREAD not in record.getMessage()


logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(_not_from_warm_up)
# Started on import, before the server binds its port: Streamlit's per-key cache locks make the first
# session wait for the entry the warm-up is computing rather than compute it a second time.
threading.Thread(target=warm_up, name=WARM_UP_THREAD, daemon=True).start()

# Streamlit mounts its own routes under server.baseUrlPath but an App's routes as given: serve plotly.js both
# at the root and under any base path, where pages/_live_chart.plotly_js_url asks for it.
ROUTES = [Route(PLOTLY_JS_ROUTE, plotly_js), Route("/{base_url_path:path}" + PLOTLY_JS_ROUTE, plotly_js)]
app = st.App(HERE / "app.py", routes=ROUTES, middleware=[Middleware(PreloadPlotly)])
