"""The Devices screen (the therapist's): this tablet's device id as words and a QR code,
pairing with another tablet or a clinic server, the devices paired and how far each has
synced, and syncing turned on and off. The work is done by `expressive.ui.syncing`."""

from __future__ import annotations

import io
import threading

from kivy.clock import Clock
from kivy.core.image import Image as CoreImage
from kivy.properties import BooleanProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from expressive.i18n import _
from expressive.portfolio import Portfolio, PortfolioError
from expressive.portfolio.layout import client_folders
from expressive.sync.engine import OTHER_PORTFOLIO, FolderState, Peer
from expressive.sync.service import qr_png, set_aside_to_join
from expressive.ui.rules import load_rules
from expressive.ui.screens.base import BaseScreen
from expressive.ui.syncing import tablet_sync

# How often the list of devices asks Syncthing how each is doing, while it is shown.
PEERS_EVERY_S = 3


class DeviceRow(BoxLayout):
    peer = ObjectProperty(None)
    kind = StringProperty("")
    seen = StringProperty("")


def describe_seen(peer: Peer) -> str:
    if peer.connected:
        return _("Connected, {percent}% in sync").format(percent=int(peer.completion))
    if peer.last_seen:
        return _("Last seen {time}, {percent}% in sync").format(time=peer.last_seen[:16].replace("T", " "),
                                                                 percent=int(peer.completion))
    return _("Not connected yet")


def describe_folder(folder: FolderState) -> str:
    if folder.state == "waiting":
        return _("No portfolio here yet: waiting for a paired tablet to share its portfolio")
    if folder.error:
        return _("Cannot sync: {problem}").format(problem=folder.error)
    if folder.need_files:
        return _("Fetching {n} files from the other devices").format(n=folder.need_files)
    if folder.state == "idle":
        return _("Up to date with the devices it reached")
    return _("Looking for changes") if folder.state.startswith("scan") else _("Syncing")


class DevicesScreen(BaseScreen):
    sync = ObjectProperty(None, rebind=True)
    untrusted = BooleanProperty(False)
    # This portfolio holds no client, so it may make way for another tablet's.
    may_join = BooleanProperty(False)
    # It made way: the other tablet's portfolio arrives into the empty folder...
    joining = BooleanProperty(False)
    # ...and is here, whole, to be opened with its passphrase.
    joined = BooleanProperty(False)
    message = StringProperty("")
    message_is_problem = BooleanProperty(False)
    qr_texture = ObjectProperty(None, allownone=True)
    folder = StringProperty("")

    def show(self, **_details):
        self.sync = tablet_sync(self.app)
        self.sync.bind(device_id=self._show_qr, state=self._state_changed)
        self.message = ""
        self.joining = self.app.store is None
        self.may_join = not self.joining and not client_folders(self.app.portfolio_root)
        self._show_qr()
        self._state_changed()
        self._asking = Clock.schedule_interval(lambda _dt: self.ask_for_peers(), PEERS_EVERY_S)

    def on_leave(self, *_args):
        if getattr(self, "_asking", None) is not None:
            self._asking.cancel()
            self._asking = None

    def _show_qr(self, *_args) -> None:
        device = self.sync.device_id
        if not device:
            self.qr_texture = None
            return
        texture = CoreImage(io.BytesIO(qr_png(device)), ext="png").texture
        texture.mag_filter = "nearest"  # a QR code's squares stay sharp when enlarged
        self.qr_texture = texture

    def _state_changed(self, *_args) -> None:
        if self.sync.state == "on":
            self.ask_for_peers()
        elif self.sync.state == "off":
            self.ids.peers.clear_widgets()
            self.folder = ""

    def say(self, words: str, *, problem: bool = False) -> None:
        self.message, self.message_is_problem = words, problem

    def switch(self) -> None:
        if self.sync.state == "off":
            self.sync.start()
        elif self.sync.state == "on":
            self.sync.stop()

    def ask_for_peers(self) -> None:
        engine = self.sync.engine
        if engine is None:
            return

        def ask() -> None:
            try:
                peers, folder, others = engine.peers(), engine.folder_state(), engine.other_portfolios_offered()
            except PortfolioError:
                return  # stopped meanwhile; the switch says so
            Clock.schedule_once(lambda _dt: self.show_peers(peers, folder, others))

        threading.Thread(target=ask, name="sync-peers", daemon=True).start()

    def show_peers(self, peers: list[Peer], folder: FolderState, others: list[str] = ()) -> None:
        self.folder = describe_folder(folder) if self.sync.engine is not None else ""
        self.joined = self.joining and folder.state == "idle" and not folder.need_files and (
            Portfolio.status(self.app.portfolio_root) != "new")
        if others:
            self.say("\n".join(_(OTHER_PORTFOLIO).format(device=device) for device in others), problem=True)
        rows = self.ids.peers
        rows.clear_widgets()
        for peer in peers:
            kind = _("Clinic server (keeps the work encrypted)") if peer.untrusted else _("Tablet")
            row = DeviceRow(peer=peer, kind=kind, seen=describe_seen(peer))
            row.ids.unpair.bind(on_release=lambda _button, device=peer.device_id: self.remove(device))
            rows.add_widget(row)

    def pair(self) -> None:
        engine = self.sync.engine
        if engine is None:
            self.say(_("Start syncing first."), problem=True)
            return
        try:
            password = engine.pair(self.ids.device.text, self.ids.address.text, untrusted=self.untrusted,
                                   server_password=self.ids.server_password.text.strip() or None)
        except PortfolioError as error:
            self.say(str(error), problem=True)
            return
        said = _("Paired. Now pair this tablet on the other device too, with the id shown here.")
        if password and password != self.ids.server_password.text.strip():
            said += "\n" + _("The clinic server keeps the work encrypted with this password, which every "
                                     "other tablet pairing with it must be given: {password}").format(password=password)
        self.say(said)
        for field in ("device", "address", "server_password"):
            self.ids[field].text = ""
        self.untrusted = False
        self.ask_for_peers()

    def join_another(self) -> None:
        """Make way for another tablet's portfolio (see `set_aside_to_join`): this empty one
        is closed and put aside, and syncing starts into the empty folder."""
        if not self.may_join or self.app.store is None:
            return
        self.sync.stop(remember=False)
        self.app.store.close()
        self.app.store = None
        try:
            aside = set_aside_to_join(self.app.portfolio_root)
        except (PortfolioError, OSError) as error:
            self.app.go("lock")  # closed: it opens again with its passphrase
            self.app.tell(_("Could not join"), str(error))
            return
        self.may_join, self.joining = False, True
        self.say(_("This tablet's empty portfolio was put aside in {folder}. Pair this tablet with the other one, "
                   "on both: the other tablet's portfolio then arrives here. When it is here, open it with that "
                   "portfolio's passphrase.").format(folder=aside))
        self.sync.start()

    def back(self) -> None:
        if not self.joining:
            self.app.go("clients")
            return
        if not self.joined:
            # Nothing of the other portfolio is here yet to open: syncing stops before a new
            # portfolio may be made in this folder (it would be shared as the other one).
            self.sync.stop()
        self.open_joined()

    def open_joined(self) -> None:
        """The portfolio that arrived, opened with its passphrase (or, when none arrived, a
        new one made)."""
        self.joining = self.joined = False
        self.app.open_what_is_there()

    def remove(self, device_id: str) -> None:
        engine = self.sync.engine
        if engine is None:
            return
        try:
            engine.unpair(device_id)
        except PortfolioError as error:
            self.say(str(error), problem=True)
            return
        self.say(_("Removed. That device keeps what it already has, but gets nothing new."))
        self.ask_for_peers()


def show_example_devices(app) -> None:
    """The Devices screen as a clinic sees it, for screenshots and the layout walk: syncing
    (a fake engine, nothing started), paired with a tablet and a clinic server."""
    from expressive.sync.engine import FakeSync, normal_device_id, with_check_letters

    engine = FakeSync(normal_device_id(with_check_letters("MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPJ2GK3TUMFXA")))
    tablet = normal_device_id(with_check_letters("KRQWE3DFOQQGEIDJNYQHI2DFEBZG633NEAYDCMRTGQ2TMNZYHE3A"))
    server = normal_device_id(with_check_letters("ONSXE5TFOIQGS3RAORUGKIDDNRUW42LDEB2W45DSOVZXIZLEEBQQ"))
    engine.pair(tablet, "tcp://192.168.1.21:22000")
    engine.pair(server, "tcp://clinic-server.local:22000", untrusted=True)
    engine.seen(tablet, connected=True, completion=100)
    engine.seen(server, connected=False, completion=87, last_seen="2026-03-02T17:45:10Z")
    sync = tablet_sync(app)
    sync.use_engine(engine)
    app.go("devices")
    app.root.get_screen("devices").show_peers(engine.peers(), engine.folder_state())


load_rules(__name__)
