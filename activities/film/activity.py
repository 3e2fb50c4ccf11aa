"""Film: a stop-motion film, made frame by frame from the camera (with an onion skin: the
last frame faintly over the live picture) or from drawn frames, with the client's voice or
music as its sound and a title card. What is kept is the film as a video, and its frames in
their order and its sound as the process.

Kivy is imported only in `build()`, `viewer()`, the benchmarks and the screenshot scenes:
the registry and the command line import this module on machines with no window.
"""

from __future__ import annotations

from expressive.api import Activity, ActivityInfo, Host
from expressive.api.i18n import N_


class FilmActivity(Activity):
    info = ActivityInfo(
        id="film",
        title=N_("Film"),
        icon="movie-open",
        artifact_kinds=("film",),
        api_version=(1, 2),
        description=N_("Make a stop-motion film, frame by frame, with your voice"),
    )

    def __init__(self, host: Host):
        super().__init__(host)
