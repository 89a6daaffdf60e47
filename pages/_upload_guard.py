"""The upload size guard: a file above the lab's limit gets the lab's own message, not only Streamlit's tooltip.

Streamlit's file uploader checks the size in the browser and marks a file that is too large with a red icon
whose reason shows only on hover; the script never hears of it, so an earlier upload's message stays on the
page as if it were about the new file. This small component (Streamlit components v2, JavaScript in the page,
as st.components.v2's own DOM-observing example does) watches the uploader's file input and drop zone; a file
above the limit is stopped before the uploader takes it (nothing is sent) and its name and size go to the
script as a trigger value, so the page says why in its own words and clears what was there before.
"""

from __future__ import annotations

import streamlit as st

_JS = """
export default function (component) {
  const { data, setTriggerValue } = component;
  const limit = data && data.limit_bytes;
  if (!limit) return;
  const inUploader = (el) => el && el.closest && el.closest('[data-testid="stFileUploader"]');
  const tooLarge = (files) => Array.from(files || []).find((file) => file.size > limit);
  const refuse = (event, file) => {
    event.stopImmediatePropagation();
    event.preventDefault();
    setTriggerValue("refused", { name: file.name, size_bytes: file.size });
  };
  const onChange = (event) => {
    const input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "file" || !inUploader(input)) return;
    const file = tooLarge(input.files);
    if (!file) return;
    refuse(event, file);
    input.value = "";
  };
  const onDrop = (event) => {
    if (!inUploader(event.target)) return;
    const file = tooLarge(event.dataTransfer && event.dataTransfer.files);
    if (file) refuse(event, file);
  };
  // capture phase on the document: before React's listeners on the app root hand the file to the uploader
  document.addEventListener("change", onChange, true);
  document.addEventListener("drop", onDrop, true);
  return () => {
    document.removeEventListener("change", onChange, true);
    document.removeEventListener("drop", onDrop, true);
  };
}
"""

_COMPONENT = st.components.v2.component("routing_lab_upload_guard", js=_JS, isolate_styles=False)


def upload_guard(limit_bytes: int, key: str) -> dict | None:
    """Mount the guard (above the uploader); returns {name, size_bytes} of a file it refused in this run, else None."""
    result = _COMPONENT(key=key, data={"limit_bytes": int(limit_bytes)}, height=0, on_refused_change=lambda: None)
    refused = getattr(result, "refused", None)
    return refused if isinstance(refused, dict) else None
