"""Each Streamlit internal the app relies on (pages/_streamlit_internals.py) still exists and behaves as assumed.

A Streamlit upgrade that moves one of them fails here, naming the coupling, rather than in a user's browser.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading

import streamlit as st
from starlette.testclient import TestClient
from streamlit.runtime.pages_manager import PagesManager

from pages import _streamlit_internals as internals
from pages._live_chart import PLOTLY_JS_ROUTE


def test_coupling_1_the_pages_folder_flag_is_a_class_attribute_streamlit_reads():
    assert isinstance(PagesManager.__dict__.get("uses_pages_directory"), (bool, type(None))), (
        "PagesManager.uses_pages_directory moved: links to pages may run pages/*.py alone again"
    )
    source = inspect.getsource(PagesManager)
    assert "uses_pages_directory" in source.split("class PagesManager", 1)[1], "PagesManager no longer reads the flag"
    before = PagesManager.uses_pages_directory
    try:
        internals.declare_pages_by_navigation()
        assert PagesManager.uses_pages_directory is False
    finally:
        PagesManager.uses_pages_directory = before


def test_coupling_2_st_app_takes_routes_middleware_and_a_lifespan():
    params = inspect.signature(st.App).parameters
    assert {"routes", "middleware", "lifespan"} <= set(params), f"st.App's parameters changed: {list(params)}"


def test_coupling_3_and_4_plotly_js_is_served_at_the_root_and_under_a_base_path_with_a_preload_header(
    tmp_path, monkeypatch
):
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    monkeypatch.setenv("ROUTING_LAB_PLOTLY_JS", PLOTLY_JS_ROUTE)
    page = Route("/", lambda request: HTMLResponse("<html></html>"))
    app = Starlette(routes=[page, *internals.plotly_js_routes()], middleware=[Middleware(internals.PreloadPlotly)])
    client = TestClient(app)
    for path in (PLOTLY_JS_ROUTE, "/workshop" + PLOTLY_JS_ROUTE):
        response = client.get(path, headers={"accept-encoding": "gzip"})
        assert response.status_code == 200 and response.content.startswith(b"/**"), path
    assert PLOTLY_JS_ROUTE in client.get("/").headers["link"]


def test_coupling_5_the_script_run_context_logger_is_the_one_streamlit_warns_on():
    from streamlit.runtime.scriptrunner_utils import script_run_context

    assert script_run_context._LOGGER.name == internals.SCRIPT_RUN_CONTEXT_LOGGER, (
        "Streamlit renamed the logger that warns about a missing ScriptRunContext: the warm-up's filter is stale"
    )
    internals.quiet_warm_up_logs()
    record = logging.LogRecord("x", logging.WARNING, "", 0, f"Thread '{internals.WARM_UP_THREAD}': missing", None, None)
    assert not logging.getLogger(internals.SCRIPT_RUN_CONTEXT_LOGGER).filter(record)


def test_coupling_6_the_lifespan_starts_the_warm_up_in_its_thread_and_does_not_wait_for_it():
    started, release = threading.Event(), threading.Event()

    def warm() -> None:
        started.set()
        release.wait(5)

    async def enter_and_leave() -> None:
        async with internals.warm_up_lifespan(warm)(None):
            assert started.wait(5), "the warm-up did not start"
            assert any(t.name == internals.WARM_UP_THREAD for t in threading.enumerate())

    asyncio.run(enter_and_leave())
    release.set()


def test_coupling_7_streamlit_discovers_server_py_as_an_st_app(monkeypatch):
    from pathlib import Path

    from streamlit.web.server.app_discovery import discover_asgi_app

    found = discover_asgi_app(Path(__file__).resolve().parents[2] / "server.py")
    assert found.is_asgi_app and found.import_string == "server:app", (
        "streamlit run server.py would run it as a plain script: no plotly.js route, no warm-up"
    )
    monkeypatch.setenv("ROUTING_LAB_PLOTLY_JS", "")  # app_options sets it; monkeypatch restores it after
    monkeypatch.setattr(PagesManager, "uses_pages_directory", PagesManager.uses_pages_directory)
    assert isinstance(st.App(Path("app.py"), **internals.app_options(warm=lambda: None)), st.App)


def test_coupling_8_the_file_uploader_still_carries_the_test_ids_the_upload_guard_looks_for():
    from pathlib import Path

    from pages._upload_guard import _JS

    bundle = "".join(p.read_text(errors="ignore") for p in (Path(st.__file__).parent / "static").rglob("*.js"))
    for test_id in internals.UPLOADER_TEST_IDS:
        assert f'[data-testid="{test_id}"]' in _JS
        assert f"`{test_id}`" in bundle or f'"{test_id}"' in bundle, (
            f"Streamlit's frontend no longer has data-testid {test_id}: the upload size guard cannot find the uploader"
        )


def test_coupling_9_the_preload_header_names_the_chart_chunk_and_what_it_imports(monkeypatch):
    from pathlib import Path

    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    static = Path(st.__file__).parent / "static"
    chunks = internals.chart_chunks()
    assert chunks and chunks[0].startswith(f"{internals.CHART_CHUNK}."), (
        f"Streamlit's frontend has no {internals.CHART_CHUNK}.<hash>.js any more: the charts' chunk is not preloaded"
    )
    page_preloads = (static / "index.html").read_text()
    for name in chunks:
        assert (static / "static" / "js" / name).is_file(), name
        assert name not in page_preloads, f"{name} is preloaded by Streamlit's page already"
    # every chunk a listed one imports is listed or preloaded by the page: nothing on the chain waits for another
    for name in chunks:
        for imported in internals._STATIC_IMPORT.findall((static / "static" / "js" / name).read_text()):
            assert imported in chunks or imported in page_preloads, f"{name} imports {imported}, not preloaded"

    monkeypatch.setenv("ROUTING_LAB_PLOTLY_JS", PLOTLY_JS_ROUTE)
    for base, prefix in (("", "/static/js/"), ("/a/b/", "/a/b/static/js/")):
        monkeypatch.setattr(st, "get_option", lambda name, base=base: base if name == "server.baseUrlPath" else None)
        app = Starlette(routes=[Route("/", lambda request: HTMLResponse("<html></html>"))])
        link = TestClient(internals.PreloadPlotly(app)).get("/").headers["link"]
        assert f"<{prefix}{chunks[0]}>; rel=modulepreload" in link
        assert all(f"<{prefix}{name}>; rel=modulepreload" in link for name in chunks)
