"""A movement session in the real app, on a machine with no camera: the moving pattern
stands in, the client's choices reach the pipeline, and Done keeps the record."""

import time

import pytest

from expressive.media import MediaServices
from expressive.portfolio import Portfolio
from expressive.tools.driver import advance_frames, start_app, stop_app, tap
from tests_support import PIN, cheap_protect, screen


@pytest.fixture
def app(window, portfolio_dir, monkeypatch):
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    cheap_protect(portfolio_dir, PIN)
    running = start_app(Portfolio.open(portfolio_dir, passphrase=PIN), media=MediaServices(sound="synth", midi="fake"))
    yield running
    stop_app(running)


def open_movement(app, name, settings=None):
    client = app.store.add_client(name)
    if settings:
        client = app.store.set_client_settings(client.id, settings)
    app.open_client(client)
    app.begin_session(app.plans[0], "", 3)
    tap(next(tile for tile in screen(app, "launcher").ids.tiles.children if tile.activity_id == "movement"))
    return client, screen(app, "activity").ids.area.children[0]


def let_it_run(studio, seconds):
    """Frames come in real time from the pattern: let some arrive and be shown."""
    pipeline = studio.activity.pipeline
    deadline = time.monotonic() + 30
    while pipeline.record.duration < seconds and time.monotonic() < deadline:
        advance_frames(1)
        time.sleep(0.02)
    advance_frames(2)
    assert pipeline.record.duration >= seconds, "the pattern's frames reached the pipeline"


def button(studio, label):
    return next(widget for widget in studio.walk() if getattr(widget, "text", None) == label and hasattr(widget, "selected"))


def test_without_a_camera_the_pattern_plays_the_zones_and_done_keeps_the_record(app):
    client, studio = open_movement(app, "Robin")
    assert "no camera" in studio.message and studio.source_kind == "pattern"
    let_it_run(studio, 2.5)
    assert studio.ids.live._texture is not None, "the live view shows frames"
    assert len(studio.ids.live.zones) == 5
    tap(button(studio, "Shape"))
    tap(button(studio, "3 boxes"))
    tap(button(studio, "Flowing"))
    settings = studio.activity.pipeline.settings
    assert (settings.view, settings.zone_count, settings.sound) == ("silhouette", 3, "continuous")
    tap(screen(app, "activity").ids.done)
    (saved,) = app.store.artifacts(client.id, app.running.session.id)
    names = {entry.name for entry in saved.files}
    assert saved.kind == "movement" and {"movement.png", "features.json", "features.png"} <= names
    assert "video.avi" not in names, "no video unless the therapist turned it on for this client"
    assert saved.metadata["seconds"] >= 2.5


def test_video_is_kept_when_the_therapist_allowed_it_for_this_client(app):
    client, studio = open_movement(app, "Sam", {"movement_video_seconds": 60})
    let_it_run(studio, 1.5)
    tap(screen(app, "activity").ids.done)
    (saved,) = app.store.artifacts(client.id, app.running.session.id)
    assert "video.avi" in {entry.name for entry in saved.files}
    assert app.store.read_file(saved, "video.avi").startswith(b"RIFF")


def test_the_simplest_level_shows_only_what_a_child_needs(app):
    _client, studio = open_movement(app, "Kim", {"complexity": "simple"})
    labels = {getattr(widget, "text", None) for widget in studio.walk()}
    assert {"Trails", "Shape", "Boxes", "Flowing", "Quiet"} <= labels
    assert not labels & {"Mirror", "Learn the empty room", "Camera", "3 boxes", "Set up"}
    tap(screen(app, "activity").ids.done)


def the_setup(window):
    from expressive.activities.movement.studio import MovementSetup

    return next(view for view in window.children if isinstance(view, MovementSetup))


def test_the_therapist_sets_up_ignored_areas_zone_sensitivity_and_where_the_zones_are(app, window):
    from expressive.tools.driver import drag

    _client, studio = open_movement(app, "Ari", {"complexity": "full"})
    # The client has handed the tablet back (the PIN's way is tested with client mode).
    app.client_mode = False
    let_it_run(studio, 0.5)
    live, pipeline = studio.ids.live, studio.activity.pipeline
    tap(studio.ids.setup_button)
    tap(the_setup(window).ids.ignore_area)
    left, bottom, width, height = live.picture_box()
    # From the client's top left quarter: the camera's top right.
    drag([(left + 0.05 * width, bottom + 0.95 * height), (left + 0.25 * width, bottom + 0.75 * height)])
    ((x, y, w, h),) = pipeline.analyzer.dead_zones
    assert x == pytest.approx(0.75, abs=0.02) and y == pytest.approx(0.05, abs=0.02) and w == pytest.approx(0.2, abs=0.02)
    assert pipeline.ignored_areas[0][0] == pytest.approx(0.05, abs=0.02), "shown where it was drawn"
    tap(studio.ids.setup_button)  # done setting up
    assert studio.editing == ""

    tap(studio.ids.setup_button)
    tap(the_setup(window).ids.zone_by_zone)
    zone = pipeline.zones[0]
    tap_at = (left + (zone.left + zone.right) / 2 * width, bottom + (1 - (zone.top + zone.bottom) / 2) * height)
    from kivy.tests.common import UnitTestTouch

    touch = UnitTestTouch(*tap_at)
    touch.touch_down()
    touch.touch_up()
    assert pipeline.zones[0].sensitivity == 0.8 and pipeline.zones[1].sensitivity == 0.5
    tap(studio.ids.setup_button)

    tap(studio.ids.setup_button)
    tap(next(widget for widget in the_setup(window).walk() if getattr(widget, "text", "") == "Around"))
    assert pipeline.settings.arrangement == "ring" and studio.arrangement == "ring"
    tap(studio.ids.setup_button)
    setup = the_setup(window)
    assert "C4" in setup.ids.zone_notes.text, "the note names are the therapist's"
    assert setup.ids.sensitivity_heading.text == "How little movement sounds: 5 of 10"
    tap(setup.ids.more_sensitive)
    advance_frames(2)  # the zones are shown again, each with the new sensitivity
    assert studio.activity is screen(app, "activity").activity, "the movement goes on"
    assert pipeline.settings.sensitivity == pytest.approx(0.6) and setup in window.children, "it stays open to tune"
    assert setup.ids.sensitivity_heading.text == "How little movement sounds: 6 of 10"
    setup.dismiss(animation=False)
    tap(studio.ids.setup_button)
    tap(the_setup(window).ids.forget_areas)
    assert pipeline.analyzer.dead_zones == ()
    tap(studio.ids.setup_button)
    tap(the_setup(window).ids.camera_source)
    assert "no camera" in studio.message.lower() and studio.source_kind == "pattern", "the pattern goes on"
    tap(screen(app, "activity").ids.done)


def test_a_kept_movement_replays_its_trails_in_the_portfolio(app):
    client, studio = open_movement(app, "Lee")
    let_it_run(studio, 2.0)
    tap(screen(app, "activity").ids.done)
    (saved,) = app.store.artifacts(client.id, app.running.session.id)
    app.client_mode = False
    app.go("artifact", artifact=saved)
    advance_frames(2)
    viewer = screen(app, "artifact").viewer
    assert viewer.can_replay and viewer.showing == "painting"
    tap(viewer.ids.replay_button)
    deadline = time.monotonic() + 10
    while viewer._ticker is not None and time.monotonic() < deadline:
        advance_frames(1)
        time.sleep(0.02)
    assert viewer.showing == "replay" and viewer._ticker is None, "the replay painted every kept moment"
    assert viewer.texture is not None
    tap(viewer.ids.plot_button)
    assert viewer.showing == "plot"


def test_closing_the_app_with_the_movement_open_leaves_no_capture_thread_running(window, portfolio_dir, monkeypatch):
    # A thread still analysing inside OpenCV when the process exits aborts it
    # ("terminate called without an active exception").
    import threading

    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    before = set(threading.enumerate())
    running = start_app(Portfolio.open(portfolio_dir), media=MediaServices(sound="synth", midi="fake"))
    _client, studio = open_movement(running, "Noa")
    let_it_run(studio, 0.5)
    stop_app(running)
    assert not [thread.name for thread in set(threading.enumerate()) - before]


def test_the_client_tells_zones_apart_by_picture_and_reads_no_therapist_words(app):
    import re

    from expressive.activities.movement.studio import ZoneBadge

    _client, studio = open_movement(app, "Mo")
    let_it_run(studio, 0.5)
    live = studio.ids.live
    badges = [child for child in live.children if isinstance(child, ZoneBadge)]
    assert len(badges) == 5 and len({badge.icon for badge in badges}) == 5, "a picture of its own for each zone"
    words = [getattr(widget, "text", "") for widget in studio.walk() if not isinstance(widget, ZoneBadge)]
    assert not [text for text in words if re.search(r"\b[A-G]#?[0-9]\b", text)], "no note names on the client's screen"
    assert not [text for text in words if "movement counts" in text or "sensitiv" in text.lower()]
    tap(screen(app, "activity").ids.done)
