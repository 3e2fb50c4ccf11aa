"""A recording in the portfolio: its piano roll, large, and a player with a playhead.

It plays the saved MIDI file through the same audio engine the client played on, so
what is heard is what was played; the roll is the picture saved with it.
"""

from __future__ import annotations


from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from expressive.lib.music.midifile import MidiFileError, read_midi
from expressive.activities.music.player import Player
from expressive.api.i18n import _
from expressive.api.limits import MAX_RECORDING_SECONDS
from expressive.api.widgets import texture_from_file
from expressive.api.widgets import load_rules

PLAYHEAD_FPS = 30


class MusicViewer(BoxLayout):
    """Shows `artifact`'s piano roll; with `media` (the host's sound), a Listen button."""

    artifact = ObjectProperty(None)
    media = ObjectProperty(None, allownone=True)
    texture = ObjectProperty(None, allownone=True)
    playing = BooleanProperty(False)
    # Where the playhead is, as a fraction of the roll's width.
    progress = NumericProperty(0.0)
    can_play = BooleanProperty(False)
    problem = StringProperty("")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._player: Player | None = None
        self._ticker = None
        try:
            self.texture = texture_from_file(self.artifact.read("piano-roll.png"))
            self.performance = read_midi(self.artifact.read(self.artifact.process), max_seconds=MAX_RECORDING_SECONDS)
        except MidiFileError as error:
            self.performance = None
            self.problem = str(error)
        self.can_play = self.performance is not None and self.media is not None

    def play(self) -> None:
        if not self.can_play:
            return
        if self._player is None:
            engine = self.media.audio()
            if engine.problem:
                self.problem = _(engine.problem)
            self._player = Player(engine)
        self._player.play(self.performance, on_finished=lambda: Clock.schedule_once(lambda _dt: self.stop()))
        self.playing = True
        self._ticker = Clock.schedule_interval(self._move_playhead, 1 / PLAYHEAD_FPS)

    def _move_playhead(self, _dt) -> None:
        if self._player is not None and self.performance.duration:
            self.progress = min(1.0, self._player.position() / self.performance.duration)

    def stop(self) -> None:
        """Stop playing (the host calls this when the recording is no longer shown)."""
        if self._player is not None:
            self._player.stop()
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None
        self.playing = False
        self.progress = 0.0


load_rules(__name__)
