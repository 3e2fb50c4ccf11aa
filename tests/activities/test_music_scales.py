"""Note names and colours, the keyboard with no wrong notes, the small piano, the drum pads."""

import json

import pytest

from expressive.activities.music.keyboard import DRUM_PADS, piano_keys
from expressive.lib.music.scales import DEFAULT_SCALE, PITCH_CLASS_COLOURS, SCALES, colour_for_note, keys_for_scale, note_name
from expressive.resources import ASSETS_DIR


def test_notes_are_named_the_scientific_way_with_sharps_or_flats():
    assert note_name(60) == "C4"
    assert note_name(61) == "C#4"
    assert note_name(61, flats=True) == "D♭4"
    assert note_name(69) == "A4"
    assert note_name(21) == "A0"
    assert note_name(70, octave=False) == "A#"


def test_each_pitch_class_has_its_own_colour_and_octaves_share_it():
    assert len(set(PITCH_CLASS_COLOURS)) == 12
    assert colour_for_note(60) == colour_for_note(72) == PITCH_CLASS_COLOURS[0]
    red, green, blue = colour_for_note(60)
    assert red > 0.8 and green < 0.2  # C is red, as on Boomwhackers
    assert all(0 <= channel <= 1 for colour in PITCH_CLASS_COLOURS for channel in colour)


def test_the_default_keyboard_plays_the_major_pentatonic_scale():
    assert DEFAULT_SCALE == "pentatonic"
    assert keys_for_scale() == [60, 62, 64, 67, 69, 72, 74, 76]


@pytest.mark.parametrize(
    "scale, root, expected",
    [
        ("major", 60, [60, 62, 64, 65, 67, 69, 71, 72]),
        ("minor", 57, [57, 59, 60, 62, 64, 65, 67, 69]),
        ("blues", 60, [60, 63, 65, 66, 67, 70, 72, 75]),
    ],
)
def test_the_nth_key_plays_the_nth_note_of_the_scale(scale, root, expected):
    assert keys_for_scale(scale, root, 8) == expected


def test_every_key_of_every_scale_is_in_the_scale():
    for name, intervals in SCALES.items():
        for note in keys_for_scale(name, 62, 20):
            assert (note - 62) % 12 in intervals


def test_a_keyboard_beyond_the_midi_notes_is_refused():
    with pytest.raises(ValueError):
        keys_for_scale("major", 120, 10)


def test_one_octave_of_piano_is_eight_white_keys_and_five_black_ones():
    keys = piano_keys(1)
    assert [key.note for key in keys] == list(range(60, 73))
    whites = [key for key in keys if not key.is_black]
    blacks = [key for key in keys if key.is_black]
    assert [key.name for key in whites] == ["C4", "D4", "E4", "F4", "G4", "A4", "B4", "C5"]
    assert [key.x for key in whites] == list(range(8))
    assert [key.name for key in blacks] == ["C#4", "D#4", "F#4", "G#4", "A#4"]
    # A black key straddles the gap between its white neighbours.
    c_sharp = blacks[0]
    assert c_sharp.x < 1 < c_sharp.x + c_sharp.width


def test_two_octaves_from_another_c():
    keys = piano_keys(2, lowest=48)
    assert (keys[0].note, keys[-1].note, len(keys)) == (48, 72, 25)
    assert sum(not key.is_black for key in keys) == 15
    with pytest.raises(ValueError):
        piano_keys(3)
    with pytest.raises(ValueError):
        piano_keys(1, lowest=61)


def test_eight_drum_pads_with_general_midi_notes_and_icons_that_exist():
    assert len(DRUM_PADS) == 8
    by_id = {pad.id: pad for pad in DRUM_PADS}
    assert by_id["kick"].note == 36 and by_id["snare"].note == 38
    assert by_id["closed_hat"].note == 42 and by_id["crash"].note == 49
    assert len({pad.note for pad in DRUM_PADS}) == 8
    with open(ASSETS_DIR / "icons" / "mdi-codepoints.json", encoding="utf-8") as handle:
        icons = json.load(handle)
    assert all(pad.icon in icons for pad in DRUM_PADS)
