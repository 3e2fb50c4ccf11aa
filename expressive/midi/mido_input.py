"""Real MIDI devices through mido, with python-rtmidi underneath by default.

Every input port is opened (a therapist's keyboard and a client's pads at once), except
the system's "Midi Through" loopback and ports this app or another rtmidi program made
for itself. A watcher thread asks for the port list twice a second, so a keyboard
plugged in during a session plays within a second, and an unplugged one is closed
rather than left half-open. Messages come through rtmidi's callback, not by polling.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from typing import Any

import mido

from expressive.i18n import N_
from expressive.midi.base import NO_MIDI_SYSTEM, MessageHandler, MidiInput

log = logging.getLogger(__name__)

APP_CLIENT_NAME = "Expressive"
DEFAULT_BACKEND = "mido.backends.rtmidi"
POLL_SECONDS = 0.5

NO_MIDI_LIBRARY = N_(
    "MIDI support is not installed on this tablet, so keyboards can't be plugged in. "
    "The on-screen instruments still work."
)

# Ports that are not a player's device: ALSA's loopback, this app's own ports, and the
# default client names rtmidi gives other programs' virtual ports.
_SKIPPED_PREFIXES = ("Midi Through", APP_CLIENT_NAME, "RtMidiIn Client", "RtMidiOut Client")

# ALSA appends "client:port" numbers that change each time a device is plugged in.
_ALSA_ADDRESS = re.compile(r"\s+\d+:\d+$")


def is_player_port(port_name: str) -> bool:
    return not port_name.startswith(_SKIPPED_PREFIXES)


def device_name(port_name: str, taken: set[str]) -> str:
    """A short, stable name for a port, to show and to record as the notes' source.

    ALSA names a port "Client:Port 20:0"; the client part is what the maker printed on
    the box. A second port of the same device (a two-socket interface) gets its port
    part, and any remaining clash a number.
    """
    full = _ALSA_ADDRESS.sub("", port_name)
    client, _, port = full.partition(":")
    for candidate in (client, port or full, full):
        if candidate and candidate not in taken:
            return candidate
    number = 2
    while f"{full} {number}" in taken:
        number += 1
    return f"{full} {number}"


class MidoInput(MidiInput):
    """Every MIDI input port on the system, through a mido backend.

    Creating it never raises: without a MIDI system (no ALSA sequencer, no python-rtmidi)
    `problem` says so and `start` opens nothing. `backend` is anything with mido's
    `get_input_names()` and `open_input(name, callback=...)`, python-rtmidi when None.
    """

    def __init__(self, backend: Any = None, poll_seconds: float = POLL_SECONDS) -> None:
        super().__init__()
        self._poll_seconds = poll_seconds
        # Port name -> (device name, open port), in the order they were opened.
        self._open: dict[str, tuple[str, Any]] = {}
        self._open_lock = threading.Lock()
        # Held through a whole scan, so that a scan from start() and the watcher's
        # never open the same port twice.
        self._scan_lock = threading.Lock()
        self._failed: set[str] = set()
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None
        self._backend = backend
        try:
            if self._backend is None:
                self._backend = mido.Backend(DEFAULT_BACKEND, load=True)
            # rtmidi creates its MIDI API here; this is where a missing ALSA sequencer shows.
            self._backend.get_input_names()
        except ImportError as error:
            log.info("python-rtmidi cannot be imported: %s", error)
            self.problem = NO_MIDI_LIBRARY
        except Exception as error:
            # Expected on a tablet or server without MIDI: one line, no traceback.
            log.info("No MIDI system is available: %s", error)
            self.problem = NO_MIDI_SYSTEM

    def start(self, on_message: MessageHandler) -> None:
        if self._on_message is not None:
            raise RuntimeError("This MIDI input is already started.")
        if self.problem is not None:
            return
        self._on_message = on_message
        self._stopping.clear()
        self.rescan()
        self._watcher = threading.Thread(target=self._watch, name="midi-device-watcher", daemon=True)
        self._watcher.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._watcher is not None:
            self._watcher.join()
            self._watcher = None
        with self._scan_lock:
            self._on_message = None
            with self._open_lock:
                ports = list(self._open.values())
                self._open.clear()
            for _, port in ports:
                _close_quietly(port)

    def devices(self) -> list[str]:
        with self._open_lock:
            return [name for name, _ in self._open.values()]

    def rescan(self) -> None:
        """Open ports that appeared and close those that went; the watcher calls this."""
        if self.problem is not None:
            return
        with self._scan_lock:
            self._scan()

    def _scan(self) -> None:
        try:
            present = [name for name in self._backend.get_input_names() if is_player_port(name)]
        except Exception:
            log.warning("Could not list the MIDI ports", exc_info=True)
            return
        for port_name in [name for name in self._open if name not in present]:
            self._close(port_name)
        self._failed &= set(present)
        for port_name in present:
            if port_name not in self._open and self._on_message is not None:
                self._open_port(port_name)

    def _open_port(self, port_name: str) -> None:
        with self._open_lock:
            device = device_name(port_name, {name for name, _ in self._open.values()})

        def on_port_message(message: mido.Message) -> None:
            self._deliver(device, message, time.perf_counter())

        try:
            port = self._backend.open_input(port_name, callback=on_port_message)
        except Exception:
            # A device can refuse for a moment just after it is plugged in: try again at
            # the next scan, and say so only once.
            if port_name not in self._failed:
                log.warning("Could not open the MIDI port %r", port_name, exc_info=True)
                self._failed.add(port_name)
            return
        with self._open_lock:
            self._open[port_name] = (device, port)
        log.info("MIDI device %r connected (%s)", device, port_name)
        self._announce(device, True)

    def _close(self, port_name: str) -> None:
        with self._open_lock:
            device, port = self._open.pop(port_name)
        _close_quietly(port)
        log.info("MIDI device %r disconnected", device)
        self._announce(device, False)

    def _watch(self) -> None:
        while not self._stopping.wait(self._poll_seconds):
            self.rescan()


def _close_quietly(port: Any) -> None:
    try:
        port.close()
    except Exception:
        # The device may already be gone; closing is only tidying up after it.
        log.debug("Closing a MIDI port failed", exc_info=True)
