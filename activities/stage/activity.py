"""Puppet stage: the client chooses a backdrop and puppets (the sandtray's figures and their
own drawings cut out), then puts on a show, moving the puppets with their fingers while the
microphone records their voice. The take is kept as a film (expressive.lib.film) with the
log of every puppet's path, so the film can be drawn again from it.

Kivy is imported only in `build()`, `viewer()`, the benchmarks and the screenshot scenes:
the registry and the command line import this module on machines with no window.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

import numpy as np
from PIL import Image

from expressive.activities.stage.backdrops import DRAWN_BACKDROP, backdrop_png, drawn_backdrop, painted_backdrop
from expressive.activities.stage.render import TAKE_FPS, frame_count, take_frames
from expressive.activities.stage.show import ShowLog
from expressive.api import Activity, ActivityInfo, ArtifactDraft, ArtifactUnreadable, ArtifactView, Host
from expressive.api.audio import wav_bytes
from expressive.api.i18n import N_, _
from expressive.api.limits import MAX_LOG_BYTES, MAX_SNAPSHOT_BYTES, load_json_bounded
from expressive.api.microphone import read_wav
from expressive.lib.figures import FigureLibrary, FigureUnreadable, figure_from_png
from expressive.lib.film import MAX_FILM_FRAMES, Film, FilmParts, film_draft

KIND = "puppet-play"
# Shipped figures are in every copy of the app; every other puppet (the therapist's own
# figure, a client's cut-out drawing) is kept with the play, so it can be drawn again
# years later on another tablet.
SHIPPED_PREFIX = "noto:"
BACKDROP_FILE = "backdrop.png"
FILM_RECORD = "film.json"


def kept_puppet_names(log: ShowLog) -> dict[int, str]:
    """The file name ("puppet-<n>.png", n its place in the cast from 1) of each puppet that
    is not shipped, by its number."""
    return {number: f"puppet-{number + 1}.png" for number, puppet in enumerate(log.puppets)
            if not puppet.figure.startswith(SHIPPED_PREFIX)}


@dataclass
class Take:
    """One recorded show: its log, how long it ran, the voice (int16 mono samples at
    `sample_rate`, or None when there was no microphone), the backdrop it was played
    before (STAGE_SIZE), and why the microphone stopped early, if it did."""

    log: ShowLog
    seconds: float
    sound: np.ndarray | None
    sample_rate: int
    backdrop: Image.Image
    lost: str | None = None

    @property
    def sound_wav(self) -> bytes | None:
        if self.sound is None or len(self.sound) == 0:
            return None
        return wav_bytes(np.asarray(self.sound, dtype=np.int16), self.sample_rate)


def film_of_take(take: Take, library: FigureLibrary, title: str) -> ArtifactDraft:
    """The take as a film (expressive.lib.film's draft: the video, its frames, sound and
    film.json with the show's log in "extra"), with the pictures of the puppets that are
    not shipped and a drawn backdrop kept beside it, so `rerender` can draw it again."""
    log = take.log
    frames = take_frames(log, frame_count(take.seconds), library, take.backdrop)
    draft = film_draft(KIND, FilmParts(frames=frames, fps=TAKE_FPS, title=title, sound=take.sound_wav,
                                       extra={"show": log.to_data(), "backdrop": log.backdrop}))
    for number, name in kept_puppet_names(log).items():
        figure = library.get(log.puppets[number].figure)
        try:
            if figure is not None:
                draft.files[name] = figure.png_bytes()
        except FigureUnreadable:
            continue  # drawn as missing when the play is drawn again; the film itself has it
    if log.backdrop == DRAWN_BACKDROP:
        draft.files[BACKDROP_FILE] = backdrop_png(take.backdrop)
    draft.metadata["puppets"] = len(log.puppets)
    return draft


def take_film(take: Take, library: FigureLibrary, title: str) -> Film:
    """The take as a film to watch at once: its frames and sound, without making the video
    (which waits for Done)."""
    frames = take_frames(take.log, frame_count(take.seconds), library, take.backdrop)
    names: dict[bytes, str] = {}
    for frame in frames:
        names.setdefault(frame, f"frame-{len(names) + 1:04d}.jpg")
    sound = None if take.sound_wav is None else np.asarray(take.sound, dtype=np.int16)
    return Film(fps=TAKE_FPS, title=title, frame_names=[names[frame] for frame in frames],
                frames={name: frame for frame, name in names.items()}, sound=sound,
                sample_rate=take.sample_rate if sound is not None else 0, sound_file=take.sound_wav,
                extra={"show": take.log.to_data(), "backdrop": take.log.backdrop})


def saved_show(artifact: ArtifactView) -> tuple[ShowLog, int]:
    """The show's log kept in a saved play's film.json, and how many frames the film has.
    ValueError (in plain words for the bounds) or ArtifactUnreadable when it is damaged."""
    record = load_json_bounded(artifact.read(FILM_RECORD), max_bytes=MAX_LOG_BYTES, what=N_("The film's record"))
    if not isinstance(record, dict) or not isinstance(record.get("extra"), dict) or not isinstance(record.get("frames"), list):
        raise ValueError("the film's record holds no puppet show")
    count = len(record["frames"])
    if not 0 < count <= MAX_FILM_FRAMES:
        raise ValueError(f"the film has {count} frames, not 1 to {MAX_FILM_FRAMES}")
    return ShowLog.from_data(record["extra"].get("show")), count


def saved_library(artifact: ArtifactView, log: ShowLog) -> FigureLibrary:
    """The shipped figures and the puppets kept with the play; one that cannot be read is
    left out (drawn as a grey disc)."""
    library = FigureLibrary.load()
    for number, name in kept_puppet_names(log).items():
        puppet = log.puppets[number]
        try:
            library.add(figure_from_png(puppet.figure, puppet.name, artifact.read(name)))
        except (FigureUnreadable, ArtifactUnreadable):
            continue
    return library


def saved_backdrop(artifact: ArtifactView, log: ShowLog) -> Image.Image:
    if log.backdrop == DRAWN_BACKDROP:
        return drawn_backdrop(artifact.read(BACKDROP_FILE))
    return painted_backdrop(log.backdrop)


def rerender(artifact: ArtifactView) -> list[bytes]:
    """The frames of a saved puppet play drawn again from its log, its kept puppets and
    backdrop (JPEG, as the film keeps them). ValueError or ArtifactUnreadable when the log
    or the drawn backdrop is damaged."""
    log, count = saved_show(artifact)
    return take_frames(log, count, saved_library(artifact, log), saved_backdrop(artifact, log))


class StageActivity(Activity):
    info = ActivityInfo(
        id="stage",
        title=N_("Puppet stage"),
        icon="drama-masks",
        artifact_kinds=(KIND,),
        api_version=(1, 2),
        description=N_("Put on a puppet show with your own voice"),
    )

    def __init__(self, host: Host):
        super().__init__(host)
        self.library = FigureLibrary.load(self.figures_folder, logger=host.logger)
        self.backdrop_id = "theatre"
        self.backdrop = painted_backdrop(self.backdrop_id)
        self.take: Take | None = None
        self._studio = None

    @property
    def figures_folder(self):
        """Where the therapist puts figures of their own for the stage (PNG or JPEG files), if
        the host lends a folder; they join the "own" shelf as they do the sandtray's."""
        folder = self.host.therapist_folder
        return folder / "figures" if folder is not None and (folder / "figures").is_dir() else None

    @property
    def title(self) -> str:
        return self.host.prompt or _("Our puppet play")

    def choose_backdrop(self, backdrop_id: str, picture: Image.Image | None = None) -> None:
        """Play before the painted backdrop `backdrop_id`, or before `picture` (STAGE_SIZE,
        a client's drawing) with DRAWN_BACKDROP."""
        self.backdrop_id = backdrop_id
        self.backdrop = picture if backdrop_id == DRAWN_BACKDROP else painted_backdrop(backdrop_id)

    def build(self):
        from expressive.activities.stage.studio import StageStudio

        self._studio = StageStudio(activity=self)
        return self._studio

    def pause(self) -> None:
        if self._studio is not None:
            self._studio.stop_take()

    def has_work(self) -> bool:
        return self.take is not None

    def snapshot(self) -> bytes | None:
        if self.take is None:
            return None
        take = self.take
        sound = take.sound_wav
        puppets = {}
        for number in kept_puppet_names(take.log):
            figure = self.library.get(take.log.puppets[number].figure)
            if figure is not None:
                puppets[str(number)] = base64.b64encode(figure.png_bytes()).decode("ascii")
        return json.dumps({
            "show": take.log.to_data(),
            "seconds": take.seconds,
            "sound": None if sound is None else base64.b64encode(sound).decode("ascii"),
            "backdrop": base64.b64encode(backdrop_png(take.backdrop)).decode("ascii") if take.log.backdrop == DRAWN_BACKDROP else None,
            "puppets": puppets,
        }).encode("utf-8")

    def restore(self, snapshot: bytes) -> None:
        """Go on with the take kept in `snapshot`; a damaged one is left out (the stage
        starts afresh), its reason logged."""
        try:
            data = load_json_bounded(snapshot, max_bytes=MAX_SNAPSHOT_BYTES, what=N_("The kept puppet play"))
            log = ShowLog.from_data(data["show"])
            seconds = float(data["seconds"])
            if not 0 <= seconds <= 60 * 60:
                raise ValueError("the take's length is out of range")
            sound, rate = (None, 0) if data["sound"] is None else read_wav(base64.b64decode(data["sound"], validate=True))
            for number in kept_puppet_names(log):
                puppet = log.puppets[number]
                encoded = data["puppets"].get(str(number))
                if encoded is not None and self.library.get(puppet.figure) is None:
                    self.library.add(figure_from_png(puppet.figure, puppet.name, base64.b64decode(encoded, validate=True)))
            backdrop = (drawn_backdrop(base64.b64decode(data["backdrop"], validate=True))
                        if log.backdrop == DRAWN_BACKDROP else painted_backdrop(log.backdrop))
        except (ValueError, TypeError, KeyError, AttributeError) as error:  # InputRefused, FigureUnreadable are ValueErrors
            self.host.logger.warning("The kept puppet play cannot be read: %s", error)
            return
        self.choose_backdrop(log.backdrop, backdrop)
        self.take = Take(log, seconds, sound, rate, backdrop)
        if self._studio is not None:
            self._studio.show_take()

    def finish(self) -> list[ArtifactDraft]:
        if self._studio is not None:
            self._studio.stop_take()
        if self.take is None:
            return []
        return [film_of_take(self.take, self.library, self.title)]

    @classmethod
    def demo_drafts(cls, variant: int) -> list[ArtifactDraft]:
        from expressive.activities.stage.demo import demo_take

        # One play in the demo portfolio: each is a film to encode, and every test that
        # makes a demo portfolio waits for it.
        if variant != 0:
            return []
        return [film_of_take(demo_take(variant), FigureLibrary.load(), _("The lion and the mouse"))]

    @classmethod
    def viewer(cls, artifact, save_marks=None, media=None):
        from expressive.activities.stage.viewer import play_viewer

        return play_viewer(artifact, media, save_marks)

    @classmethod
    def benchmarks(cls, quick: bool, driver) -> list:
        from expressive.activities.stage.measure import stage_figures

        return stage_figures(quick, driver)

    @classmethod
    def screenshot_scenes(cls):
        from expressive.activities.stage.scenes import mid_show

        return {"stage": mid_show}

