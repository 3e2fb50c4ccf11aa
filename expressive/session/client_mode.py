"""Client mode: while the client holds the tablet they stay inside their own session, and
only the therapist (their PIN, on the hand-back screen) takes them out of it."""

from __future__ import annotations

from typing import Any

# All a client holding the tablet can reach: their own session, and the way to hand it back.
CLIENT_SCREENS = ("launcher", "activity", "checkout", "handback")


def client_may_see(screen_name: str) -> bool:
    """Whether a client may be on the screen `screen_name`."""
    return screen_name in CLIENT_SCREENS


def screen_for_client(screen_name: str, details: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Where asking for `screen_name` (with its `details`) leads a client: there, when it is
    part of their session; else the hand-back, which goes on there after the therapist's PIN."""
    if client_may_see(screen_name):
        return screen_name, details
    return "handback", {"then": screen_name, "details": details}
