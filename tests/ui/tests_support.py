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
