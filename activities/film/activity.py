"""Film: a stop-motion film, made frame by frame from the camera (with an onion skin: the
last frame faintly over the live picture) or from drawn frames, with the client's voice or
music as its sound and a title card. What is kept is the film as a video, and its frames in
their order and its sound as the process.

Kivy is imported only in `build()`, `viewer()`, the benchmarks and the screenshot scenes:
the registry and the command line import this module on machines with no window.
"""

from __future__ import annotations

from expressive.activities.film.reel import DEFAULT_FPS, SIMPLE_FPS, Reel
from expressive.api import Activity, ActivityInfo, ArtifactDraft, Host
from expressive.api.i18n import N_
from expressive.lib.film import film_draft


def draft_from_reel(reel: Reel) -> ArtifactDraft:
    """The film as the portfolio keeps it (see `expressive.lib.film.film_draft`)."""
    return film_draft("film", reel.parts(), reel.title)


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
        self.reel = Reel(host.drafts, fps=SIMPLE_FPS if host.complexity == "simple" else DEFAULT_FPS)
        self._studio = None

    def build(self):
        from expressive.activities.film.studio import FilmStudio

        self._studio = FilmStudio(activity=self, complexity=self.host.complexity)
        return self._studio

    def start(self) -> None:
        if self._studio is not None:
            self._studio.start()

    def pause(self) -> None:
        # A recording under way is kept as it is; the camera is let go while the app is away.
        if self._studio is not None:
            self._studio.stop()

    def resume(self) -> None:
        self.start()

    def snapshot(self) -> bytes:
        # The frames and the sound are in the drafts already, written as they were made.
        return self.reel.to_json()

    def restore(self, snapshot: bytes) -> None:
        self.reel = Reel.from_json(snapshot, self.host.drafts)
        if self._studio is not None:
            self._studio.show_reel(self.reel)

    def has_work(self) -> bool:
        return bool(self.reel.frames)

    def finish(self) -> list[ArtifactDraft]:
        if self._studio is not None:
            self._studio.stop()
        return [draft_from_reel(self.reel)]

    @classmethod
    def demo_drafts(cls, variant: int) -> list[ArtifactDraft]:
        from expressive.activities.film.demo import demo_reel

        return [draft_from_reel(demo_reel(variant))]

    @classmethod
    def viewer(cls, artifact, save_marks=None, media=None):
        # The widget kit's player: the film with its sound and a scrubber, the therapist's
        # marks, or its title card and a plain line when it cannot be read.
        from expressive.api.widgets import film_viewer

        return film_viewer(artifact, media, save_marks)

    @classmethod
    def benchmarks(cls, quick: bool, driver) -> list:
        from expressive.activities.film.measure import onion_preview_figures

        activity, studio = driver.open_activity("film")
        return onion_preview_figures(driver, studio, frames=60 if quick else 300)

    @classmethod
    def screenshot_scenes(cls):
        from expressive.activities.film.scenes import taking_frames

        return {"film": taking_frames}
