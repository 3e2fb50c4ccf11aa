"""What the app asks of a sync engine, whichever carries the portfolio: this device's id,
the devices it is paired with, the folder's state, and the files that arrived.

`Syncthing` (in `syncthing`) is the real engine; `FakeSync` keeps the same promises in
memory, for the screens' tests and screenshots, which need no network and no program.
"""

from __future__ import annotations

import re
import secrets
import threading
from dataclasses import dataclass, replace
from typing import Protocol

from expressive.i18n import N_, _
from expressive.portfolio import PortfolioError

# Syncthing's device ids: 56 letters and digits (base32), shown in 8 groups of 7; each
# 14th one is a check letter (Luhn mod 32) over the 13 before it, so a typo is caught here.
_DEVICE_ID = re.compile(r"^[A-Z2-7]{7}(-[A-Z2-7]{7}){7}$")
_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_ADDRESS = re.compile(r"^(tcp[46]?|quic[46]?)://[^\s/]{1,253}(:\d{1,5})?$")


class SyncError(PortfolioError):
    """Something the engine could not do, in words for the therapist: what happened and
    what to do (a PortfolioError, so the command line and the app say it as they say the
    others)."""


@dataclass(frozen=True)
class Peer:
    """A device this one shares the portfolio with."""

    device_id: str
    address: str  # "dynamic" when none was given: the other device dials this one
    untrusted: bool  # a clinic server keeping only encrypted data
    connected: bool = False
    last_seen: str = ""  # ISO time, "" when never
    completion: float = 0.0  # percent of the portfolio the device has


@dataclass(frozen=True)
class FolderState:
    """The portfolio folder as this device's engine sees it."""

    state: str  # idle, scanning, syncing, error, ... or "stopped"
    need_files: int = 0  # files still to fetch from the others
    local_files: int = 0
    error: str = ""


def normal_device_id(text: str) -> str:
    """A device id as typed or pasted (spaces, lower case, no dashes), in Syncthing's
    form; SyncError when it cannot be one."""
    letters = re.sub(r"[\s-]", "", text.upper())
    grouped = "-".join(letters[start:start + 7] for start in range(0, len(letters), 7))
    if not _DEVICE_ID.match(grouped) or with_check_letters(
            "".join(letters[start:start + 13] for start in range(0, 56, 14))) != letters:
        raise SyncError(_("That is not a device id: a device id is 56 letters and digits, "
                          "as the other device's Devices screen shows it."))
    return grouped


def in_two_lines(device_id: str) -> str:
    """A device id as Syncthing itself shows it: four groups, then the other four."""
    return device_id[:31] + "\n" + device_id[32:]


def with_check_letters(data: str) -> str:
    """52 base32 letters with their 4 check letters: a whole device id, ungrouped."""
    return "".join(part + _luhn32(part) for part in (data[start:start + 13] for start in range(0, 52, 13)))


def _luhn32(part: str) -> str:
    total, factor = 0, 1
    for letter in part:
        addend = factor * _BASE32.index(letter)
        factor = 1 if factor == 2 else 2
        total += addend // 32 + addend % 32
    return _BASE32[(32 - total % 32) % 32]


def checked_address(text: str | None) -> str:
    """An address such as tcp://192.168.1.20:22000, or "dynamic" when none is given."""
    if not text or not text.strip():
        return "dynamic"
    address = text.strip()
    if not _ADDRESS.match(address):
        raise SyncError(_("That is not a device address: write it as tcp://HOST:PORT, "
                          "such as tcp://192.168.1.20:22000."))
    return address


def new_server_password() -> str:
    """The secret that a clinic server's copy is encrypted with: every tablet sharing with
    that server must give it the same one."""
    return secrets.token_urlsafe(24)


# What a tablet with a portfolio of its own is told when a paired device offers another.
OTHER_PORTFOLIO = N_("{device} shares a different portfolio. This tablet has a portfolio of its own, so it does "
                     "not take the other one, and nothing of either is changed: two portfolios cannot be mixed. To "
                     "join that portfolio, this tablet must start from an empty portfolio (or a copy of that one "
                     "restored from its backup).")


class SyncEngine(Protocol):
    """The small interface the app, the command line and the tests use."""

    def device_id(self) -> str: ...

    def peers(self) -> list[Peer]: ...

    def listen_addresses(self) -> list[str]: ...

    def pair(self, device_id: str, address: str | None = None, *, untrusted: bool = False,
             server_password: str | None = None) -> str | None:
        """Share the portfolio with `device_id`; for an untrusted one, returns the
        clinic server password used (None otherwise)."""
        ...

    def unpair(self, device_id: str) -> None: ...

    def folder_state(self) -> FolderState:
        """State "waiting" on a new tablet that has not been offered a portfolio yet."""
        ...

    def other_portfolios_offered(self) -> list[str]:
        """Paired devices offering a portfolio other than this one's: never taken, as two
        portfolios must not be mixed in one folder (see `OTHER_PORTFOLIO`)."""
        ...

    def arrived(self, timeout: float) -> list[str]:
        """Paths (relative to the portfolio folder) that other devices changed since the
        last call, waiting up to `timeout` seconds for the first."""
        ...

    def scan(self, paths: list[str] | None = None) -> None:
        """Look at these paths (or the whole folder) now: they were just written."""
        ...

    def stop(self) -> None: ...


class FakeSync:
    """An engine in memory: pairing is remembered, files arrive when a test says so."""

    def __init__(self, own_id: str | None = None) -> None:
        self._own_id = own_id or normal_device_id(with_check_letters("FAKEDEVICE" + "A" * 42))
        self._peers: dict[str, Peer] = {}
        self._arrivals: list[str] = []
        self._arriving = threading.Condition()
        self._password: str | None = None
        self.running = True
        self.scanned: list[list[str] | None] = []
        self.other_portfolios: list[str] = []  # a test sets what other devices offer

    def device_id(self) -> str:
        return self._own_id

    def peers(self) -> list[Peer]:
        return list(self._peers.values())

    def listen_addresses(self) -> list[str]:
        return ["tcp://192.168.1.20:22000"]

    def pair(self, device_id: str, address: str | None = None, *, untrusted: bool = False,
             server_password: str | None = None) -> str | None:
        device = normal_device_id(device_id)
        self._peers[device] = Peer(device, checked_address(address), untrusted)
        if not untrusted:
            return None
        self._password = server_password or self._password or new_server_password()
        return self._password

    def unpair(self, device_id: str) -> None:
        self._peers.pop(normal_device_id(device_id), None)

    def folder_state(self) -> FolderState:
        return FolderState("idle" if self.running else "stopped")

    def other_portfolios_offered(self) -> list[str]:
        return list(self.other_portfolios)

    def arrived(self, timeout: float) -> list[str]:
        with self._arriving:
            self._arriving.wait_for(lambda: self._arrivals or not self.running, timeout)
            if not self.running:
                raise SyncError(_("Syncing has stopped."))  # as a stopped Syncthing no longer answers
            arrivals, self._arrivals = self._arrivals, []
        return arrivals

    def scan(self, paths: list[str] | None = None) -> None:
        self.scanned.append(paths)

    def stop(self) -> None:
        """As a real engine's stop ends the wait for arrivals, so does this one's."""
        with self._arriving:
            self.running = False
            self._arriving.notify_all()

    # ----- what a test makes happen

    def arrive(self, *paths: str) -> None:
        with self._arriving:
            self._arrivals.extend(paths)
            self._arriving.notify_all()

    def seen(self, device_id: str, *, connected: bool, completion: float, last_seen: str = "") -> None:
        self._peers[device_id] = replace(self._peers[device_id], connected=connected,
                                         completion=completion, last_seen=last_seen)
