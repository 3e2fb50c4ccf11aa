"""`expressive screenshot`: put the real app on a named screen, with real taps, and save a PNG.

It works on a scratch copy (of the given portfolio, or of a fresh demo one), so taking a
screenshot never changes anybody's portfolio.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from kivy.base import EventLoop
from kivy.graphics import ClearBuffers, ClearColor
from kivy.graphics.fbo import Fbo
from PIL import Image

from expressive.i18n import N_, _
from expressive.tools.driver import AppDriver, advance_frames, scratch_app, tap, type_into


NO_CLIENTS = N_("The portfolio has no clients to show; run 'expressive demo' first.")


def stage(app, screen: str, level: str | None = None) -> None:
    """Bring the app to `screen` the way a therapist and client would get there; an
    activity's own screen (one of its `screenshot_scenes()`) is staged by the activity.
    A session's screens show the complexity `level` (remembered for the client, as a
    check-in remembers it), or the client's own."""
    store = app.store
    driver = AppDriver(app)
    app.go("clients")
    if screen in ("setup", "lock"):
        # What a therapist sees on a first start, and on every start after it.
        app.go(screen) if screen == "setup" else app.lock()
        return
    if screen == "change_pin":
        app.go("change_pin")
        return
    if screen == "conflicts":
        make_sample_conflicts(store)
        app.go("conflicts")
        return
    if screen == "devices":
        from expressive.ui.screens.devices import show_example_devices

        show_example_devices(app)
        return
    if screen == "lock_shared":
        from expressive.ui.screens.access import show_example_names

        show_example_names(app)
        return
    if screen == "colleagues":
        from expressive.ui.screens.colleagues import show_example_colleagues

        show_example_colleagues(app)
        return
    if screen == "backup":
        app.root.get_screen("clients").back_up()
        return
    if screen in ("clients", "add_client"):
        if screen == "add_client":
            app.go("add_client")
            type_into(app.root.get_screen("add_client").ids.name, "Sam")
        return
    clients = store.clients()
    if not clients:
        raise SystemExit(_(NO_CLIENTS))
    client = clients[0] if level is None else store.set_client_settings(clients[0].id, {"complexity": level})
    app.open_client(client)
    if screen == "portfolio":
        return
    if screen in ("gallery", "progress", "slideshow", "compare"):
        app.go(screen)
        return
    if screen == "export":
        app.root.get_screen("portfolio").open_export()
        return
    if screen == "delete_client":
        app.go("delete_client")
        return
    if screen == "artifact" or screen.startswith("artifact_"):
        # "artifact_play": the newest piece one activity made, opened in its own viewer.
        activity_id = screen.partition("_")[2]
        artifacts = [artifact for artifact in store.artifacts(clients[0].id)
                     if not activity_id or artifact.activity == activity_id]
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
    scenes = {name: scene for activity in app.registry.activities.values()
              for name, scene in activity.screenshot_scenes().items()}
    if screen in scenes:
        scenes[screen](driver)
        return
    # The check-out reflects on work made: the first activity's first scene makes some.
    next(iter(scenes.values()))(driver)
    tap(app.root.get_screen("activity").ids.done)
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


def save_window(out: Path) -> None:
    """The whole window as a PNG: the screen and any popup over it (a widget's own picture,
    `export_to_png`, leaves out the popups, which Kivy puts beside the screen)."""
    window = EventLoop.window
    picture = Fbo(size=window.size, with_stencilbuffer=True)
    with picture:
        ClearColor(*window.clearcolor)
        ClearBuffers()
    place = window.render_context.indexof(window.canvas)
    window.render_context.remove(window.canvas)
    picture.add(window.canvas)
    try:
        picture.draw()
        picture.texture.save(str(out))
    finally:
        picture.remove(window.canvas)
        window.render_context.insert(place, window.canvas)


def take_screenshot(
    screen: str, out: Path, source: Path | None, passphrase: str | None = None, size: tuple[int, int] | None = None,
    level: str | None = None,
) -> None:
    with scratch_app(source, passphrase) as app:
        if size is not None:
            EventLoop.window.size = size
        stage(app, screen, level)
        advance_frames(4)
        _wait_for_thumbnails()
        out.parent.mkdir(parents=True, exist_ok=True)
        save_window(out)


def _wait_for_thumbnails() -> None:
    """Lists show placeholders first: a picture of a screen shows what a person sees once
    its thumbnails have been decoded."""
    from expressive.ui.pictures import THUMBNAILS

    for _frame in range(600):
        if not THUMBNAILS.busy():
            return
        advance_frames(1)


def make_sample_conflicts(store) -> None:
    """Two things changed on two tablets at once, as Syncthing leaves them: the first piece
    of work's record and its picture, each with another version beside it (encrypted, as
    the copy would be, for the place of the file it is a version of)."""
    artifact = next(iter(store.artifacts(store.clients()[0].id)), None)
    if artifact is None:
        raise SystemExit(_(NO_CLIENTS))
    copy_name = ".sync-conflict-20261202-101500-ABCDEF7"
    manifest = artifact.path / "manifest.json"
    document = json.loads(store.read_stored(manifest))
    document["title"] = _("A boat on the sea")
    store._disk.write_bytes(manifest.with_name(f"manifest{copy_name}.json"), json.dumps(document).encode(), final=manifest)
    product = artifact.path / artifact.product
    other = io.BytesIO()
    Image.new("RGB", (320, 240), "#2a6fdb").save(other, format="PNG")
    store._disk.write_bytes(product.with_name(f"{product.stem}{copy_name}{product.suffix}"), other.getvalue(), final=product)
