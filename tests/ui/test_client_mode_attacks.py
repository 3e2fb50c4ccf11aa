"""Attacks on client mode from the ways the walk of every button does not take: a third-party
activity that never asks the Host, the window's own close request, Kivy's developer modules.

Client mode is a rule of the host, so each test breaks the rules from the activity's (or the
device's) side and checks that the host still keeps the client to their own session.
"""

import pytest
from kivy.clock import Clock
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.filechooser import FileChooserController, FileChooserListView
from kivy.uix.modalview import ModalView
from kivy.uix.popup import Popup

from expressive.activity import Activity, ActivityInfo, API_VERSION
from expressive.ui.driver import advance_frames, tap
from expressive.ui.screens.access import TherapistPinDialog
from tests_support import PIN, screen, submit_secret


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
    app.open_client(client)
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


def test_kivy_developer_modules_never_run_in_the_app(monkeypatch):
    from kivy.config import Config

    from expressive.ui.display import prepare_kivy

    for name in ("inspector", "recorder", "keybinding", "screen", "monitor"):
        Config.set("modules", name, "")
    prepare_kivy(headless_ok=True)
    assert Config.items("modules") == [], "no inspector of every widget, no recording of touches, no screenshot key"
