"""`expressive screenshot`: put the real app on a named screen, with real taps, and save a PNG.

It works on a scratch copy (of the given portfolio, or of a fresh demo one), so taking a
screenshot never changes anybody's portfolio.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from pathlib import Path

from expressive.demo import make_demo
from expressive.media import MediaServices
from expressive.portfolio import Portfolio
from expressive.tools.driver import Finger, advance_frames, drag, start_app, stop_app, tap, type_into


def scribble(area) -> None:
    """Draw a sun and a hill with a finger inside `area` (a widget), as a client might."""
    left, bottom = area.to_window(area.x, area.y)
    width, height = area.size

    def at(fx, fy):
        return left + fx * width, bottom + fy * height

    drag([at(0.35 + 0.05 * math.cos(a / 10), 0.72 + 0.08 * math.sin(a / 10)) for a in range(0, 64)])
    drag([at(0.22 + i / 80, 0.3 + 0.1 * math.sin(i / 9)) for i in range(0, 48)])


def stage(app, screen: str) -> None:
    """Bring the app to `screen` the way a therapist and client would get there."""
    store = app.store
    app.go("clients")
    if screen in ("setup", "lock"):
        # What a therapist sees on a first start, and on every start after it.
        app.go(screen) if screen == "setup" else app.lock()
        return
    if screen == "change_pin":
        app.go("change_pin")
        return
    if screen in ("clients", "add_client"):
        if screen == "add_client":
            app.go("add_client")
            type_into(app.root.get_screen("add_client").ids.name, "Sam")
        return
    clients = store.clients()
    if not clients:
        raise SystemExit("The portfolio has no clients to show; run 'expressive demo' first.")
    app.open_client(clients[0])
    if screen == "portfolio":
        return
    if screen == "delete_client":
        app.go("delete_client")
        return
    if screen == "artifact":
        artifacts = store.artifacts(clients[0].id)
        if artifacts:
            app.go("artifact", artifact=artifacts[0])
        return
    app.go("session")
    checkin = app.root.get_screen("session")
    type_into(checkin.ids.goal, "Show what today felt like")
    tap(checkin.ids.feelings.children[1])
    if screen == "session":
        return
    tap(checkin.ids.start)
    if screen == "launcher":
        return
    if screen == "handback":
        # A client trying to leave the session: only the therapist's PIN opens the way.
        app.go("clients")
        return
    if screen == "music":
        play_music(app)
        return
    if screen == "movement":
        move(app)
        return
    if screen == "story":
        write_story(app)
        return
    app.go("activity", activity_id="drawing")
    activity_screen = app.root.get_screen("activity")
    advance_frames(2)
    scribble(activity_screen.ids.area)
    if screen == "drawing":
        return
    tap(activity_screen.ids.done)
    app.go("checkout")
    checkout = app.root.get_screen("checkout")
    tap(checkout.ids.feelings.children[0])
    for reflection in checkout.ids.reflections.children:
        type_into(reflection.ids.title, "Sunny hill")
        type_into(reflection.ids.about, "A sun over a green hill where I like to run.")
    if screen == "checkout":
        return
    # The therapist has the tablet back (the PIN step is left out of the picture).
    app.client_mode = False
    tap(checkout.ids.next)
    type_into(app.root.get_screen("note").ids.note, "Chose bright colours; relaxed while drawing.")


def play_music(app) -> None:
    """Start recording and hold two fingers on the keys, as a child playing a chord."""

    app.go("activity", activity_id="music")
    advance_frames(2)
    studio = app.root.get_screen("activity").ids.area.children[0]
    tap(studio.ids.record_button)
    for index in (0, 2):
        key = studio.surface.keys[index]
        x, y, width, height = studio.surface._box(key)
        Finger(x + width / 2, y + height / 3).touch_down()


def move(app, seconds: float = 2.0) -> None:
    """Open the movement activity and let its picture (a camera, or the moving pattern on a
    machine without one) run for a moment, so the trails and zones show."""
    import time

    app.go("activity", activity_id="movement")
    pipeline = app.root.get_screen("activity").activity.pipeline
    deadline = time.monotonic() + 20
    while pipeline.record.duration < seconds and time.monotonic() < deadline:
        advance_frames(1)
        time.sleep(0.02)


def write_story(app) -> None:
    """Start a six-part story, name it, and write its first page beside a picture."""
    app.go("activity", activity_id="story")
    advance_frames(2)
    studio = app.root.get_screen("activity").ids.area.children[0]
    tap(next(card for card in studio.shape_cards if card.shape.id == "six-part-story"))
    type_into(studio.editor.ids.title, "The dragon who was afraid")
    type_into(studio.editor.ids.text, "Once there was a small dragon called Pip, who lived in a cave by the sea.")
    if studio.can_choose_picture:
        tap(studio.editor.ids.choose_button)
        tap(studio.picture_chooser.cards[-1])


def take_screenshot(screen: str, out: Path, source: Path | None, passphrase: str | None = None) -> None:
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    with tempfile.TemporaryDirectory(prefix="expressive-screenshot-") as scratch:
        root = Path(scratch) / "portfolio"
        if source is not None:
            shutil.copytree(source, root)
            store = Portfolio.open(root, passphrase=passphrase)
        else:
            store = Portfolio.open(root)
            make_demo(store)
        # A picture needs no sound: SDL's dummy output stands in where there is no device,
        # and no MIDI device is opened.
        app = start_app(store, media=MediaServices(sound="synth", midi="fake"))
        try:
            stage(app, screen)
            advance_frames(4)
            out.parent.mkdir(parents=True, exist_ok=True)
            app.root.export_to_png(str(out))
        finally:
            stop_app(app)
