"""Refuse to start Superset with a missing or weak secret (shared by start.py and the config)."""

from __future__ import annotations

import os

# Values that appear in tutorials, compose files and Superset's own docs.
_KNOWN_WEAK = {
    "admin", "password", "changeme", "change_me", "secret", "superset", "thisismysecretkey",
    "your_secret_key_here", "TEST_NON_DEV_SECRET", "CHANGE_ME_TO_A_COMPLEX_RANDOM_SECRET",
}
MIN_LENGTH = {"SUPERSET_SECRET_KEY": 32, "SUPERSET_ADMIN_PASSWORD": 12, "SUPERSET_ANALYST_PASSWORD": 12}


class WeakSecret(SystemExit):
    """A start-up refusal: exit status 2 with the reason on stderr."""


def weakness(name: str, value: str | None) -> str | None:
    """Why `value` is not acceptable for the secret `name`, or None when it is."""
    if not value:
        return f"{name} is not set (put it in .env; see .env.example)"
    minimum = MIN_LENGTH.get(name, 12)
    if len(value) < minimum:
        return f"{name} is too short ({len(value)} characters; at least {minimum})"
    if value.lower() in {w.lower() for w in _KNOWN_WEAK} or len(set(value)) < 6:
        return f"{name} is a well-known or trivially guessable value"
    return None


def require_secret(name: str) -> str:
    value = os.environ.get(name)
    problem = weakness(name, value)
    if problem:
        raise WeakSecret(f"refusing to start Superset: {problem}")
    assert value is not None
    return value
