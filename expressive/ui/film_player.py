"""A film in the portfolio, the slideshow and side by side: its frames and its sound, with
Play and Pause, a scrubber and the time, as the replay of a drawing looks.

It is the replay view fed with the film's frames (`Film.frame_at`), plus the sound: the
film's soundtrack goes to the sound engine (`play_clip`) from the moment shown whenever it
plays, and stops when it pauses, is scrubbed or ends. A film with no sound plays silently.
At the end it dispatches `on_finished`, so that a slideshow moves on.

Lent to activities as `expressive.api.widgets.FilmPlayer`; activities' `viewer()` call
`film_viewer(artifact, media, save_marks)`.
"""

from __future__ import annotations

from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from expressive.artifact import ArtifactUnreadable, ArtifactView
from expressive.i18n import _
from expressive.lib.film import Film, read_film, title_card
from expressive.limits import InputRefused
from expressive.ui.pictures import image_texture, texture_from_file
from expressive.ui.replay import ReplayView, SaveMarks
from expressive.ui.rules import load_rules


class FilmPlayer(ReplayView):
    """`film` shown from its title card; Play plays it with its sound through `audio` (a
    sound engine, or None for none). `autoplay` starts it at once (the slideshow). `stop()`
    pauses it and silences it; the host calls it when the film leaves the screen."""

    __events__ = ("on_finished",)

    autoplay = BooleanProperty(False)

    def __init__(self, film: Film, audio=None, *, marks=(), save_marks: SaveMarks | None = None, **kwargs):
        self.film = film
        self.audio = audio
        self._soundtrack = None
        super().__init__(duration=film.duration, picture_at=film.frame_at, marks=marks, save_marks=save_marks, **kwargs)
        # A film plays at its own speed, with its sound: no fast-forward.
        fast = self.ids.fast
        fast.parent.remove_widget(fast)
        # A film opens on its title card, as it starts, not on its last frame.
        self.position = 0.0
        self.bind(autoplay=lambda _player, on: on and self.speed == 0 and self.play(1))
        if self.autoplay:
            self.play(1)

    def play(self, speed: float = 1) -> None:
        super().play(speed)
        if self.speed == 1 and self.audio is not None and self.film.sound is not None:
            if self._soundtrack is None:
                self._soundtrack = self.film.soundtrack(self.audio.sample_rate)
            self.audio.play_clip(self._soundtrack, start_seconds=self.position)

    def pause(self) -> None:
        playing = self.speed != 0
        super().pause()
        if playing and self.audio is not None and self.film.sound is not None:
            self.audio.stop_clip()

    def stop(self) -> None:
        self.pause()

    def _tick(self, dt) -> None:
        super()._tick(dt)
        if self.position >= self.duration:
            self.dispatch("on_finished")

    def on_finished(self) -> None:
        """The film played to its end."""


class UnreadableFilm(BoxLayout):
    """What shows in place of a film that cannot be read: its title card and why, plainly."""

    picture = ObjectProperty(None, allownone=True)
    reason = StringProperty("")


def film_viewer(artifact: ArtifactView, media=None, save_marks: SaveMarks | None = None):
    """The player of the film saved as `artifact`, its sound through `media`'s sound engine
    (None: silent); or, when it cannot be read, its title card with a plain sentence."""
    try:
        film = read_film(artifact)
    except (ArtifactUnreadable, InputRefused) as problem:
        picture = texture_from_file(_title_png(artifact)) or image_texture(title_card(artifact.title))
        return UnreadableFilm(picture=picture, reason=_("This film could not be read. {why}").format(why=problem))
    audio = media.audio() if media is not None else None
    return FilmPlayer(film, audio, marks=list(artifact.marks), save_marks=save_marks)


def _title_png(artifact: ArtifactView) -> bytes | None:
    try:
        return artifact.read("title.png")
    except ArtifactUnreadable:
        return None


load_rules(__name__)
