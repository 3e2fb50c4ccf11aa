"""General MIDI instruments from FluidSynth and a SoundFont, as samples for the bank.

Why samples and not FluidSynth's own audio driver: FluidSynth renders each note once,
offline, with `get_samples`, and the notes then play through the same pygame mixer as
the built-in synthesiser. So there is one output device, opened once with a 256-frame
buffer (FluidSynth's drivers would open a second one, which a bare ALSA device refuses,
and its SDL2 driver needs SDL initialised by the host); no Python runs in the audio
thread, so the GIL can never make the sound stutter; note-on costs the same few
microseconds as with the built-in sounds; the voice rules and the offline rendering are
shared; and the whole path works, and is tested, with SDL's dummy driver. The price: a
held note lasts at most `Instrument.sample_seconds` (then fades as a piano's would), and
velocity selects one of three rendered timbres plus a gain rather than a timbre per
velocity.

pyfluidsynth is imported only when this source is built, so a machine without
libfluidsynth never loads it. Reverb and chorus are off: each note is rendered alone, and
an effect tail would bleed from one note into the next.
"""

from __future__ import annotations

import contextlib
import io
import threading
from pathlib import Path

import numpy as np

from expressive.audio.instruments import GM_DRUM_CHANNEL, INSTRUMENTS, Instrument
from expressive.i18n import _

# Where Debian, Ubuntu, Fedora and Arch put General MIDI SoundFonts, best first.
SOUNDFONT_PLACES = (
    Path("/usr/share/sounds/sf2/FluidR3_GM.sf2"),
    Path("/usr/share/soundfonts/FluidR3_GM.sf2"),
    Path("/usr/share/sounds/sf2/default-GM.sf2"),
    Path("/usr/share/soundfonts/default.sf2"),
    Path("/usr/share/sounds/sf2/TimGM6mb.sf2"),
)

DRUM_BANK = 128
# FluidSynth's output gain: a loud piano note peaks near a third of full scale, like the
# built-in synthesiser's.
GAIN = 1.6
# FluidSynth renders in blocks of 64 frames; asking in whole blocks leaves nothing of one
# note in its buffer when the next begins.
BLOCK = 64
RELEASE_SECONDS = 0.3


class FluidSynthUnavailable(Exception):
    """FluidSynth cannot be used; the message says why in plain words."""


def find_soundfont() -> Path | None:
    return next((place for place in SOUNDFONT_PLACES if place.is_file()), None)


def _blocks(seconds: float, sample_rate: int) -> int:
    return -(-int(seconds * sample_rate) // BLOCK) * BLOCK


class FluidSynthSource:
    # Three timbres per note: soft, medium, hard.
    velocity_layers = (48, 88, 127)

    def __init__(self, sample_rate: int, soundfont: Path | str | None = None):
        try:
            # pyfluidsynth prints where it found the library; stdout belongs to the
            # command line (`expressive bench --json` prints JSON there).
            with contextlib.redirect_stdout(io.StringIO()):
                import fluidsynth
        except (ImportError, OSError) as error:
            raise FluidSynthUnavailable(_("FluidSynth is not installed on this device.")) from error
        path = Path(soundfont) if soundfont else find_soundfont()
        if path is None or not path.is_file():
            raise FluidSynthUnavailable(_("No General MIDI SoundFont is installed for FluidSynth."))
        self.sample_rate = sample_rate
        self.soundfont = path
        self.name = f"FluidSynth ({path.resolve().stem})"
        self._lock = threading.Lock()
        self._synth = fluidsynth.Synth(gain=GAIN, samplerate=float(sample_rate), **{
            "synth.reverb.active": 0,
            "synth.chorus.active": 0,
            # Load only the instruments played: FluidR3_GM whole is 140 MB of memory.
            "synth.dynamic-sample-loading": 1,
        })
        self._font = self._synth.sfload(str(path))
        if self._font < 0:
            self._synth.delete()
            raise FluidSynthUnavailable(_("FluidSynth could not read the SoundFont {file}.").format(file=path.name))
        missing = [each.title for each in INSTRUMENTS if not self._has_preset(each)]
        if missing:
            self._synth.delete()
            raise FluidSynthUnavailable(_("The SoundFont {file} has no {missing}.").format(
                file=path.name, missing=', '.join(missing)))
        trial = self.render_note(INSTRUMENTS[0], 69, 100, seconds=0.2)
        if not np.any(trial):
            self._synth.delete()
            raise FluidSynthUnavailable(_("FluidSynth made no sound with the SoundFont {file}.").format(file=path.name))

    def _program(self, instrument: Instrument) -> tuple[int, int, int]:
        if instrument.is_drums:
            return GM_DRUM_CHANNEL, DRUM_BANK, 0
        return 0, 0, instrument.gm_program

    def _has_preset(self, instrument: Instrument) -> bool:
        _, bank, program = self._program(instrument)
        return bool(self._synth.sfpreset_name(self._font, bank, program))

    def render_note(self, instrument: Instrument, note: int, velocity: int, seconds: float | None = None) -> np.ndarray:
        """The note held for the sample's length then released, as float32 stereo.
        Drums are not released: a drum hit rings out."""
        channel, bank, program = self._program(instrument)
        held = _blocks(seconds or instrument.sample_seconds, self.sample_rate)
        with self._lock:
            self._synth.program_select(channel, self._font, bank, program)
            self._synth.noteon(channel, note, velocity)
            if instrument.is_drums:
                interleaved = self._synth.get_samples(held)
            else:
                sounding = self._synth.get_samples(held)
                self._synth.noteoff(channel, note)
                interleaved = np.concatenate([sounding, self._synth.get_samples(_blocks(RELEASE_SECONDS, self.sample_rate))])
            self._synth.all_sounds_off(channel)
        return interleaved.reshape(-1, 2).astype(np.float32) / np.float32(32768.0)

    def close(self) -> None:
        with self._lock:
            self._synth.delete()
