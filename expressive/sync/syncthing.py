"""The real sync engine: Syncthing, driven through its REST API.

Our own instance (`start_own`) has a home of its own (keys, config, database; outside the
portfolio, never synced), answers only on 127.0.0.1 on a free port with a new random API
key at each start, listens for the other devices on the address given, and reaches
nothing but the devices paired with it: no global or local discovery, relays, NAT
traversal, usage reports, crash reports or upgrades. An instance the clinic runs is
driven the same way (`connect`), given its URL and API key.

The portfolio is one Syncthing folder whose id is made from the portfolio's own identity
(`portfolio_folder_id`): copies of one portfolio share one folder, and two different
portfolios never do, so a tablet that holds a portfolio of its own is never mixed with
another's (their portfolio.json and keys would fight over the same names). A tablet with
no portfolio yet (an empty folder) takes the one a paired device offers it; one with its
own is told of the other's offer, and neither is touched (`other_portfolios_offered`).
What is this copy's alone (`LOCAL_ONLY_PATTERNS`) is written to its `.stignore`. A clinic
server that must not read the work is an untrusted device: the folder is shared with it
under a password, so it stores only Syncthing's encryption of names and contents. Our own
instance as a server (`folder_type="receiveencrypted"`) accepts every portfolio its paired
tablets offer, each in a folder under its own.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import xml.etree.ElementTree as ElementTree
from pathlib import Path
from typing import Any

from expressive.i18n import _
from expressive.limits import InputRefused, load_json_bounded, read_bounded
from expressive.portfolio.atomic import make_folders, write_file
from expressive.portfolio.device import LOCAL_ONLY_PATTERNS
from expressive.portfolio.layout import MARKER_FILE

from .engine import FolderState, Peer, SyncError, checked_address, new_server_password, normal_device_id
from .rest import Rest, RestUnreachable

FOLDER_PREFIX = "expressive-"
FOLDER_LABEL = "Expressive portfolio"
_MAX_MARKER_BYTES = 64 * 1024
IGNORE_FILE = ".stignore"
CONFIG_FILE = "config.xml"
# Syncthing's own port, on every network of the tablet: the other devices dial it.
DEFAULT_LISTEN = "tcp://0.0.0.0:22000"
LOG_FILE = "syncthing.log"
MAX_CONFIG_BYTES = 4 * 1024 * 1024
# Syncthing hears of a change within a second and hashes the changed files at once; a full
# rescan is only a safety net for a change the watcher missed.
WATCH_DELAY_S = 1
RESCAN_INTERVAL_S = 600
# A fetch cut short (the device it came from was switched off part way) is tried again after
# this many seconds, doubling while it keeps failing (Syncthing's own first wait is a minute,
# doubling up to an hour: a device back sooner would wait on).
PULL_RETRY_S = 5
# A device's completion below 100% is looked into only this many wanted items deep.
MAX_WANTED_FOLDERS_LOOKED_AT = 100
EVENTS_PER_CALL = 1000
START_TIMEOUT_S = 30
STOP_TIMEOUT_S = 10
# A portfolio offered by a paired device wakes the wait, so a new tablet takes it at once.
_ARRIVAL_EVENTS = "ItemFinished,StateChanged,PendingFoldersChanged"
# Nothing beyond the paired devices: the settings in config.xml's <options>.
_PRIVATE_OPTIONS = {
    "globalAnnounceEnabled": "false",
    "localAnnounceEnabled": "false",
    "relaysEnabled": "false",
    "natEnabled": "false",
    "urAccepted": "-1",
    "autoUpgradeIntervalH": "0",
    "crashReportingEnabled": "false",
    "startBrowser": "false",
    "announceLANAddresses": "false",
    "setLowPriority": "false",
}
NOT_INSTALLED = _("Syncthing is not installed, so this tablet cannot sync. Install it "
                  "(on Debian or Ubuntu: sudo apt install syncthing) and try again.")


def stignore_text(patterns: tuple[str, ...] = LOCAL_ONLY_PATTERNS) -> str:
    """Syncthing's ignore file for the portfolio. Our patterns are already in its syntax (a
    leading "/" anchors a name at the folder, "*" stays within a name); "(?d)" lets
    Syncthing delete an ignored leftover when the folder holding it is deleted elsewhere,
    or a client erased on one tablet would stay half there on another."""
    lines = ["// Written by Expressive: what is this copy's alone and never travels."]
    lines += [f"(?d){pattern}" for pattern in patterns]
    return "\n".join(lines) + "\n"


def portfolio_folder_id(folder: Path) -> str | None:
    """The Syncthing folder id of the portfolio in `folder`, the same on every copy of it:
    made from when the portfolio was made, which portfolio.json keeps for good. None when
    there is no portfolio there yet."""
    marker = folder / MARKER_FILE
    try:
        document = load_json_bounded(read_bounded(marker, _MAX_MARKER_BYTES), max_bytes=_MAX_MARKER_BYTES)
    except FileNotFoundError:
        return None
    except (OSError, InputRefused) as error:
        raise SyncError(_("{file} cannot be read ({error}), so this portfolio cannot be synced. Run "
                          "'expressive check'.").format(file=marker, error=error)) from None
    created = document.get("created") if isinstance(document, dict) else None
    if not isinstance(created, str) or not created:
        raise SyncError(_("{file} does not say when the portfolio was made, so this portfolio cannot be "
                          "synced. Run 'expressive check'.").format(file=marker))
    return FOLDER_PREFIX + hashlib.sha256(f"expressive portfolio made {created}".encode()).hexdigest()[:20]


def holds_nothing_that_travels(folder: Path) -> bool:
    """Whether `folder` is empty but for what is a copy's alone (Syncthing's marker, our
    ignore file...): a tablet may take a portfolio offered to it only into such a folder."""
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return True
    return all(any(fnmatch.fnmatchcase("/" + name if pattern.startswith("/") else name, pattern)
                   for pattern in LOCAL_ONLY_PATTERNS) for name in names)


def write_ignores(folder: Path) -> None:
    write_file(folder / IGNORE_FILE, stignore_text().encode(), fsync=True)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def syncthing_program() -> str:
    program = shutil.which("syncthing")
    if program is None:
        raise SyncError(NOT_INSTALLED)
    return program


def prepare_home(home: Path, listen: str | None) -> tuple[str, str]:
    """Our instance's home, made on the first start (`syncthing generate`), and its config
    set for a private start: options, the listen address (`listen`, else the one given
    before, else DEFAULT_LISTEN), the API on a free local port with a new key. Returns
    (url, api_key). Only while the instance is stopped."""
    program = syncthing_program()
    make_folders(home)
    config = home / CONFIG_FILE
    if not config.exists():
        made = subprocess.run([program, "generate", "--home", str(home), "--no-default-folder",
                               "--skip-port-probing"], capture_output=True, timeout=60, env=_quiet_env())
        if made.returncode != 0 or not config.exists():
            raise SyncError(_("Syncthing could not make its settings in {home}: {reason}").format(
                home=home, reason=made.stderr.decode("utf-8", "replace")[-500:].strip()))
    try:
        tree = ElementTree.fromstring(read_bounded(config, MAX_CONFIG_BYTES))
    except (InputRefused, ElementTree.ParseError) as error:
        raise SyncError(_("Syncthing's settings in {home} cannot be read ({error}). Remove that folder to "
                          "start again; the devices must then be paired again.").format(home=home, error=error)) from None
    options = _child(tree, "options")
    for name, value in _PRIVATE_OPTIONS.items():
        _child(options, name).text = value
    before = [address.text for address in options.findall("listenAddress") if address.text != "default"]
    for old in options.findall("listenAddress"):
        options.remove(old)
    for address in [listen] if listen else before or [DEFAULT_LISTEN]:
        ElementTree.SubElement(options, "listenAddress").text = address
    gui = _child(tree, "gui")
    gui.set("enabled", "true")
    gui.set("tls", "false")
    address = f"127.0.0.1:{free_port()}"
    api_key = secrets.token_urlsafe(32)
    _child(gui, "address").text = address
    _child(gui, "apikey").text = api_key
    write_file(config, ElementTree.tostring(tree), fsync=True)
    return f"http://{address}", api_key


def _child(parent: ElementTree.Element, tag: str) -> ElementTree.Element:
    found = parent.find(tag)
    return found if found is not None else ElementTree.SubElement(parent, tag)


def _quiet_env() -> dict[str, str]:
    return {**os.environ, "STNOUPGRADE": "1", "STNORESTART": "1", "STNODEFAULTFOLDER": "1"}


class Syncthing:
    """One Syncthing instance carrying one portfolio folder (see the module's words)."""

    def __init__(self, rest: Rest, folder: Path, process: subprocess.Popen | None = None,
                 *, owned: bool = True, folder_type: str = "sendreceive") -> None:
        self.rest = rest
        self.owned = owned
        self.folder = folder
        self.process = process
        self._folder_type = folder_type
        self._own_id: str | None = None
        self.folder_id: str | None = None  # None until there is a portfolio here, or one offered is taken
        self._last_event = 0
        self._arrived: dict[str, None] = {}

    @classmethod
    def start_own(cls, home: Path, folder: Path, *, listen: str | None = None,
                  folder_type: str = "sendreceive") -> Syncthing:
        """Our own instance for `folder`, started now (or found still running from an
        earlier start that was not stopped), with the folder set up."""
        running = running_instance(home)
        if running is not None:
            engine = cls(running, folder, folder_type=folder_type)
        else:
            url, api_key = prepare_home(home, listen)
            log = home / LOG_FILE
            process = subprocess.Popen(
                [syncthing_program(), "serve", "--home", str(home), "--no-browser", "--no-restart", "--no-upgrade",
                 f"--logfile={log}", "--log-max-old-files=1", "--log-max-size=1000000"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                env=_quiet_env(), start_new_session=True)
            engine = cls(Rest(url, api_key), folder, process, folder_type=folder_type)
            engine._wait_until_answering(log)
        engine.share_folder()
        return engine

    @classmethod
    def connect(cls, url: str, api_key: str, folder: Path) -> Syncthing:
        """An instance someone else runs (the clinic's), carrying `folder` on this machine."""
        engine = cls(Rest(url, api_key), folder, owned=False)
        if not engine.rest.answers():
            raise SyncError(_("Syncthing does not answer at {url}: check the address and the API key.").format(url=url))
        engine.share_folder()
        return engine

    def _wait_until_answering(self, log: Path) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.rest.answers():
                return
            if self.process is not None and self.process.poll() is not None:
                break
            time.sleep(0.1)
        self.kill()
        try:
            said = read_bounded(log, 64 * 1024).decode("utf-8", "replace").strip().splitlines()[-3:]
        except (OSError, InputRefused):
            said = []
        raise SyncError(_("Syncthing did not start: {reason}").format(reason=" ".join(said) or _("no reason given")))

    # ----- the portfolio folder

    @property
    def is_server(self) -> bool:
        return self._folder_type == "receiveencrypted"

    def share_folder(self) -> None:
        """The portfolio folder in Syncthing's config under the portfolio's own id, with
        its ignore file and a watcher that notices a change within a second. Where there
        is no portfolio yet, the one a paired device offers is taken when it comes (see
        the module's words)."""
        make_folders(self.folder)
        if self.is_server:
            self._accept_offers_into_folder()
            return
        write_ignores(self.folder)
        wanted = portfolio_folder_id(self.folder)
        config = self.rest.get("/rest/config")
        folder = self._folder_config(config)
        if wanted is None:
            if folder is not None and holds_nothing_that_travels(self.folder):
                # Shared for a portfolio no longer here (set aside to join another): an
                # empty folder takes what is offered afresh.
                self.rest.delete(f"/rest/config/folders/{folder['id']}")
                self.folder_id = None
            self._take_offered()
            return
        if folder is not None and folder["id"] != wanted:
            # Shared under another id (by an earlier version, or before the portfolio here
            # was put back from a backup): the same devices, under this portfolio's own, in
            # one change of the whole config (a kill between two would lose the devices).
            config["folders"] = [other for other in config["folders"] if other is not folder] + [
                self._watched({**folder, "id": wanted})]
            self.rest.put("/rest/config", config)
            self.folder_id = wanted
            return
        self._put_folder(folder or self._new_folder(wanted, []))

    def _new_folder(self, folder_id: str, devices: list[str]) -> dict[str, Any]:
        folder = self.rest.get("/rest/config/defaults/folder")
        folder.update(id=folder_id, label=FOLDER_LABEL, path=str(self.folder), type=self._folder_type,
                      devices=[{"deviceID": device, "encryptionPassword": ""} for device in [self.device_id(), *devices]])
        return folder

    def _put_folder(self, folder: dict[str, Any]) -> None:
        self.rest.put(f"/rest/config/folders/{folder['id']}", self._watched(folder))
        self.folder_id = folder["id"]

    @staticmethod
    def _watched(folder: dict[str, Any]) -> dict[str, Any]:
        folder.update(fsWatcherEnabled=True, fsWatcherDelayS=WATCH_DELAY_S, rescanIntervalS=RESCAN_INTERVAL_S,
                      pullerPauseS=PULL_RETRY_S)
        return folder

    def _folder_config(self, config: dict[str, Any]) -> dict[str, Any] | None:
        """Our folder: the one at the portfolio's place (on a server, the first accepted
        into it); its id noted."""
        ours = [folder for folder in config.get("folders") or [] if self._is_ours(str(folder.get("path") or ""))]
        found = min(ours, key=lambda folder: folder["id"]) if ours else None
        self.folder_id = found["id"] if found else None
        return found

    def _is_ours(self, path: str) -> bool:
        place = Path(path).expanduser()
        return place == self.folder or (self.is_server and place.parent == self.folder)

    def _accept_offers_into_folder(self) -> None:
        """A server keeps each portfolio its tablets offer in a folder under its own, as
        Syncthing's encrypted copy (its paired tablets' offers are accepted: see `pair`)."""
        defaults = self.rest.get("/rest/config/defaults/folder")
        self.rest.put("/rest/config/defaults/folder", self._watched({**defaults, "path": str(self.folder),
                                                                      "type": self._folder_type}))
        config = self.rest.get("/rest/config")
        for folder in config.get("folders") or []:
            # Accepted before these settings were the defaults.
            if self._is_ours(str(folder.get("path") or "")) and folder.get("pullerPauseS") != PULL_RETRY_S:
                self._put_folder(folder)
        self._folder_config(config)

    def _offers(self) -> dict[str, list[str]]:
        """The portfolios paired devices offer this one: {folder id: [device, ...]}."""
        paired = {device.get("deviceID") for device in self.rest.get("/rest/config/devices") or []}
        offers = {}
        for folder_id, offer in (self.rest.get("/rest/cluster/pending/folders") or {}).items():
            devices = sorted(device for device in (offer or {}).get("offeredBy") or {} if device in paired)
            if isinstance(folder_id, str) and folder_id.startswith(FOLDER_PREFIX) and devices:
                offers[folder_id] = devices
        return offers

    def _take_offered(self) -> bool:
        """Whether there is a portfolio folder here: a tablet with none yet, whose folder
        is still empty, takes the one a paired device offers."""
        if self.folder_id is not None or self.is_server:
            return self.folder_id is not None or self._folder_config(self.rest.get("/rest/config")) is not None
        offers = self._offers() if holds_nothing_that_travels(self.folder) else {}
        if not offers:
            return False
        folder_id = min(offers)
        self._put_folder(self._new_folder(folder_id, offers[folder_id]))
        return True

    def other_portfolios_offered(self) -> list[str]:
        """The paired devices offering a portfolio that is not this one's, which this one
        never takes (a tablet with a portfolio of its own, or whose folder is not empty)."""
        if self.is_server:
            return []
        self._take_offered()
        return sorted({device for folder_id, devices in self._offers().items() if folder_id != self.folder_id
                       for device in devices})

    def device_id(self) -> str:
        if self._own_id is None:
            self._own_id = str(self.rest.get("/rest/system/status")["myID"])
        return self._own_id

    def pair(self, device_id: str, address: str | None = None, *, untrusted: bool = False,
             server_password: str | None = None) -> str | None:
        device = normal_device_id(device_id)
        if device == self.device_id():
            raise SyncError(_("That is this device's own id: type the id the other device shows."))
        config = self.rest.get("/rest/config")
        folder = None if self.is_server else self._folder_config(config)
        if folder is None and untrusted:
            raise SyncError(_("This tablet has no portfolio to share with a clinic server yet. Pair the server "
                              "once the portfolio has arrived from the other tablet."))
        password = ""
        if untrusted:
            password = server_password or self._server_password(folder) or new_server_password()
        entry = self.rest.get("/rest/config/defaults/device")
        entry.update(deviceID=device, name=device[:7], addresses=[checked_address(address)], untrusted=untrusted,
                     autoAcceptFolders=self.is_server)
        config["devices"] = [known for known in config.get("devices") or [] if known.get("deviceID") != device] + [entry]
        if folder is not None:
            folder["devices"] = [shared for shared in folder.get("devices") or [] if shared.get("deviceID") != device] + [
                {"deviceID": device, "encryptionPassword": password}]
        self.rest.put("/rest/config", config)
        if folder is None:
            self._take_offered()  # offered already, when that device paired with this one first
        return password or None

    @staticmethod
    def _server_password(folder: dict[str, Any]) -> str:
        """The password the folder is already shared under with a clinic server: every
        server of one portfolio gets the same, as every tablet must give it the same."""
        return next((shared["encryptionPassword"] for shared in folder.get("devices") or []
                     if shared.get("encryptionPassword")), "")

    def unpair(self, device_id: str) -> None:
        device = normal_device_id(device_id)
        config = self.rest.get("/rest/config")
        config["devices"] = [known for known in config.get("devices") or [] if known.get("deviceID") != device]
        for folder in config.get("folders") or []:
            folder["devices"] = [shared for shared in folder.get("devices") or [] if shared.get("deviceID") != device]
        self.rest.put("/rest/config", config)

    def peers(self) -> list[Peer]:
        config = self.rest.get("/rest/config")
        own = self.device_id()
        connections = (self.rest.get("/rest/system/connections") or {}).get("connections") or {}
        stats = self.rest.get("/rest/stats/device") or {}
        peers = []
        for device in config.get("devices") or []:
            device_id = device.get("deviceID")
            if device_id == own:
                continue
            completion = self._completion(device_id) if self._take_offered() else 0.0
            last_seen = str((stats.get(device_id) or {}).get("lastSeen") or "")
            peers.append(Peer(
                device_id=device_id,
                address=", ".join(device.get("addresses") or ["dynamic"]),
                untrusted=bool(device.get("untrusted")),
                connected=bool((connections.get(device_id) or {}).get("connected")),
                last_seen="" if last_seen.startswith("1970-") else last_seen,
                completion=completion,
            ))
        return peers

    def _completion(self, device_id: str) -> float:
        """How much of the portfolio `device_id` holds, in percent. Syncthing counts a
        folder made on two tablets at once (the edits folder of a piece reflected on both)
        as still wanted by a clinic server for ever after, though every file in it has
        arrived; a folder carries no content, so one wanted alone is not counted."""
        completion = self.rest.get("/rest/db/completion", folder=self.folder_id, device=device_id) or {}
        percent = float(completion.get("completion") or 0.0)
        wanted = int(completion.get("needItems") or 0)
        if percent >= 100 or not 0 < wanted <= MAX_WANTED_FOLDERS_LOOKED_AT:
            return percent
        needed = (self.rest.get("/rest/db/remoteneed", folder=self.folder_id, device=device_id,
                                perpage=MAX_WANTED_FOLDERS_LOOKED_AT) or {}).get("files") or []
        only_folders = len(needed) == wanted and all(
            str(item.get("type") or "").endswith("DIRECTORY") and not item.get("deleted") for item in needed)
        return 100.0 if only_folders else percent

    def listen_addresses(self) -> list[str]:
        """Where the other devices can reach this one: each address it listens on, with the
        addresses of this machine's networks in place of "every network"."""
        status = self.rest.get("/rest/system/status") or {}
        found = []
        for listening in (status.get("connectionServiceStatus") or {}).values():
            found += [address for address in listening.get("lanAddresses") or [] if isinstance(address, str)]
        return found

    def folder_state(self) -> FolderState:
        try:
            if not self._take_offered():
                return FolderState("waiting")  # for a paired device to offer its portfolio
            status = self.rest.get("/rest/db/status", folder=self.folder_id)
        except RestUnreachable:
            return FolderState("stopped")
        return FolderState(
            state=str(status.get("state") or ""),
            need_files=int(status.get("needFiles") or 0),
            local_files=int(status.get("localFiles") or 0),
            error=str(status.get("error") or ""),
        )

    def scan(self, paths: list[str] | None = None) -> None:
        if not self._take_offered():
            return
        for path in paths or [None]:
            self.rest.post("/rest/db/scan", folder=self.folder_id, sub=path)

    def arrived(self, timeout: float) -> list[str]:
        """Files that other devices changed and that are now in place, handed over once
        the folder is idle again (a piece of work arrives file by file: its manifest may
        come before its picture, and the app must read it whole)."""
        deadline = time.monotonic() + timeout
        while True:
            self._take_offered()
            seconds = max(0, int(deadline - time.monotonic()))
            events = self.rest.long_poll("/rest/events", seconds, since=self._last_event,
                                         limit=EVENTS_PER_CALL, events=_ARRIVAL_EVENTS) or []
            idle = False
            for event in events:
                self._last_event = max(self._last_event, int(event.get("id") or 0))
                data = event.get("data") or {}
                if data.get("folder") != self.folder_id:
                    continue
                if event.get("type") == "ItemFinished" and not data.get("error") and isinstance(data.get("item"), str):
                    self._arrived[data["item"]] = None
                elif event.get("type") == "StateChanged" and data.get("to") == "idle":
                    idle = True
            if self._arrived and (idle or self.folder_state().state == "idle"):
                arrived, self._arrived = list(self._arrived), {}
                return arrived
            if time.monotonic() >= deadline:
                return []

    # ----- stopping

    def stop(self) -> None:
        """Shut our own instance down cleanly, and kill it when it does not go in time; an
        instance someone else runs is left running."""
        if not self.owned:
            return
        try:
            self.rest.post("/rest/system/shutdown")
        except SyncError:
            pass
        if self.process is None:
            return
        try:
            self.process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.kill()

    def kill(self) -> None:
        """SIGKILL, as a pulled battery would (tests), or after a stop that hung."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


def running_instance(home: Path) -> Rest | None:
    """Our instance of `home` if it is still running (an app or a command that was killed
    left it): its config names the address and key it answers with."""
    try:
        tree = ElementTree.fromstring(read_bounded(home / CONFIG_FILE, MAX_CONFIG_BYTES))
    except (OSError, InputRefused, ElementTree.ParseError):
        return None
    address, api_key = tree.findtext("gui/address"), tree.findtext("gui/apikey")
    if not address or not api_key:
        return None
    rest = Rest(f"http://{address}", api_key)
    return rest if rest.answers() else None
