"""API keys for a live run: held in memory only, never shown, logged, written or exported.

Keys come from the environment (litellm reads OPENAI_API_KEY, ANTHROPIC_API_KEY and the like
itself), from a variable the user names for an OpenAI-compatible endpoint, or from a password field
in the app that lives in that browser session. A Credentials object masks itself in repr, refuses to
be pickled, and `redact` removes every key from any text before it is shown or written.
"""

from __future__ import annotations

import os
import re

from lab.core.errors import LabError

PLACEHOLDER_KEY = "no-key"  # sent to an OpenAI-compatible endpoint that needs none (the SDK insists on one)
_MIN_SECRET_CHARS = 6


class Credentials:
    """Keys per model key (and one default), in memory only."""

    __slots__ = ("_default", "_keys")

    def __init__(self, default: str | None = None, per_model: dict[str, str] | None = None) -> None:
        self._default = default or None
        self._keys = {k: v for k, v in (per_model or {}).items() if v}

    @classmethod
    def from_env(cls, variable: str | None) -> Credentials:
        """The key in environment variable `variable` (for the --api-base endpoint); none when not named."""
        if variable is None:
            return cls()
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", variable):
            raise LabError(
                f"--api-key-env '{variable}' is not an environment variable name (give its name, not the key)"
            )
        value = os.environ.get(variable)
        if not value:
            raise LabError(f"--api-key-env {variable}: the environment variable is not set (export {variable}=...)")
        return cls(default=value)

    def key_for(self, model_key: str, has_api_base: bool) -> str | None:
        """The key to send for a model: its own, else the default; a custom endpoint without one gets a
        placeholder (never the provider's key from the environment: it would go to a third party);
        None lets litellm read the provider's variable."""
        key = self._keys.get(model_key) or self._default
        if key is None and has_api_base:
            key = PLACEHOLDER_KEY
        return key

    def secrets(self) -> list[str]:
        """Every key held (to redact them from text)."""
        return [k for k in [self._default, *self._keys.values()] if k]

    def redact(self, text: str) -> str:
        """`text` with every held key (and the usual provider key variables) replaced by ***."""
        return redact(text, self.secrets())

    def __repr__(self) -> str:
        return f"Credentials({len(self.secrets())} key(s), hidden)"

    __str__ = __repr__

    def __reduce__(self):
        raise TypeError("Credentials are never pickled or cached")


def _env_secrets() -> list[str]:
    names = [n for n in os.environ if n.endswith(("_API_KEY", "_KEY", "_TOKEN")) or n == "ROUTING_LAB_API_KEY"]
    return [os.environ[n] for n in names if len(os.environ[n]) >= _MIN_SECRET_CHARS]


def redact(text: str, secrets: list[str] | None = None) -> str:
    """`text` without any of `secrets` nor the keys in the environment's *_API_KEY / *_KEY / *_TOKEN variables."""
    for secret in sorted({*(secrets or []), *_env_secrets()}, key=len, reverse=True):
        if len(secret) >= _MIN_SECRET_CHARS and secret != PLACEHOLDER_KEY:
            text = text.replace(secret, "***")
    return text
