"""Each source of notes keeps one colour, and two players never share one."""

import itertools
import subprocess
import sys
from pathlib import Path

from expressive.midi import SCREEN_SOURCE, SOURCE_COLOURS, SourceColours, colour_for_source


def test_the_screen_has_the_first_colour_and_devices_the_next_in_order_seen():
    colours = SourceColours()
    assert colours.colour(SCREEN_SOURCE) == colour_for_source(0)
    assert colours.colour("Therapist keys") == colour_for_source(1)
    assert colours.colour("Client pads") == colour_for_source(2)
    assert colours.colour("Therapist keys") == colour_for_source(1)


def test_known_sources_can_be_given_in_their_order():
    colours = SourceColours(["Roland", SCREEN_SOURCE, "Pads"])
    assert [colours.index(source) for source in (SCREEN_SOURCE, "Roland", "Pads")] == [0, 1, 2]


def test_the_first_colours_are_clearly_different():
    for first, second in itertools.combinations(SOURCE_COLOURS, 2):
        assert sum(abs(a - b) for a, b in zip(first, second)) > 0.3
    assert all(0 <= channel <= 1 for colour in SOURCE_COLOURS for channel in colour)
    assert colour_for_source(len(SOURCE_COLOURS)) == colour_for_source(0)


def test_the_midi_service_and_the_music_model_import_no_kivy():
    modules = [
        "expressive.midi",
        "expressive.midi.mido_input",
        "expressive.lib.music.performance",
        "expressive.lib.music.midifile",
        "expressive.lib.music.scales",
        "expressive.activities.music.pianoroll",
    ]
    code = f"import sys\nfor m in {modules!r}: __import__(m)\nprint('kivy' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[2]
    )
    assert result.stdout.strip() == "False"
