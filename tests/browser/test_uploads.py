"""Uploads in a real browser: a RouterBench file is read and the page says which format it used; a file over
the size limit gets the lab's own message (Streamlit's uploader alone shows only a tooltip on a red icon) and
the message about an earlier file does not stay on screen."""

from __future__ import annotations

import pytest

from devkit.browser_harness import ARTIFACTS, MUTATION_PROBE, exceptions, wait_idle
from lab.sources.outcome_log import MAX_OUTCOME_LOG_BYTES
from tests.lab.sources.test_replay_routerbench import _wide

pytestmark = pytest.mark.browser

SHOTS = ARTIFACTS / "browser"
# above Streamlit's own limit too (server.maxUploadSize = 200 MiB), where only its tooltip used to say why
TOO_LARGE_BYTES = 210_000_000
CHOOSE_FILE = """([name, size]) => {
  const input = document.querySelector('[data-testid="stFileUploader"] input[type="file"]');
  const transfer = new DataTransfer();
  transfer.items.add(new File([new Uint8Array(size)], name, { type: "text/csv" }));
  input.files = transfer.files;
  input.dispatchEvent(new Event("change", { bubbles: true }));
}"""
DROP_FILE = """([name, size]) => {
  const zone = document.querySelector('[data-testid="stFileUploaderDropzone"]');
  const transfer = new DataTransfer();
  transfer.items.add(new File([new Uint8Array(size)], name, { type: "text/csv" }));
  for (const type of ["dragenter", "dragover", "drop"]) {
    zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
  }
}"""


def _settle(page) -> None:
    page.evaluate(MUTATION_PROBE)
    wait_idle(page, quiet_ms=800, timeout_ms=120_000)


def _alerts(page, kind: str) -> list[str]:
    return page.locator(f'[data-testid="stAlertContent{kind}"]').all_inner_texts()


@pytest.fixture
def data_page(browser, app_url):
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    page.goto(f"{app_url}/data")
    page.wait_for_selector('[data-testid="stFileUploader"]', timeout=120_000)
    _settle(page)
    yield page
    context.close()


def test_a_routerbench_file_is_read_and_the_page_says_which_format(data_page, tmp_path):
    path = tmp_path / "routerbench.csv"
    path.write_bytes(_wide(40).to_csv().encode())  # pandas' index column included, as the issue's file had
    data_page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(path))
    data_page.wait_for_selector('[data-testid="stAlertContentSuccess"]', timeout=120_000)
    _settle(data_page)
    success = _alerts(data_page, "Success")[0]
    assert "RouterBench wide format" in success and "detected" in success and "40 queries, 3 models" in success
    assert _alerts(data_page, "Error") == [] and exceptions(data_page) == []
    data_page.screenshot(path=str(SHOTS / "upload_routerbench_1280x720.png"), full_page=True)


@pytest.mark.parametrize("how", ["chosen", "dropped"])
def test_a_file_over_the_limit_gets_the_lab_s_message_and_the_earlier_one_goes(data_page, tmp_path, how):
    assert TOO_LARGE_BYTES > MAX_OUTCOME_LOG_BYTES
    bad = tmp_path / "earlier.csv"
    bad.write_text("question,answer\nhi,there\n")
    data_page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(bad))
    data_page.wait_for_selector('[data-testid="stAlertContentError"]', timeout=120_000)
    _settle(data_page)
    assert "earlier.csv" in _alerts(data_page, "Error")[0]

    data_page.evaluate(CHOOSE_FILE if how == "chosen" else DROP_FILE, ["huge.csv", TOO_LARGE_BYTES])
    data_page.wait_for_function(
        "() => Array.from(document.querySelectorAll('[data-testid=\"stAlertContentError\"]'))"
        ".some(el => el.innerText.includes('huge.csv'))",
        timeout=120_000,
    )
    _settle(data_page)
    errors = _alerts(data_page, "Error")
    assert len(errors) == 1, errors
    assert "huge.csv" in errors[0] and "above the limit of 200 MB" in errors[0] and "210 MB" in errors[0]
    assert "earlier.csv" not in data_page.locator('[data-testid="stMain"]').inner_text()
    assert exceptions(data_page) == []
    data_page.screenshot(path=str(SHOTS / f"upload_too_large_{how}_1280x720.png"))

    # the next good upload clears the message
    good = tmp_path / "routerbench.csv"
    good.write_bytes(_wide(30).to_csv(index=False).encode())
    data_page.locator('[data-testid="stFileUploader"] input[type="file"]').set_input_files(str(good))
    data_page.wait_for_selector('[data-testid="stAlertContentSuccess"]', timeout=120_000)
    _settle(data_page)
    assert _alerts(data_page, "Error") == []
