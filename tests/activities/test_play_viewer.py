"""A sandtray in the portfolio, driven by touches: the replay of how the world was built
(Play, 4x, the scrubber, a therapist's mark), the list of its figures, the figures saved
with the tray, and a damaged log said plainly over the picture."""

import dataclasses
import io

import pytest
from PIL import Image

from expressive import i18n
from expressive.activities.play.activity import PlayActivity, draft_from_log
from expressive.activities.play.tray import TRAY_HEIGHT, TRAY_WIDTH, TrayLog
from expressive.activities.play.viewer import DamagedTray, FigureRow, TrayViewer
from expressive.api import ArtifactDraft, ArtifactView
from expressive.lib.figures import FigureLibrary, figure_from_png
from expressive.tools.driver import advance_frames, drag, tap, type_into
from expressive.tools.layout import problems_on
from expressive.ui.replay import MarkNoteDialog, MarkTick
from tests_support import StoppedClock

MAGENTA = (255, 0, 255)


@pytest.fixture(scope="module")
def demo_draft():
    (draft,) = PlayActivity.demo_drafts(0)
    return draft


@pytest.fixture
def show(window):
    """Shows the viewer of a draft as the portfolio would, in the whole window."""
    shown = []

    def show_draft(draft, save_marks=None):
        viewer = PlayActivity.viewer(ArtifactView.of_draft(draft, "play"), save_marks)
        window.add_widget(viewer)
        shown.append(viewer)
        advance_frames(3)
        return viewer

    yield show_draft
    for viewer in shown:
        if hasattr(viewer, "stop"):
            viewer.stop()
        window.remove_widget(viewer)
    advance_frames(1)


def figures_shown_at(viewer: TrayViewer, t: float) -> int:
    return len(viewer.frames.log.state_at(t).figures_in_order())


def test_play_at_4x_and_the_scrubber_shows_the_world_being_built(show, demo_draft):
    viewer = show(demo_draft)
    replay = viewer.replay
    assert replay.position == replay.duration > 120, "it opens on the finished tray"
    assert replay.picture is not None
    clock = replay.now = StoppedClock(100.0)

    tap(replay.ids.fast)
    assert (replay.speed, replay.position) == (4, 0), "Play at the end starts again from the beginning"
    clock.now += 5
    for _ in range(200):
        if replay.position > 0:
            break
        advance_frames(1)
    assert replay.position == pytest.approx(20.0)
    tap(replay.ids.fast)
    assert replay.speed == 0

    scrubber = replay.ids.scrubber
    at_start = scrubber.to_window(scrubber.x + scrubber.padding, scrubber.center_y)
    drag([scrubber.to_window(scrubber.center_x, scrubber.center_y), at_start])
    assert replay.position == pytest.approx(0, abs=0.5)
    early_picture = replay.picture.pixels
    assert figures_shown_at(viewer, replay.position) < figures_shown_at(viewer, replay.duration)
    tap(replay.ids.end)
    assert replay.position == replay.duration
    advance_frames(2)
    assert replay.picture.pixels != early_picture, "the screen shows the finished tray again"


def test_a_mark_is_saved_and_shown_as_a_tick_that_jumps_back(show, demo_draft, window):
    saved = []

    def save_marks(marks):
        saved.append(marks)
        return tuple(marks)

    viewer = show(demo_draft, save_marks)
    replay = viewer.replay
    replay.seek(replay.duration / 2)
    tap(replay.ids.mark)
    (dialog,) = [child for child in window.children if isinstance(child, MarkNoteDialog)]
    type_into(dialog.ids.note, "buried the dragon by the river")
    tap(dialog.ids.save)
    ((mark,),) = saved
    assert mark["note"] == "buried the dragon by the river"
    assert mark["t"] == pytest.approx(replay.duration / 2, abs=0.001)
    (tick,) = [child for child in replay.ids.ticks.children if isinstance(child, MarkTick)]
    tap(replay.ids.end)
    tap(tick)
    assert replay.position == pytest.approx(mark["t"], abs=0.001)
    assert "buried the dragon by the river" in replay.shown_note


def test_without_save_marks_nothing_can_be_marked(show, demo_draft):
    replay = show(demo_draft).replay
    assert not replay.can_mark and replay.ids.mark.disabled


def test_the_figure_list_names_the_first_and_last_placed_the_buried_and_the_taken_away(show, demo_draft):
    viewer = show(demo_draft)
    rows = [row for row in viewer.ids.figure_rows.children[::-1] if isinstance(row, FigureRow)]
    assert [row.facts.order for row in rows] == list(range(1, len(rows) + 1))
    first, last = rows[0], rows[-1]
    assert first.heading == "1. house" and "placed first" in first.details
    assert last.heading.endswith("red heart") and "placed last" in last.details
    (dragon,) = [row for row in rows if row.heading.endswith("dragon")]
    assert "50% buried" in dragon.details
    (ghost,) = [row for row in rows if row.heading.endswith("ghost")]
    assert "taken away" in ghost.details
    assert not any("racing car" in row.heading for row in rows), "a figure undone was never on the tray"
    assert "top right" in first.details, "where it stands, in words"


def test_a_damaged_log_is_said_plainly_over_the_picture(show, demo_draft):
    files = {**demo_draft.files, "tray.json": demo_draft.files["tray.json"][:-40]}
    viewer = show(dataclasses.replace(demo_draft, files=files))
    assert isinstance(viewer, DamagedTray)
    assert viewer.ids.message.text == (
        "The record of how this tray was built is damaged, so it cannot be replayed. Here is the picture.")
    assert viewer.picture is not None and tuple(viewer.picture.size) == (TRAY_WIDTH, TRAY_HEIGHT)


def test_a_log_of_another_kind_is_damaged_too(show, demo_draft):
    files = {**demo_draft.files, "tray.json": b'{"format": "expressive-drawing", "version": 1}'}
    assert isinstance(show(dataclasses.replace(demo_draft, files=files)), DamagedTray)


def square_png(colour) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (64, 64), (*colour, 255)).save(out, format="PNG")
    return out.getvalue()


def own_figure_tray(picture: bytes) -> ArtifactDraft:
    """A tray with one figure of the therapist's own, a magenta square, in the middle."""
    figure = figure_from_png("own:magenta0000000", "my square", square_png(MAGENTA))
    library = FigureLibrary.load()
    library.add(figure)
    log = TrayLog()
    log.figures[figure.key] = {"name": figure.name, "category": figure.category, "source": "own"}
    log.place(figure.key, TRAY_WIDTH / 2, TRAY_HEIGHT / 2, 1.0, scale=2.0)
    draft = draft_from_log(log, library)
    assert "figure-1.png" in draft.files
    return dataclasses.replace(draft, files={**draft.files, "figure-1.png": picture})


def test_a_figure_saved_with_the_tray_is_replayed_from_its_own_file(show):
    viewer = show(own_figure_tray(square_png(MAGENTA)))
    middle = viewer.frames.picture_at(viewer.replay.duration)
    assert middle.getpixel((middle.width // 2, middle.height // 2)) == MAGENTA
    (row,) = [row for row in viewer.ids.figure_rows.children if isinstance(row, FigureRow)]
    assert row.heading == "1. my square"


def test_a_damaged_figure_file_is_drawn_as_missing_and_the_tray_still_replays(show):
    viewer = show(own_figure_tray(b"\x89PNG not really"))
    assert isinstance(viewer, TrayViewer)
    middle = viewer.frames.picture_at(viewer.replay.duration)
    assert middle.getpixel((middle.width // 2, middle.height // 2)) != MAGENTA


def test_a_pause_between_changes_is_one_picture_drawn_at_the_size_shown(show, demo_draft):
    viewer = show(demo_draft)
    frames, events = viewer.frames, viewer.frames.log.events
    area = viewer.replay.ids.picture
    assert max(frames.size[0] - area.width, frames.size[1] - area.height) <= 1, "drawn to fit, not larger"
    gap = next(index for index in range(len(events) - 1) if events[index + 1]["t"] - events[index]["t"] > 1)
    before, after = events[gap]["t"], events[gap + 1]["t"]
    assert frames.picture_at(before + 0.1) is frames.picture_at(after - 0.1)
    assert frames.picture_at(after) is not frames.picture_at(before)



@pytest.mark.parametrize("language", ["en", "en_XA"])
@pytest.mark.parametrize("size", [(1280, 800), (800, 1280), (600, 1024), (1024, 600)])
def test_every_word_and_control_is_whole_and_in_reach_wide_and_upright(window, show, demo_draft, size, language):
    """In the pseudo-locale too, whose words are about 40% longer."""
    before = tuple(window.size)
    window.size = size
    i18n.set_language(language)
    try:
        viewer = show(demo_draft, lambda marks: tuple(marks))
        viewer.replay.add_mark("covered the house")
        advance_frames(3)
        assert (viewer.replay.ids.play.text == "Play") == (language == "en")
        assert not problems_on(viewer, window, 48)
        assert all(isinstance(row, FigureRow) for row in viewer.ids.figure_rows.children)
    finally:
        window.size = before
        i18n.set_language(i18n.SOURCE_LANGUAGE)
