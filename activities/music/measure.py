"""Speed figures of the music activity, for `expressive bench`: a MIDI key pressed to its
voice started in the mixer, and saving a minute of playing."""

from __future__ import annotations

import logging
import random
import time

import mido

from expressive.api import Host, MemoryDrafts
from expressive.api.audio import open_engine
from expressive.api.measure import Figure, percentile
from expressive.api.midi import FakeMidiInput
from expressive.lib.music.performance import KeyEvent, Performance


def midi_to_sound_figures(activity_class, presses: int, sound_output) -> list[Figure]:
    """A MIDI note-on arriving, through the MIDI handler of the music activity
    (`activity_class`), to its voice started in the mixer: the software part, measured per
    note; the output buffer adds its own fixed latency on top. `sound_output()` gives the
    engine and names its output."""
    engine, output = sound_output()
    started_voices: list[float] = []
    play = engine.note_on

    def note_on_and_time(note, velocity, instrument):
        play(note, velocity, instrument)
        started_voices.append(time.perf_counter())

    engine.note_on = note_on_and_time
    midi = FakeMidiInput()

    class BenchMedia:
        def audio(self):
            return engine

        def midi(self):
            return midi

    activity = activity_class(Host(drafts=MemoryDrafts(), logger=logging.getLogger("bench.music"), media=BenchMedia()))
    activity.start()
    engine.prepare("piano", wait=True)
    midi.plug("Bench keyboard")
    delays = []
    pause = random.Random(5)
    try:
        for press in range(presses):
            note = 48 + (press * 7) % 37
            arrived = time.perf_counter()
            midi.send("Bench keyboard", mido.Message("note_on", note=note, velocity=100), at=arrived)
            midi.flush()
            delays.append(started_voices[-1] - arrived)
            midi.send("Bench keyboard", mido.Message("note_off", note=note))
            time.sleep(pause.uniform(0.005, 0.04))  # a player's pace, 25 to 200 notes a second
    finally:
        activity.finish()
        engine.close()
    p50, p99 = percentile(delays, 0.5), percentile(delays, 0.99)
    buffer = engine.buffer_latency()
    return [
        Figure("midi_note_on_to_voice_p50", p50 * 1000, "ms", 10.0 - buffer * 1000,
               f"software part, median of {presses} notes, on {output}"),
        Figure("midi_note_on_to_voice_p99", p99 * 1000, "ms", 10.0 - buffer * 1000,
               "software part, 99th percentile; budget: 10 ms less the buffer"),
        Figure("midi_note_on_jitter", (p99 - p50) * 1000, "ms", 3.0, "p99 - p50 of the software part"),
        Figure("audio_buffer_latency", buffer * 1000, "ms", 10.0,
               f"{engine.buffer_frames} frames at {engine.sample_rate} Hz"),
        Figure("midi_note_on_to_sound_p99", (p99 + buffer) * 1000, "ms", 10.0, "software p99 plus the output buffer"),
    ]


def save_figures(drafts_for) -> list[Figure]:
    """Saving a recording: rendering a minute of busy playing offline and writing its files
    (`drafts_for(performance, engine, sound_name)`, as the activity's Done does)."""
    keys = []
    for step in range(8 * 60):
        note = 55 + (step * 5) % 24
        keys += [KeyEvent(step / 8, note, 90, "piano"), KeyEvent(step / 8 + 0.3, note, 0, "piano")]
    minute = Performance(tuple(keys), (), 60.0, "Bench")
    engine = open_engine("silent")
    drafts_for(minute, engine, "bench")  # the samples rendered once, as in a session
    started = time.perf_counter()
    drafts_for(minute, engine, "bench")
    elapsed = time.perf_counter() - started
    engine.close()
    return [Figure("music_save_one_minute", elapsed, "s", 2.0,
                   "MIDI file, WAV rendered offline and piano roll for 60 s of playing (480 notes)")]
