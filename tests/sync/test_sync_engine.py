"""The sync engine's parts that need no Syncthing: device ids, addresses, the ignore file,
the QR code, the remembered switch, and the watcher that hands arrivals on (on the fake)."""

import io
import shutil
import threading

import pytest
from PIL import Image
from tablets import is_local_only

from expressive.portfolio.device import LOCAL_ONLY_PATTERNS
from expressive.sync.engine import FakeSync, SyncError, checked_address, normal_device_id, with_check_letters
from expressive.sync.service import ArrivalWatcher, count_arrivals, qr_png, refresh_portfolio, remember_sync_on, sync_is_on
from expressive.sync.syncthing import stignore_text

A_DEVICE = "NVDJP2X-YJB5XXZ-Y7VPBPR-JN4VZM2-BZNYUTK-YAAN6FJ-4AHDZYZ-DKJPUQK"


def test_a_device_id_typed_loosely_is_read_and_a_typo_is_caught():
    assert normal_device_id(A_DEVICE.lower().replace("-", " ")) == A_DEVICE
    assert normal_device_id(A_DEVICE.replace("-", "")) == A_DEVICE
    with pytest.raises(SyncError, match="not a device id"):
        normal_device_id(A_DEVICE[:-1] + "A")  # one letter wrong: its check letter says so
    with pytest.raises(SyncError, match="not a device id"):
        normal_device_id("d-abcdefgh")
    assert normal_device_id(with_check_letters("B" * 52)).startswith("BBBBBBB-")


def test_an_address_is_tcp_host_and_port_or_none():
    assert checked_address(None) == checked_address("  ") == "dynamic"
    assert checked_address(" tcp://192.168.1.20:22000 ") == "tcp://192.168.1.20:22000"
    for wrong in ("192.168.1.20", "http://server:22000", "tcp://a b:1"):
        with pytest.raises(SyncError, match="not a device address"):
            checked_address(wrong)


def test_the_ignore_file_holds_every_local_only_pattern_and_lets_deletions_through():
    lines = stignore_text().splitlines()
    assert lines[0].startswith("//")
    assert lines[1:] == [f"(?d){pattern}" for pattern in LOCAL_ONLY_PATTERNS]


@pytest.mark.parametrize(("path", "local"), [
    ("index.sqlite", True), ("index.sqlite-wal", True), (".device.json", True), ("portfolio.lock", True),
    ("exporting/job.json", True), ("clients/c-1/.tmp-ab-client.json", True), ("clients/.deleting-c-1/x", True),
    ("portfolio.json", False), ("clients/c-1/client.json", False), ("clients/index.sqlite", False),
])
def test_the_patterns_mean_what_the_tests_take_them_to(path, local):
    assert is_local_only(path) is local


def test_the_qr_code_is_a_png():
    picture = Image.open(io.BytesIO(qr_png(A_DEVICE, scale=4)))
    assert picture.format == "PNG" and picture.size[0] == picture.size[1] >= 100


def test_whether_sync_is_on_is_remembered_in_the_home(tmp_path):
    home = tmp_path / "home"
    assert not sync_is_on(home)
    remember_sync_on(home, True)
    assert sync_is_on(home)
    remember_sync_on(home, False)
    assert not sync_is_on(home)
    (home / "expressive-sync.json").write_bytes(b"[" * 5000)
    assert not sync_is_on(home)


def test_arrivals_are_counted_without_names():
    counts = count_arrivals(["clients/c-1/sessions/s-1/session.json", "clients/c-1/sessions/s-1/artifacts/a/manifest.json",
                             "clients/c-1/sessions/s-1/artifacts/a/drawing.png"])
    assert counts == {"files": 3, "pieces": 1, "sessions": 1}


def test_the_watcher_hands_each_batch_on_and_stops():
    engine = FakeSync()
    batches, handed = [], threading.Event()
    watcher = ArrivalWatcher(engine, lambda paths: (batches.append(paths), handed.set()))
    watcher.start()
    engine.arrive("clients/c-1/client.json", "keys/c-1/g1.json")
    assert handed.wait(10)
    watcher.stop()
    engine.stop()
    watcher.join(10)
    assert batches == [["clients/c-1/client.json", "keys/c-1/g1.json"]]


def test_the_watcher_tells_an_engine_that_stopped_answering():
    class Gone(FakeSync):
        def arrived(self, timeout):
            raise SyncError("Syncthing does not answer")

    problems = []
    watcher = ArrivalWatcher(Gone(), lambda paths: None, problems.append)
    watcher.start()
    watcher.join(10)
    assert problems == ["Syncthing does not answer"]


def test_the_portfolio_is_refreshed_where_it_can_be():
    refreshed = []

    class Refreshing:
        def refresh(self, paths):
            refreshed.append(paths)

    refresh_portfolio(Refreshing(), ["a"])
    refresh_portfolio(object(), ["b"])  # a portfolio without refresh: nothing to do
    assert refreshed == [["a"]]


def test_the_fake_pairs_like_the_real_one():
    engine = FakeSync()
    assert engine.pair(A_DEVICE, "tcp://10.0.0.2:22000") is None
    password = engine.pair(with_check_letters("C" * 52), untrusted=True)
    assert password and engine.pair(with_check_letters("D" * 52), untrusted=True) == password
    assert [peer.untrusted for peer in engine.peers()] == [False, True, True]
    engine.unpair(A_DEVICE.lower())
    assert len(engine.peers()) == 2


def test_a_portfolios_folder_id_is_its_own_on_every_copy_and_no_other_has_it(tmp_path):
    from expressive.portfolio import Portfolio
    from expressive.sync.syncthing import FOLDER_PREFIX, holds_nothing_that_travels, portfolio_folder_id

    assert portfolio_folder_id(tmp_path / "new") is None and holds_nothing_that_travels(tmp_path / "new")
    for name in ("one", "other"):
        Portfolio.open(tmp_path / name).close()
    shutil.copytree(tmp_path / "one", tmp_path / "copy")
    one = portfolio_folder_id(tmp_path / "one")
    assert one.startswith(FOLDER_PREFIX) and one == portfolio_folder_id(tmp_path / "copy")
    assert one != portfolio_folder_id(tmp_path / "other")
    assert not holds_nothing_that_travels(tmp_path / "one")
    (tmp_path / "joining").mkdir()
    for local in (".stfolder", ".stignore", ".device.json", "index.sqlite"):
        (tmp_path / "joining" / local).write_text("")
    assert holds_nothing_that_travels(tmp_path / "joining")
    (tmp_path / "one" / "portfolio.json").write_text('{"format": "expressive-portfolio"}')
    with pytest.raises(SyncError, match="does not say when the portfolio was made"):
        portfolio_folder_id(tmp_path / "one")
