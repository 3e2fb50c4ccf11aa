"""Benchmarks of the audio engine, for `expressive bench`.

Note-on latency here is the software part: from the note_on call arriving to the voice
started (pygame's `Channel.play` returned, the channel busy). The output buffer adds
`engine.buffer_latency()` on top, reported beside it; the device and its driver add
their own, which no software clock on this side can see.
"""

from __future__ import annotations

import random
import statistics
import time

from expressive.audio.engine import AudioEngine, MixerEngine
from expressive.audio.instruments import NoteEvent


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure_note_on_latency(engine: AudioEngine, presses: int, instrument: str = "piano") -> dict:
    """Press and release keys `presses` times, 5-40 ms apart at random like a player,
    with the instrument's samples prepared first (the first press of a key is measured
    by `measure_first_note`).

    Returns seconds: "p50", "p99", "jitter" (p99 - p50: how much later than usual a
    slow note-on starts), "buffer" (the output buffer's latency), "to_sound_p99"
    (p99 + buffer) and "stdev".
    """
    engine.prepare(instrument, wait=True)
    chooser = random.Random(1)
    timings = []
    held: list[int] = []
    for press in range(presses):
        note = 48 + (press * 7) % 37
        started = time.perf_counter()
        engine.note_on(note, 100, instrument)
        timings.append(time.perf_counter() - started)
        held.append(note)
        if isinstance(engine, MixerEngine) and not engine.sounding_voices():
            raise RuntimeError("note_on returned without starting a voice")
        if len(held) > 3:
            engine.note_off(held.pop(0), instrument)
        time.sleep(chooser.uniform(0.005, 0.040))
    engine.all_notes_off()
    p50, p99 = _percentile(timings, 0.5), _percentile(timings, 0.99)
    return {
        "p50": p50,
        "p99": p99,
        "jitter": p99 - p50,
        "stdev": statistics.pstdev(timings),
        "buffer": engine.buffer_latency(),
        "to_sound_p99": p99 + engine.buffer_latency(),
    }


def measure_first_note(engine: AudioEngine, instrument: str = "strings", note: int = 127) -> float:
    """Seconds for a note-on whose sample is not rendered yet (the worst case a player
    meets when pressing a key before `prepare` reached it)."""
    started = time.perf_counter()
    engine.note_on(note, 127, instrument)
    elapsed = time.perf_counter() - started
    engine.note_off(note, instrument)
    return elapsed


def measure_rendering_speed(engine: AudioEngine, seconds: float = 20.0) -> float:
    """How many times faster than real time `render` mixes a busy performance (four
    instruments, eight notes a second), samples already rendered."""
    events = []
    for step in range(int(seconds * 8)):
        name = ("piano", "marimba", "bells", "drums")[step % 4]
        note = 36 + step % 10 if name == "drums" else 55 + (step * 5) % 24
        events += [NoteEvent(step / 8, note, 100, name), NoteEvent(step / 8 + 0.3, note, 0, name)]
    engine.render(events)
    started = time.perf_counter()
    engine.render(events)
    return seconds / (time.perf_counter() - started)
