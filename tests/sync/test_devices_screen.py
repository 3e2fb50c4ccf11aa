"""The Devices screen in the real app, on a fake engine (no Syncthing, no network): the
therapist turns syncing on, sees this tablet's id and its QR code, pairs a tablet and a
clinic server, removes one, and what arrives reaches the portfolio on the UI thread."""

import shutil
import threading
import time

import pytest

from expressive.portfolio import Portfolio
from expressive.sync.engine import FakeSync, normal_device_id, with_check_letters
from expressive.sync.service import sync_is_on
from expressive.tools.driver import advance_frames, tap, type_into
from tests_support import cheap_protect, screen, start_protected, submit_secret

TABLET = normal_device_id(with_check_letters("T" * 52))
SERVER = normal_device_id(with_check_letters("S" * 52))


def frames_until(condition, most: int = 2000) -> None:
    """Frames (each a little apart, for the engine's thread) until `condition` holds."""
    for _ in range(most):
        if condition():
            return
        time.sleep(0.005)
        advance_frames(1)
    raise AssertionError("the screen never got there")


@pytest.fixture
def devices(one_client_app, tmp_path):
    from expressive.ui.syncing import TabletSync

    engine = FakeSync()
    app = one_client_app
    app.tablet_sync = TabletSync(app, home=tmp_path / "sync-home", engine_factory=lambda portfolio, home: engine)
    tap(screen(app, "clients").ids.devices)
    assert app.root.current == "devices"
    return app, screen(app, "devices"), engine


def turn_on(app, page) -> None:
    tap(page.ids.switch)
    frames_until(lambda: app.tablet_sync.state == "on")


def words_on(widget) -> list[str]:
    from kivy.uix.label import Label

    return [child.text for child in widget.walk() if isinstance(child, Label)]


def test_turning_syncing_on_shows_this_tablets_id_and_qr_code_and_is_remembered(devices, tmp_path):
    app, page, engine = devices
    assert any("Start syncing to see this tablet's device id" in text for text in words_on(page))
    assert page.ids.pair.disabled and page.qr_texture is None
    turn_on(app, page)
    shown = engine.device_id()[:31] + "\n" + engine.device_id()[32:]
    assert shown in words_on(page)
    assert page.qr_texture is not None and page.qr_texture.width >= 100
    assert sync_is_on(tmp_path / "sync-home")
    tap(page.ids.switch)
    assert not engine.running and app.tablet_sync.state == "off"
    assert not sync_is_on(tmp_path / "sync-home")


def test_pairing_a_tablet_and_a_clinic_server_then_removing_one(devices):
    app, page, engine = devices
    turn_on(app, page)
    type_into(page.ids.device, TABLET.lower())
    type_into(page.ids.address, "tcp://192.168.1.21:22000")
    tap(page.ids.pair)
    assert [(peer.device_id, peer.address, peer.untrusted) for peer in engine.peers()] == [
        (TABLET, "tcp://192.168.1.21:22000", False)]
    assert page.message.startswith("Paired.")
    type_into(page.ids.device, SERVER)
    tap(page.ids.untrusted)
    assert page.untrusted and page.ids.server_password.opacity == 1
    tap(page.ids.pair)
    assert engine.peers()[1].untrusted
    assert "every other tablet pairing with it must be given" in page.message
    frames_until(lambda: len(page.ids.peers.children) == 2)
    rows = {row.peer.device_id: row for row in page.ids.peers.children}
    assert "Clinic server (keeps the work encrypted)" in words_on(rows[SERVER])
    tap(rows[TABLET].ids.unpair)
    assert [peer.device_id for peer in engine.peers()] == [SERVER]
    frames_until(lambda: len(page.ids.peers.children) == 1)


def test_a_wrong_id_is_said_plainly_and_nothing_is_paired(devices):
    app, page, engine = devices
    turn_on(app, page)
    type_into(page.ids.device, TABLET[:-1] + "A")
    tap(page.ids.pair)
    assert page.message.startswith("That is not a device id")
    assert not engine.peers()


def test_what_arrives_is_handed_to_the_portfolio_on_the_ui_thread(devices, monkeypatch):
    app, page, engine = devices
    turn_on(app, page)
    refreshed = []
    monkeypatch.setattr(app.store, "refresh", lambda paths: refreshed.append((paths, threading.current_thread())),
                        raising=False)
    app.go("clients")
    engine.arrive("clients/c-1/client.json")
    frames_until(lambda: refreshed)
    assert refreshed == [(["clients/c-1/client.json"], threading.main_thread())]
    assert app.root.current == "clients"


def test_sync_left_on_starts_again_at_unlock(devices, tmp_path):
    from expressive.ui.syncing import TabletSync

    app, page, engine = devices
    turn_on(app, page)
    app.tablet_sync.stop(remember=False)  # the app closed with sync on
    again = FakeSync()
    app.tablet_sync = TabletSync(app, home=tmp_path / "sync-home", engine_factory=lambda portfolio, home: again)
    app.tablet_sync.carry_on()
    frames_until(lambda: app.tablet_sync.state == "on")
    assert app.tablet_sync.engine is again


@pytest.fixture
def empty_tablet(window, portfolio_dir, tmp_path):
    """The app unlocked on a portfolio that holds no client yet, syncing on a fake engine."""
    from expressive.tools.driver import stop_app
    from expressive.ui.syncing import TabletSync

    app = start_protected(portfolio_dir)
    engine = FakeSync()
    app.tablet_sync = TabletSync(app, home=tmp_path / "sync-home", engine_factory=lambda portfolio, home: engine)
    yield app, engine
    stop_app(app)


def test_a_tablet_with_an_empty_portfolio_joins_another_tablets_and_opens_it(empty_tablet, portfolio_dir, tmp_path):
    app, engine = empty_tablet
    other = tmp_path / "other-tablet"
    cheap_protect(other, "975310")
    with Portfolio.open(other, passphrase="975310") as store:
        store.add_client("Robin")
    tap(screen(app, "clients").ids.devices)
    page = screen(app, "devices")
    assert page.may_join and not page.ids.join.disabled
    tap(page.ids.join)
    assert app.store is None and page.joining
    set_aside = [path for path in portfolio_dir.parent.iterdir() if path.name.startswith("portfolio-before-joining-")]
    assert len(set_aside) == 1 and (set_aside[0] / "portfolio.json").is_file(), "nothing of it is deleted"
    assert str(set_aside[0]) in page.message
    frames_until(lambda: app.tablet_sync.state == "on")
    assert not page.joined and page.ids.join.disabled
    shutil.copytree(other, portfolio_dir, dirs_exist_ok=True)  # what Syncthing brings
    engine.arrive("portfolio.json")
    page.ask_for_peers()
    frames_until(lambda: page.joined)
    tap(page.ids.join)
    assert app.root.current == "lock"
    submit_secret(screen(app, "lock").ids.entry, "975310")
    assert [client.name for client in app.store.clients()] == ["Robin"]
    assert app.tablet_sync.state == "on", "syncing carries on with the portfolio it brought"


def test_a_portfolio_with_clients_cannot_make_way_and_another_portfolio_offered_is_told(devices):
    app, page, engine = devices
    assert not page.may_join and page.ids.join.disabled
    turn_on(app, page)
    engine.other_portfolios = [TABLET]
    page.ask_for_peers()
    frames_until(lambda: "shares a different portfolio" in page.message)
    assert page.message_is_problem and "must start from an empty portfolio" in page.message
    page.join_another()
    assert app.store is not None
