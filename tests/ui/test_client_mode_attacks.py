"""Attacks on client mode from the ways the walk of every button does not take: a third-party
activity that never asks the Host, the window's own close request, Kivy's developer modules,
small and upright tablets, an activity that breaks, pausing and long rests, wrong PINs.

Client mode is a rule of the host, so each test breaks the rules from the activity's (or the
device's) side and checks that the host still keeps the client to their own session.
"""

import pytest
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.filechooser import FileChooserController, FileChooserListView
from kivy.uix.modalview import ModalView
from kivy.uix.popup import Popup

from expressive.activity import Activity, ActivityInfo, API_VERSION
from expressive.tools.driver import advance_frames, scrolling_views_around, tap
from expressive.ui.screens.access import TherapistPinDialog
from tests_support import PIN, StoppedClock, screen, submit_secret


class NosyActivity(Activity):
    """A third-party activity that shows the device's files without asking the Host."""

    info = ActivityInfo(id="nosy", title="Nosy", icon="folder", artifact_kinds=("nosy",), api_version=API_VERSION)

    def build(self):
        box = BoxLayout()
        self.button = Button(text="Look around")
        self.button.bind(on_release=lambda _button: self.open_files())
        box.add_widget(self.button)
        return box

    def open_files(self):
        self.popup = Popup(title="Files", content=FileChooserListView(path="/"))
        self.popup.open()

    def has_work(self):
        return False


class EmbeddingActivity(NosyActivity):
    """One that puts a file browser into its own screen."""

    info = ActivityInfo(id="embedding", title="Embedding", icon="folder", artifact_kinds=("embedding",), api_version=API_VERSION)

    def build(self):
        box = BoxLayout()
        box.add_widget(FileChooserListView(path="/"))
        return box


def file_choosers(window) -> list:
    return [widget for layer in window.children for widget in layer.walk() if isinstance(widget, FileChooserController)]


def open_views(window) -> list:
    return [view for view in window.children if isinstance(view, ModalView)]


def start_session_with(app, *activities):
    for activity in activities:
        app.registry.activities[activity.info.id] = activity
    client = app.store.add_client("Robin")
    # The most tools: every popup an activity has can open.
    app.open_client(app.store.set_client_settings(client.id, {"complexity": "full"}))
    app.begin_session(app.plans[0], "", 3)
    assert app.client_mode


def test_a_plugin_that_opens_a_file_chooser_without_asking_gets_the_pin_dialog(app, window):
    start_session_with(app, NosyActivity)
    app.go("activity", activity_id="nosy")
    activity = screen(app, "activity").activity
    tap(activity.button)
    advance_frames(2)
    assert not file_choosers(window), "no file browser for the client"
    (dialog,) = open_views(window)
    assert isinstance(dialog, TherapistPinDialog)
    submit_secret(dialog.ids.entry, PIN)
    advance_frames(2)
    (chooser,) = file_choosers(window)
    assert activity.popup in open_views(window), "the therapist's PIN opens what the activity asked for"
    assert activity.host.therapist_present and app.client_mode
    activity.popup.dismiss(animation=False)
    advance_frames(1)
    tap(activity.button)
    advance_frames(2)
    assert not file_choosers(window), "asked again once the therapist closed it"
    open_views(window)[0].dismiss(animation=False)
    app.client_mode = False
    tap(activity.button)
    advance_frames(2)
    assert file_choosers(window), "outside client mode the therapist needs no PIN"
    activity.popup.dismiss(animation=False)


def test_a_plugin_that_shows_a_file_chooser_in_its_own_screen_shows_none(app, window):
    start_session_with(app, EmbeddingActivity)
    app.go("activity", activity_id="embedding")
    advance_frames(3)
    assert app.root.current == "activity"
    assert not file_choosers(window), "no file browser for the client, wherever the activity puts it"


def test_the_window_does_not_close_under_the_client(app, window):
    start_session_with(app)
    assert window.dispatch("on_request_close"), "closing (Alt+F4, the window's X) is refused in client mode"
    assert app.client_mode
    app.client_mode = False
    assert not window.dispatch("on_request_close"), "the therapist may close the app"


def test_kivy_developer_modules_never_run_in_the_app():
    from kivy.config import Config

    from expressive.ui.display import prepare_kivy

    for name in ("inspector", "recorder", "keybinding", "screen", "monitor"):
        Config.set("modules", name, "")
    prepare_kivy(headless_ok=True)
    assert Config.items("modules") == [], "no inspector of every widget, no recording of touches, no screenshot key"


@pytest.fixture
def small_tablet(window):
    """Sizes of small tablets, landscape and upright; the window's own size comes back after."""
    before = tuple(window.size)
    yield [(1024, 600), (800, 1280)]
    window.size = before
    advance_frames(2)


def on_screen(widget, window) -> bool:
    x, y = widget.to_window(*widget.center)
    return 0 <= x <= window.width and 0 <= y <= window.height


def buttons(widget) -> list:
    return [child for child in widget.walk() if child.is_event_type("on_release") and not child.disabled]


def reachable(button, window) -> bool:
    """On the screen, or in a scroll view that brings it there."""
    return on_screen(button, window) or bool(scrolling_views_around(button))


def assert_within(view, window, what, *, every_button=True) -> None:
    assert view.x >= 0 and view.y >= 0 and view.right <= window.width and view.top <= window.height, (
        f"at {tuple(window.size)}, {what} reaches past the window"
    )
    hidden = [getattr(button, "text", "") for button in buttons(view) if every_button and not reachable(button, window)]
    assert not hidden, f"at {tuple(window.size)}, {what} has buttons off the screen: {hidden}"


def test_on_a_small_or_upright_tablet_every_way_on_and_out_stays_on_the_screen(app, window, small_tablet):
    from expressive.activities.movement.studio import MovementSetup

    start_session_with(app)
    for size in small_tablet:
        window.size = size
        advance_frames(2)
        app.go("launcher")
        advance_frames(1)
        assert on_screen(screen(app, "launcher").ids.finish, window)
        app.go("activity", activity_id="drawing")
        advance_frames(1)
        assert on_screen(screen(app, "activity").ids.done, window)
        studio = screen(app, "activity").ids.area.children[0]
        tap(studio.ids.paper_button)
        (paper,) = open_views(window)
        # Its five columns of papers are wider than an upright tablet: only its frame is held here.
        assert_within(paper, window, "the paper chooser", every_button=size[0] > size[1])
        paper.dismiss(animation=False)
        tap(screen(app, "activity").ids.done)
        app.go("activity", activity_id="movement")
        advance_frames(1)
        tap(screen(app, "activity").ids.area.children[0].ids.setup_button)
        (dialog,) = open_views(window)
        assert_within(dialog, window, "the PIN dialog")
        submit_secret(dialog.ids.entry, PIN)
        (setup,) = open_views(window)
        assert isinstance(setup, MovementSetup)
        assert_within(setup, window, "the movement's set-up")
        setup.dismiss(animation=False)
        tap(screen(app, "activity").ids.done)
        app.go("checkout")
        advance_frames(1)
        assert on_screen(screen(app, "checkout").ids.next, window) and on_screen(screen(app, "checkout").ids.back, window)
        app.go("handback")
        advance_frames(1)
        handback = screen(app, "handback")
        assert all(on_screen(button, window) for button in buttons(handback)), f"at {size}, the hand-back screen"


class BrokenActivity(NosyActivity):
    """One whose popup's button raises: the activity stops with an error."""

    info = ActivityInfo(id="broken", title="Broken", icon="folder", artifact_kinds=("broken",), api_version=API_VERSION)

    def open_files(self):
        self.popup = ModalView(size_hint=(0.5, 0.5))
        failing = Button(text="Break")
        failing.bind(on_release=lambda _button: 1 / 0)
        self.popup.add_widget(failing)
        self.popup.open()


def test_an_activity_that_breaks_leaves_the_client_at_the_launcher_with_one_kind_sentence(app, window):
    from tests_support import open_popup_texts

    start_session_with(app, BrokenActivity)
    app.go("activity", activity_id="broken")
    activity = screen(app, "activity").activity
    tap(activity.button)
    tap(activity.popup.children[0])
    assert app.root.current == "launcher" and app.client_mode
    (message,) = open_views(window)
    assert activity.popup not in open_views(window), "nothing of the broken activity stays open over the launcher"
    assert any("so far is safe" in text for text in open_popup_texts(window))
    message.dismiss(animation=False)


@pytest.fixture
def clock():
    return StoppedClock(1_000)


@pytest.fixture
def app_on_a_stopped_clock(window, portfolio_dir, clock):
    from expressive.media import MediaServices
    from expressive.portfolio import Portfolio
    from expressive.tools.driver import start_app, stop_app
    from tests_support import cheap_protect

    cheap_protect(portfolio_dir, PIN)
    running = start_app(Portfolio.open(portfolio_dir, passphrase=PIN), clock=clock, media=MediaServices(sound="synth", midi="fake"))
    yield running
    stop_app(running)


def test_a_wrong_pin_in_a_dialog_slows_down_the_hand_back_screen_too(app_on_a_stopped_clock, window, clock):
    app = app_on_a_stopped_clock
    start_session_with(app, NosyActivity)
    app.go("activity", activity_id="nosy")
    tap(screen(app, "activity").activity.button)
    advance_frames(2)
    (dialog,) = open_views(window)
    submit_secret(dialog.ids.entry, "000000")
    dialog.dismiss(animation=False)
    tap(screen(app, "activity").ids.done)
    app.go("checkout")
    tap(screen(app, "checkout").ids.next)
    handback = screen(app, "handback")
    assert app.root.current == "handback" and handback.waiting, "one slow-down for every place that asks"
    handback.entered(PIN)
    assert app.client_mode, "not even the right PIN is tried during the wait"
    clock.now += 2
    handback._wait()
    submit_secret(handback.ids.entry, PIN)
    assert not app.client_mode and app.root.current == "note"


def test_pausing_and_a_long_rest_do_not_lock_or_leave_the_session(app_on_a_stopped_clock, window, clock):
    app = app_on_a_stopped_clock
    start_session_with(app)
    app.go("activity", activity_id="drawing")
    app.dispatch("on_pause")
    clock.now += 3600
    app.check_idle()
    app.dispatch("on_resume")
    advance_frames(1)
    assert app.store is not None and app.client_mode and app.root.current == "activity"
    assert not open_views(window)
    tap(screen(app, "activity").ids.done)
