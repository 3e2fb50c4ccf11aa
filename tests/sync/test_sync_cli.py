"""`expressive sync` with a real Syncthing: status, pairing remembered from one command to
the next, the QR code, and plain words when Syncthing is missing or an id is wrong."""

import pytest
from expressive.sync.syncthing import free_port

from expressive.cli import main
from expressive.portfolio import Portfolio
from expressive.sync.engine import normal_device_id, with_check_letters
from expressive.sync.syncthing import Syncthing, running_instance

OTHER = normal_device_id(with_check_letters("Q" * 52))


@pytest.fixture
def sync_args(tmp_path):
    Portfolio.open(tmp_path / "portfolio").close()

    def args(*words: str) -> list[str]:
        return ["--portfolio", str(tmp_path / "portfolio"), "sync", *words, "--sync-home", str(tmp_path / "home"),
                "--listen", f"tcp://127.0.0.1:{free_port()}"]

    return args


def test_pairing_is_remembered_and_each_command_stops_what_it_started(sync_args, tmp_path, capsys):
    assert main(sync_args("status", "--qr", str(tmp_path / "id.png"))) == 0
    said = capsys.readouterr().out
    assert "This device's id: " in said and "No device is paired yet" in said
    assert (tmp_path / "id.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "portfolio" / ".stignore").is_file()
    assert main(sync_args("pair", OTHER.lower(), "--address", "tcp://127.0.0.9:22000")) == 0
    assert main(sync_args("status")) == 0
    said = capsys.readouterr().out
    assert f"The portfolio is shared with {OTHER}." in said
    assert f"{OTHER} (tablet): never connected, " in said and "at tcp://127.0.0.9:22000" in said
    assert running_instance(tmp_path / "home") is None
    # Found running (the app's, or `sync run`), it is asked and left running.
    running = Syncthing.start_own(tmp_path / "home", tmp_path / "portfolio")
    try:
        assert main(sync_args("unpair", OTHER)) == 0
        assert main(sync_args("status")) == 0
        assert "No device is paired yet" in capsys.readouterr().out
        assert running.rest.answers()
    finally:
        running.stop()


def test_a_clinic_server_gets_a_password_to_give_the_other_tablets(sync_args, tmp_path, capsys, monkeypatch):
    running = Syncthing.start_own(tmp_path / "home", tmp_path / "portfolio", listen=f"tcp://127.0.0.1:{free_port()}")
    try:
        assert main(sync_args("pair", OTHER, "--untrusted")) == 0
        said = capsys.readouterr().out
        assert "The clinic server keeps the work encrypted with this password: " in said
        (tmp_path / "password").write_text("the clinic's own words\n")
        server = normal_device_id(with_check_letters("R" * 52))
        assert main(sync_args("pair", server, "--untrusted", "--server-password-file", str(tmp_path / "password"))) == 0
        assert "this password" not in capsys.readouterr().out
        assert main(sync_args("status")) == 0
        assert capsys.readouterr().out.count("clinic server (encrypted copy)") == 2
    finally:
        running.stop()


def test_a_wrong_id_and_a_missing_syncthing_are_said_plainly(sync_args, tmp_path, capsys, monkeypatch):
    assert main(sync_args("pair", "ABCDEFG")) == 2
    assert "That is not a device id" in capsys.readouterr().err
    monkeypatch.setenv("PATH", str(tmp_path))
    assert main(sync_args("status")) == 2
    assert "Syncthing is not installed" in capsys.readouterr().err


def test_an_instance_the_clinic_runs_is_driven_and_left_running(tmp_path, capsys, monkeypatch):
    import xml.etree.ElementTree as ElementTree

    Portfolio.open(tmp_path / "portfolio").close()
    clinics = Syncthing.start_own(tmp_path / "clinic-home", tmp_path / "portfolio", listen=f"tcp://127.0.0.1:{free_port()}")
    try:
        api_key = ElementTree.parse(tmp_path / "clinic-home" / "config.xml").findtext("gui/apikey")
        monkeypatch.setenv("EXPRESSIVE_SYNCTHING_API_KEY", api_key)
        words = ["--portfolio", str(tmp_path / "portfolio"), "sync"]
        assert main([*words, "pair", OTHER, "--syncthing-url", clinics.rest.url]) == 0
        assert main([*words, "status", "--syncthing-url", clinics.rest.url]) == 0
        assert f"This device's id: {clinics.device_id()}" in capsys.readouterr().out
        assert [peer.device_id for peer in clinics.peers()] == [OTHER]
        assert clinics.rest.answers(), "an instance someone else runs is not stopped"
        monkeypatch.setenv("EXPRESSIVE_SYNCTHING_API_KEY", "not-the-key")
        assert main([*words, "status", "--syncthing-url", clinics.rest.url]) == 2
        assert "check the address and the API key" in capsys.readouterr().err
    finally:
        clinics.stop()


def test_a_folder_shared_under_an_earlier_id_keeps_its_devices_under_the_portfolios_own(tmp_path):
    from expressive.sync.syncthing import portfolio_folder_id

    Portfolio.open(tmp_path / "portfolio").close()
    engine = Syncthing.start_own(tmp_path / "home", tmp_path / "portfolio", listen=f"tcp://127.0.0.1:{free_port()}")
    try:
        engine.pair(OTHER, "tcp://127.0.0.9:22000")
        config = engine.rest.get("/rest/config")
        config["folders"] = [{**folder, "id": "expressive-portfolio"} for folder in config["folders"]]
        engine.rest.put("/rest/config", config)  # as the first version shared every portfolio
        engine.share_folder()
        folders = engine.rest.get("/rest/config")["folders"]
        assert [folder["id"] for folder in folders] == [portfolio_folder_id(tmp_path / "portfolio")]
        assert OTHER in {device["deviceID"] for device in folders[0]["devices"]}
    finally:
        engine.stop()
