"""The MIDI input interface every backend offers, and the plumbing they share.

Messages reach the app on the backend's own thread, not the UI's: the caller plays the
note from there, because waiting for the next UI frame would add up to 16 ms to a
budget of 10 ms from key to sound. Whatever the handler touches must be thread-safe,
and anything for the screen must be handed to the UI thread (Kivy's `Clock.schedule_once`).
"""

from __future__ import annotations

import logging
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable

import mido

from expressive.i18n import N_

log = logging.getLogger(__name__)

# (device, message, arrived): `arrived` is time.perf_counter() when the message came in.
MessageHandler = Callable[[str, mido.Message, float], None]
# (device, connected): True when a device has just been opened, False when it went away.
DeviceListener = Callable[[str, bool], None]

# What a player does on a keyboard or pad. Clock ticks (24 a beat from keyboards with a
# sequencer), active sensing and system exclusive dumps say nothing about the playing and
# would only cost time on the way to the sound.
PERFORMANCE_MESSAGE_TYPES = frozenset(
    {"note_on", "note_off", "control_change", "program_change", "pitchwheel", "aftertouch", "polytouch"}
)

NO_MIDI_SYSTEM = N_(
    "This tablet has no MIDI system, so keyboards can't be plugged in. "
    "The on-screen instruments still work."
)


class MidiInput(ABC):
    """Every MIDI keyboard and pad plugged in, as one stream of messages.

    `problem` is None while MIDI works (with or without a device plugged in), otherwise
    one friendly line for the person holding the tablet.
    """

    def __init__(self) -> None:
        self.problem: str | None = None
        self._on_message: MessageHandler | None = None
        self._listeners: list[DeviceListener] = []
        self._listeners_lock = threading.Lock()

    @abstractmethod
    def start(self, on_message: MessageHandler) -> None:
        """Open every device and call `on_message` (on the backend's thread) for each message."""

    @abstractmethod
    def stop(self) -> None:
        """Close every device; no message is delivered once this returns."""

    @abstractmethod
    def devices(self) -> list[str]:
        """The devices open now, in the order they were connected."""

    def on_devices_changed(self, listener: DeviceListener) -> Callable[[], None]:
        """Call `listener(device, connected)` when a device comes or goes; returns an unsubscribe.

        The listener runs on the backend's thread, like the message handler.
        """
        with self._listeners_lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._listeners_lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def _announce(self, device: str, connected: bool) -> None:
        with self._listeners_lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(device, connected)
            except Exception:
                # A broken listener must not stop the watcher that serves all the others.
                log.exception("A MIDI device listener failed on %r", device)

    def _deliver(self, device: str, message: mido.Message, arrived: float) -> None:
        handler = self._on_message
        if handler is None or message.type not in PERFORMANCE_MESSAGE_TYPES:
            return
        try:
            handler(device, message, arrived)
        except Exception:
            # An exception escaping into rtmidi's thread would end the callbacks for good.
            log.exception("The MIDI message handler failed on %r from %r", message, device)
