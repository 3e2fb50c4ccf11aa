"""MIDI input: keyboards and pads plugged into the tablet, behind one small interface.

`open_midi_input()` picks a backend and never raises; a tablet without MIDI gets an
input whose `problem` says so in one line for the user. Handlers run on the backend's
thread (see `base`). No Kivy here.
"""

from __future__ import annotations

from expressive.i18n import _
from expressive.midi.base import (
    NO_MIDI_SYSTEM,
    PERFORMANCE_MESSAGE_TYPES,
    DeviceListener,
    MessageHandler,
    MidiInput,
)
from expressive.midi.colours import SCREEN_SOURCE, SOURCE_COLOURS, SourceColours, colour_for_source
from expressive.midi.fake import FakeMidiInput

BACKENDS = ("auto", "rtmidi", "fake")


def open_midi_input(backend: str = "auto") -> MidiInput:
    """The MIDI input for `backend`: "auto" and "rtmidi" are the devices, "fake" a FakeMidiInput.

    An unknown name gives an input whose `problem` names it, rather than an exception
    at start-up.
    """
    if backend == "fake":
        return FakeMidiInput()
    if backend in ("auto", "rtmidi"):
        from expressive.midi.mido_input import MidoInput

        return MidoInput()
    return FakeMidiInput(problem=_("The MIDI setting {setting} is not one of {known}.").format(
        setting=repr(backend), known=", ".join(BACKENDS)))


__all__ = [
    "BACKENDS",
    "NO_MIDI_SYSTEM",
    "PERFORMANCE_MESSAGE_TYPES",
    "SCREEN_SOURCE",
    "SOURCE_COLOURS",
    "DeviceListener",
    "FakeMidiInput",
    "MessageHandler",
    "MidiInput",
    "SourceColours",
    "colour_for_source",
    "open_midi_input",
]
