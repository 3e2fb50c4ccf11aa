"""A session's flow, without a window: beginning and resuming it, its plan's steps, running
an activity (autosave, Done, interrupted work, failures), check-out and the therapist's note,
and the rules of client mode. The app's screens show what it says and forward taps; tests
drive it with a fake clock. No Kivy here.
"""

from expressive.session.client_mode import CLIENT_SCREENS, client_may_see, screen_for_client
from expressive.session.controller import (
    AUTOSAVE,
    AUTOSAVE_SECONDS,
    Repeating,
    Scheduler,
    SessionController,
    SessionView,
)
from expressive.session.library import ClientLibrary, SessionDrafts, picture_of, song_of
from expressive.session.running import RunningSession

__all__ = [
    "AUTOSAVE",
    "AUTOSAVE_SECONDS",
    "CLIENT_SCREENS",
    "ClientLibrary",
    "Repeating",
    "RunningSession",
    "Scheduler",
    "SessionController",
    "SessionDrafts",
    "SessionView",
    "client_may_see",
    "picture_of",
    "screen_for_client",
    "song_of",
]
