"""The MIDI input service: the fake that tests play, the real backend's device handling
behind a stand-in for mido's rtmidi backend, and a machine with no MIDI at all."""

import threading
import time
from pathlib import Path

import mido
import pytest

from expressive.midi import NO_MIDI_SYSTEM, FakeMidiInput, MidiInput, open_midi_input
from expressive.midi.mido_input import NO_MIDI_LIBRARY, MidoInput, device_name, is_player_port

WAIT = 10.0  # seconds to wait for another thread before calling the test failed


def note_on(note=60, velocity=100, channel=0):
    return mido.Message("note_on", note=note, velocity=velocity, channel=channel)


class Inbox:
    """A message handler that keeps what it is given and on which thread."""

    def __init__(self):
        self.received = []
        self.threads = set()
        self.arrived = threading.Event()

    def __call__(self, device, message, arrived):
        self.received.append((device, message, arrived))
        self.threads.add(threading.current_thread().name)
        self.arrived.set()


class Changes:
    def __init__(self):
        self.seen = []
        self.changed = threading.Event()

    def __call__(self, device, connected):
        self.seen.append((device, connected))
        self.changed.set()


# ----- the fake


def test_fake_delivers_with_the_given_arrival_times_on_its_own_thread():
    fake = FakeMidiInput()
    inbox = Inbox()
    fake.plug("Keys")
    fake.start(inbox)
    for index, moment in enumerate([100.0, 100.2505, 100.5]):
        fake.send("Keys", note_on(60 + index), at=moment)
    fake.flush()
    fake.stop()
    assert [(device, message.note, arrived) for device, message, arrived in inbox.received] == [
        ("Keys", 60, 100.0),
        ("Keys", 61, 100.2505),
        ("Keys", 62, 100.5),
    ]
    assert inbox.threads == {"midi-fake-input"}


def test_fake_synchronous_delivery_happens_inside_send_and_stamps_now():
    fake = FakeMidiInput(threaded=False)
    inbox = Inbox()
    fake.plug("Keys")
    fake.start(inbox)
    before = time.perf_counter()
    fake.send("Keys", note_on())
    after = time.perf_counter()
    assert len(inbox.received) == 1
    assert before <= inbox.received[0][2] <= after
    assert inbox.threads == {threading.current_thread().name}


def test_fake_passes_on_playing_and_drops_clock_and_sysex():
    fake = FakeMidiInput(threaded=False)
    inbox = Inbox()
    fake.plug("Keys")
    fake.start(inbox)
    for message in (
        mido.Message("clock"),
        mido.Message("sysex", data=[1, 2, 3]),
        mido.Message("control_change", control=64, value=127),
        mido.Message("note_off", note=60),
        mido.Message("pitchwheel", pitch=100),
    ):
        fake.send("Keys", message, at=1.0)
    assert [message.type for _, message, _ in inbox.received] == ["control_change", "note_off", "pitchwheel"]


def test_fake_tells_listeners_of_devices_coming_and_going_until_unsubscribed():
    fake = FakeMidiInput()
    changes = Changes()
    unsubscribe = fake.on_devices_changed(changes)
    fake.plug("Therapist keys")
    fake.plug("Client pads")
    fake.plug("Client pads")  # already there: no news
    assert fake.devices() == ["Therapist keys", "Client pads"]
    fake.unplug("Therapist keys")
    unsubscribe()
    fake.unplug("Client pads")
    assert changes.seen == [("Therapist keys", True), ("Client pads", True), ("Therapist keys", False)]
    assert fake.devices() == []


def test_fake_refuses_a_message_from_a_device_not_plugged_in():
    fake = FakeMidiInput(threaded=False)
    fake.start(Inbox())
    with pytest.raises(ValueError):
        fake.send("Nobody", note_on())


def test_a_failing_handler_does_not_stop_later_messages():
    fake = FakeMidiInput()
    inbox = Inbox()

    def handler(device, message, arrived):
        if message.note == 60:
            raise RuntimeError("a bug in the app")
        inbox(device, message, arrived)

    fake.plug("Keys")
    fake.start(handler)
    fake.send("Keys", note_on(60))
    fake.send("Keys", note_on(62))
    fake.flush()
    fake.stop()
    assert [message.note for _, message, _ in inbox.received] == [62]


def test_nothing_is_delivered_after_stop():
    fake = FakeMidiInput(threaded=False)
    inbox = Inbox()
    fake.plug("Keys")
    fake.start(inbox)
    fake.stop()
    fake.send("Keys", note_on())
    assert inbox.received == []


def test_a_fake_standing_for_a_tablet_without_midi_says_so_and_stays_quiet():
    fake = FakeMidiInput(threaded=False, problem=NO_MIDI_SYSTEM)
    inbox = Inbox()
    fake.start(inbox)
    fake.plug("Keys")
    fake.send("Keys", note_on())
    assert fake.problem == NO_MIDI_SYSTEM
    assert inbox.received == []


def test_open_midi_input_chooses_by_name_and_never_raises():
    assert isinstance(open_midi_input("fake"), FakeMidiInput)
    unknown = open_midi_input("bluetooth-le")
    assert isinstance(unknown, MidiInput)
    assert "bluetooth-le" in unknown.problem
    assert isinstance(open_midi_input("auto"), MidoInput)


# ----- the real backend, on this machine


def test_the_real_backend_never_raises_and_explains_a_missing_midi_system():
    midi = open_midi_input("auto")
    midi.start(Inbox())
    try:
        if not Path("/dev/snd/seq").exists() and midi.problem is not None:
            assert midi.problem == NO_MIDI_SYSTEM
            assert midi.devices() == []
        assert midi.problem is None or midi.problem.endswith("The on-screen instruments still work.")
    finally:
        midi.stop()


# ----- the real backend's device handling, behind a stand-in for mido's backend


class StubPort:
    def __init__(self, name, callback):
        self.name = name
        self.callback = callback
        self.closed = False

    def close(self):
        self.closed = True


class StubBackend:
    """What MidoInput uses of a mido backend: the port list, and ports that call back."""

    def __init__(self, names=()):
        self.names = list(names)
        self.ports = {}
        self.refusing = set()
        self.failure = None

    def get_input_names(self):
        if self.failure is not None:
            raise self.failure
        return list(self.names)

    def open_input(self, name, callback=None):
        if name in self.refusing:
            raise OSError(f"port {name!r} is busy")
        self.ports[name] = StubPort(name, callback)
        return self.ports[name]

    def play(self, name, message):
        self.ports[name].callback(message)


ROLAND = "Roland Digital Piano:Roland Digital Piano MIDI 1 20:0"
PADS = "nanoPAD2:nanoPAD2 MIDI 1 24:0"
THROUGH = "Midi Through:Midi Through Port-0 14:0"
OWN = "Expressive:Expressive out 128:0"


def test_every_player_port_is_opened_but_not_midi_through_nor_our_own():
    backend = StubBackend([THROUGH, ROLAND, PADS, OWN])
    midi = MidoInput(backend, poll_seconds=3600)
    changes = Changes()
    midi.on_devices_changed(changes)
    midi.start(Inbox())
    try:
        assert midi.problem is None
        assert sorted(backend.ports) == sorted([ROLAND, PADS])
        assert midi.devices() == ["Roland Digital Piano", "nanoPAD2"]
        assert changes.seen == [("Roland Digital Piano", True), ("nanoPAD2", True)]
    finally:
        midi.stop()
    assert all(port.closed for port in backend.ports.values())


def test_messages_come_through_the_port_callback_stamped_with_their_arrival():
    backend = StubBackend([ROLAND, PADS])
    midi = MidoInput(backend, poll_seconds=3600)
    inbox = Inbox()
    midi.start(inbox)
    before = time.perf_counter()
    backend.play(PADS, note_on(36, 90, channel=9))
    backend.play(ROLAND, mido.Message("clock"))
    backend.play(ROLAND, note_on(60, 40))
    after = time.perf_counter()
    midi.stop()
    assert [(device, message.note, message.velocity) for device, message, _ in inbox.received] == [
        ("nanoPAD2", 36, 90),
        ("Roland Digital Piano", 60, 40),
    ]
    assert all(before <= arrived <= after for _, _, arrived in inbox.received)


def test_a_device_plugged_in_is_opened_and_one_pulled_out_is_closed_at_the_next_scan():
    backend = StubBackend([ROLAND])
    midi = MidoInput(backend, poll_seconds=3600)
    changes = Changes()
    midi.on_devices_changed(changes)
    midi.start(Inbox())
    backend.names.append(PADS)
    midi.rescan()
    assert midi.devices() == ["Roland Digital Piano", "nanoPAD2"]
    roland_port = backend.ports[ROLAND]
    backend.names.remove(ROLAND)
    midi.rescan()
    assert roland_port.closed
    assert midi.devices() == ["nanoPAD2"]
    # Plugged back in, ALSA numbers it anew; its name, and so its colour, stays the same.
    backend.names.append(ROLAND.replace("20:0", "28:0"))
    midi.rescan()
    midi.stop()
    assert changes.seen == [
        ("Roland Digital Piano", True),
        ("nanoPAD2", True),
        ("Roland Digital Piano", False),
        ("Roland Digital Piano", True),
    ]


def test_the_watcher_thread_finds_a_new_device_by_itself():
    backend = StubBackend([])
    midi = MidoInput(backend, poll_seconds=0.05)
    changes = Changes()
    midi.on_devices_changed(changes)
    midi.start(Inbox())
    try:
        backend.names.append(PADS)
        assert changes.changed.wait(WAIT), "the watcher never opened the new device"
        assert changes.seen == [("nanoPAD2", True)]
    finally:
        midi.stop()


def test_a_port_that_refuses_to_open_is_tried_again_later():
    backend = StubBackend([ROLAND])
    backend.refusing.add(ROLAND)
    midi = MidoInput(backend, poll_seconds=3600)
    midi.start(Inbox())
    assert midi.devices() == []
    backend.refusing.clear()
    midi.rescan()
    assert midi.devices() == ["Roland Digital Piano"]
    midi.stop()


@pytest.mark.parametrize(
    "failure, problem",
    [
        (OSError("MidiInAlsa::initialize: error creating ALSA sequencer client object."), NO_MIDI_SYSTEM),
        (ImportError("libasound.so.2: cannot open shared object file"), NO_MIDI_LIBRARY),
    ],
)
def test_a_backend_that_cannot_work_gives_the_problem_line(failure, problem):
    backend = StubBackend([ROLAND])
    backend.failure = failure
    midi = MidoInput(backend)
    midi.start(Inbox())
    midi.rescan()
    assert midi.problem == problem
    assert midi.devices() == []
    assert backend.ports == {}
    midi.stop()


def test_device_names_are_short_stable_and_distinct():
    assert device_name(ROLAND, set()) == "Roland Digital Piano"
    assert device_name("Keystation 61", set()) == "Keystation 61"
    two_sockets = "MIDI Interface:MIDI Interface MIDI 2 20:1"
    assert device_name(two_sockets, {"MIDI Interface"}) == "MIDI Interface MIDI 2"
    assert device_name("Twin", {"Twin"}) == "Twin 2"
    assert not is_player_port(THROUGH)
    assert not is_player_port(OWN)
    assert is_player_port(ROLAND)
