"""MIDI input an activity listens to: keyboards and pads plugged into the tablet, through
the host's `host.media.midi()` (a `MidiInput`, opened on first use and shared), and the
colours that tell apart the sources of notes. `FakeMidiInput` stands in for a device in
demos and tests. No Kivy here.

Constants:
- `SCREEN_SOURCE`: the source name of notes played on the screen rather than a device.
- `SOURCE_COLOURS`: the colours given to sources of notes, in the order they are given.

Types of the callbacks a `MidiInput` calls, on its own thread:
- `MessageHandler`: (device, message, arrived), `arrived` being time.perf_counter() when
  the message came in.
- `DeviceListener`: (device, connected), connected False when the device went away.
"""

from expressive.midi import (
    SCREEN_SOURCE,
    SOURCE_COLOURS,
    DeviceListener,
    FakeMidiInput,
    MessageHandler,
    MidiInput,
    SourceColours,
    colour_for_source,
)

__all__ = [
    "SCREEN_SOURCE",
    "SOURCE_COLOURS",
    "DeviceListener",
    "FakeMidiInput",
    "MessageHandler",
    "MidiInput",
    "SourceColours",
    "colour_for_source",
]
