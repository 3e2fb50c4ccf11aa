"""Standard MIDI Files: a performance written as one, and any one read as a performance.

The file is the music activity's log, so writing keeps everything the Performance holds:
times to the tick (960 a beat at 120 bpm: 0.52 ms, so a time is never more than 0.26 ms
off), velocities, the sustain pedal, and who played. It is a type 1 file with a
conductor track (the title and the tempo) and one track per source, named after it,
because a source is a person: the therapist's keyboard and the client's screen open as
two parts in any music program, and reading the file back gives the sources again.
Inside a source's track each instrument has its own channel and program (drums on
channel 10, 9 counting from 0), so each person's sustain pedal holds only their notes.

Reading is for importing songs to play along with, and for recordings read back: it
checks the file's structure and its size (bytes, tracks, events) before trusting it,
and its length before anything is made of it, and refuses anything damaged or too big
with a MidiFileError holding one sentence for a person. mido parses the messages.

Used by the music activity (its saved log, imported songs, the viewer) and the movement
activity (the notes a movement session played). Public: plugin authors may use it, and it
is covered by the API version.
"""

from __future__ import annotations

import io
import struct
from collections import defaultdict, deque

import mido

from expressive.lib.music.performance import DRUMS, SUSTAIN_CONTROL, KeyEvent, PedalEvent, Performance
from expressive.limits import (
    MAX_MIDI_BYTES,
    MAX_MIDI_EVENTS,
    MAX_MIDI_TRACKS,
    MAX_SOUND_SECONDS,
    describe_bytes,
    describe_seconds,
)

TICKS_PER_BEAT = 960
TEMPO = 500_000  # microseconds a beat: 120 bpm
TICKS_PER_SECOND = TICKS_PER_BEAT * 1_000_000 / TEMPO
DRUM_CHANNEL = 9
DEFAULT_TITLE = "Expressive recording"

# The General MIDI programs the app's instruments are written as. Unknown instruments
# are written as a piano, so a note is never lost for want of a program.
INSTRUMENT_PROGRAMS = {"piano": 0, "bells": 9, "marimba": 12, "strings": 48}

# Songs from elsewhere use all 128 programs; each is played on the app's instrument
# closest in how it sounds: struck and fading (piano, mallets, bells) or held (strings).
_BELL_PROGRAMS = {8, 9, 10, 14, 112}  # celesta, glockenspiel, music box, tubular bells, tinkle bell
_MALLET_PROGRAMS = {11, 12, 13, 15, 108, 113, 114, 115, 116, 117, 118}  # vibraphone ... synth drum
_HELD_PROGRAMS = set(range(16, 24)) | set(range(40, 47)) | set(range(48, 96))  # organs, strings, winds, pads


def instrument_for_program(program: int) -> str:
    if program in _BELL_PROGRAMS:
        return "bells"
    if program in _MALLET_PROGRAMS:
        return "marimba"
    if program in _HELD_PROGRAMS:
        return "strings"
    return "piano"


class MidiFileError(ValueError):
    """A MIDI file that cannot be used; str() is one plain sentence for the person importing it.

    `reason` is for the program: "empty", "not-midi", "damaged", "unsupported",
    "too-big", "too-long" or "no-notes".
    """

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


EMPTY = "This file is empty."
NOT_MIDI = "This is not a MIDI file."
UNKNOWN_MESSAGE = "This MIDI file is damaged (it has a message no program understands)."
PART_MISSING = "This MIDI file is damaged (part of it is missing)."
EXTRA_BYTES = "This MIDI file is damaged (it has extra bytes after the end of the music)."
BAD_HEADER = "This MIDI file is damaged (its first part makes no sense)."
PATTERNS = "This MIDI file holds separate patterns instead of one song (type 2), which the app can't play."
TOO_BIG = f"This file is too big for a song (over {describe_bytes(MAX_MIDI_BYTES)})."
TOO_MANY_TRACKS = "This MIDI file has {tracks:,} tracks; the most Expressive brings in is {most}."
TOO_MANY_EVENTS = "This MIDI file has over {most:,} events; the most Expressive brings in is {most:,}."
TOO_LONG = "This MIDI file lasts {length}; the most Expressive brings in is {most}."
NO_NOTES = "This MIDI file has no notes to play."


# ----- writing


def _ticks(seconds: float) -> int:
    return round(seconds * TICKS_PER_SECOND)


def _file_text(text: str) -> str:
    # mido writes text as Latin-1; handing it UTF-8 bytes spelt as Latin-1 puts UTF-8 in
    # the file, which is what music programs read today.
    return text.encode("utf-8").decode("latin-1")


def _person_text(text: str) -> str:
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return text


def _channels(performance: Performance) -> dict[tuple[str, str], int]:
    """A channel for each (source, instrument), in the order they first played.

    Fifteen melodic channels are plenty for people taking turns on a few instruments;
    past that, a pair shares the channel of another source on the same instrument.
    """
    free = [channel for channel in range(16) if channel != DRUM_CHANNEL]
    channels: dict[tuple[str, str], int] = {}
    for event in performance.keys:
        pair = (event.source, event.instrument)
        if pair in channels:
            continue
        if event.instrument == DRUMS:
            channels[pair] = DRUM_CHANNEL
        elif free:
            channels[pair] = free.pop(0)
        else:
            channels[pair] = next((c for (_, i), c in channels.items() if i == event.instrument), 0)
    return channels


def to_midi_bytes(performance: Performance) -> bytes:
    """The performance as a type 1 Standard MIDI File."""
    midi = mido.MidiFile(type=1, ticks_per_beat=TICKS_PER_BEAT)
    end = _ticks(performance.duration)
    conductor = mido.MidiTrack(
        [
            mido.MetaMessage("track_name", name=_file_text(performance.title or DEFAULT_TITLE)),
            mido.MetaMessage("set_tempo", tempo=TEMPO),
            mido.MetaMessage("time_signature", numerator=4, denominator=4),
        ]
    )
    midi.tracks.append(_with_deltas(conductor, [], end))
    channels = _channels(performance)
    for source in dict.fromkeys(event.source for event in performance.keys):
        own = {instrument: channel for (s, instrument), channel in channels.items() if s == source}
        # Programs first; then keys in the order played, the pedal after the keys of its
        # tick, as Performance pairs notes (a stable sort keeps the order within a tick).
        timed: list[tuple[int, int, mido.Message]] = [
            (0, 0, mido.Message("program_change", channel=channel, program=INSTRUMENT_PROGRAMS.get(instrument, 0)))
            for instrument, channel in own.items()
            if instrument != DRUMS
        ]
        for event in performance.keys:
            if event.source != source:
                continue
            channel = own[event.instrument]
            if event.velocity:
                message = mido.Message("note_on", channel=channel, note=event.note, velocity=event.velocity)
            else:
                message = mido.Message("note_off", channel=channel, note=event.note, velocity=64)
            timed.append((_ticks(event.time), 1, message))
        for pedal in performance.pedals:
            if pedal.source != source:
                continue
            value = 127 if pedal.down else 0
            for instrument, channel in own.items():
                if instrument != DRUMS:
                    control = mido.Message("control_change", channel=channel, control=SUSTAIN_CONTROL, value=value)
                    timed.append((_ticks(pedal.time), 2, control))
        timed.sort(key=lambda item: (item[0], item[1]))
        named = mido.MidiTrack([mido.MetaMessage("track_name", name=_file_text(source))])
        midi.tracks.append(_with_deltas(named, [(tick, message) for tick, _, message in timed], end))
    buffer = io.BytesIO()
    midi.save(file=buffer)
    return buffer.getvalue()


def _with_deltas(track: mido.MidiTrack, timed: list[tuple[int, mido.Message]], end: int) -> mido.MidiTrack:
    now = 0
    for tick, message in timed:
        track.append(message.copy(time=tick - now))
        now = tick
    track.append(mido.MetaMessage("end_of_track", time=max(end - now, 0)))
    return track


# ----- reading


def _track_chunks(data: bytes) -> tuple[int, bytes, list[bytes]]:
    """(format, the six header bytes, each track chunk whole) of a file whose structure holds.

    Checked here because mido reads what it can and says nothing of what is left: a file
    with a byte too many at its end parses cleanly there.
    """
    if not data:
        raise MidiFileError(EMPTY, "empty")
    if len(data) > MAX_MIDI_BYTES:
        raise MidiFileError(TOO_BIG, "too-big")
    if data[:4] != b"MThd":
        raise MidiFileError(NOT_MIDI, "not-midi")
    if len(data) < 14:
        raise MidiFileError(PART_MISSING, "damaged")
    header_length = int.from_bytes(data[4:8], "big")
    format_, track_count, division = struct.unpack(">HHH", data[8:14])
    if header_length < 6 or format_ > 2 or division == 0:
        raise MidiFileError(BAD_HEADER, "damaged")
    if format_ == 2:
        raise MidiFileError(PATTERNS, "unsupported")
    if track_count > MAX_MIDI_TRACKS:
        raise MidiFileError(TOO_MANY_TRACKS.format(tracks=track_count, most=MAX_MIDI_TRACKS), "too-big")
    tracks = []
    position = 8 + header_length
    while position < len(data):
        if len(data) - position < 8:
            raise MidiFileError(EXTRA_BYTES, "damaged")
        tag = data[position : position + 4]
        chunk_end = position + 8 + int.from_bytes(data[position + 4 : position + 8], "big")
        if tag == b"MTrk":
            if chunk_end > len(data):
                raise MidiFileError(PART_MISSING, "damaged")
            tracks.append(data[position:chunk_end])
        # The standard lets other kinds of chunk in, to be skipped; anything else here,
        # or a chunk running past the end, is stray data.
        elif not (tag.isascii() and tag.isalpha()) or chunk_end > len(data):
            raise MidiFileError(EXTRA_BYTES, "damaged")
        position = chunk_end
    if len(tracks) < track_count:
        raise MidiFileError(PART_MISSING, "damaged")
    if len(tracks) > track_count:
        raise MidiFileError(EXTRA_BYTES, "damaged")
    return format_, data[8:14], tracks


def _count_events(chunk: bytes, most: int) -> int:
    """How many events a track chunk holds, counted without building them, stopping past
    `most`. Where the bytes make no sense the count stops too: mido then says what is wrong."""
    position, end, count, running = 8, len(chunk), 0, 0
    while position < end and count <= most:
        while position < end and chunk[position] & 0x80:  # the delta time, a variable-length number
            position += 1
        position += 1
        if position >= end:
            break
        status = chunk[position]
        if status == 0xFF or status in (0xF0, 0xF7):  # meta and system exclusive: a length, then data
            position += 2 if status == 0xFF else 1
            length = 0
            while position < end and chunk[position] & 0x80:
                length = (length << 7) | (chunk[position] & 0x7F)
                position += 1
            if position >= end:
                break
            position += 1 + ((length << 7) | chunk[position])
        else:
            if status & 0x80:
                running = status
                position += 1
            elif not running:
                break
            position += 1 if running & 0xF0 in (0xC0, 0xD0) else 2
        count += 1
    return count


def _parse_track(header: bytes, chunk: bytes) -> mido.MidiTrack:
    """One track's messages, parsed by mido on its own so that nothing can run into the next."""
    single = b"MThd" + (6).to_bytes(4, "big") + b"\x00\x00\x00\x01" + header[4:6] + chunk
    try:
        track = mido.MidiFile(file=io.BytesIO(single)).tracks[0]
    except EOFError:
        raise MidiFileError(PART_MISSING, "damaged") from None
    except Exception:
        # mido says "undefined status byte", "data byte must be in range 0..127", ...
        raise MidiFileError(UNKNOWN_MESSAGE, "damaged") from None
    ends = [index for index, message in enumerate(track) if message.type == "end_of_track"]
    if not ends:
        raise MidiFileError(PART_MISSING, "damaged")
    if ends[0] != len(track) - 1:
        raise MidiFileError(EXTRA_BYTES, "damaged")
    return track


def _seconds_per_tick(division: int, tempo: int) -> float:
    if division & 0x8000:
        # SMPTE time: frames a second (29 means 29.97) times ticks a frame; tempo plays no part.
        frames = 256 - (division >> 8)
        return 1 / ((29.97 if frames == 29 else frames) * (division & 0xFF))
    return tempo / 1_000_000 / division


def read_midi(data: bytes, *, max_seconds: float = MAX_SOUND_SECONDS) -> Performance:
    """The notes of a Standard MIDI File (type 0 or 1), all tracks together, times in seconds.

    Tempo changes, running status, note-on with velocity 0, the sustain pedal and
    all-notes-off are honoured. Each track is a source, named after the track; channel
    10 is drums and other channels play the app instrument nearest their program.
    Raises MidiFileError for anything that cannot be played, or lasts over `max_seconds`.
    """
    _, header, chunks = _track_chunks(data)
    division = int.from_bytes(header[4:6], "big")
    events = 0
    for chunk in chunks:
        events += _count_events(chunk, MAX_MIDI_EVENTS - events)
        if events > MAX_MIDI_EVENTS:
            raise MidiFileError(TOO_MANY_EVENTS.format(most=MAX_MIDI_EVENTS), "too-big")
    tracks = [_parse_track(header, chunk) for chunk in chunks]

    # Merged in time order; at one tick, tempo and program changes go first so that the
    # notes beside them already use them, whichever track they are in.
    merged = []
    for track_index, track in enumerate(tracks):
        tick = 0
        for position, message in enumerate(track):
            tick += message.time
            first = message.type in ("set_tempo", "program_change")
            merged.append((tick, not first, track_index, position, message))
    merged.sort(key=lambda item: item[:4])

    sources = [_source_name(track, index) for index, track in enumerate(tracks)]
    title = _person_text(next((m.name for m in tracks[0] if m.type == "track_name"), "")) if tracks else ""
    programs = [0] * 16
    held: dict[tuple[int, int, int], deque[str]] = defaultdict(deque)
    pedal_down: set[str] = set()
    keys: list[KeyEvent] = []
    pedals: list[PedalEvent] = []
    seconds_per_tick = _seconds_per_tick(division, TEMPO)
    seconds = 0.0
    last_tick = 0
    for tick, _, track_index, _, message in merged:
        seconds += (tick - last_tick) * seconds_per_tick
        last_tick = tick
        source = sources[track_index]
        kind = message.type
        if kind == "set_tempo":
            seconds_per_tick = _seconds_per_tick(division, message.tempo)
        elif kind == "program_change":
            programs[message.channel] = message.program
        elif kind == "note_on" and message.velocity:
            channel = message.channel
            instrument = DRUMS if channel == DRUM_CHANNEL else instrument_for_program(programs[channel])
            held[(track_index, channel, message.note)].append(instrument)
            keys.append(KeyEvent(seconds, message.note, message.velocity, instrument, source))
        elif kind in ("note_on", "note_off"):
            presses = held.get((track_index, message.channel, message.note))
            if presses:
                keys.append(KeyEvent(seconds, message.note, 0, presses.popleft(), source))
        elif kind == "control_change" and message.control == SUSTAIN_CONTROL:
            down = message.value >= 64
            if (source in pedal_down) != down:
                (pedal_down.add if down else pedal_down.discard)(source)
                pedals.append(PedalEvent(seconds, down, source))
        elif kind == "control_change" and message.control in (120, 123):  # all sound off, all notes off
            for (held_track, channel, note), presses in held.items():
                if channel == message.channel:
                    keys.extend(KeyEvent(seconds, note, 0, i, sources[held_track]) for i in presses)
                    presses.clear()
    # Checked at the end, when the file's whole length is known to name it: the work
    # before is bounded by the number of events.
    if seconds > max_seconds:
        raise MidiFileError(TOO_LONG.format(length=describe_seconds(seconds), most=describe_seconds(max_seconds)), "too-long")
    performance = Performance(tuple(keys), tuple(pedals), seconds, title)
    if performance.is_empty:
        raise MidiFileError(NO_NOTES, "no-notes")
    return performance


def _source_name(track: mido.MidiTrack, index: int) -> str:
    name = next((message.name for message in track if message.type == "track_name"), "")
    return _person_text(name).strip() or f"track {index + 1}"
