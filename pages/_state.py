"""This browser session's state: the configuration (mirrored in the URL), uploads and widget keys.

Every key this app keeps in st.session_state is a named constant here. Nothing mutable lives at module
level: every user's state is in their own st.session_state.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from urllib.parse import urlencode

import numpy as np
import streamlit as st

from lab.core.experiment import Experiment
from lab.core.scenario import Scenario
from lab.present.urlstate import LabConfig, from_query_params, url_params

UPLOAD_PREFIX = "upload:"  # scenario options naming an uploaded log
CONFIG_KEY = "lab_config"  # the LabConfig of this session (mirrored in the URL)
CONTEXT_KEY = "lab_context"  # the Context (experiment and its cache key) the pages work on
UPLOADS_KEY = "lab_uploads"  # uploaded outcome logs by name
PAGE_KEY = "lab_page"  # the page now running (scopes widget keys)
SIDEBAR_DONE_KEY = "lab_sidebar_done"  # app.py drew the shared sidebar for this page
PAGE_FILES_KEY = "lab_pages"  # url path -> st.Page, for links between pages
URL_PROBLEMS_KEY = "lab_url_problems"  # URL parameters that were ignored, said once
SCENARIO_WARNED_KEY = "lab_scenario_warned"  # an unavailable scenario in the URL was reported
CONTEXT_ERROR_KEY = "lab_context_error"  # why no experiment could be loaded
DATA_DIR_KEY = "lab_data_dir"  # the data directory setting
ACHIEVED_KEY = "lab_achieved"  # prefix: the share a calibration achieved, per experiment and strategy
SWITCHED_KEY = "lab_switched"  # prefix: the strategy switched from (its thresholds were not carried over)
DOWNLOAD_BUTTON_KEY = "lab_download_data"  # the "download the public data" button
PROBE_PROMPT_KEY = "lab_probe_prompt"  # the prompt typed on the Queries page
LINKED_UPLOAD_KEY = "lab_linked_upload"  # the uploaded log a link names that this session does not have
RETURN_PAGE_KEY = "lab_return_page"  # the page to open once that log is uploaded
# the Workshop page (pages/workshop.py)
WORKSHOP_PROGRESS_KEY = "workshop_progress"  # this attendee's lab.workshop.progress.Progress (mirrored in the URL)
WORKSHOP_CHOICES_KEY = "workshop_choices"  # exercise id -> the attendee's last choice there, to come back to
WORKSHOP_PROBLEMS_KEY = "workshop_url_problems"  # workshop URL parameters that were ignored, said once
WORKSHOP_WIDGET_PREFIX = "workshop/"  # prefix of the Workshop page's widget keys


@dataclass(frozen=True)
class Context:
    """What every page works on: the experiment, its cache key and the configuration."""

    key: str
    experiment: Experiment

    @property
    def scenario(self) -> Scenario:
        """The scenario of the experiment."""
        return self.experiment.scenario


# --- configuration and URL --------------------------------------------------------------------


def config() -> LabConfig:
    """This session's configuration (read from the URL on the session's first run)."""
    if CONFIG_KEY not in st.session_state:
        params = {key: st.query_params.get_all(key) for key in st.query_params}
        cfg, problems = from_query_params(params)
        st.session_state[CONFIG_KEY] = cfg
        st.session_state[URL_PROBLEMS_KEY] = problems
    return st.session_state[CONFIG_KEY]


def update_config(*, url: bool = True, **changes) -> LabConfig:
    """Change the configuration and write it to the URL (only when the URL differs). `url=False` leaves the
    address to the page, which hands `address()` to its live charts (they write it in the browser)."""
    cfg = config().model_copy(update=changes)
    cfg = LabConfig.model_validate(cfg.model_dump())
    st.session_state[CONFIG_KEY] = cfg
    if url:
        sync_url()
    return cfg


def _desired_params() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    return url_params(config(), current), current


def sync_url() -> None:
    """Write the whole configuration to the address bar unless it is there already. Every run does this: a move
    through the sidebar navigation opens the page's bare path, and a link copied there must still carry the view."""
    desired, current = _desired_params()
    if desired != current:
        st.query_params.from_dict(desired)


def address() -> str:
    """The URL query of the whole configuration, encoded as Streamlit encodes st.query_params (so a later
    `sync_url` finds the address bar already right and adds no history entry)."""
    return urlencode(_desired_params()[0], doseq=True)


def wkey(name: str) -> str:
    """A widget key scoped to the current page: after a page switch every widget is seeded afresh from the configuration."""
    return f"{st.session_state.get(PAGE_KEY, '')}/{name}"


def seed(name: str, value) -> str:
    """Give a widget its starting value (from the configuration) unless it already has one; returns its key."""
    key = wkey(name)
    if key not in st.session_state:
        st.session_state[key] = value
    return key


def data_dir_setting() -> str:
    """The data directory for replayed public data: the app's setting, else $ROUTING_LAB_DATA."""
    return str(st.session_state.get(DATA_DIR_KEY, os.environ.get("ROUTING_LAB_DATA", ""))).strip()


def uploads() -> dict[str, dict]:
    """This session's uploaded outcome logs: name -> {digest, scenario, queries}."""
    if UPLOADS_KEY not in st.session_state:
        st.session_state[UPLOADS_KEY] = {}
    return st.session_state[UPLOADS_KEY]


def add_upload(name: str, scenario: Scenario, queries, keep_view: bool = False) -> str:
    """Keep an uploaded log in this session and select it; returns its scenario option. `keep_view` keeps the
    rest of the configuration (the log a link named); otherwise strategy and thresholds start from its defaults."""
    # the cache key covers the outcomes and the scenario (prices entered differ between people uploading one file)
    digest = hashlib.sha256(
        np.asarray(queries.ids).astype(str).tobytes() + queries.quality.tobytes() + scenario.model_dump_json().encode()
    ).hexdigest()
    uploads()[name] = {"digest": digest, "scenario": scenario, "queries": queries}
    option = UPLOAD_PREFIX + name
    if keep_view:
        update_config(scenario=option, queries=None)
    else:
        update_config(scenario=option, queries=None, strategy=None, thresholds=None)
    return option


def show_url_problems() -> None:
    """Say once which URL parameters were ignored and why."""
    problems = st.session_state.pop(URL_PROBLEMS_KEY, None)
    for problem in problems or []:
        st.warning(problem, icon=":material/link_off:")
