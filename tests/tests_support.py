"""Shared by the UI tests: protected portfolios with cheap key derivation, to keep tests quick."""

from expressive.portfolio import Portfolio
from expressive.tools.driver import advance_frames, start_app, tap
from sample_work import CHEAP_KDF

PIN = "246810"


def cheap_protect(root, passphrase: str) -> str:
    return Portfolio.protect(root, passphrase, kdf=CHEAP_KDF)


def submit_secret(entry, secret: str) -> None:
    """Tap the digits of `secret` on a SecretEntry's keypad, then its OK key."""
    keys = {button.text: button for button in entry.walk() if len(getattr(button, "text", "")) == 1}
    for digit in secret:
        tap(keys[digit], frames=0)
    advance_frames(1)
    tap(entry.ids.ok)


def open_drawing(app, client_name: str):
    """A new client, a session in client mode and the drawing studio open on its paper;
    returns the client, the activity screen and the paper widget."""
    client = app.store.add_client(client_name)
    app.open_client(client)
    app.begin_session(app.plans[0], "", 3)
    app.go("activity", activity_id="drawing")
    advance_frames(2)
    activity_screen = app.root.get_screen("activity")
    return client, activity_screen, activity_screen.ids.area.children[0].paper


def start_protected(portfolio_dir):
    """The real app, unlocked on a new portfolio protected with PIN."""
    cheap_protect(portfolio_dir, PIN)
    return start_app(Portfolio.open(portfolio_dir, passphrase=PIN))


def screen(app, name):
    return app.root.get_screen(name)


def open_popup_texts(window) -> list[str]:
    """Every text shown in the popups open on top of the app."""
    from kivy.uix.label import Label
    from kivy.uix.modalview import ModalView

    texts = []
    for view in window.children:
        if isinstance(view, ModalView):
            texts.extend(widget.text for widget in view.walk() if isinstance(widget, Label))
    return texts


def tap_popup_button(window, label: str) -> None:
    from kivy.uix.modalview import ModalView

    from expressive.ui.widgets import IconButton

    for view in list(window.children):
        if isinstance(view, ModalView):
            tap(next(widget for widget in view.walk() if isinstance(widget, IconButton) and widget.text == label))
            return
    raise AssertionError(f"no popup with a {label!r} button")


class StoppedClock:
    """A clock for the app or a lockout: time stands still unless a test moves `now`."""

    def __init__(self, now: float = 10_000.0):
        self.now = now

    def __call__(self):
        return self.now

