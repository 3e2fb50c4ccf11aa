"""Undo and redo at any length of drawing: the studio's picture (`PictureHistory`) after
any sequence of actions is the picture the whole log renders from scratch, and undos at
the end of a long drawing draw a bounded number of marks."""

import io
import random

import pytest
from PIL import Image, ImageChops

from expressive.activities.drawing.picture_history import PictureHistory
from expressive.lib.drawing.render import render_image
from expressive.lib.drawing.strokes import BRUSH_SIZES, OPACITIES, PALETTE, PAPER_COLOURS, TEMPLATES, TOOLS, DrawingLog
from expressive.lib.drawing.templates import photo_for_paper

# Small paper: the same renderer, many steps a second.
SIZE = (320, 240)
COLOURS = list(PALETTE.values())


def scribble(log, rng, tool=None, points=None):
    width, height = SIZE
    log.begin_stroke(tool or rng.choice(TOOLS), rng.choice(COLOURS), rng.choice(list(BRUSH_SIZES.values())),
                     opacity=rng.choice(OPACITIES), dynamics=rng.choice(("speed", "pressure", "fixed")))
    x, y = rng.uniform(0, width), rng.uniform(0, height)
    for _ in range(points or rng.randint(1, 12)):
        log.add_point(x, y, rng.random())
        x, y = x + rng.uniform(-60, 60), y + rng.uniform(-60, 60)
    log.end_stroke()


def photo(log):
    image = Image.new("RGB", (64, 48), "#336699")
    image.paste((240, 200, 40), (10, 10, 40, 30))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return log.add_photo(photo_for_paper(out.getvalue(), SIZE))


def random_action(log, rng, photo_id):
    """One thing a person does in the studio, at random (as the studio records it)."""
    width, height = SIZE
    roll = rng.random()
    if roll < 0.35:
        scribble(log, rng)
    elif roll < 0.42:
        log.fill(rng.uniform(0, width), rng.uniform(0, height), rng.choice(COLOURS), opacity=rng.choice(OPACITIES))
    elif roll < 0.5:
        log.stamp("star", rng.uniform(0, width), rng.uniform(0, height), rng.uniform(24, 120), rng.choice(COLOURS),
                  rotation=rng.uniform(0, 360), opacity=rng.choice(OPACITIES))
    elif roll < 0.53:
        if log.last_stamp is not None:
            log.adjust_stamp(rng.uniform(24, 160), rng.uniform(0, 360))
    elif roll < 0.58:
        papers = [*((colour, None) for colour in PAPER_COLOURS.values()), *(("#FFFFFF", template) for template in TEMPLATES)]
        if rng.random() < 0.3:
            log.set_background(photo=photo_id)
        else:
            log.set_background(*rng.choice(papers))
    elif roll < 0.62:
        log.clear()
    elif roll < 0.85:
        for _ in range(rng.choice((1, 1, 2, 5))):
            log.undo()
    else:
        for _ in range(rng.choice((1, 1, 3))):
            log.redo()


def assert_box_holds_the_change(before, after, box):
    changed = ImageChops.difference(before, after).getbbox()
    if changed is None:
        return
    assert box is not None, "pixels changed outside the box reported"
    assert box[0] <= changed[0] and box[1] <= changed[1] and changed[2] <= box[2] and changed[3] <= box[3]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize(
    "limits",
    [{"spacing": 1, "dense": 1, "most_kept": 1}, {"spacing": 3, "dense": 2, "most_kept": 3}, {}],
    ids=["least", "tight", "default"],
)
def test_the_picture_after_any_actions_is_the_whole_log_rendered_again(seed, limits):
    rng = random.Random(seed)
    log = DrawingLog(width=SIZE[0], height=SIZE[1])
    photo_id = photo(log)
    history = PictureHistory(log, **limits)
    before = history.picture.copy()
    for step in range(90):
        random_action(log, rng, photo_id)
        box = history.update()
        after = history.picture
        assert after.tobytes() == render_image(log).tobytes(), f"step {step}: not the log's picture"
        assert_box_holds_the_change(before, after, box)
        for _ in range(rng.choice((0, 0, 1, 3))):
            history.prepare()
        before = after.copy()
        assert len(history._kept) + (history._building is not None) <= history.most_kept


def long_drawing(strokes, seed=1):
    rng = random.Random(seed)
    log = DrawingLog(width=SIZE[0], height=SIZE[1])
    history = PictureHistory(log, spacing=4, dense=2, most_kept=8)
    for _ in range(strokes):
        scribble(log, rng, tool=rng.choice(("marker", "pencil", "eraser", "spray")), points=6)
        history.update()
        history.prepare()  # a frame between strokes at least
    return log, history


def test_undos_in_a_row_at_the_end_of_a_long_drawing_each_draw_fewer_marks_than_the_spacing():
    log, history = long_drawing(300)
    drawn = []
    for _ in range(200):
        log.undo()
        history.update()
        drawn.append(history.last_drawn)
        history.prepare()
        history.prepare()
    assert max(drawn) <= history.spacing - 1
    assert history.picture.tobytes() == render_image(log).tobytes()
    assert history.kept_bytes <= history.most_kept * SIZE[0] * SIZE[1] * 3


def test_undoing_all_of_1000_marks_four_frames_apart_draws_none_and_redoing_one_each():
    """The studio's own limits (the snapshots prepared between frames are always ready
    in time), on tiny paper so that it is quick."""
    rng = random.Random(3)
    log = DrawingLog(width=64, height=48)
    history = PictureHistory(log)
    for _ in range(1000):
        log.begin_stroke(rng.choice(TOOLS), rng.choice(COLOURS), 8)
        log.add_point(rng.uniform(0, 64), rng.uniform(0, 48))
        log.end_stroke()
        history.update()
        history.prepare()
    undone = []
    while log.can_undo:
        log.undo()
        history.update()
        undone.append(history.last_drawn)
        for _ in range(4):
            history.prepare()
    assert max(undone) == 0
    redone = []
    for _ in range(100):
        log.redo()
        history.update()
        redone.append(history.last_drawn)
    assert max(redone) <= 1
    assert history.picture.tobytes() == render_image(log).tobytes()
    assert len(history._kept) + (history._building is not None) <= history.most_kept


def test_without_frames_between_undos_the_snapshots_near_the_end_still_serve():
    log, history = long_drawing(300)
    drawn = []
    for _ in range(40):
        log.undo()
        history.update()
        drawn.append(history.last_drawn)
    assert drawn[0] == 0, "the picture before the last mark is kept"
    # Near the end there is a snapshot every spacing marks; further back they thin out
    # (prepare() fills them in between frames), but no undo goes back to the paper.
    assert max(drawn[: history.spacing]) <= history.spacing - 1
    assert max(drawn) < 40
    assert history.picture.tobytes() == render_image(log).tobytes()


def test_a_redo_after_undos_draws_one_mark_and_an_undo_of_a_clear_few():
    log, history = long_drawing(120)
    for _ in range(5):
        log.undo()
        history.update()
    for _ in range(5):
        log.redo()
        history.update()
        assert history.last_drawn <= 1
    log.clear()
    history.update()
    assert history.last_drawn == 0
    log.undo()
    history.update()
    assert history.last_drawn <= history.spacing - 1
    assert history.picture.tobytes() == render_image(log).tobytes()


def test_a_new_action_after_undos_drops_the_snapshots_beyond_it():
    log, history = long_drawing(60)
    for _ in range(20):
        log.undo()
        history.update()
    undone = log.visible_marks()[-1]  # still on the paper: a snapshot may hold it
    scribble(log, random.Random(5), points=3)
    history.update()
    timeline = {id(action) for action in log.timeline()}
    assert all(id(mark) in timeline for kept in history._kept for mark in kept.marks)
    assert undone in log.visible_marks()
    # Nothing can be redone, so nothing kept holds more marks than the picture now.
    assert all(len(kept.marks) <= len(log.visible_marks()) for kept in history._kept)


def test_a_stroke_being_drawn_is_not_in_the_picture_until_it_is_finished():
    log = DrawingLog(width=SIZE[0], height=SIZE[1])
    history = PictureHistory(log)
    assert history.update() == (0, 0, *SIZE), "the first picture is shown whole"
    log.begin_stroke("marker", PALETTE["red"], 22)
    log.add_point(100, 100)
    log.add_point(200, 120)
    assert history.update() is None and history.picture.getpixel((150, 110)) == (255, 255, 255)
    log.end_stroke()
    box = history.update()
    assert history.last_drawn == 1 and box[0] <= 150 < box[2]
    assert history.picture.tobytes() == render_image(log).tobytes()


def test_a_new_paper_is_drawn_whole_and_its_undo_comes_back_from_snapshots():
    log, history = long_drawing(60)
    log.set_background(PAPER_COLOURS["sky"])
    assert history.update() == (0, 0, *SIZE)
    assert history.last_drawn == 60
    log.undo()
    history.update()
    assert history.last_drawn <= history.spacing - 1
    assert history.picture.tobytes() == render_image(log).tobytes()


def test_bad_limits_are_refused():
    with pytest.raises(ValueError):
        PictureHistory(DrawingLog(), spacing=0)


def test_a_stroke_end_copies_no_whole_picture_yet_its_undo_draws_nothing():
    log, history = long_drawing(30)
    kept = [id(snapshot) for snapshot in history._kept]
    before = history.kept_bytes
    scribble(log, random.Random(9), tool="marker", points=3)
    history.update()
    assert [id(snapshot) for snapshot in history._kept] == kept, "no snapshot taken at the stroke's end"
    assert history.kept_bytes - before < SIZE[0] * SIZE[1] * 3, "only the pixels under the stroke are kept"
    log.undo()
    history.update()
    assert history.last_drawn == 0
    assert history.picture.tobytes() == render_image(log).tobytes()
