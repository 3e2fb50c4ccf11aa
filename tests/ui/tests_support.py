"""Shared by the UI tests: protected portfolios with cheap key derivation, to keep tests quick."""

from expressive.portfolio import Portfolio
from expressive.security import KdfParams
from expressive.ui.driver import advance_frames, tap

PIN = "246810"
CHEAP_KDF = KdfParams(time_cost=1, memory_cost=8192, parallelism=1)


def cheap_protect(root, passphrase: str) -> str:
    return Portfolio.protect(root, passphrase, kdf=CHEAP_KDF)


def submit_secret(entry, secret: str) -> None:
    """Tap the digits of `secret` on a SecretEntry's keypad, then its OK key."""
    keys = {button.text: button for button in entry.walk() if len(getattr(button, "text", "")) == 1}
    for digit in secret:
        tap(keys[digit], frames=0)
    advance_frames(1)
    tap(entry.ids.ok)
