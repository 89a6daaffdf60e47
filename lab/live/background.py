"""A live run on its own thread, for the app's Live page: the page reads its progress on every rerun, may stop it,
and shows its summary or its error (never with a key in it) once it has ended."""

from __future__ import annotations

import asyncio
import threading

from lab.core.errors import LabError
from lab.live.runner import LiveRunner
from lab.live.summary import RunSummary


class BackgroundRun:
    """A LiveRunner on its own thread (the app's Live page): read its progress, stop it, then its summary or error."""

    def __init__(self, runner: LiveRunner) -> None:
        self.runner = runner
        self.summary: RunSummary | None = None
        self.error: str | None = None
        self._thread = threading.Thread(target=self._main, name="routing-lab-live", daemon=True)

    def start(self) -> BackgroundRun:
        """Start the run; returns at once."""
        self._thread.start()
        return self

    def _main(self) -> None:
        try:
            self.summary = asyncio.run(self.runner.run())
        except LabError as exc:
            self.error = self.runner.credentials.redact(str(exc))
            self.summary = self.runner.summary()
        except Exception as exc:  # shown to the person who started the run, never with a key in it
            self.error = self.runner.credentials.redact(f"the run failed: {type(exc).__name__}: {exc}")
            self.summary = self.runner.summary()

    @property
    def done(self) -> bool:
        """Whether the run has ended (finished, stopped, out of budget or failed)."""
        return not self._thread.is_alive() and (self.summary is not None or self.error is not None)

    def wait(self, timeout_s: float | None = None) -> bool:
        """Wait for the end of the run; whether it has ended."""
        self._thread.join(timeout_s)
        return self.done
