"""A client holding the tablet reaches nothing but their own session.

A session is started in client mode for a client with earlier work, and every installed
activity is opened from the launcher. Then every button a finger can reach (visible, not
disabled, on the topmost layer) is tapped, and so is every button of each popup that
opens, to a bounded depth (of a row of like buttons, such as colours or stamps, the
first few); the keys a keyboard could send are pressed too. No file chooser, no
therapist screen and no therapist-only popup may appear without the PIN.
"""

import pytest
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.tests.common import UnitTestTouch
from kivy.uix.filechooser import FileChooserController
from kivy.uix.modalview import ModalView
from kivy.uix.scrollview import ScrollView
from kivy.uix.settings import Settings

from expressive.media import MediaServices
from expressive.portfolio import Portfolio
from expressive.session import CLIENT_SCREENS
from expressive.ui.app import SCREENS
from expressive.tools.driver import advance_frames, as_main_loop, frames_unpaced, start_app, stop_app, tap
from expressive.ui.screens.access import TherapistPinDialog
from expressive.ui.therapist import TherapistView
from tests_support import PIN, StoppedClock, screen, submit_secret

THERAPIST_SCREENS = set(SCREENS) - set(CLIENT_SCREENS)
# How many popups deep the walk goes (a popup opened from a popup opened from the studio).
DEEPEST = 3
# Taps per activity: enough for every control and popup of the built-in activities.
MOST_TAPS = 400
# Of a row or grid of like buttons (colours, stamps, papers), this many are tapped: they
# differ in what they choose, not in where they lead.
OF_A_KIND = 6
# Escape (the back button), F1 (Kivy's own settings), the menu key, F11, F12.
KEYS = (27, 282, 319, 292, 293)



@pytest.fixture
def clock():
    return StoppedClock()


@pytest.fixture
def app(window, portfolio_dir, monkeypatch, clock, demo_copy):
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    demo_copy(portfolio_dir, PIN)
    store = Portfolio.open(portfolio_dir, passphrase=PIN)
    running = start_app(store, clock=clock, media=MediaServices(sound="synth", midi="fake"))
    # The walks wait on nothing but Kivy's clock: its frames need not keep a screen's pace.
    with frames_unpaced():
        yield running
    stop_app(running)


def start_client_session(app):
    """The demo client (with earlier work of every kind, for the choosers to offer), the
    most tools, and a session begun: the tablet is in client mode."""
    (client,) = app.store.clients()
    app.client = app.store.set_client_settings(client.id, {"complexity": "full"})
    app.open_client(app.client)
    app.begin_session(app.plans[0], "", 3)
    assert app.client_mode and app.root.current == "launcher"


def attached(widget, window) -> bool:
    while widget.parent is not None and widget.parent is not widget:
        widget = widget.parent
    return widget is window


def shown(widget) -> bool:
    while widget is not None and widget.parent is not widget:
        if widget.opacity == 0 or widget.width <= 0 or widget.height <= 0:
            return False
        widget = widget.parent
    return True


def forbidden(app, window) -> list[str]:
    """What is open that only the therapist may see, in words."""
    found = []
    if app.root.current in THERAPIST_SCREENS:
        found.append(f"the {app.root.current!r} screen")
    for layer in window.children:
        for widget in layer.walk():
            if isinstance(widget, FileChooserController):
                found.append(f"a file chooser showing {widget.path}")
            elif isinstance(widget, Settings):
                found.append("the settings panel")
            elif isinstance(widget, TherapistView):
                found.append(f"the therapist-only {type(widget).__name__}")
    return found


def top_layer(window):
    return window.children[0]


def open_views(window) -> list[ModalView]:
    return [view for view in window.children if isinstance(view, ModalView)]


def label_of(widget) -> str:
    return getattr(widget, "text", "") or getattr(widget, "icon", "") or type(widget).__name__


def key_of(widget) -> tuple:
    """The same button after a rebuild (a popup opened again) or a scroll has the same key:
    its label and its place in the widget tree."""
    label, place = label_of(widget), []
    while widget.parent is not None and widget.parent is not widget:
        place.append((type(widget).__name__, widget.parent.children.index(widget)))
        widget = widget.parent
    return label, tuple(place)


def kind_of(widget) -> tuple:
    """Buttons of one class side by side (colours, stamps, papers) are one kind of button."""
    return type(widget).__name__, key_of(widget.parent)[1]


def pressables(layer, exits) -> list:
    found = []
    for widget in layer.walk(restrict=True):
        if widget in exits or widget.disabled or not shown(widget):
            continue
        if widget.is_event_type("on_release") or widget.is_event_type("on_press"):
            found.append(widget)
    return found


def settle() -> None:
    """What a frame does but drawing it (the slow part in a software display): the clock's
    callbacks, the rules, the layouts."""
    Clock.tick()
    Builder.sync()
    Clock.tick_draw()
    Builder.sync()


def press(widget) -> None:
    """A finger's tap at the centre of `widget`, through Kivy's own input path."""
    x, y = widget.to_window(*widget.center)
    touch = UnitTestTouch(x, y)
    as_main_loop(touch.touch_down)
    as_main_loop(touch.touch_up)
    as_main_loop(settle)


def bring_into_view(widget) -> bool:
    """Scroll the widget's scroll views to it, as a finger would; False if it stays hidden."""
    holder = widget.parent
    while holder is not None and holder.parent is not holder:
        if isinstance(holder, ScrollView):
            holder.scroll_to(widget, padding=0, animate=False)
            settle()
            x, y = widget.to_window(*widget.center)
            left, bottom = holder.to_window(holder.x, holder.y)
            if not (left <= x <= left + holder.width and bottom <= y <= bottom + holder.height):
                return False
        holder = holder.parent
    return True


class Walk:
    """Taps every reachable button of `name`, reopening popups until each of their buttons
    was tapped once; `back()` returns to the activity when a tap left it."""

    def __init__(self, app, window, name, back, exits):
        self.app, self.window, self.name = app, window, name
        self.back, self.exits = back, exits
        self.tapped: set[tuple] = set()
        self.kinds: dict[tuple, int] = {}
        self.taps = 0

    def check(self, trail) -> None:
        found = forbidden(self.app, self.window)
        assert not found, f"In client mode, {self.name}: {' > '.join(trail)} opened {', '.join(found)} without the PIN"

    def press_keys(self) -> None:
        for key in KEYS:
            if not self.window.dispatch("on_key_down", key, 0, None, []):
                self.window.dispatch("on_keyboard", key, 0, None, [])
            settle()
            self.check([f"key {key}"])
            self.close_views(open_views(self.window))
            if self.app.root.current != "activity":
                self.back()

    def close_views(self, views) -> None:
        for view in views:
            if view.parent is not None:
                view.dismiss(animation=False)
        settle()

    def explore(self, trail=(), depth=0) -> bool:
        """Tap the top layer's buttons; True once every one of them was tapped."""
        layer = top_layer(self.window)
        while self.taps < MOST_TAPS:
            if not attached(layer, self.window) or top_layer(self.window) is not layer:
                return False
            waiting = [widget for widget in pressables(layer, self.exits()) if key_of(widget) not in self.tapped]
            if not waiting:
                return True
            widget = waiting[0]
            key, kind = key_of(widget), kind_of(widget)
            if self.kinds.get(kind, 0) >= OF_A_KIND or not bring_into_view(widget):
                self.tapped.add(key)
                continue
            here = [*trail, label_of(widget)]
            views_before = open_views(self.window)
            self.taps += 1
            press(widget)
            self.check(here)
            opened = [view for view in open_views(self.window) if view not in views_before]
            exhausted = True
            if opened and depth < DEEPEST:
                exhausted = self.explore(here, depth + 1)
            self.close_views(opened)
            # A popup closed by one of its own buttons is opened again for the rest.
            if exhausted:
                self.tapped.add(key)
                self.kinds[kind] = self.kinds.get(kind, 0) + 1
            if self.app.root.current != "activity":
                assert self.app.root.current in CLIENT_SCREENS
                self.back()
                layer = top_layer(self.window)
        return False


def open_from_launcher(app, activity_id):
    app.go("launcher")
    tile = next(tile for tile in screen(app, "launcher").ids.tiles.children if tile.activity_id == activity_id)
    tap(tile)
    assert app.root.current == "activity" and screen(app, "activity").activity is not None


def finish_activity(app, window) -> None:
    """Close what is open and tap Done: the movement's capture stops with it."""
    for view in open_views(window):
        view.dismiss(animation=False)
    tap(screen(app, "activity").ids.done)
    assert app.root.current == "launcher"


def test_no_activity_reaches_a_file_chooser_or_a_therapist_screen_in_client_mode(app, window):
    start_client_session(app)
    activities = list(app.registry.activities)
    assert {"drawing", "music", "movement", "play", "story"} <= set(activities)
    for activity_id in activities:
        open_from_launcher(app, activity_id)
        walk = Walk(
            app, window, activity_id,
            back=lambda activity_id=activity_id: open_from_launcher(app, activity_id),
            # Done leads to the launcher and check-out, which the client may reach.
            exits=lambda: {screen(app, "activity").ids.done},
        )
        walk.press_keys()
        assert walk.explore(), f"{activity_id}: every reachable button was tapped within {MOST_TAPS} taps"
        assert walk.taps > 3, f"{activity_id}: the walk found buttons to tap"
        finish_activity(app, window)


def test_the_therapist_reaches_movement_set_up_with_the_pin(app, window, clock):
    from expressive.activities.movement.studio import MovementSetup

    start_client_session(app)
    open_from_launcher(app, "movement")
    studio = screen(app, "activity").ids.area.children[0]
    tap(studio.ids.setup_button)
    (dialog,) = [view for view in open_views(window) if isinstance(view, TherapistPinDialog)]
    assert not [view for view in open_views(window) if isinstance(view, MovementSetup)]
    submit_secret(dialog.ids.entry, "000000")
    assert dialog.parent is not None and dialog.waiting and "not right" in dialog.message
    tap(dialog.ids.cancel)
    assert not open_views(window)
    tap(studio.ids.setup_button)
    (dialog,) = [view for view in open_views(window) if isinstance(view, TherapistPinDialog)]
    assert dialog.waiting, "the wait after a wrong PIN holds in a new dialog too"
    clock.now += 2
    dialog._wait()
    submit_secret(dialog.ids.entry, PIN)
    (setup,) = [view for view in open_views(window) if isinstance(view, MovementSetup)]
    assert app.client_mode, "the PIN opens the set-up only; the tablet stays in client mode"
    assert studio.activity.host.therapist_present, "present while the set-up the PIN opened is open"
    tap(setup.ids.calibrate)
    assert studio.countdown > 0 and not open_views(window), "calibrating counts down (from 3, by the clock)"
    assert not studio.activity.host.therapist_present
    tap(studio.ids.setup_button)
    assert [view for view in open_views(window) if isinstance(view, TherapistPinDialog)], "asked again next time"
    open_views(window)[0].dismiss(animation=False)
    app.client_mode = False
    assert studio.activity.host.therapist_present, "it follows client mode as it changes"
    tap(studio.ids.setup_button)
    assert [view for view in open_views(window) if isinstance(view, MovementSetup)], "no PIN out of client mode"
    finish_activity(app, window)


def test_marking_areas_ends_by_itself_when_left_to_the_client(app, window, clock):
    from expressive.activities.movement.studio import EDITING_IDLE_SECONDS, MovementSetup

    start_client_session(app)
    open_from_launcher(app, "movement")
    studio = screen(app, "activity").ids.area.children[0]
    now = [1000.0]
    studio.clock = lambda: now[0]
    tap(studio.ids.setup_button)
    (dialog,) = [view for view in open_views(window) if isinstance(view, TherapistPinDialog)]
    submit_secret(dialog.ids.entry, PIN)
    (setup,) = [view for view in open_views(window) if isinstance(view, MovementSetup)]
    setup.done(lambda: studio.edit("ignore"))
    advance_frames(2)
    assert studio.editing == "ignore", "the therapist marks areas with the set-up closed"
    now[0] += EDITING_IDLE_SECONDS / 2
    advance_frames(2)
    assert studio.editing == "ignore"
    now[0] += EDITING_IDLE_SECONDS
    advance_frames(2)
    assert studio.editing == "", "left alone, marking areas ends: the client cannot go on with it"
    finish_activity(app, window)


def test_a_host_without_the_app_has_no_therapist_unless_told():
    import logging

    from expressive.activity import Host, MemoryDrafts, Therapist

    ran = []
    host = Host(drafts=MemoryDrafts(), logger=logging.getLogger("test.host"))
    host.ask_therapist("Set up", lambda: ran.append("refused host"))
    present = Host(drafts=MemoryDrafts(), logger=logging.getLogger("test.host"), therapist=Therapist(present=True))
    present.ask_therapist("Set up", lambda: ran.append("present host"))
    assert (host.therapist_present, present.therapist_present, ran) == (False, True, ["present host"])


def test_the_video_chooser_opens_with_the_set_up_and_shows_only_its_folders(app, window, tmp_path, monkeypatch):
    from expressive.ui.files import FileChooser

    videos, elsewhere = tmp_path / "Videos", tmp_path / "elsewhere"
    videos.mkdir()
    elsewhere.mkdir()
    (elsewhere / "private.avi").write_bytes(b"not to be seen")
    (videos / "a-way-out").symlink_to(elsewhere)
    monkeypatch.setattr("expressive.ui.files.file_places", lambda: [videos])
    start_client_session(app)
    open_from_launcher(app, "movement")
    tap(screen(app, "activity").ids.area.children[0].ids.setup_button)
    (dialog,) = open_views(window)
    submit_secret(dialog.ids.entry, PIN)
    (setup,) = open_views(window)
    tap(next(widget for widget in setup.walk() if getattr(widget, "text", "") == "A video"))
    (chooser,) = open_views(window)
    assert isinstance(chooser, FileChooser), "no second PIN while the set-up the PIN opened is open"
    files = chooser.ids.files
    assert files.rootpath == str(videos), "nothing above the Videos folder"
    files.path = str(videos / "a-way-out")
    settle()
    assert files.path == str(videos), "a link out of the folder leads back into it"
    files.selection = [str(videos / "a-way-out" / "private.avi")]
    tap(chooser.ids.choose)
    assert chooser.parent is not None, "a file outside the folder is not handed over"
    tap(next(widget for widget in chooser.walk() if getattr(widget, "text", "") == "Cancel"))
    assert not open_views(window)
    tap(screen(app, "activity").ids.area.children[0].ids.setup_button)
    assert isinstance(open_views(window)[0], TherapistPinDialog), "the set-up closed, the PIN is asked again"
    finish_activity(app, window)


def test_without_a_folder_of_files_the_chooser_says_so_instead_of_opening(app, window, monkeypatch):
    from expressive.ui.files import FileChooser
    from tests_support import open_popup_texts

    monkeypatch.setattr("expressive.ui.files.file_places", lambda: [])
    FileChooser(title="Bring in a file").open()
    settle()
    assert not [view for view in open_views(window) if isinstance(view, FileChooser)]
    assert any("no Downloads, Videos, Music or Documents folder" in text for text in open_popup_texts(window))
    open_views(window)[0].dismiss(animation=False)


def test_what_the_therapist_copied_cannot_be_pasted_by_the_client(app):
    from kivy.core.clipboard import Clipboard

    Clipboard.copy("a note about another client")
    if Clipboard.paste() != "a note about another client":
        pytest.skip("this display has no clipboard to test")
    start_client_session(app)
    assert Clipboard.paste().strip() == ""


def test_a_broken_activity_tells_the_client_kindly_and_keeps_the_error_for_the_therapist(app, window):
    from kivy.uix.label import Label

    app.registry.mark_unavailable("story", "KeyError: '/home/therapist/notes/robin.txt'")
    start_client_session(app)
    app.go("launcher")
    tile = next(tile for tile in screen(app, "launcher").ids.tiles.children if tile.activity_id == "story")
    tap(tile)
    (message,) = open_views(window)
    said = " ".join(label.text for label in message.walk() if isinstance(label, Label))
    assert "did not load" in said and "/home/therapist" not in said and "KeyError" not in said
    message.dismiss(animation=False)


def test_a_screen_changed_behind_the_hosts_back_still_needs_the_pin(app):
    start_client_session(app)
    app.root.current = "clients"
    assert app.root.current == "handback"
    assert screen(app, "handback").then == "clients"
