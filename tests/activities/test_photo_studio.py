"""The photo studio in the real app, driven by real touches: the moving test pattern is the
camera, the drawing studio the picture maker, and the tablet is in client mode."""

import io
import json
import logging
import os

import pytest
from PIL import Image

from expressive.activities.drawing.picture_maker import PicturePopup
from expressive.activities.photo.activity import PhotoActivity
from expressive.activities.photo.studio import PhotoSheet, PhotoStudio
from expressive.api import SHOWS_PEOPLE, ArtifactView, Host, MemoryDrafts
from expressive.api.camera import PatternSource
from expressive.media import MediaServices
from expressive.portfolio import Portfolio
from expressive.tools.driver import advance_frames, drag, start_app, stop_app, tap
from expressive.ui.files import FileChooser
from expressive.ui.screens.access import TherapistPinDialog
from tests_support import PIN, cheap_protect, open_popup_texts, screen, submit_secret, tap_popup_button

# Frames the app may take to show something that comes from a thread (the camera's first
# frame): a bound on waiting, not a time measured.
MOST_FRAMES = 400


@pytest.fixture(scope="module")
def app(window, tmp_path_factory):
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    root = tmp_path_factory.mktemp("photo") / "portfolio"
    cheap_protect(root, PIN)
    store = Portfolio.open(root, passphrase=PIN)
    store.add_client("Sam")
    running = start_app(store, media=MediaServices(sound="silent", midi="fake", camera="pattern", microphone="none"))
    (client,) = running.store.clients()
    running.open_client(client)
    running.begin_session(running.plans[0], "", 3)
    assert running.client_mode
    yield running
    stop_app(running)


def open_views(window):
    from kivy.uix.modalview import ModalView

    return [view for view in window.children if isinstance(view, ModalView)]


def until(condition):
    for _frame in range(MOST_FRAMES):
        if condition():
            return
        advance_frames(1)
    raise AssertionError("it never happened")


def studio_of(app) -> PhotoStudio:
    return screen(app, "activity").ids.area.children[0]


def button(widget, label):
    return next(child for child in widget.walk() if getattr(child, "text", None) == label)


@pytest.fixture(scope="module")
def studio(app):
    app.go("activity", activity_id="photo")
    advance_frames(2)
    studio = studio_of(app)
    until(lambda: studio.ids.preview.texture is not None)
    return studio


def test_photos_taken_with_a_countdown_dropped_and_drawn_on_are_saved_with_their_record(app, window, studio):
    roll = studio.roll
    assert studio.can_switch and studio.ids.switch.opacity == 1, "the pattern stands for two cameras"
    tap(studio.ids.shutter, frames=0)
    assert [photo.source for photo in roll.kept] == ["camera-back"]

    # The front camera (for a self-portrait), shown as a mirror.
    tap(studio.ids.switch, frames=0)
    assert studio.facing == "front" and studio.ids.switch.text == "Back camera"
    until(lambda: studio.ids.preview.texture is not None and studio.ids.preview.texture.uvsize[0] < 0)

    # The countdown: 3, 2, 1, then the photo (its step shortened: counting is not tested here).
    studio.countdown_step = 0.05
    tap(studio.ids.countdown_button, frames=0)
    assert studio.countdown_on
    tap(studio.ids.shutter, frames=0)
    assert studio.ids.countdown.text == "3" and len(roll.kept) == 1
    until(lambda: len(roll.kept) == 2)
    assert studio.ids.countdown.text == "" and roll.kept[1].source == "camera-front"
    assert len(studio.ids.photos.children) == 2

    # Paused, the camera is let go; back, it shows again.
    activity = screen(app, "activity").activity
    activity.pause()
    assert studio.frames is None
    activity.resume()
    assert studio.frames is not None

    # The first one large, dropped after being asked.
    first, second = roll.kept
    tap(studio.ids.photos.children[-1], frames=0)
    (sheet,) = open_views(window)
    assert isinstance(sheet, PhotoSheet) and sheet.photo is first
    tap(sheet.ids.drop, frames=0)
    assert "Drop this photo?" in open_popup_texts(window)
    tap_popup_button(window, "Drop")
    assert roll.kept == [second] and not first.kept and first.jpeg == b""
    assert not open_views(window)

    # The other drawn on, in the drawing studio, on the photo as paper.
    tap(studio.ids.photos.children[0], frames=0)
    tap(open_views(window)[0].ids.draw, frames=1)
    (maker,) = open_views(window)
    assert isinstance(maker, PicturePopup) and maker.studio.log.paper[2] is not None
    paper = maker.studio.paper
    drag([paper.to_window(paper.x + paper.width * (0.2 + 0.6 * step / 10), paper.center_y) for step in range(11)])
    tap(maker.ids.use, frames=0)
    assert second.drawn_png is not None and not open_views(window)

    # Done keeps the one photo, its drawing and the record of both.
    tap(screen(app, "activity").ids.done, frames=0)
    (saved,) = [record for record in app.store.artifacts(app.client.id) if record.activity == "photo"]
    names = {entry.name for entry in saved.files}
    assert names == {"photo-01.jpg", "photo-01-drawn.png", "photos.json", "thumbnail.png"}
    assert saved.product == "photo-01-drawn.png"
    assert saved.metadata["photos"] == 1 and saved.metadata[SHOWS_PEOPLE] is True
    record = json.loads(app.store.read_file(saved, "photos.json"))
    assert [(entry["source"], entry["kept"]) for entry in record["photos"]] == [("camera-back", False), ("camera-front", True)]
    assert record["photos"][1]["drawn"] == "photo-01-drawn.png"
    assert record["photos"][0]["taken"] <= record["photos"][1]["taken"]
    photo = Image.open(io.BytesIO(app.store.read_file(saved, "photo-01.jpg")))
    drawn = Image.open(io.BytesIO(app.store.read_file(saved, "photo-01-drawn.png"))).convert("RGB")
    assert photo.format == "JPEG" and photo.size == (640, 480)
    assert drawn.size[0] <= 2048 and drawn.size[1] <= 1536
    # The stroke went across the middle of the photo: the drawing there is not the photo.
    under = photo.convert("RGB").resize(drawn.size)
    middle_row = [abs(sum(drawn.getpixel((x, drawn.height // 2))) - sum(under.getpixel((x, drawn.height // 2))))
                  for x in range(drawn.width // 3, drawn.width * 2 // 3, 16)]
    assert min(middle_row) > 60


def test_the_device_chooser_asks_for_the_pin_and_refuses_what_is_not_a_picture(app, window, tmp_path, monkeypatch):
    pictures = tmp_path / "Pictures"
    pictures.mkdir()
    (pictures / "damaged.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\x00" * 200)
    os.mkfifo(pictures / "endless.jpg")
    monkeypatch.setattr("expressive.ui.files.file_places", lambda: [pictures])
    app.go("activity", activity_id="photo")
    advance_frames(2)
    studio = studio_of(app)
    assert not studio.roll.photos

    tap(studio.ids.from_device, frames=0)
    (dialog,) = open_views(window)
    assert isinstance(dialog, TherapistPinDialog), "client mode: no files without the PIN"
    dialog.dismiss(animation=False)
    advance_frames(1)
    assert not open_views(window) and not studio.roll.photos

    tap(studio.ids.from_device, frames=0)
    submit_secret(open_views(window)[0].ids.entry, PIN)
    (chooser,) = open_views(window)
    assert isinstance(chooser, FileChooser)
    chooser.ids.files.selection = [str(pictures / "damaged.jpg")]
    tap(chooser.ids.choose, frames=0)
    assert any("can't be used" in text for text in open_popup_texts(window))
    tap_popup_button(window, "OK")
    assert not studio.roll.photos and not open_views(window), "nothing changed"
    # A named pipe, which a chooser lists like any file, handed over as the chooser does:
    # refused before it is opened (opening it would wait for ever).
    assert studio.bring_in(str(pictures / "endless.jpg")) is None
    assert any("not a picture file" in text for text in open_popup_texts(window))
    tap_popup_button(window, "OK")
    assert not studio.roll.photos and not open_views(window), "nothing changed"
    # What the chooser hands over when the file is a picture: a photo of the roll, made anew.
    family = io.BytesIO()
    Image.new("RGB", (300, 200), "teal").save(family, format="PNG")
    (pictures / "family.png").write_bytes(family.getvalue())
    photo = studio.bring_in(str(pictures / "family.png"))
    assert studio.roll.kept == [photo] and photo.source == "device"
    assert Image.open(io.BytesIO(photo.jpeg)).format == "JPEG"
    studio.stop_camera()


def test_without_a_camera_one_line_says_so_and_drawing_is_offered(window):
    host = Host(drafts=MemoryDrafts(), logger=logging.getLogger("test.photo"),
                media=MediaServices(sound="silent", midi="fake", camera="none", microphone="none"))
    activity = PhotoActivity(host)
    studio = activity.build()
    window.add_widget(studio)
    activity.start()
    advance_frames(1)
    try:
        assert studio.camera_line == "There is no camera here. You can draw a picture instead."
        assert studio.ids.camera_line.text == studio.camera_line
        assert studio.ids.shutter.disabled and studio.ids.shutter.opacity == 0
        draw = studio.ids.draw_picture
        assert not draw.disabled and draw.opacity == 1 and draw.width > 0
        tap(draw, frames=1)
        (maker,) = open_views(window)
        assert isinstance(maker, PicturePopup) and maker.title == "Draw a picture"
        paper = maker.studio.paper
        drag([paper.to_window(paper.x + paper.width * (0.3 + 0.04 * step), paper.center_y) for step in range(11)])
        tap(maker.ids.use, frames=0)
        (drawn,) = activity.roll.kept
        assert drawn.source == "drawn" and drawn.drawn_png is not None
        (draft,) = activity.finish()
        assert draft.product == "photo-01-drawn.png"
    finally:
        window.remove_widget(studio)


def test_the_viewer_shows_each_photo_with_its_drawing_and_says_which_is_damaged(window):
    (draft,) = PhotoActivity.demo_drafts(2)
    draft.files["photo-02.jpg"] = b"\xff\xd8 not a photo any more"
    viewer = PhotoActivity.viewer(ArtifactView.of_draft(draft, "photo"))
    window.add_widget(viewer)
    try:
        advance_frames(1)
        assert viewer.heading == "Photo 1 of 3" and viewer.texture.size == (1024, 768), "the drawing over the photo"
        assert viewer.details == "Taken 0:04 in" and viewer.prompt == "A place you like to be"
        assert viewer.ids.earlier.disabled
        tap(viewer.ids.later, frames=0)
        assert viewer.heading == "Photo 2 of 3" and viewer.texture is None
        assert viewer.details == "This photo could not be read."
        tap(viewer.ids.later, frames=0)
        assert viewer.texture is not None and viewer.ids.later.disabled
        picture = viewer.ids.picture
        drag([picture.to_window(picture.center_x + step * 60, picture.center_y) for step in (-2, 0, 2)], frames=0)
        assert viewer.heading == "Photo 2 of 3", "a swipe to the right goes back"
    finally:
        window.remove_widget(viewer)


class CameraThatGivesOut(PatternSource):
    """A camera that stops giving pictures once told to (as one unplugged would)."""

    given_out = False

    def read(self):
        return None if self.given_out else super().read()


def test_a_camera_that_stops_leaves_the_photos_taken_and_says_so(window):
    media = MediaServices(sound="silent", midi="fake", camera="pattern", microphone="none")
    camera = CameraThatGivesOut(real_time=True)
    media.open_camera = lambda facing: camera
    activity = PhotoActivity(Host(drafts=MemoryDrafts(), logger=logging.getLogger("test.photo"), media=media))
    studio = activity.build()
    window.add_widget(studio)
    activity.start()
    try:
        until(lambda: studio.ids.preview.texture is not None)
        tap(studio.ids.shutter, frames=0)
        until(lambda: activity.roll.kept)
        camera.given_out = True
        until(lambda: studio.camera_line)
        assert studio.camera_line == "The camera stopped. The photos taken so far are kept."
        assert len(activity.roll.kept) == 1 and studio.frames is None and activity.has_work()
    finally:
        window.remove_widget(studio)


def test_the_therapists_chooser_offers_the_pictures_folder_for_family_photos(tmp_path, monkeypatch):
    from expressive.ui.files import file_places

    pictures = tmp_path / "Pictures"
    pictures.mkdir()
    monkeypatch.setattr("expressive.ui.files.user_pictures_dir", lambda: str(pictures))
    assert pictures.resolve() in file_places()
