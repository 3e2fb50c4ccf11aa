"""Tablets on loopback for the sync tests and the bench: each a real Syncthing instance of
our own, with its own home and portfolio folder, listening on its own 127.0.0.x address."""

from __future__ import annotations

import fnmatch
import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from expressive.portfolio.device import LOCAL_ONLY_PATTERNS
from expressive.sync.syncthing import Syncthing, free_port

# Generous: two busy cores shared with other test runs. Polling ends as soon as it holds.
CONVERGE_TIMEOUT_S = 120


@dataclass
class Tablet:
    name: str
    home: Path
    folder: Path
    listen: str
    engine: Syncthing
    folder_type: str = "sendreceive"

    @classmethod
    def start(cls, base: Path, name: str, host: str, *, folder_type: str = "sendreceive") -> Tablet:
        home, folder = base / f"{name}-home", base / f"{name}-portfolio"
        listen = f"tcp://{host}:{free_port(host)}"
        engine = Syncthing.start_own(home, folder, listen=listen, folder_type=folder_type)
        return cls(name, home, folder, listen, engine, folder_type)

    def restart(self) -> None:
        self.engine = Syncthing.start_own(self.home, self.folder, listen=self.listen, folder_type=self.folder_type)

    @property
    def device_id(self) -> str:
        return self.engine.device_id()


def pair(one: Tablet, other: Tablet, *, untrusted: bool = False, server_password: str | None = None) -> str | None:
    """Each device told of the other; `other` is the clinic server when `untrusted`."""
    password = one.engine.pair(other.device_id, other.listen, untrusted=untrusted, server_password=server_password)
    other.engine.pair(one.device_id, one.listen)
    return password


def is_local_only(relative: str) -> bool:
    anchored = "/" + relative
    for pattern in LOCAL_ONLY_PATTERNS:
        if pattern.startswith("/"):
            if fnmatch.fnmatchcase(anchored, pattern) or anchored.startswith(pattern + "/"):
                return True
        elif any(fnmatch.fnmatchcase(part, pattern) for part in relative.split("/")):
            return True
    return False


def shared_files(folder: Path) -> dict[str, str]:
    """Every file that travels, and its content's hash. Read while Syncthing writes: a
    file it is fetching (local-only) is not there yet, and one renamed or gone between
    being listed and read is left out (the folder is not settled, so it compares unequal)."""
    found = {}
    for parent, _folders, names in os.walk(folder):
        for name in names:
            path = Path(parent) / name
            relative = path.relative_to(folder).as_posix()
            if is_local_only(relative):
                continue
            try:
                found[relative] = hashlib.sha256(path.read_bytes()).hexdigest()
            except (FileNotFoundError, IsADirectoryError):
                continue
    return dict(sorted(found.items()))


def wait_until(condition, timeout: float = CONVERGE_TIMEOUT_S, what: str = "the tablets to converge",
               explain: Callable[[], str] | None = None) -> None:
    """Until `condition` holds; after `timeout`, a failure saying what was awaited (and,
    from `explain`, what the engines said of it)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {what}" + (f"\n{explain()}" if explain else ""))
        time.sleep(0.1)


def converged(*tablets: Tablet) -> bool:
    """The same files everywhere, and no engine with anything left to fetch."""
    first = shared_files(tablets[0].folder)
    return all(shared_files(tablet.folder) == first for tablet in tablets[1:]) and all(
        tablet.engine.folder_state().need_files == 0 for tablet in tablets)


def wait_converged(*tablets: Tablet, timeout: float = CONVERGE_TIMEOUT_S) -> None:
    for tablet in tablets:
        tablet.engine.scan()
    wait_until(lambda: converged(*tablets), timeout)
