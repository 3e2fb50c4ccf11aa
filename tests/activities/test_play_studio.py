"""The sandtray screen driven by real touches in a (virtual) window."""

import io
import json
import logging

import pytest
from expressive.tools.driver import Finger, advance_frames, drag, tap
from PIL import Image, ImageDraw

from expressive.activities.play.activity import PlayActivity
from expressive.activities.play.render import render_tray
from expressive.activities.play.tray import TRAY_HEIGHT, TRAY_WIDTH, TrayLog
from expressive.activity import Host, MemoryDrafts, MemoryLibrary, Therapist
from tests_support import open_popup_texts, tap_popup_button


def new_activity(complexity="standard", therapist_folder=None, pictures=None):
    host = Host(drafts=MemoryDrafts(), logger=logging.getLogger("test.play"), settings={"complexity": complexity},
                therapist_folder=therapist_folder, pictures=pictures or MemoryLibrary({}))
    return PlayActivity(host)


@pytest.fixture
def activity(request):
    """The play activity at the complexity level the test asks for (indirect), or standard."""
    return new_activity(getattr(request, "param", "standard"))


def show(window, activity):
    studio = activity.build()
    window.add_widget(studio)
    advance_frames(3)
    return studio


def take_down(window, studio):
    for popup in (studio.drawing_chooser, studio.prompt_chooser):
        if popup is not None:
            popup.dismiss(animation=False)
    window.remove_widget(studio)
    advance_frames(1)


@pytest.fixture
def studio(window, activity):
    studio = show(window, activity)
    yield studio
    take_down(window, studio)


def on_tray(studio, u, v):
    """The window point at a fraction (u across, v down) of the tray."""
    tray = studio.tray
    return tray.x + u * tray.width, tray.top - v * tray.height


def at_figure(studio, figure_id, du=0.0, dv=0.0):
    """The window point of a figure's centre, moved by fractions of the tray."""
    placed = studio.tray.state.figures[figure_id]
    return on_tray(studio, placed.x / TRAY_WIDTH + du, placed.y / TRAY_HEIGHT + dv)


def carry(studio, cell, to):
    """Drag a shelf figure onto the tray at the window point `to`, in small steps."""
    start = cell.to_window(*cell.center)
    drag([(start[0] + (to[0] - start[0]) * step / 12, start[1] + (to[1] - start[1]) * step / 12) for step in range(13)])


def choose_shelf(studio, category):
    tap(next(button for button in studio.category_buttons if button.value == category))


def button(studio, label):
    """The button with this label that is on the studio now."""
    return next(widget for widget in studio.walk() if getattr(widget, "text", None) == label)


def shown(studio, label):
    return any(getattr(widget, "text", None) == label for widget in studio.walk())


def on_the_tray(studio):
    return {number: placed for number, placed in studio.log.state_at().figures.items() if not placed.removed}


def picture_of(draft):
    return Image.open(io.BytesIO(draft.files["tray.png"])).convert("RGB")


def test_the_tray_keeps_its_shape_inside_the_window(window, studio):
    tray = studio.tray
    assert tray.width / tray.height == pytest.approx(4 / 3, abs=0.01)
    assert tray.width > window.width * 0.4
    assert studio.x <= tray.x and tray.right <= studio.right
    assert studio.y <= tray.y and tray.top <= studio.top


def test_a_world_built_with_real_touches_is_saved_with_its_log_and_picture(window, activity, studio):
    # Three figures carried from three shelves onto the sand.
    places = [(0.25, 0.3), (0.5, 0.5), (0.75, 0.72)]
    for category, (u, v) in zip(("people", "animals", "nature"), places):
        choose_shelf(studio, category)
        carry(studio, studio.shelf_cells[0], on_tray(studio, u, v))
    figures = on_the_tray(studio)
    assert len(figures) == 3
    first, second, third = sorted(figures)
    for number, (u, v) in zip((first, second, third), places):
        assert (figures[number].x, figures[number].y) == (pytest.approx(u * TRAY_WIDTH, abs=8), pytest.approx(v * TRAY_HEIGHT, abs=8))
        assert figures[number].figure.startswith("noto:")

    # One finger moves the first a tenth of the tray to the right, from wherever it was held.
    drag([at_figure(studio, first, 0.01, 0.01), at_figure(studio, first, 0.06, 0.01), at_figure(studio, first, 0.11, 0.01)])
    moved = on_the_tray(studio)[first]
    assert (moved.x, moved.y) == (pytest.approx(0.35 * TRAY_WIDTH, abs=8), pytest.approx(0.3 * TRAY_HEIGHT, abs=8))

    # Two fingers on the second: the second finger goes round a quarter turn and twice as far.
    a, b = Finger(*at_figure(studio, second, -0.01, 0)), Finger(*at_figure(studio, second, 0.01, 0))
    a.touch_down()
    b.touch_down()
    ax, ay = a.pos
    span = b.pos[0] - ax
    for step in range(1, 11):
        # A quarter circle, its radius growing to twice the fingers' first distance.
        import math

        angle = math.radians(90 * step / 10)
        radius = span * (1 + step / 10)
        b.touch_move(ax + radius * math.cos(angle), ay + radius * math.sin(angle))
    b.touch_up()
    a.touch_up()
    advance_frames(1)
    turned = on_the_tray(studio)[second]
    assert turned.angle == pytest.approx(90, abs=3)
    assert turned.scale == pytest.approx(2, abs=0.1)

    # The third buried halfway, the first flipped, the second taken off and put back.
    tap_figure(studio, third)
    tap(button(studio, "Bury"))
    tap_figure(studio, first)
    tap(button(studio, "Flip"))
    tap_figure(studio, second)
    tap(button(studio, "Take off"))
    assert second not in on_the_tray(studio)
    assert second not in studio.tray.graphics
    tap(button(studio, "Undo"))
    assert second in on_the_tray(studio) and second in studio.tray.graphics
    figures = on_the_tray(studio)
    assert figures[third].buried == 0.5 and figures[first].flipped and not figures[second].flipped

    # A river pushed through the sand at the bottom left, away from every figure.
    tap(button(studio, "Push sand"))
    drag([on_tray(studio, 0.03 + step / 50, 0.92) for step in range(10)])
    sand = studio.log.state_at().sand
    assert sand[int(0.92 * sand.shape[0]), int(0.1 * sand.shape[1])] < 0.5
    assert sand[5, -5] == 1.0

    (draft,) = activity.finish()
    assert draft.kind == "sandtray" and draft.product == "tray.png" and draft.process == "tray.json"
    assert draft.metadata["figures"] == 3
    kinds = [event["type"] for event in json.loads(draft.files["tray.json"])["events"]]
    for kind in ("place", "move", "transform", "bury", "flip", "remove", "undo", "push"):
        assert kind in kinds, kind
    assert kinds.count("place") == 3
    # The picture: figures where they stand, water where the sand was pushed.
    picture = picture_of(draft)
    assert picture.size == (TRAY_WIDTH, TRAY_HEIGHT)
    bare = render_tray(TrayLog().state_at(), activity.library)
    for placed in on_the_tray(studio).values():
        box = (int(placed.x) - 40, int(placed.y) - 40, int(placed.x) + 40, int(placed.y) - 10)
        assert picture.crop(box).tobytes() != bare.crop(box).tobytes()
    red, green, blue = picture.getpixel((int(0.1 * TRAY_WIDTH), int(0.92 * TRAY_HEIGHT)))
    assert blue > red + 40
    assert "thumbnail.png" in draft.files
    assert not [name for name in draft.files if name.startswith("figure-")]  # shipped figures only


def tap_figure(studio, figure_id):
    drag([at_figure(studio, figure_id)])
    assert studio.selected == figure_id


def test_a_tapped_shelf_figure_goes_in_the_middle_and_several_fingers_move_their_own(studio):
    choose_shelf(studio, "animals")
    tap(studio.shelf_cells[0])
    tap(studio.shelf_cells[1])
    first, second = sorted(on_the_tray(studio))
    assert abs(on_the_tray(studio)[first].x - TRAY_WIDTH / 2) < TRAY_WIDTH * 0.2
    assert abs(on_the_tray(studio)[second].y - TRAY_HEIGHT / 2) < TRAY_HEIGHT * 0.25
    before = on_the_tray(studio)
    # Two children, each dragging their own figure at the same time.
    one, other = Finger(*at_figure(studio, first)), Finger(*at_figure(studio, second))
    one.touch_down()
    other.touch_down()
    for _step in range(5):
        one.touch_move(*at_figure(studio, first, -0.02, 0))
        other.touch_move(*at_figure(studio, second, 0, 0.02))
    one.touch_up()
    other.touch_up()
    advance_frames(1)
    after = on_the_tray(studio)
    assert after[first].x < before[first].x - 0.05 * TRAY_WIDTH and after[first].y == pytest.approx(before[first].y, abs=2)
    assert after[second].y > before[second].y + 0.05 * TRAY_HEIGHT and after[second].x == pytest.approx(before[second].x, abs=2)


def test_a_finger_on_bare_sand_moves_nothing_with_the_hand(studio):
    drag([on_tray(studio, 0.1, 0.1), on_tray(studio, 0.3, 0.3)])
    assert studio.log.events == []


def test_smoothing_brings_pushed_sand_back(studio):
    tap(button(studio, "Push sand"))
    stroke = [on_tray(studio, 0.2 + step / 40, 0.5) for step in range(10)]
    drag(stroke)
    row, column = 48, int(0.3 * 128)
    pushed = studio.log.state_at().sand[row, column]
    tap(button(studio, "Smooth sand"))
    for _ in range(3):
        drag(stroke)
    assert studio.log.state_at().sand[row, column] > pushed
    tap(button(studio, "Undo"))
    tap(button(studio, "Undo"))
    tap(button(studio, "Undo"))
    assert studio.log.state_at().sand[row, column] == pytest.approx(pushed)


@pytest.mark.parametrize("activity", ["simple"], indirect=True)
def test_the_simplest_tray_has_big_simple_figures_no_burying_and_only_pushing(activity, studio):
    assert not shown(studio, "Bury")
    assert not shown(studio, "Smooth sand") and shown(studio, "Push sand")
    assert not shown(studio, "Shape")
    assert all(cell.figure.simple for cell in studio.shelf_cells)
    tap(studio.shelf_cells[0])
    (placed,) = on_the_tray(studio).values()
    assert placed.scale == 1.5


@pytest.mark.parametrize("activity", ["full"], indirect=True)
def test_the_full_tray_changes_shape_and_sand_colour(activity, studio):
    tap(button(studio, "Shape"))
    tap(button(studio, "Sand"))
    state = studio.log.state_at()
    assert (state.shape, state.sand_colour) == ("oval", "pale")
    tap(button(studio, "Undo"))
    assert studio.log.state_at().sand_colour == "golden"


def test_a_restored_tray_shows_the_same_figures(window, activity, studio):
    choose_shelf(studio, "vehicles")
    carry(studio, studio.shelf_cells[0], on_tray(studio, 0.3, 0.4))
    carry(studio, studio.shelf_cells[1], on_tray(studio, 0.7, 0.6))
    snapshot = activity.snapshot()
    take_down(window, studio)
    again = new_activity()
    restored = show(window, again)
    try:
        again.restore(snapshot)
        advance_frames(1)
        assert set(restored.tray.graphics) == set(on_the_tray(restored)) == set(on_the_tray(studio))
        for number, placed in on_the_tray(restored).items():
            graphic = restored.tray.graphics[number]
            assert graphic.translate.xy == pytest.approx(restored.tray.to_screen(placed.x, placed.y))
        # And it goes on: undo takes back the last figure placed before the restore.
        tap(button(restored, "Undo"))
        assert len(on_the_tray(restored)) == 1
    finally:
        take_down(window, restored)


def drawing_png():
    """A child's drawing: a red ball on white paper."""
    picture = Image.new("RGB", (400, 300), "white")
    ImageDraw.Draw(picture).ellipse((150, 100, 250, 200), fill=(220, 30, 30))
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return out.getvalue()


def test_a_drawing_cut_out_is_kept_with_the_tray_and_comes_back_after_a_restore(window):
    pictures = MemoryLibrary({"pic-1": ("My dragon", drawing_png())})
    activity = new_activity(pictures=pictures)
    studio = show(window, activity)
    try:
        choose_shelf(studio, "own")
        tap(button(studio, "Use my drawing"))
        tap(studio.drawing_chooser.cards[0])
        (cell,) = studio.shelf_cells
        assert cell.figure.key == "cutout:pic-1"
        carry(studio, cell, on_tray(studio, 0.5, 0.5))
        (draft,) = activity.finish()
        assert "figure-1.png" in draft.files
        kept = Image.open(io.BytesIO(draft.files["figure-1.png"]))
        # The paper round the ball is gone, the ball is not.
        assert kept.mode == "RGBA" and kept.getpixel((0, 0))[3] == 0
        assert kept.getpixel((kept.width // 2, kept.height // 2))[3] == 255
        snapshot = activity.snapshot()
    finally:
        take_down(window, studio)
    again = new_activity()
    again.restore(snapshot)
    assert again.library.get("cutout:pic-1") is not None
    (draft,) = again.finish()
    assert "figure-1.png" in draft.files


def test_a_hostile_therapist_folder_leaves_out_its_bad_files_and_the_shelf_loads(window, tmp_path, caplog):
    figures = tmp_path / "figures"
    figures.mkdir()
    (figures / "notes.png").write_text("this is not a picture")
    # A PNG whose header claims a picture of 100,000 x 100,000 pixels.
    header = Image.new("RGBA", (4, 4))
    out = io.BytesIO()
    header.save(out, format="PNG")
    data = bytearray(out.getvalue())
    data[16:24] = (100_000).to_bytes(4, "big") * 2
    (figures / "huge.png").write_bytes(bytes(data))
    Image.new("RGBA", (60, 90), (20, 120, 60, 255)).save(figures / "my tree.png")
    with caplog.at_level(logging.WARNING):
        activity = new_activity(therapist_folder=tmp_path)
        studio = show(window, activity)
    try:
        assert {name for name, _reason in activity.library.skipped} == {"notes.png", "huge.png"}
        choose_shelf(studio, "own")
        assert [cell.figure.name for cell in studio.shelf_cells] == ["my tree"]
        choose_shelf(studio, "animals")
        assert len(studio.shelf_cells) > 4
    finally:
        take_down(window, studio)


def test_the_therapist_chooses_a_prompt_shown_over_the_tray_with_its_picture(window, tmp_path):
    prompts = tmp_path / "prompts"
    prompts.mkdir()
    (prompts / "a-bridge.toml").write_text('id = "our-bridge"\ntitle = "Our bridge"\nwords = "Build the bridge you crossed"\n')
    (prompts / "broken.toml").write_text("this is = = not toml")
    host = Host(drafts=MemoryDrafts(), logger=logging.getLogger("test.play"), therapist_folder=tmp_path,
                therapist=Therapist(present=True))
    activity = PlayActivity(host)
    studio = show(window, activity)
    try:
        assert studio.prompt_text == ""
        tap(button(studio, "Prompt"))
        chooser = studio.prompt_chooser
        titles = [card.text for card in chooser.cards]
        assert titles[0] == "Make a world" and "Our bridge" in titles and "A safe place" in titles
        assert str(tmp_path / "figures") in chooser.folder_words
        tap(next(card for card in chooser.cards if card.text == "A safe place"))
        assert studio.prompt_chooser is None
        assert activity.log.prompt == studio.prompt_text
        assert "safe" in studio.prompt_text
        assert studio.ids.prompt_picture.texture is not None
        (draft,) = activity.finish()
        assert draft.metadata["prompt"] == studio.prompt_text
    finally:
        take_down(window, studio)


def test_in_client_mode_the_prompt_is_not_the_clients_to_change(window):
    activity = PlayActivity(Host(drafts=MemoryDrafts(), logger=logging.getLogger("test.play"), prompt="A safe place"))
    studio = show(window, activity)
    try:
        # The session plan's, which the host shows above the activity already.
        assert (activity.log.prompt, studio.prompt_text) == ("A safe place", "")
        tap(button(studio, "Prompt"))
        assert studio.prompt_chooser is None  # the stand-in therapist is not here: no PIN, no chooser
    finally:
        take_down(window, studio)


def test_a_child_dragging_a_figure_goes_on_while_another_places_one_or_takes_the_dragged_one_off(studio):
    choose_shelf(studio, "animals")
    tap(studio.shelf_cells[0])
    (first,) = on_the_tray(studio)
    finger = Finger(*at_figure(studio, first))
    finger.touch_down()
    finger.touch_move(*at_figure(studio, first, 0.05, 0))
    tap(studio.shelf_cells[1])  # another child's tap on the shelf
    finger.touch_move(*at_figure(studio, first, 0.05, 0))
    assert on_the_tray(studio)[first].x == pytest.approx(0.6 * TRAY_WIDTH, abs=0.03 * TRAY_WIDTH)
    assert len(on_the_tray(studio)) == 2
    tap_figure(studio, first)
    tap(button(studio, "Take off"))  # the figure under the first finger goes
    finger.touch_move(*on_tray(studio, 0.9, 0.9))
    finger.touch_up()
    advance_frames(1)
    assert first not in on_the_tray(studio)
    tap(button(studio, "Undo"))
    assert first in on_the_tray(studio)


def test_the_drag_bench_drags_figures_about_a_full_tray_and_names_its_figures(studio, activity):
    from expressive.activities.play.drag_measure import drag_figures
    from expressive.tools.driver import AppDriver

    figures = drag_figures(AppDriver(None), activity, studio, figures_on_tray=30, moves=100)
    assert [figure.name for figure in figures] == ["sandtray_drag_touch_event", "sandtray_drag_frame_software_gl"]
    assert len(on_the_tray(studio)) == 30
    assert all(figure.value > 0 for figure in figures)
    assert sum(1 for event in studio.log.events if event["type"] == "move") >= 50


def test_a_tray_at_the_bounds_of_its_log_says_so_once_and_breaks_nothing(window, studio, monkeypatch):
    import expressive.activities.play.tray as tray_module

    choose_shelf(studio, "animals")
    tap(studio.shelf_cells[0])
    (first,) = on_the_tray(studio)
    monkeypatch.setattr(tray_module, "MAX_EVENTS", len(studio.log.events) + 3)
    drag([at_figure(studio, first, step / 100, 0) for step in range(10)])
    assert len(studio.log.events) == tray_module.MAX_EVENTS
    assert "This tray is full of changes" in open_popup_texts(window)
    tap(studio.shelf_cells[1])
    assert len(on_the_tray(studio)) == 1
    tap_popup_button(window, "OK")
    (draft,) = studio.activity.finish()
    assert TrayLog.from_json(draft.files["tray.json"]).events == studio.log.events


def test_a_tray_built_in_a_session_of_the_real_app_is_kept_with_its_log_picture_and_own_figures(one_client_app):
    from tests_support import screen

    app = one_client_app
    client = app.store.clients()[0]
    previous = app.store.start_session(client.id, plan_id="open")
    app.store.save_artifact(client.id, previous.id, "drawing", drawing_draft())
    app.open_client(client)
    app.begin_session(app.plans[0], "", 3)
    tap(next(tile for tile in screen(app, "launcher").ids.tiles.children if tile.activity_id == "play"))
    studio = screen(app, "activity").ids.area.children[0]
    choose_shelf(studio, "fantasy")
    carry(studio, studio.shelf_cells[0], on_tray(studio, 0.3, 0.5))
    choose_shelf(studio, "own")
    tap(button(studio, "Use my drawing"))
    tap(studio.drawing_chooser.cards[0])
    carry(studio, studio.shelf_cells[0], on_tray(studio, 0.7, 0.5))
    tap(screen(app, "activity").ids.done)
    (saved,) = app.store.artifacts(client.id, app.running.session.id)
    assert (saved.kind, saved.product, saved.process) == ("sandtray", "tray.png", "tray.json")
    log = TrayLog.from_json(app.store.read_file(saved, "tray.json"))
    keys = [placed.figure for placed in log.state_at().figures.values()]
    assert keys[0].startswith("noto:") and keys[1].startswith("cutout:")
    assert Image.open(io.BytesIO(app.store.read_file(saved, "figure-1.png"))).mode == "RGBA"


def drawing_draft():
    from expressive.api import ArtifactDraft

    return ArtifactDraft(kind="drawing", files={"drawing.png": drawing_png()}, product="drawing.png", thumbnail="drawing.png",
                         title="My ball")
