"""The music screen: instruments to choose, keys or pads to play, and record and play back.

Thin on purpose: every key goes to the activity (activity.py), which sounds it and
records it. This module draws the keys, follows fingers across them (several at once,
sliding from key to key), and lights the keys that MIDI keyboards play, in the colour
of the keyboard that played them.
"""

from __future__ import annotations

from dataclasses import dataclass

from kivy.clock import Clock
from kivy.graphics import Color, Line, RoundedRectangle
from kivy.metrics import dp
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, OptionProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView
from kivy.uix.widget import Widget
from kivy.utils import escape_markup, get_hex_from_color

from expressive.lib.music.midifile import MidiFileError
from expressive.lib.music.performance import DRUMS
from expressive.activities.music.keyboard import DRUM_PADS, piano_keys
from expressive.activities.music.sizes import one_line_width
from expressive.lib.music.scales import DEFAULT_SCALE, SCALES, colour_for_note, keys_for_scale, note_name
from expressive.api import COMPLEXITY_LEVELS, LibraryError
from expressive.api.audio import INSTRUMENTS
from expressive.api.i18n import _, ngettext
from expressive.api import widgets
from expressive.api.widgets import ChoiceButton, show_message, theme
from expressive.api.widgets import load_rules

# What each level offers: the simplest has three sounds a child tells apart at once, and
# only keys that cannot play a wrong note.
LEVEL_INSTRUMENTS = {
    "simple": ("piano", "bells", "drums"),
    "standard": tuple(each.id for each in INSTRUMENTS),
    "full": tuple(each.id for each in INSTRUMENTS),
}
# Keys of the "no wrong notes" keyboard: fewer and bigger for the youngest.
SCALE_KEY_COUNT = {"simple": 8, "standard": 10, "full": 12}
SCALE_ROOT = 60
# Velocity from where a key is struck: near its front edge (the bottom) loud, near its
# back soft, as on a real keyboard; a stylus's pressure wins where the screen reports it.
SOFTEST, LOUDEST = 40, 127
# How often the recording clock and the play-along's light refresh.
TICK_SECONDS = 0.25
SONG_CARD_SIZE = (dp(180), dp(110))


@dataclass
class KeyShape:
    """One key on a surface: where it is (fractions of the surface), what it plays."""

    note: int
    x: float
    y: float
    width: float
    height: float
    colour: tuple[float, float, float]
    label: str = ""
    icon: str = ""
    on_top: bool = False
    # What a screen reader calls the key: its note, or the drum's name.
    accessible_name: str = ""


class KeySurface(Widget):
    """Keys that fingers play: each finger sounds the key under it, sliding onto another
    key plays that one, lifting releases it. The activity does the sounding."""

    activity = ObjectProperty(None)
    instrument = StringProperty("piano")
    show_names = BooleanProperty(False)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.keys: list[KeyShape] = self.key_shapes()
        self._lit: dict[int, tuple] = {}
        self._labels: list[Widget] = []
        self.bind(pos=self._relayout, size=self._relayout, show_names=self._relayout)

    def key_shapes(self) -> list[KeyShape]:
        raise NotImplementedError

    # --- drawing -----------------------------------------------------------------------

    def _box(self, key: KeyShape) -> tuple[float, float, float, float]:
        gap = dp(3)
        return (
            self.x + key.x * self.width + gap, self.y + key.y * self.height + gap,
            key.width * self.width - 2 * gap, key.height * self.height - 2 * gap,
        )

    def _relayout(self, *_args) -> None:
        for label in self._labels:
            self.remove_widget(label)
        self._labels = []
        for key in self.keys:
            self._add_labels(key)
        self._paint()

    def _paint(self) -> None:
        self.canvas.before.clear()
        with self.canvas.before:
            for key in sorted(self.keys, key=lambda key: key.on_top):
                x, y, width, height = self._box(key)
                lit = self._lit.get(key.note)
                Color(*(lit or self.resting_colour(key)), 1)
                RoundedRectangle(pos=(x, y), size=(width, height), radius=[dp(10)])
                if lit is not None:
                    Color(1, 1, 1, 0.9)
                    Line(rounded_rectangle=(x + dp(2), y + dp(2), width - dp(4), height - dp(4), dp(9)), width=dp(3))

    def resting_colour(self, key: KeyShape) -> tuple:
        return key.colour

    def _add_labels(self, key: KeyShape) -> None:
        x, y, width, height = self._box(key)
        text = key.label if (self.show_names or key.icon) else ""
        ink = (1, 1, 1, 1) if key.on_top else theme.INK
        if key.icon:
            icon = widgets.Icon(icon=key.icon, font_size=min(width, height) * 0.35, color=ink,
                                pos=(x, y + height * 0.35), size=(width, height * 0.55))
            self._labels.append(icon)
        if text:
            label = Label(text=text, font_size="20sp", bold=True, color=ink, pos=(x, y + dp(6)),
                          size=(width, dp(36)), halign="center")
            self._labels.append(label)
        for widget in self._labels:
            if widget.parent is None:
                self.add_widget(widget)

    def light(self, note: int, colour: tuple | None) -> None:
        """Show `note` as played (in `colour`) or at rest (None)."""
        if colour is None:
            self._lit.pop(note, None)
        else:
            self._lit[note] = tuple(colour[:3])
        self._paint()

    # --- fingers -----------------------------------------------------------------------

    def key_at(self, x: float, y: float) -> KeyShape | None:
        for key in sorted(self.keys, key=lambda key: not key.on_top):
            left, bottom, width, height = self._box(key)
            if left <= x < left + width and bottom <= y < bottom + height:
                return key
        return None

    def velocity(self, touch, key: KeyShape) -> int:
        if "pressure" in touch.profile and 0 < touch.pressure <= 1:
            strength = touch.pressure
        else:
            _left, bottom, _width, height = self._box(key)
            strength = 1 - (touch.y - bottom) / height
        return round(SOFTEST + (LOUDEST - SOFTEST) * min(1.0, max(0.0, strength)))

    def on_touch_down(self, touch):
        if not self.collide_point(*touch.pos):
            return False
        touch.grab(self)
        self._play(touch, self.key_at(*touch.pos))
        return True

    def on_touch_move(self, touch):
        if touch.grab_current is not self:
            return False
        key = self.key_at(*touch.pos)
        if key is not touch.ud.get(self._key_name()):
            self._let_go(touch)
            self._play(touch, key)
        return True

    def on_touch_up(self, touch):
        if touch.grab_current is not self:
            return False
        self._let_go(touch)
        touch.ungrab(self)
        return True

    def _key_name(self) -> str:
        return f"music-key-{id(self)}"

    def _play(self, touch, key: KeyShape | None) -> None:
        touch.ud[self._key_name()] = key
        if key is None:
            return
        self.activity.press(key.note, self.velocity(touch, key), self.playing_instrument)
        self.light(key.note, tuple(min(1.0, channel * 0.75) for channel in key.colour))

    def _let_go(self, touch) -> None:
        key = touch.ud.pop(self._key_name(), None)
        if key is not None:
            self.activity.release(key.note, self.playing_instrument)
            self.light(key.note, None)

    @property
    def playing_instrument(self) -> str:
        return self.instrument


class PianoKeyboard(KeySurface):
    """A piano of one or two octaves from middle C, each key with its note's colour."""

    octaves = NumericProperty(1)

    def key_shapes(self) -> list[KeyShape]:
        keys = piano_keys(int(self.octaves), SCALE_ROOT)
        whites = sum(not key.is_black for key in keys)
        return [
            KeyShape(
                key.note, key.x / whites, 0.38 if key.is_black else 0.0, key.width / whites, 0.62 if key.is_black else 1.0,
                colour_for_note(key.note), label=key.name, on_top=key.is_black, accessible_name=key.name,
            )
            for key in keys
        ]

    def resting_colour(self, key: KeyShape) -> tuple:
        # White keys stay light with their colour as a tint; black keys show it darkened.
        if key.on_top:
            return tuple(channel * 0.45 for channel in key.colour)
        return tuple(0.72 + 0.28 * channel for channel in key.colour)


class ScaleKeys(KeySurface):
    """"No wrong notes": a row of big coloured bars, each a note of one scale, so any keys
    played together sound well."""

    scale = OptionProperty(DEFAULT_SCALE, options=tuple(SCALES))
    count = NumericProperty(8)

    def key_shapes(self) -> list[KeyShape]:
        notes = keys_for_scale(self.scale, SCALE_ROOT, int(self.count))
        # Higher notes are shorter bars, like a xylophone's.
        return [
            KeyShape(note, index / len(notes), 0.0, 1 / len(notes), 1.0 - 0.35 * index / len(notes),
                     colour_for_note(note), label=note_name(note, octave=False), accessible_name=note_name(note))
            for index, note in enumerate(notes)
        ]


class DrumPads(KeySurface):
    """Eight drum pads in two rows, each with its picture and name; they always play drums."""

    def key_shapes(self) -> list[KeyShape]:
        colours = [(0.93, 0.45, 0.35), (0.98, 0.7, 0.3), (0.55, 0.78, 0.4), (0.35, 0.72, 0.78)]
        return [
            KeyShape(pad.note, (index % 4) / 4, 0.5 if index < 4 else 0.0, 0.25, 0.5,
                     colours[index % 4], label=_(pad.label), icon=pad.icon, accessible_name=_(pad.label))
            for index, pad in enumerate(DRUM_PADS)
        ]

    @property
    def playing_instrument(self) -> str:
        return DRUMS


class SongChooser(ModalView):
    """What to play along with: the takes of today, and the songs in the portfolio."""

    __events__ = ("on_choose",)
    card_width = NumericProperty(SONG_CARD_SIZE[0])

    def __init__(self, choices: list[tuple[str, str, str]], **kwargs):
        super().__init__(**kwargs)
        self.cards = []
        for kind, value, title in choices:
            card = ChoiceButton(icon="record-circle-outline" if kind == "take" else "file-music", text=title, value=value)
            card.kind = kind
            card.size = SONG_CARD_SIZE
            card.bind(on_release=self._chosen)
            self.ids.choices.add_widget(card)
            self.cards.append(card)

    def _chosen(self, card) -> None:
        self.dismiss(animation=False)
        self.dispatch("on_choose", card.kind, card.value)

    def on_choose(self, kind: str, value: str):
        pass


class MusicStudio(BoxLayout):
    """The whole music activity on screen."""

    activity = ObjectProperty(None)
    complexity = OptionProperty("standard", options=COMPLEXITY_LEVELS)
    instrument = StringProperty("piano")
    # "scale" (no wrong notes) or "piano"; drums always show the pads.
    keys = OptionProperty("scale", options=("scale", "piano"))
    scale = OptionProperty(DEFAULT_SCALE, options=tuple(SCALES))
    show_names = BooleanProperty(False)
    octaves = NumericProperty(1)
    recording = BooleanProperty(False)
    playing = BooleanProperty(False)
    looping = BooleanProperty(False)
    status = StringProperty("")
    devices_text = StringProperty("")
    take_count = NumericProperty(0)
    song_chooser = ObjectProperty(None, allownone=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.surface: KeySurface | None = None
        self.instrument_buttons = [
            ChoiceButton(icon=each.icon, text=_(each.title), value=each.id, width=one_line_width(_(each.title)))
            for each in INSTRUMENTS if each.id in LEVEL_INSTRUMENTS[self.complexity]
        ]
        for button in self.instrument_buttons:
            button.bind(on_release=lambda button: self.choose_instrument(button.value))
            self.ids.instruments.add_widget(button)
        if self.complexity == "simple":
            self.ids.options.clear_widgets()
            self.ids.transport.remove_widget(self.ids.loop_button)
        elif self.complexity != "full":
            self.ids.options.remove_widget(self.ids.octaves_button)
        self._ticker = None
        self.bind(instrument=self._show_surface, keys=self._show_surface, scale=self._show_surface,
                  octaves=self._show_surface, show_names=self._names_changed)
        self._show_surface()
        self.takes_changed()

    # --- choices -----------------------------------------------------------------------

    def choose_instrument(self, instrument_id: str) -> None:
        self.instrument = instrument_id
        self.activity.choose_instrument(instrument_id)

    def choose_keys(self, keys: str) -> None:
        self.keys = keys

    def choose_scale(self, scale: str) -> None:
        self.scale = scale

    def _names_changed(self, *_args) -> None:
        if self.surface is not None:
            self.surface.show_names = self.show_names

    def _show_surface(self, *_args) -> None:
        for button in self.instrument_buttons:
            button.selected = button.value == self.instrument
        area = self.ids.surface_area
        area.clear_widgets()
        common = {"activity": self.activity, "instrument": self.instrument, "show_names": self.show_names}
        if self.instrument == DRUMS:
            self.surface = DrumPads(**common)
        elif self.keys == "piano":
            self.surface = PianoKeyboard(octaves=self.octaves, **common)
        else:
            self.surface = ScaleKeys(scale=self.scale, count=SCALE_KEY_COUNT[self.complexity], **common)
        area.add_widget(self.surface)

    # --- the activity tells ------------------------------------------------------------

    def started(self) -> None:
        """The sound and MIDI are open: listen for MIDI notes and devices."""
        activity = self.activity
        # These come on the MIDI thread; the screen changes on the UI thread.
        activity.show_midi_note = lambda note, on, colour: Clock.schedule_once(
            lambda _dt: self.surface.light(note, colour if on else None)
        )
        activity.show_devices = lambda: Clock.schedule_once(lambda _dt: self.show_devices())
        self.show_devices()
        if activity.engine is not None and activity.engine.problem:
            self.status = _(activity.engine.problem)

    def show_devices(self) -> None:
        """The keyboards plugged in, each in the colour its keys light in; nothing when
        there are none (plugging one in is the therapist's business)."""
        midi = self.activity.midi
        if midi is None:
            return
        if midi.problem:
            self.devices_text = _(midi.problem)
            return
        named = [
            f"[color={get_hex_from_color(self.activity.colours.colour(device))}]{escape_markup(device)}[/color]"
            for device in midi.devices()
        ]
        self.devices_text = _("Playing here too: {keyboards}").format(keyboards=", ".join(named)) if named else ""

    def takes_changed(self) -> None:
        self.take_count = len(self.activity.recorder.takes)
        if not self.recording and not self.playing:
            self.status = (
                ngettext("{count} recording kept.", "{count} recordings kept.", self.take_count).format(count=self.take_count)
                if self.take_count
                else _("Press Record to keep what you play.")
            )

    # --- recording and playing ---------------------------------------------------------

    def record(self) -> None:
        # A play-along loop goes on: the client records over it (the loop is not recorded).
        self.activity.record()
        self.recording, self.playing = True, False
        self._tick()
        self._ticker = Clock.schedule_interval(self._tick, TICK_SECONDS)

    def stop(self) -> None:
        take = self.activity.stop()
        if self._ticker is not None:
            self._ticker.cancel()
            self._ticker = None
        was_recording = self.recording
        self.recording = self.playing = False
        self.takes_changed()
        if was_recording and take is None:
            self.status = _("Nothing was played, so nothing was kept.")

    def play_last(self) -> None:
        if not self.activity.recorder.takes:
            return
        self.stop_loop()
        take = self.activity.recorder.takes[-1]
        self.playing = True
        self.status = _("Playing {title}").format(title=take.title)
        self.activity.play(take, on_finished=lambda: Clock.schedule_once(lambda _dt: self._played()))

    def _played(self) -> None:
        self.playing = False
        self.takes_changed()

    def stopped_playing(self) -> None:
        """Nothing plays any more (the app was paused): show it."""
        self.playing = self.looping = False
        self.takes_changed()

    def _tick(self, *_args) -> None:
        seconds = int(self.activity.recorder.snapshot().duration)
        self.status = _("Recording {time}").format(time=f"{seconds // 60}:{seconds % 60:02d}")

    def open_song_chooser(self) -> None:
        if self.looping:
            self.stop_loop()
            return
        choices = [("take", str(index), take.title) for index, take in enumerate(self.activity.recorder.takes)]
        try:
            songs = self.activity.host.songs.available()
        except LibraryError:
            songs = []
        choices += [("song", song.id, song.title) for song in songs]
        if not choices:
            show_message(_("Nothing to play along with yet"), _("Record a song first. Then you can play along with it."))
            return
        chooser = SongChooser(choices)
        chooser.bind(on_choose=lambda _chooser, kind, value: self.loop(kind, value),
                     on_dismiss=lambda _chooser: setattr(self, "song_chooser", None))
        self.song_chooser = chooser
        chooser.open()

    def loop(self, kind: str, value: str) -> None:
        """Play a take or a song round and round while the client plays over it."""
        if kind == "take":
            take = self.activity.recorder.takes[int(value)]
        else:
            try:
                take = self.activity.song(value)
            except (LibraryError, MidiFileError) as error:
                show_message(_("This song can't be played"), str(error))
                return
        self.activity.play(take, loop=True)
        self.playing = False
        self.looping = True
        self.status = _("Playing along with {title}").format(title=take.title) if take.title else _("Playing along with the song")

    def stop_loop(self) -> None:
        if self.looping:
            self.activity.stop_playing()
            self.looping = False
            self.takes_changed()


load_rules(__name__)
