"""The music model: recording takes, notes with the sustain pedal, and Standard MIDI Files
written and read (real files from ../shared/data/midi, and small ones made here)."""

import dataclasses
import io
import threading
from pathlib import Path

import mido
import pytest

from expressive.lib.music.midifile import (
    TICKS_PER_BEAT,
    MidiFileError,
    instrument_for_program,
    read_midi,
    to_midi_bytes,
)
from expressive.lib.music.performance import KeyEvent, Note, PedalEvent, Performance, Recorder
from expressive.limits import MAX_MIDI_BYTES
from expressive.midi import FakeMidiInput

SHARED_MIDI = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "midi"
needs_shared = pytest.mark.skipif(
    not SHARED_MIDI.is_dir(), reason=f"the shared test MIDI files are not at {SHARED_MIDI}"
)
C_MAJOR = [60, 62, 64, 65, 67, 69, 71, 72]


def shared(name):
    return read_midi((SHARED_MIDI / f"{name}.mid").read_bytes())


def shared_refusal(name):
    with pytest.raises(MidiFileError) as refused:
        read_midi((SHARED_MIDI / f"{name}.mid").read_bytes())
    return refused.value


def timing(notes):
    """What a note is, whatever track or device it came from."""
    return [(round(n.start, 6), round(n.end, 6), n.note, n.velocity) for n in notes]


def smf(*tracks, type=1, ticks_per_beat=96):
    """A MIDI file made with mido; each track a list of messages with delta times."""
    midi = mido.MidiFile(type=type, ticks_per_beat=ticks_per_beat)
    for messages in tracks:
        midi.tracks.append(mido.MidiTrack(messages))
    buffer = io.BytesIO()
    midi.save(file=buffer)
    return buffer.getvalue()


def on(note, velocity=100, time=0, channel=0):
    return mido.Message("note_on", note=note, velocity=velocity, time=time, channel=channel)


def off(note, time=0, channel=0):
    return mido.Message("note_off", note=note, time=time, channel=channel)


def scale_file(notes=C_MAJOR, **options):
    messages = []
    for note in notes:
        messages += [on(note), off(note, time=96)]
    return smf(messages, **options)


def mido_notes(data):
    """(start, end, note, velocity, channel) read with mido alone, times in seconds."""
    midi = mido.MidiFile(file=io.BytesIO(data))
    now, started, notes = 0.0, {}, []
    for message in midi:  # merged, with tempo applied
        now += message.time
        if message.type == "note_on" and message.velocity:
            started[(message.channel, message.note)] = (now, message.velocity)
        elif message.type in ("note_on", "note_off"):
            start, velocity = started.pop((message.channel, message.note))
            notes.append((start, now, message.note, velocity, message.channel))
    return sorted(notes, key=lambda note: (note[0], note[2]))


# ----- recording


def test_a_take_records_times_from_its_start_with_velocity_instrument_and_source():
    recorder = Recorder()
    recorder.press(50, 100, "piano", at=99.0)  # before the take: not part of it
    recorder.start(at=100.0)
    assert recorder.press(60, 90, "piano", at=100.25)
    assert recorder.press(36, 127, "drums", "Pads", at=100.5)
    assert recorder.release(60, at=101.0)
    assert recorder.release(36, "Pads", at=100.625)
    take = recorder.stop(at=102.0)
    assert not recorder.press(62, 90, "piano", at=102.5)
    assert take.duration == 2.0
    assert take.notes() == [
        Note(0.25, 1.0, 60, 90, "piano", "screen"),
        Note(0.5, 0.625, 36, 127, "drums", "Pads"),
    ]
    assert take.sources() == ["screen", "Pads"]
    assert recorder.takes == [take]


def test_a_release_belongs_to_the_instrument_its_key_was_pressed_on():
    recorder = Recorder()
    recorder.start(at=0.0)
    recorder.press(60, 80, "piano", at=0.0)
    recorder.press(64, 80, "marimba", at=0.5)  # the child switched instruments meanwhile
    recorder.release(60, at=1.0)
    recorder.release(64, at=1.5)
    notes = recorder.stop(at=2.0).notes()
    assert [(n.note, n.instrument, n.end) for n in notes] == [(60, "piano", 1.0), (64, "marimba", 1.5)]


def test_notes_still_held_and_a_pedal_still_down_end_with_the_take():
    recorder = Recorder()
    recorder.start(at=10.0)
    recorder.press(60, 80, "piano", "Keys", at=10.0)
    recorder.pedal(True, "Keys", at=10.5)
    take = recorder.stop(at=13.0)
    assert take.notes() == [Note(0.0, 3.0, 60, 80, "piano", "Keys")]
    assert take.pedals == (PedalEvent(0.5, True, "Keys"), PedalEvent(3.0, False, "Keys"))


def test_record_again_keeps_the_first_take_and_times_the_second_from_its_own_start():
    recorder = Recorder()
    recorder.start(at=0.0, title="First try")
    recorder.press(60, 80, "piano", at=1.0)
    recorder.release(60, at=1.5)
    recorder.record_again(at=5.0, title="Second try")
    recorder.press(62, 80, "piano", at=5.25)
    recorder.release(62, at=5.5)
    second = recorder.stop(at=6.0)
    first = recorder.takes[0]
    assert (first.title, first.duration, timing(first.notes())) == ("First try", 5.0, [(1.0, 1.5, 60, 80)])
    assert (second.title, timing(second.notes())) == ("Second try", [(0.25, 0.5, 62, 80)])
    assert len(recorder.takes) == 2


def test_a_snapshot_shows_the_take_so_far_without_ending_it():
    recorder = Recorder()
    recorder.start(at=0.0)
    recorder.press(60, 80, "piano", at=1.0)
    so_far = recorder.snapshot(at=2.0)
    assert timing(so_far.notes()) == [(1.0, 2.0, 60, 80)]
    assert recorder.is_recording
    recorder.release(60, at=3.0)
    assert timing(recorder.stop(at=4.0).notes()) == [(1.0, 3.0, 60, 80)]


def test_midi_messages_become_presses_releases_and_pedal_changes():
    recorder = Recorder()
    recorder.start(at=0.0)
    record = recorder.record_message
    assert record("Keys", on(60, 70), 1.0, "piano")
    assert record("Keys", mido.Message("control_change", control=64, value=100), 1.1, "piano")
    assert not record("Keys", mido.Message("control_change", control=64, value=127), 1.2, "piano")
    assert not record("Keys", mido.Message("control_change", control=7, value=20), 1.2, "piano")
    assert record("Keys", on(60, 0), 1.5, "piano")  # velocity 0 is a release
    assert record("Keys", mido.Message("control_change", control=64, value=10), 2.0, "piano")
    take = recorder.stop(at=3.0)
    assert take.pedals == (PedalEvent(1.1, True, "Keys"), PedalEvent(2.0, False, "Keys"))
    assert timing(take.notes()) == [(1.0, 2.0, 60, 70)]
    assert timing(take.notes(sustain=False)) == [(1.0, 1.5, 60, 70)]


def test_a_message_that_arrived_just_before_the_take_began_counts_at_its_start():
    recorder = Recorder()
    recorder.start(at=5.0)
    recorder.record_message("Keys", on(60), 4.999, "piano")
    assert recorder.stop(at=6.0).keys[0].time == 0.0


def test_two_threads_recording_at_once_lose_nothing():
    recorder = Recorder()
    recorder.start(at=0.0)

    def play(source):
        for index in range(500):
            recorder.press(60 + index % 12, 90, "piano", source, at=index * 0.01)
            recorder.release(60 + index % 12, source, at=index * 0.01 + 0.005)

    players = [threading.Thread(target=play, args=(source,)) for source in ("Keys", "screen")]
    for player in players:
        player.start()
    for player in players:
        player.join()
    notes = recorder.stop(at=10.0).notes()
    assert len(notes) == 1000
    assert all(round(n.end - n.start, 6) == 0.005 for n in notes)


# ----- notes from events


def test_the_pedal_holds_a_players_notes_until_it_lifts_but_not_drums_nor_another_players():
    performance = Performance(
        keys=(
            KeyEvent(0.0, 60, 90, "piano", "Keys"),
            KeyEvent(0.0, 64, 90, "piano", "screen"),
            KeyEvent(0.0, 36, 90, "drums", "Keys"),
            KeyEvent(0.5, 60, 0, "piano", "Keys"),
            KeyEvent(0.5, 64, 0, "piano", "screen"),
            KeyEvent(0.1, 36, 0, "drums", "Keys"),
        ),
        pedals=(PedalEvent(0.2, True, "Keys"), PedalEvent(2.0, False, "Keys")),
        duration=3.0,
    )
    ends = {(n.source, n.note): n.end for n in performance.notes()}
    assert ends == {("Keys", 60): 2.0, ("screen", 64): 0.5, ("Keys", 36): 0.1}


def test_a_key_struck_again_under_the_pedal_ends_its_ringing_note():
    performance = Performance(
        keys=(
            KeyEvent(0.0, 60, 90, "piano"),
            KeyEvent(0.5, 60, 0, "piano"),
            KeyEvent(1.0, 60, 80, "piano"),
            KeyEvent(1.5, 60, 0, "piano"),
        ),
        pedals=(PedalEvent(0.1, True), PedalEvent(3.0, False)),
    )
    assert timing(performance.notes()) == [(0.0, 1.0, 60, 90), (1.0, 3.0, 60, 80)]


def test_the_same_key_pressed_twice_before_a_release_keeps_both_notes():
    performance = Performance(
        keys=(
            KeyEvent(0.0, 60, 90, "piano"),
            KeyEvent(0.5, 60, 70, "piano"),
            KeyEvent(1.0, 60, 0, "piano"),
            KeyEvent(2.0, 60, 0, "piano"),
        )
    )
    assert timing(performance.notes()) == [(0.0, 1.0, 60, 90), (0.5, 2.0, 60, 70)]


def test_note_events_for_a_synth_are_in_order_with_releases_before_presses_at_one_moment():
    performance = Performance(
        keys=(
            KeyEvent(0.0, 60, 90, "piano"),
            KeyEvent(1.0, 60, 0, "piano"),
            KeyEvent(1.0, 60, 80, "piano"),
            KeyEvent(1.5, 60, 0, "piano"),
        ),
        pedals=(PedalEvent(0.5, True), PedalEvent(1.2, False)),
    )
    events = [(e.time, e.velocity) for e in performance.note_events()]
    assert events == [(0.0, 90), (1.0, 0), (1.0, 80), (1.5, 0)]
    # The audio engine's NoteEvent takes the first four fields, in this order.
    assert [f.name for f in dataclasses.fields(KeyEvent)][:4] == ["time", "note", "velocity", "instrument"]


def test_a_tap_too_short_to_time_is_a_note_everywhere_not_a_note_left_hanging():
    recorder = Recorder()
    recorder.start(at=0.0)
    recorder.press(60, 90, "piano", at=1.0)
    recorder.release(60, at=1.0)  # the same moment
    recorder.press(62, 90, "piano", at=1.5)
    recorder.release(62, at=1.5001)  # less than a tick of the file
    take = recorder.stop(at=2.0)
    assert timing(take.notes()) == [(1.0, 1.0, 60, 90), (1.5, 1.5001, 62, 90)]
    assert [(e.note, e.velocity) for e in take.note_events()] == [(60, 90), (60, 0), (62, 90), (62, 0)]
    back = read_midi(to_midi_bytes(take))
    assert [(n.note, round(n.end - n.start, 3)) for n in back.notes()] == [(60, 0.0), (62, 0.0)]
    # A drum track that ends each hit at the tick it starts.
    hits = smf([on(36, channel=9), off(36, channel=9), on(38, time=48, channel=9), off(38, channel=9)])
    assert timing(read_midi(hits).notes()) == [(0.0, 0.0, 36, 100), (0.25, 0.25, 38, 100)]


def test_an_empty_performance_is_empty():
    assert Performance().is_empty
    assert Performance().notes() == []
    assert Performance().duration == 0.0


# ----- writing a Standard MIDI File


def two_player_take():
    recorder = Recorder()
    recorder.start(at=1000.0, title="Rain dance")
    recorder.press(60, 100, "piano", "Therapist keys", at=1000.0)
    recorder.press(36, 120, "drums", "screen", at=1000.1)
    recorder.release(36, "screen", at=1000.15)
    recorder.pedal(True, "Therapist keys", at=1000.2)
    recorder.release(60, "Therapist keys", at=1000.3)
    recorder.press(67, 45, "bells", "screen", at=1000.2505)
    recorder.release(67, "screen", at=1000.7777)
    recorder.press(64, 70, "strings", "Therapist keys", at=1000.4)
    recorder.release(64, "Therapist keys", at=1000.6)
    recorder.pedal(False, "Therapist keys", at=1001.0)
    return recorder.stop(at=1001.5)


def test_the_file_is_type_1_with_a_tempo_and_a_named_track_per_player():
    data = to_midi_bytes(two_player_take())
    midi = mido.MidiFile(file=io.BytesIO(data))
    assert midi.type == 1 and midi.ticks_per_beat == TICKS_PER_BEAT
    names = [next(m.name for m in track if m.type == "track_name") for track in midi.tracks]
    assert names == ["Rain dance", "Therapist keys", "screen"]
    assert [m.tempo for m in midi.tracks[0] if m.type == "set_tempo"] == [500_000]
    programs = {(m.channel, m.program) for t in midi.tracks for m in t if m.type == "program_change"}
    channels = {m.channel: m for t in midi.tracks for m in t if m.type == "note_on"}
    assert channels[9].note == 36  # drums on channel 10
    assert {program for _, program in programs} == {0, 9, 48}  # piano, glockenspiel, strings
    assert abs(midi.length - 1.5) < 0.001


def test_a_written_take_reads_back_as_the_same_take():
    take = two_player_take()
    back = read_midi(to_midi_bytes(take))
    assert back.title == "Rain dance"
    assert abs(back.duration - take.duration) < 0.001
    assert back.sources() == take.sources()
    for mine, theirs in zip(take.notes(), back.notes(), strict=True):
        assert (mine.note, mine.velocity, mine.instrument, mine.source) == (
            theirs.note,
            theirs.velocity,
            theirs.instrument,
            theirs.source,
        )
        assert abs(mine.start - theirs.start) < 0.001 and abs(mine.end - theirs.end) < 0.001
    assert [(p.down, p.source) for p in back.pedals] == [(p.down, p.source) for p in take.pedals]


def test_names_outside_latin_1_survive_the_file():
    recorder = Recorder()
    recorder.start(at=0.0, title="Regenbogen über dem Meer 🌈")
    recorder.press(60, 80, "piano", "Clavinova ♪", at=0.0)
    back = read_midi(to_midi_bytes(recorder.stop(at=1.0)))
    assert back.title == "Regenbogen über dem Meer 🌈"
    assert back.sources() == ["Clavinova ♪"]


def test_midi_played_into_the_fake_port_is_in_the_file_within_a_millisecond():
    """Round trip: known timing in, a Standard MIDI File out, read back by mido alone."""
    played = [  # (seconds, note, velocity, seconds held)
        (0.000, 60, 100, 0.2),
        (0.2505, 62, 64, 0.1),
        (0.5, 64, 1, 0.3337),
        (0.7771, 65, 127, 0.05),
        (1.0013, 67, 90, 0.999),
        (1.0013, 71, 33, 0.4),
        (2.3456, 72, 77, 0.0005),
    ]
    midi_input = FakeMidiInput()
    recorder = Recorder()
    midi_input.plug("Keys")
    midi_input.start(lambda device, message, arrived: recorder.record_message(device, message, arrived, "piano"))
    start = 5000.0
    recorder.start(at=start)
    messages = []
    for seconds, note, velocity, held in played:
        messages.append((start + seconds, on(note, velocity)))
        messages.append((start + seconds + held, off(note)))
    for at, message in sorted(messages, key=lambda item: item[0]):
        midi_input.send("Keys", message, at=at)
    midi_input.flush()
    midi_input.stop()
    data = to_midi_bytes(recorder.stop(at=start + 4.0))

    read = mido_notes(data)
    assert [(note, velocity) for _, _, note, velocity, _ in read] == [(n, v) for _, n, v, _ in played]
    for (start_read, end_read, *_), (seconds, _, _, held) in zip(read, played):
        assert abs(start_read - seconds) < 0.001
        assert abs(end_read - (seconds + held)) < 0.001


# ----- reading the shared files (jazz-soft's test MIDI files)


@needs_shared
def test_the_c_major_scale_has_its_eight_notes_in_order_half_a_second_each():
    song = shared("test-c-major-scale")
    assert [n.note for n in song.notes()] == C_MAJOR
    assert timing(song.notes()) == [(i * 0.5, i * 0.5 + 0.5, note, 127) for i, note in enumerate(C_MAJOR)]
    assert song.title == "C Major Scale Test"
    assert song.duration == 4.0
    assert song.instruments() == ["piano"]


@needs_shared
def test_the_velocity_file_has_the_velocities_it_declares():
    song = shared("test-note-on-velocity")
    assert [n.velocity for n in song.notes()] == [1, 16, 32, 48, 64, 80, 96, 112, 127]
    assert {n.note for n in song.notes()} == {60}


@needs_shared
def test_two_tracks_give_the_same_notes_in_a_type_0_file_as_in_a_type_1_file():
    type_0, type_1 = shared("test-2-tracks-type-0"), shared("test-2-tracks-type-1")
    assert timing(type_0.notes()) == timing(type_1.notes())
    starts = {}
    for n in type_1.notes():
        starts.setdefault(n.start, []).append(n.note)
    # Two scales together, a semitone apart, from half a second in.
    assert starts[0.5] == [60, 61] and starts[4.0] == [72, 73]
    assert len(type_1.sources()) == 2


@needs_shared
def test_running_status_and_velocity_0_releases_give_the_plain_scale():
    assert timing(shared("test-running-status-metaevent").notes()) == timing(shared("test-c-major-scale").notes())


@needs_shared
def test_chords_in_three_channels_and_in_three_tracks_are_the_same_chords():
    by_channels, by_tracks = shared("test-multichannel-chords-0"), shared("test-multichannel-chords-3")
    assert sorted(timing(by_channels.notes())) == sorted(timing(by_tracks.notes()))
    first_chord = sorted(n.note for n in by_tracks.notes() if n.start == 0.0)
    assert first_chord == [60, 64, 67]
    assert len(by_tracks.sources()) == 3 and len(by_channels.sources()) == 1


@needs_shared
def test_the_damper_pedal_holds_the_second_run_of_notes():
    song = shared("test-control-40-damper")
    free, held = song.notes()[:4], song.notes()[4:]
    assert [(n.start, n.end) for n in free] == [(0.0, 0.5), (0.5, 1.0), (1.0, 1.5), (1.5, 2.0)]
    assert [n.start for n in held] == [4.5, 5.0, 5.5, 6.0]
    assert {n.end for n in held} == {7.5}
    assert [n.end for n in song.notes(sustain=False)[4:]] == [5.0, 5.5, 6.0, 6.5]


@needs_shared
def test_the_karaoke_file_honours_its_tempo_and_plays_its_vibraphone_on_the_marimba():
    song = shared("test-karaoke-kar")
    notes = song.notes()
    assert len(notes) == 29
    assert (notes[0].note, notes[0].start) == (64, 0.0)
    assert notes[0].end == pytest.approx(0.5, abs=1e-6)  # 75 ticks at 0.666667 s a beat of 100
    assert abs(song.duration - 10.6) < 0.001
    assert song.instruments() == ["marimba"]


@needs_shared
def test_every_percussion_note_is_a_drum():
    song = shared("test-all-gm-percussion")
    assert song.instruments() == ["drums"]
    assert sorted({n.note for n in song.notes()}) == list(range(27, 88))


@needs_shared
def test_the_128_programs_play_on_the_nearest_app_instruments():
    song = shared("test-all-gm-sounds")
    assert len(song.notes()) == 512
    assert song.instruments() == ["piano", "bells", "marimba", "strings"]
    assert shared("test-rpn-00-00-pitch-bend-range").instruments() == ["strings"]  # an organ


@needs_shared
@pytest.mark.parametrize(
    "name, message",
    [
        ("test-empty-file", "This file is empty."),
        ("test-not-a-midi-file", "This is not a MIDI file."),
        ("test-illegal-message-f4", "This MIDI file is damaged (it has a message no program understands)."),
        (
            "test-corrupt-file-extra-byte",
            "This MIDI file is damaged (it has extra bytes after the end of the music).",
        ),
        ("test-silence-all-notes-off", "This MIDI file has no notes to play."),
    ],
)
def test_files_that_cannot_be_played_are_refused_in_one_plain_sentence(name, message):
    assert str(shared_refusal(name)) == message


@needs_shared
def test_every_well_formed_shared_file_has_notes():
    refused = {"test-empty-file", "test-not-a-midi-file", "test-illegal-message-f4"}
    refused |= {"test-corrupt-file-extra-byte", "test-silence-all-notes-off"}
    for path in sorted(SHARED_MIDI.glob("*.mid")):
        if path.stem not in refused:
            assert read_midi(path.read_bytes()).notes(), path.name


# ----- reading files made here


def test_a_generated_scale_reads_in_type_0_and_type_1():
    for kind in (0, 1):
        song = read_midi(scale_file(type=kind))
        assert [n.note for n in song.notes()] == C_MAJOR
        assert song.notes()[1].start == 0.5


def test_a_tempo_change_in_the_conductor_track_times_the_notes_of_the_others():
    conductor = [
        mido.MetaMessage("set_tempo", tempo=500_000),
        mido.MetaMessage("set_tempo", tempo=250_000, time=480),  # 240 bpm after one beat
    ]
    notes = [on(60), off(60, time=480), on(62), off(62, time=480), on(64), off(64, time=480)]
    song = read_midi(smf(conductor, notes, ticks_per_beat=480))
    assert timing(song.notes()) == [(0.0, 0.5, 60, 100), (0.5, 0.75, 62, 100), (0.75, 1.0, 64, 100)]


def test_smpte_time_counts_frames_not_beats():
    data = bytearray(smf([on(60), off(60, time=500), on(62, time=500), off(62, time=250)]))
    data[12:14] = bytes([256 - 25, 40])  # 25 frames a second, 40 ticks a frame: 1,000 a second
    assert timing(read_midi(bytes(data)).notes()) == [(0.0, 0.5, 60, 100), (1.0, 1.25, 62, 100)]


def test_a_channel_10_note_is_a_drum_and_a_program_change_mid_note_keeps_the_note():
    data = smf(
        [
            mido.Message("program_change", program=12),
            on(36, channel=9),
            on(60),
            off(36, time=48, channel=9),
            mido.Message("program_change", program=48, time=48),
            off(60),
            on(62),
            off(62, time=96),
        ]
    )
    notes = read_midi(data).notes()
    assert [(n.note, n.instrument, n.end) for n in notes] == [(36, "drums", 0.25), (60, "marimba", 0.5), (62, "strings", 1.0)]


def test_all_notes_off_ends_held_notes_and_a_note_never_released_ends_with_the_song():
    data = smf([on(60), on(64), mido.Message("control_change", control=123, value=0, time=192), on(67, time=96)])
    notes = read_midi(data).notes()
    assert timing(notes) == [(0.0, 1.0, 60, 100), (0.0, 1.0, 64, 100), (1.5, 1.5, 67, 100)]


def test_foreign_chunks_between_tracks_are_skipped_as_the_standard_says():
    data = scale_file()
    header_end = 14
    alien = b"XFIH" + (4).to_bytes(4, "big") + b"\x00\x01\x02\x03"
    assert [n.note for n in read_midi(data[:header_end] + alien + data[header_end:]).notes()] == C_MAJOR


def without_end_of_track(data):
    # The last track ends in FF 2F 00; drop it and shorten the chunk's length to match.
    track_start = data.rindex(b"MTrk")
    length = int.from_bytes(data[track_start + 4 : track_start + 8], "big")
    return data[: track_start + 4] + (length - 4).to_bytes(4, "big") + data[track_start + 8 : -4]


def with_chunk_longer_by(data, extra):
    track_start = data.rindex(b"MTrk")
    length = int.from_bytes(data[track_start + 4 : track_start + 8], "big")
    return data[: track_start + 4] + (length + len(extra)).to_bytes(4, "big") + data[track_start + 8 :] + extra


@pytest.mark.parametrize(
    "damage, reason, says",
    [
        (lambda data: b"", "empty", "empty"),
        (lambda data: b"RIFF\x00\x00\x00\x00RMIDdata", "not-midi", "not a MIDI file"),
        (lambda data: data[:10], "damaged", "part of it is missing"),
        (lambda data: data[:-5], "damaged", "part of it is missing"),
        (without_end_of_track, "damaged", "part of it is missing"),
        (lambda data: data + b"\x2a", "damaged", "extra bytes"),
        (lambda data: data + b"\xff" * 12, "damaged", "extra bytes"),
        (lambda data: with_chunk_longer_by(data, b"\x00\x90\x3c\x40"), "damaged", "extra bytes"),
        (lambda data: data.replace(b"\x00\x90\x3e", b"\x00\xf4\x3e", 1), "damaged", "no program understands"),
        (lambda data: data.replace(b"\x90\x3e\x64", b"\x90\x3e\xe4", 1), "damaged", "no program understands"),
        (lambda data: data[:10] + b"\x00\x02" + data[12:], "damaged", "part of it is missing"),
        (lambda data: data[:8] + b"\x00\x02" + data[10:], "unsupported", "type 2"),
        (lambda data: data[:12] + b"\x00\x00" + data[14:], "damaged", "first part"),
    ],
)
def test_damaged_files_made_here_are_refused_with_the_right_sentence(damage, reason, says):
    with pytest.raises(MidiFileError) as refused:
        read_midi(damage(scale_file(type=0)))
    assert refused.value.reason == reason
    assert says in str(refused.value)
    assert str(refused.value).endswith(".") and "\n" not in str(refused.value)


def test_absurd_files_are_refused_before_anyone_waits_for_them():
    with pytest.raises(MidiFileError) as too_big:
        read_midi(b"MThd" + bytes(MAX_MIDI_BYTES))
    assert too_big.value.reason == "too-big"
    slow = [mido.MetaMessage("set_tempo", tempo=16_000_000), on(60), off(60, time=1000)]  # 16 s a tick
    with pytest.raises(MidiFileError) as too_long:
        read_midi(smf(slow, ticks_per_beat=1))
    assert too_long.value.reason == "too-long"
    assert str(too_long.value) == "This MIDI file lasts 4 hours; the most Expressive brings in is 10 minutes."


def test_a_file_with_no_notes_is_refused_plainly():
    with pytest.raises(MidiFileError) as refused:
        read_midi(smf([mido.Message("control_change", control=7, value=100)]))
    assert (refused.value.reason, str(refused.value)) == ("no-notes", "This MIDI file has no notes to play.")


def test_programs_map_to_the_app_instruments_and_back():
    assert [instrument_for_program(p) for p in (0, 9, 12, 48)] == ["piano", "bells", "marimba", "strings"]
    assert instrument_for_program(33) == "piano"  # a bass guitar: struck and fading
    assert instrument_for_program(73) == "strings"  # a flute: held
