"""The piano-roll picture: bars where the notes are, in their colours, drums below."""

import io

from PIL import Image

from expressive.lib.music.performance import Note
from expressive.activities.music.pianoroll import PAPER, RollLayout, opacity, piano_roll_image, piano_roll_png
from expressive.lib.music.scales import colour_for_note
from expressive.midi.colours import SourceColours


def scale(source="screen", velocity=127):
    return [Note(i * 0.5, i * 0.5 + 0.5, note, velocity, "piano", source) for i, note in enumerate([60, 62, 64, 65, 67, 69, 71, 72])]


def pixel_at(image, layout, note):
    top, bottom = layout.pitch_band(note.note)
    x = (layout.x(note.start) + layout.x(note.end)) / 2
    return image.getpixel((int(x), int((top + bottom) / 2 - 0.5)))


def rgb255(colour):
    return tuple(round(255 * channel) for channel in colour)


def test_a_thumbnail_is_a_png_of_the_asked_size():
    png = piano_roll_png(scale())
    image = Image.open(io.BytesIO(png))
    assert (image.format, image.size) == ("PNG", (320, 240))


def test_each_note_is_a_bar_of_its_pitch_colour_where_it_was_played():
    notes = scale()
    image = piano_roll_image(notes, (320, 240))
    layout = RollLayout.for_notes(notes, (320, 240))
    for note in notes:
        assert pixel_at(image, layout, note) == rgb255(colour_for_note(note.note))
    # Higher notes are higher up, later notes further right.
    assert layout.pitch_band(72)[0] < layout.pitch_band(60)[0]
    assert layout.x(notes[-1].start) > layout.x(notes[0].start)
    # Before the second note starts, its row is bare.
    second = notes[1]
    top, bottom = layout.pitch_band(second.note)
    assert image.getpixel((int(layout.x(0.25)), int((top + bottom) / 2))) != rgb255(colour_for_note(second.note))


def test_softer_notes_are_fainter():
    loud = piano_roll_image(scale(velocity=127))
    soft = piano_roll_image(scale(velocity=20))
    layout = RollLayout.for_notes(scale(), (320, 240))
    note = scale()[0]
    assert pixel_at(loud, layout, note) != pixel_at(soft, layout, note)
    assert opacity(1) < opacity(64) < opacity(127) == 1.0


def test_two_players_are_drawn_in_their_own_colours():
    therapist = [Note(0.0, 1.0, 60, 127, "piano", "Therapist keys")]
    client = [Note(1.0, 2.0, 67, 127, "marimba", "screen")]
    colours = SourceColours()
    image = piano_roll_image(therapist + client, (320, 240), source_colours=colours)
    layout = RollLayout.for_notes(therapist + client, (320, 240))
    assert pixel_at(image, layout, therapist[0]) == rgb255(colours.colour("Therapist keys"))
    assert pixel_at(image, layout, client[0]) == rgb255(colours.colour("screen"))


def test_drums_have_a_lane_of_their_own_below_the_notes():
    notes = scale() + [Note(1.0, 1.1, 36, 127, "drums", "screen"), Note(2.0, 2.1, 38, 127, "drums", "screen")]
    layout = RollLayout.for_notes(notes, (320, 240))
    kick_top, kick_bottom = layout.drum_band(36)
    snare_top, _ = layout.drum_band(38)
    assert layout.pitch_band(60)[1] <= layout.lane_top <= snare_top < kick_top < kick_bottom <= 240
    image = piano_roll_image(notes, (320, 240))
    assert image.getpixel((int(layout.x(1.02)), int((kick_top + kick_bottom) / 2))) != PAPER


def test_one_note_is_not_a_wall_and_the_roll_spans_the_take():
    single = [Note(0.0, 1.0, 60, 100, "piano", "screen")]
    layout = RollLayout.for_notes(single, (320, 240), duration=4.0)
    top, bottom = layout.pitch_band(60)
    assert bottom - top <= 240 / 12
    assert layout.x(1.0) == 80


def test_an_empty_take_gives_plain_paper():
    image = Image.open(io.BytesIO(piano_roll_png([], (200, 100))))
    assert image.size == (200, 100)
    colours = {colour for _, colour in image.convert("RGB").getcolors(maxcolors=10_000)}
    assert PAPER in colours and len(colours) <= 3  # paper, black-key rows, an octave line
