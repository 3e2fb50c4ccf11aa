"""Shared by the UI tests: protected portfolios with cheap key derivation, to keep tests quick."""

from expressive.portfolio import Portfolio
from expressive.ui.driver import advance_frames, tap
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
