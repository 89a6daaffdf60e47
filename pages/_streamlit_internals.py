"""Every place Routing Lab leans on Streamlit beyond its documented page API, in one module.

Each coupling says why it exists; tests/pages/test_streamlit_internals.py fails loudly, naming the
coupling, when a Streamlit upgrade moves or removes what it relies on (streamlit is pinned to 1.67.x).

1. The pages-folder flag: Streamlit 1.67 takes a `pages/` folder beside the main script for an
   old-style multipage app, so a link to /cost_projection would run that file alone (no navigation,
   no wide layout) and list every file in pages/ as a page. app.py declares its pages with
   st.navigation; `PagesManager.uses_pages_directory = False` says so before any session starts.
2. The ASGI app (`st.App`, documented but new): routes, middleware and a lifespan hook around app.py.
3. The plotly.js route: the live charts (pages/_live_chart.py) load plotly.js's basic bundle from this
   server, under the base URL path too (Streamlit prefixes its own routes with server.baseUrlPath, not
   an App's).
4. The preload header: every HTML response carries `Link: <plotly.js>; rel=preload`, so the browser
   fetches it while Streamlit's scripts start.
5. A logger filter: cached functions called outside a session (the warm-up thread) make Streamlit's
   script-run-context logger warn "missing ScriptRunContext"; that is expected there and filtered.
6. The warm-up: as the server starts (st.App's lifespan hook, after Streamlit's runtime has started
   and before the port accepts connections), a thread fills the caches of the Lab page's first view,
   so the first session waits for that entry (Streamlit's per-key cache locks) instead of building it.
7. App discovery: `streamlit run server.py` serves an ASGI app only when it finds, by reading the file's
   source (streamlit.web.server.app_discovery), a literal `app = st.App(...)` assignment. server.py keeps
   that call literal and takes its arguments from `app_options`.
8. The uploader's DOM: the upload size guard (pages/_upload_guard.py, a components-v2 script) finds the file
   uploader by its test id (`stFileUploader`) and its file input to stop a file above the lab's limit before
   Streamlit's uploader takes it; UPLOADER_TEST_IDS names it for the test.
9. The chart chunk: Streamlit's frontend loads the code for a components-v2 element (the live charts) as a
   separate chunk only once the first such element arrives, after the page's own scripts and the first
   messages; until it is loaded no chart can mount and plotly.js cannot start. The preload header also names
   that chunk (found by its name, BidiComponent.<hash>.js, in Streamlit's static folder) and the chunks it
   imports, as rel=modulepreload, so the browser fetches them with the page.
"""

from __future__ import annotations

import gzip
import logging
import os
import re
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

import streamlit
import streamlit as st
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route
from streamlit.runtime.pages_manager import PagesManager

from pages._live_chart import PLOTLY_JS_ENV, PLOTLY_JS_ROUTE, plotly_js_path, plotly_js_url

WARM_UP_THREAD = "routing-lab-warm-up"
SCRIPT_RUN_CONTEXT_LOGGER = "streamlit.runtime.scriptrunner_utils.script_run_context"
CACHE_HEADERS = {"Cache-Control": "public, max-age=86400", "Vary": "Accept-Encoding"}
LOG = logging.getLogger("routing_lab.server")
UPLOADER_TEST_IDS = ("stFileUploader",)  # coupling 8


def declare_pages_by_navigation() -> None:
    """Tell Streamlit that st.navigation declares the pages, not the pages/ folder (coupling 1)."""
    PagesManager.uses_pages_directory = False


@lru_cache(maxsize=1)
def plotly_js_gzip() -> bytes:
    """The plotly.js bundle gzipped once per process (not again on every request)."""
    return gzip.compress(plotly_js_path().read_bytes(), compresslevel=6)


async def plotly_js(request: Request) -> Response:
    """The live charts' plotly.js, gzipped when the browser accepts it (kept for a day)."""
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers = {**CACHE_HEADERS, "Content-Encoding": "gzip"}
        return Response(plotly_js_gzip(), media_type="text/javascript", headers=headers)
    return FileResponse(plotly_js_path(), media_type="text/javascript", headers=CACHE_HEADERS)


def plotly_js_routes() -> list[Route]:
    """plotly.js at the root and under any base URL path (coupling 3)."""
    return [Route(PLOTLY_JS_ROUTE, plotly_js), Route("/{base_url_path:path}" + PLOTLY_JS_ROUTE, plotly_js)]


CHART_CHUNK = "BidiComponent"  # coupling 9: the frontend chunk that draws a components-v2 element (the live charts)
_STATIC_IMPORT = re.compile(r'(?:from|import)\s*"\./([\w.-]+\.js)"')


def chart_chunks(static_dir: Path | None = None) -> list[str]:
    """The frontend's JavaScript chunks (file names under static/js) that the live charts need beyond what
    Streamlit's page already preloads: the components-v2 chunk and what it imports (coupling 9)."""
    static = static_dir or Path(streamlit.__file__).resolve().parent / "static"
    js = static / "static" / "js"
    preloaded = set(re.findall(r"static/js/([\w.-]+\.js)", (static / "index.html").read_text(encoding="utf-8")))
    todo = [p.name for p in sorted(js.glob(f"{CHART_CHUNK}.*.js"))]
    found: list[str] = []
    while todo:
        name = todo.pop(0)
        if name in found or name in preloaded or not (js / name).is_file():
            continue
        found.append(name)
        todo += _STATIC_IMPORT.findall((js / name).read_text(encoding="utf-8"))
    return found


class PreloadPlotly:
    """ASGI middleware adding `Link: <plotly.js>; rel=preload` to every HTML response (coupling 4), and
    `rel=modulepreload` for the chunks the live charts need (coupling 9)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        base = str(st.get_option("server.baseUrlPath") or "").strip("/")
        prefix = f"/{base}/static/js/" if base else "/static/js/"
        links = [f"<{plotly_js_url()}>; rel=preload; as=script"]
        links += [f"<{prefix}{name}>; rel=modulepreload" for name in chart_chunks()]
        self.link = ", ".join(links).encode()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_link(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                if any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers):
                    message = {**message, "headers": [*headers, (b"link", self.link)]}
            await send(message)

        await self.app(scope, receive, send_with_link)


def _not_from_warm_up(record: logging.LogRecord) -> bool:
    return WARM_UP_THREAD not in record.getMessage()


def quiet_warm_up_logs() -> None:
    """Filter the warnings a cached call outside any session logs in the warm-up thread (coupling 5)."""
    logging.getLogger(SCRIPT_RUN_CONTEXT_LOGGER).addFilter(_not_from_warm_up)


def _warm(warm: Callable[[], object]) -> None:
    try:
        plotly_js_gzip()  # the browser asks for it as soon as the first page starts drawing
        warm()
    except Exception as exc:  # a failed warm-up only costs speed: the page builds (and reports) it itself
        LOG.warning("warming the first page failed (%s: %s); the first page will build it", type(exc).__name__, exc)


def warm_up_lifespan(warm: Callable[[], object]):
    """st.App's lifespan hook: start filling the first page's caches in a thread as the server starts (coupling 6)."""

    @asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        threading.Thread(target=_warm, args=(warm,), name=WARM_UP_THREAD, daemon=True).start()
        yield

    return lifespan


def app_options(warm: Callable[[], object]) -> dict[str, Any]:
    """st.App's arguments: the plotly.js routes, the preload header and the warm-up (couplings 2-6).

    Also tells the pages that plotly.js is served here, and that st.navigation declares the pages."""
    os.environ[PLOTLY_JS_ENV] = PLOTLY_JS_ROUTE
    declare_pages_by_navigation()
    quiet_warm_up_logs()
    return {
        "routes": plotly_js_routes(),
        "middleware": [Middleware(PreloadPlotly)],
        "lifespan": warm_up_lifespan(warm),
    }
