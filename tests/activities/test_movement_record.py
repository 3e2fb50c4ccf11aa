"""What is kept of a movement: the painting, the silhouette, the features file, the plot
and the summary, on generated masks and feature sequences with known motion."""

import io
import json

import numpy as np
import pytest
from PIL import Image

from expressive.activities.movement.features import Features
from expressive.activities.movement.painting import PAPER, TrailPainter, silhouette_image
from expressive.activities.movement.record import (
    FORMAT_NAME,
    MOVEMENT_COLOUR,
    PLACE_COLOUR,
    SAMPLES_PER_SECOND,
    SPEED_COLOUR,
    SPREAD_COLOUR,
    MovementRecord,
)
from expressive.activities.movement.zones import ZoneEvent, zone_layout

HEIGHT, WIDTH = 480, 640
PAPER_BYTES = tuple(round(255 * channel) for channel in PAPER)


def blob(column: int, row: int = 240, radius: int = 30) -> np.ndarray:
    mask = np.zeros((HEIGHT, WIDTH), np.uint8)
    mask[row - radius : row + radius, column - radius : column + radius] = 255
    return mask


def painted(pixels: np.ndarray) -> np.ndarray:
    return np.any(pixels != PAPER_BYTES, axis=2)


# --- the painting --------------------------------------------------------------------


def test_a_blob_moving_across_leaves_a_trail_along_its_path_and_nothing_elsewhere():
    painter = TrailPainter(mirrored=False)
    for frame, column in enumerate(range(100, 541, 10)):
        painter.add(blob(column), frame / 30)
    trail = painted(painter.pixels())
    assert trail[210:270, 70:570].all()
    assert not trail[:210].any() and not trail[270:].any()
    assert not trail[:, :70].any() and not trail[:, 570:].any()


def test_the_painting_is_mirrored_so_the_clients_left_is_on_the_left():
    # The client's left hand is on the camera's right.
    left_hand = blob(WIDTH - 60)
    mirrored, plain = TrailPainter(), TrailPainter(mirrored=False)
    for painter in (mirrored, plain):
        painter.add(left_hand, 0.0)
    assert painted(mirrored.pixels())[:, : WIDTH // 2].any() and not painted(mirrored.pixels())[:, WIDTH // 2 :].any()
    assert painted(plain.pixels())[:, WIDTH // 2 :].any() and not painted(plain.pixels())[:, : WIDTH // 2].any()
    assert np.array_equal(np.asarray(mirrored.image()), mirrored.pixels())


def test_colours_change_with_time_and_older_strokes_remain():
    painter = TrailPainter(mirrored=False)
    for frame in range(10):
        painter.add(blob(100), frame / 30)
        painter.add(blob(500), 20 + frame / 30)
    pixels = painter.pixels()
    assert tuple(pixels[240, 100]) != tuple(pixels[240, 500])
    assert painted(pixels)[240, 100] and painted(pixels)[240, 500]


def test_a_motion_history_paints_only_where_it_moved_lately():
    history = np.zeros((HEIGHT, WIDTH), np.float32)
    history[:, :100] = 0.3  # moved a while ago
    history[:, 300:400] = 1.0  # moved just now
    painter = TrailPainter(mirrored=False)
    painter.add(history, 0.0)
    trail = painted(painter.pixels())
    assert trail[:, 300:400].all() and not trail[:, :300].any() and not trail[:, 400:].any()


def test_masks_of_another_size_are_scaled_to_the_canvas():
    painter = TrailPainter(size=(320, 240), mirrored=False)
    painter.add(blob(320), 0.0)
    trail = painted(painter.pixels())
    assert trail.shape == (240, 320) and trail[120, 160] and not trail[0, 0]


def test_the_painting_saves_as_png_at_any_size():
    painter = TrailPainter()
    painter.add(blob(320), 0.0)
    assert Image.open(io.BytesIO(painter.png())).size == (WIDTH, HEIGHT)
    assert Image.open(io.BytesIO(painter.png((320, 240)))).size == (320, 240)


def test_the_silhouette_has_two_colours_and_nothing_of_the_camera_frame():
    frame = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    frame[:] = (13, 201, 77)  # a distinctive room colour
    frame[100:400, 250:390] = (201, 13, 177)  # and a distinctive body colour
    # What the analysis hands over: only where the body is.
    silhouette = np.all(frame == (201, 13, 177), axis=2).astype(np.uint8) * 255
    picture = silhouette_image(silhouette, colour=(0.2, 0.4, 0.6))
    colours = {tuple(int(channel) for channel in colour) for colour in picture.reshape(-1, 3)}
    assert colours == {PAPER_BYTES, (51, 102, 153)}
    assert (13, 201, 77) not in colours and (201, 13, 177) not in colours
    assert picture.shape == (HEIGHT, WIDTH, 3)


def test_the_silhouette_is_mirrored_as_the_client_sees_it():
    silhouette = np.zeros((HEIGHT, WIDTH), np.uint8)
    silhouette[:, WIDTH - 100 :] = 255  # the client's left side, on the camera's right
    body = np.any(silhouette_image(silhouette) != PAPER_BYTES, axis=2)
    assert body[:, :100].all() and not body[:, 100:].any()


# --- the features record -------------------------------------------------------------


def burst_record(seconds: float = 10.0, fps: int = 30) -> MovementRecord:
    """Still but for a burst of movement between 2 and 4 seconds: a fifth of the picture
    moving, spanning half of it, on the client's left, at half a picture width a second."""
    record = MovementRecord("zones", zone_layout(4))
    for frame in range(round(seconds * fps)):
        time = frame / fps
        if 2 <= time < 4:
            record.add(Features(time, 0.2, 0.5, (0.8, 0.4), 0.5))
        else:
            record.add(Features(time, 0.0, 0.0, None, 0.0))
    return record


def test_features_are_kept_ten_times_a_second():
    record = burst_record()
    assert len(record.features) == 10 * SAMPLES_PER_SECOND
    assert record.duration == pytest.approx(10 - 1 / 30, abs=0.001)


def test_the_features_file_reads_back_as_the_same_record():
    record = MovementRecord("continuous", scale="blues", instrument="strings")
    rng = np.random.default_rng(3)
    for frame in range(200):
        centroid = None if frame % 17 == 0 else tuple(rng.random(2))
        record.add(Features(frame / 30 + 1e-7, *rng.random(2), centroid, rng.random() * 2))
    record.add_events([ZoneEvent(0.5, 48, 90, "strings"), ZoneEvent(0.9, 48, 0, "strings")])
    data = record.to_json()
    document = json.loads(data)
    assert document["format"] == FORMAT_NAME and document["version"] == 1
    assert document["settings"] == {"mode": "continuous", "scale": "blues", "instrument": "strings", "zones": []}
    again = MovementRecord.from_json(data)
    assert again.features == record.features
    assert again.summary() == record.summary()
    assert again.to_json() == data


def test_the_zones_and_their_sensitivity_are_kept():
    zones = zone_layout(3, arrangement="ring", sensitivity=0.8)
    record = MovementRecord("zones", zones)
    record.add(Features(0.0, 0.1, 0.2, (0.5, 0.5), 0.0))
    again = MovementRecord.from_json(record.to_json())
    assert again.zones == tuple(zones) and again.mode == "zones"


def test_another_file_is_refused():
    with pytest.raises(ValueError, match=FORMAT_NAME):
        MovementRecord.from_json(json.dumps({"format": "expressive-drawing", "version": 1}))


def test_the_summary_tells_how_much_where_and_when_the_client_moved():
    record = burst_record()
    record.add_events([ZoneEvent(2.1, 60, 100, "marimba", 0), ZoneEvent(2.5, 60, 0, "marimba", 0)])
    record.add_events([ZoneEvent(3.0, 64, 90, "marimba", 2), ZoneEvent(3.4, 67, 80, "marimba", 3)])
    summary = record.summary()
    assert summary["duration"] == pytest.approx(9.967, abs=0.001)
    assert summary["moving_share"] == pytest.approx(2 / 9.967, abs=0.01)
    assert summary["peak_quantity"] == pytest.approx(0.2)
    assert summary["peak_time"] == pytest.approx(2.0)
    start, end = summary["busiest"]
    assert start == pytest.approx(2.0, abs=0.15) and end == pytest.approx(4.0, abs=0.15)
    assert summary["widest_expansiveness"] == pytest.approx(0.5)
    assert summary["mean_expansiveness"] == pytest.approx(0.5 * 2 / 9.967, abs=0.01)
    assert summary["travel"] == pytest.approx(1.0, abs=0.02)  # half a width a second for 2 s
    assert summary["side"] == "left"  # camera x 0.8 is the client's left
    assert summary["notes_played"] == 3
    text = record.summary_text()
    expected = ("10 seconds", "from 0:02 to 0:04", "20% of the picture", "1.0 picture widths", "their left", "3 notes")
    for words in expected:
        assert words in text


def test_a_still_client_is_told_in_plain_words():
    record = MovementRecord("silent")
    for frame in range(90):
        record.add(Features(frame / 30, 0.0, 0.0, None, 0.0))
    assert record.summary()["busiest"] is None
    assert record.summary_text() == "3 seconds of movement. The client kept still: no movement was seen."


def colour_pixels(picture: Image.Image, colour) -> int:
    target = np.array([round(255 * channel) for channel in colour], np.uint8)
    return int(np.all(np.asarray(picture) == target, axis=2).sum())


@pytest.mark.parametrize("size", [(1600, 900), (320, 240)])
def test_the_plot_draws_each_series_in_its_colour(size):
    record = burst_record()
    picture = Image.open(io.BytesIO(record.plot_png(size)))
    assert picture.size == size
    # Each line, beyond its legend swatch, in the plot area.
    legend_height = size[1] // 5
    plot_area = picture.crop((0, legend_height, size[0], size[1]))
    for colour in (MOVEMENT_COLOUR, SPREAD_COLOUR, SPEED_COLOUR, PLACE_COLOUR):
        assert colour_pixels(plot_area, colour) > size[0] // 20, colour


def test_the_features_files_of_an_artifact():
    files = burst_record().files()
    assert set(files) == {"features.json", "features.png"}
    assert Image.open(io.BytesIO(files["features.png"])).size == (1600, 900)


def test_an_empty_record_still_plots_and_summarises():
    record = MovementRecord()
    assert Image.open(io.BytesIO(record.plot_png((320, 240)))).size == (320, 240)
    assert "No notes played" in record.summary_text()
