"""A MIDI input that tests and demos play by hand, with known timing."""

from __future__ import annotations

import queue
import threading
import time

import mido

from expressive.midi.base import MessageHandler, MidiInput


class FakeMidiInput(MidiInput):
    """Devices are plugged and played by calling `plug`, `send` and `unplug`.

    Messages are delivered on a thread of their own, as the real backend does, unless
    `threaded=False`, which delivers them inside `send`. `problem` can be given to stand
    for a tablet without MIDI: such an input then never delivers anything.
    """

    def __init__(self, threaded: bool = True, problem: str | None = None) -> None:
        super().__init__()
        self.problem = problem
        self._threaded = threaded
        self._plugged: list[str] = []
        self._plugged_lock = threading.Lock()
        # Messages to deliver, events to set once everything before them is delivered
        # (flush), and None to end the delivery thread.
        self._pending: queue.Queue[tuple[str, mido.Message, float] | threading.Event | None] = queue.Queue()
        self._delivery: threading.Thread | None = None

    def start(self, on_message: MessageHandler) -> None:
        if self._on_message is not None:
            raise RuntimeError("This MIDI input is already started.")
        if self.problem is not None:
            return
        self._on_message = on_message
        if self._threaded:
            self._delivery = threading.Thread(target=self._deliver_pending, name="midi-fake-input", daemon=True)
            self._delivery.start()

    def stop(self) -> None:
        if self._delivery is not None:
            self._pending.put(None)
            self._delivery.join()
            self._delivery = None
        self._on_message = None

    def devices(self) -> list[str]:
        with self._plugged_lock:
            return list(self._plugged)

    def plug(self, device: str) -> None:
        with self._plugged_lock:
            if device in self._plugged:
                return
            self._plugged.append(device)
        self._announce(device, True)

    def unplug(self, device: str) -> None:
        with self._plugged_lock:
            if device not in self._plugged:
                return
            self._plugged.remove(device)
        self._announce(device, False)

    def send(self, device: str, message: mido.Message, at: float | None = None) -> None:
        """Deliver `message` as if it arrived from `device` at perf_counter time `at` (default: now)."""
        if device not in self.devices():
            raise ValueError(f"{device!r} is not plugged in.")
        arrived = time.perf_counter() if at is None else at
        if self._delivery is not None:
            self._pending.put((device, message, arrived))
        else:
            self._deliver(device, message, arrived)

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until every message sent so far has been handled."""
        if self._delivery is None:
            return
        handled = threading.Event()
        self._pending.put(handled)
        if not handled.wait(timeout):
            raise TimeoutError("The fake MIDI input did not deliver its messages in time.")

    def _deliver_pending(self) -> None:
        while (item := self._pending.get()) is not None:
            if isinstance(item, threading.Event):
                item.set()
            else:
                self._deliver(*item)
