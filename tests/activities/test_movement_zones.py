"""Sound zones and the continuous voice, on generated masks with known motion."""

import numpy as np
import pytest

from expressive.activities.movement.features import Features
from expressive.activities.movement.zones import (
    MOVEMENT_SOURCE,
    RELEASE_HOLD,
    RETRIGGER_INTERVAL,
    ContinuousVoice,
    SoundZone,
    ZoneEvent,
    ZonePlayer,
    play,
    zone_activity,
    zone_layout,
)
from expressive.lib.music.midifile import to_midi_bytes
from expressive.lib.music.performance import Recorder
from expressive.lib.music.scales import SCALES
from expressive.audio import FakeAudioEngine

HEIGHT, WIDTH = 480, 640
FPS = 30


def blob_mask(view_x: float, view_y: float = 0.5, radius: int = 40) -> np.ndarray:
    """A camera-coordinate mask with a moving blob centred at (view_x, view_y) of the view
    AS THE CLIENT SEES IT: the view is mirrored, so the blob is at 1 - view_x in the camera."""
    mask = np.zeros((HEIGHT, WIDTH), np.uint8)
    column, row = round((1 - view_x) * WIDTH), round(view_y * HEIGHT)
    mask[max(0, row - radius) : row + radius, max(0, column - radius) : column + radius] = 255
    return mask


def noise_mask(share: float, box: tuple[int, int, int, int], rng: np.random.Generator) -> np.ndarray:
    """Random specks over `share` of the camera box (rows from, rows to, columns from, columns to)."""
    mask = np.zeros((HEIGHT, WIDTH), np.uint8)
    row_from, row_to, column_from, column_to = box
    specks = rng.random((row_to - row_from, column_to - column_from)) < share
    mask[row_from:row_to, column_from:column_to] = specks * 255
    return mask


def note_ons(events):
    return [event for event in events if event.is_note_on]


def test_a_blob_crossing_from_the_clients_left_to_right_plays_a_row_in_order_low_to_high():
    zones = zone_layout(5, arrangement="row")
    player = ZonePlayer(zones)
    played = []
    for frame in range(4 * FPS):
        view_x = 0.02 + 0.96 * frame / (4 * FPS - 1)  # left to right as the client sees it
        time = frame / FPS
        played += player.update(time, zone_activity(blob_mask(view_x), zones))
    played += player.release_all(4.0)
    starts = note_ons(played)
    assert [event.zone for event in starts] == [0, 1, 2, 3, 4]
    assert [event.note for event in starts] == [60, 62, 64, 67, 69]
    # Every note that started has stopped.
    assert sorted(event.note for event in played if not event.is_note_on) == [60, 62, 64, 67, 69]


def test_zone_activity_mirrors_the_zones_onto_the_camera_frame():
    left_strip = SoundZone(0.0, 0.0, 0.25, 1.0, (60,))
    # The client's left is the camera's right: a blob at the camera's right edge.
    mask = np.zeros((HEIGHT, WIDTH), np.uint8)
    mask[:, WIDTH - 160 :] = 255
    assert zone_activity(mask, [left_strip]) == [1.0]
    assert zone_activity(mask, [left_strip], mirrored=False) == [0.0]


def test_zone_activity_is_the_moving_share_of_the_zone():
    zone = SoundZone(0.0, 0.0, 0.5, 0.5, (60,))  # view top left = camera top right quarter
    mask = np.zeros((HEIGHT, WIDTH), np.uint8)
    mask[: HEIGHT // 4, WIDTH // 2 :] = 255  # half of that quarter
    assert zone_activity(mask, [zone]) == [pytest.approx(0.5)]


def test_sensitivity_decides_how_much_movement_sounds_a_zone():
    gentle = SoundZone(0.0, 0.0, 0.5, 1.0, (60,), sensitivity=0.9)
    stubborn = SoundZone(0.5, 0.0, 1.0, 1.0, (62,), sensitivity=0.1)
    assert stubborn.threshold > gentle.threshold
    small = 0.05  # 5% of each zone moves
    player = ZonePlayer([gentle, stubborn])
    events = player.update(0.0, [small, small])
    assert [event.note for event in note_ons(events)] == [60]
    # Moving a lot sounds the stubborn zone too.
    assert [event.note for event in note_ons(player.update(0.1, [small, 0.5]))] == [62]


def test_velocity_follows_how_much_moved():
    zone = SoundZone(0.0, 0.0, 1.0, 1.0, (60,))
    soft = note_ons(ZonePlayer([zone]).update(0.0, [zone.threshold * 1.2]))[0].velocity
    loud = note_ons(ZonePlayer([zone]).update(0.0, [zone.threshold * 6]))[0].velocity
    assert 1 <= soft < loud <= 127


def test_hysteresis_keeps_a_noisy_mask_from_chattering():
    zones = zone_layout(4, arrangement="row")
    zone = zones[0]
    camera_box = (0, HEIGHT, WIDTH - WIDTH // 4, WIDTH)  # zone 0 is the camera's right quarter
    rng = np.random.default_rng(7)
    player = ZonePlayer(zones)
    events, crossings, above = [], 0, False
    for frame in range(3 * FPS):
        share = zone.threshold * rng.uniform(0.7, 1.4)
        activities = zone_activity(noise_mask(share, camera_box, rng), zones)
        now_above = activities[0] > zone.threshold
        crossings += now_above != above
        above = now_above
        events += player.update(frame / FPS, activities)
    assert crossings > 20  # the noise really does cross the threshold, again and again
    assert [(event.note, event.velocity > 0) for event in events] == [(zone.notes[0], True)]
    # Still, then: one release after the hold.
    quiet = [player.update(3 + frame / FPS, [0.0] * 4) for frame in range(FPS)]
    releases = [(frame, event) for frame, frame_events in enumerate(quiet) for event in frame_events]
    assert [event.velocity for _, event in releases] == [0]
    assert releases[0][0] / FPS == pytest.approx(RELEASE_HOLD, abs=1.5 / FPS)


def test_a_flickering_zone_strikes_again_at_most_every_retrigger_interval():
    zone = SoundZone(0.0, 0.0, 1.0, 1.0, (60,))
    player = ZonePlayer([zone])
    events = []
    for frame in range(2 * FPS):
        events += player.update(frame / FPS, [0.9 if frame % 2 else 0.0])
    starts = [event.time for event in note_ons(events)]
    assert len(starts) > 2  # each new stroke of a gesture strikes again ...
    assert all(b - a >= RETRIGGER_INTERVAL - 1e-9 for a, b in zip(starts, starts[1:]))  # ... but not faster


def test_zones_sharing_a_note_keep_it_sounding_until_both_let_go():
    first = zone_layout(1, chords=True)[0]
    shared = SoundZone(0.5, 0.0, 1.0, 1.0, first.notes)  # a twin, elsewhere, with the same chord
    player = ZonePlayer([first, shared])
    struck = player.update(0.0, [0.9, 0.0]) + player.update(0.1, [0.9, 0.9])
    # The twin's strike sounds each shared note again: a release then a press.
    assert [(event.note, event.velocity > 0) for event in struck[3:]] == [
        (note, on) for note in first.notes for on in (False, True)
    ]
    letting_go = []
    for frame in range(20):
        letting_go += player.update(0.2 + frame / FPS, [0.0, 0.9])
    assert letting_go == []  # the first zone let go, the twin still holds the notes
    assert player.sounding == (False, True)
    assert [event.note for event in player.release_all(1.0)] == list(first.notes)


@pytest.mark.parametrize("scale", sorted(SCALES))
def test_every_note_played_is_in_the_scale(scale):
    root = 60
    in_scale = {(root + step) % 12 for step in SCALES[scale]}
    layouts = [
        zone_layout(count, scale, arrangement, root, chords)
        for count, arrangement in [(8, "row"), (5, "column"), (7, "grid"), (9, "ring"), (4, "corners")]
        for chords in (False, True)
    ]
    for zones in layouts:
        for zone in zones:
            assert {note % 12 for note in zone.notes} <= in_scale, (scale, zone)
        # Notes rise through the layout.
        assert [zone.notes[0] for zone in zones] == sorted(zone.notes[0] for zone in zones)
    voice = ContinuousVoice(scale, root=48)
    played = []
    for frame in range(10 * FPS):
        quantity = 0.25 * abs(np.sin(frame / 40))
        played += voice.update(frame / FPS, Features(frame / FPS, quantity, 0.3, (0.5, 0.5), 0.1))
    assert len(note_ons(played)) > 5
    assert {event.note % 12 for event in played} <= in_scale


def test_layouts_stay_in_the_view():
    for arrangement in ("row", "column", "grid", "ring", "corners"):
        for count in range(1, 5 if arrangement == "corners" else 13):
            zones = zone_layout(count, arrangement=arrangement)
            assert len(zones) == count
            for zone in zones:
                assert 0 <= zone.left < zone.right <= 1 and 0 <= zone.top < zone.bottom <= 1
    row = zone_layout(3)
    assert [zone.left for zone in row] == sorted(zone.left for zone in row)
    with pytest.raises(ValueError):
        zone_layout(5, arrangement="corners")
    with pytest.raises(ValueError):
        zone_layout(3, arrangement="spiral")


def features(time, quantity):
    return Features(time, quantity, 0.3, (0.5, 0.5) if quantity else None, 0.1)


def test_the_continuous_voice_is_louder_and_higher_with_more_motion_and_silent_when_still():
    voice = ContinuousVoice()
    events = []
    time = 0.0
    for quantity in (0.0, 0.015, 0.04, 0.09, 0.2, 0.0):
        for _ in range(FPS):  # a second at each level
            events += voice.update(time, features(time, quantity))
            time += 1 / FPS
    starts = note_ons(events)
    assert len(starts) == 4
    assert [event.note for event in starts] == sorted({event.note for event in starts})
    assert [event.velocity for event in starts] == sorted({event.velocity for event in starts})
    # The first second was still: nothing sounded until the client moved.
    assert events[0].time == pytest.approx(1.0)
    # Still again: the last note stopped, and nothing sounds.
    assert not events[-1].is_note_on and voice.note is None


def test_the_continuous_voice_keeps_its_note_while_the_level_wavers():
    voice = ContinuousVoice()
    events = []
    for frame in range(3 * FPS):
        quantity = 0.05 * (1 + 0.08 * (-1) ** frame)  # +-8% around one level
        events += voice.update(frame / FPS, features(frame / FPS, quantity))
    assert len(events) == 1 and events[0].is_note_on


def test_the_recording_gets_the_notes_the_engine_got():
    zones = zone_layout(3, chords=True)
    player = ZonePlayer(zones)
    engine, recorder = FakeAudioEngine(), Recorder()
    recorder.start()
    for frame in range(2 * FPS):
        view_x = frame / (2 * FPS)
        play(player.update(frame / FPS, zone_activity(blob_mask(view_x, radius=90), zones)), engine, recorder)
    play(player.release_all(2.0), engine, recorder)
    take = recorder.stop()
    sounded = [(args[0], args[1], args[2]) for _, call, args in engine.calls if call == "note_on"]
    stopped = [(args[0], args[1]) for _, call, args in engine.calls if call == "note_off"]
    assert len(sounded) >= 9
    assert [(key.note, key.velocity, key.instrument) for key in take.keys if key.velocity] == sounded
    assert [(key.note, key.instrument) for key in take.keys if not key.velocity] == stopped
    assert take.sources() == [MOVEMENT_SOURCE]
    assert to_midi_bytes(take).startswith(b"MThd")


def test_playing_without_an_engine_still_records():
    recorder = Recorder()
    recorder.start()
    play([ZoneEvent(0.0, 60, 100, "marimba", 0), ZoneEvent(0.5, 60, 0, "marimba", 0)], None, recorder)
    take = recorder.stop()
    assert [(key.note, key.velocity) for key in take.keys] == [(60, 100), (60, 0)]


@pytest.mark.parametrize("count", [3, 5, 8])
def test_a_child_tells_zones_apart_by_colour_and_picture_both_readable(count):
    # The yellow of E on the pale paper was unreadable; note names are not for a child.
    from expressive.activities.movement.painting import PAPER
    from expressive.activities.movement.zone_look import zone_colour, zone_picture
    from expressive.lib.contrast import CONTROL_CONTRAST, TEXT_CONTRAST, contrast_ratio
    from expressive.lib.fonts import is_icon_name

    pictures = [zone_picture(index) for index in range(count)]
    assert len(set(pictures)) == count and all(is_icon_name(picture) for picture in pictures)
    for scale in SCALES:
        for zone in zone_layout(count, scale):
            colour = zone_colour(zone)
            assert contrast_ratio(colour, PAPER) >= CONTROL_CONTRAST, f"{zone.label}'s outline on the paper"
            assert contrast_ratio(colour, (1, 1, 1)) >= TEXT_CONTRAST, f"{zone.label}'s picture on its white badge"
