"""The project installs like a package: a built wheel in a fresh virtual environment gives a working
`routing-lab` command, with the app, the scenarios and the data manifest inside it, from any directory.

No network: the wheel is built offline and installed without dependencies into a venv that sees the
project's own environment's packages (the dependencies, resolved by uv.lock) through a .pth file.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import missing

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin/ folder of a fresh venv holding only the built wheel (dependencies seen through a .pth file)."""
    uv = shutil.which("uv")
    if uv is None:
        missing("uv is not on PATH: `python3 -m pip install uv`")
    tmp = tmp_path_factory.mktemp("install")
    subprocess.run(
        [uv, "build", "--offline", "--wheel", "-o", str(tmp / "dist"), str(REPO)], check=True, capture_output=True
    )
    wheel = next((tmp / "dist").glob("routing_lab-*.whl"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (site / "project_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [uv, "pip", "install", "--offline", "--no-deps", "--python", str(python), str(wheel)],
        check=True,
        capture_output=True,
    )
    return venv / "bin"


def _clean_env() -> dict[str, str]:
    # nothing may come from the checkout: no PYTHONPATH, a working directory outside it
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}


def test_the_installed_command_lists_the_built_in_scenarios_from_any_directory(installed, tmp_path):
    out = subprocess.run(
        [installed / "routing-lab", "list", "scenarios"],
        cwd=tmp_path,
        env=_clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[1].startswith("customer-support\t")
    where = subprocess.run(
        [installed / "python", "-c", "import lab; print(lab.__file__)"],
        cwd=tmp_path,
        env=_clean_env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert str(REPO) not in where, f"lab was imported from the checkout: {where}"


def test_the_installed_app_answers_its_health_check_and_serves_the_live_charts_plotly_js(installed, tmp_path):
    port = _free_port()
    server = subprocess.Popen(
        [installed / "routing-lab", "app", "--headless", "--port", str(port)],
        cwd=tmp_path,
        env=_clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline, healthy = time.monotonic() + 90, False
        while time.monotonic() < deadline and not healthy:
            try:
                healthy = urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).status == 200
            except OSError:
                time.sleep(0.3)
        assert healthy, "the installed app never answered its health check"
        body = urllib.request.urlopen(f"http://127.0.0.1:{port}/routing-lab/plotly-basic.min.js", timeout=5).read()
        assert body.startswith(b"/**"), "server.py in the wheel was not started as the st.App"
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "Traceback" not in output, output[-3000:]
