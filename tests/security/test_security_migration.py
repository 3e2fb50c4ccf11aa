"""Protecting an unencrypted portfolio in place: everything encrypted, nothing lost, even
when the process is killed at any moment of the migration."""

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest
from security_helpers import CHEAP_KDF, PASSPHRASE, PNG_SIGNATURE, drawing_draft, every_file, story_draft

from expressive.portfolio import Portfolio, WrongPassphrase
from expressive.portfolio.documents import encryption_document
from expressive.security.cipher import encrypt_file, is_encrypted
from expressive.security.keyring import Keyring

TYPED = ["Ada Lovegood", "Mira Stone", "the quiet forest", "a boat with red sails", "school worries"]

CHILD = r"""
import sys
from expressive.portfolio import KdfParams, Portfolio

root, passphrase = sys.argv[1:]
print("ready", flush=True)
Portfolio.protect(root, passphrase, kdf=KdfParams(time_cost=1, memory_cost=8192, parallelism=1))
print("done", flush=True)
"""
KILLS = 15


def _make_plain(root):
    """An unencrypted portfolio in use: two clients, notes, stories, drafts, an audit trail,
    and the leftovers of an interrupted save."""
    with Portfolio.open(root) as store:
        for number, name in enumerate(TYPED[:2]):
            client = store.add_client(name, 2010 + number, notes=TYPED[4])
            for day in range(3):
                session = store.start_session(client.id, plan_id="free", goal=TYPED[2], feeling_in=3)
                for colour in ("red", "teal"):
                    saved = store.save_artifact(client.id, session.id, "drawing", drawing_draft(title=TYPED[3], colour=colour))
                    store.set_reflection(saved, title=TYPED[3], about=TYPED[2])
                store.save_artifact(client.id, session.id, "story", story_draft(f"{TYPED[3]} on day {day}"))
                store.set_therapist_note(client.id, session.id, TYPED[4])
                store.finish_session(client.id, session.id, feeling_out=4)
            store.audit("open-client", client.id)
            drafts = store.drafts_dir(client.id, session.id, "story")
            drafts.mkdir(parents=True)
            (drafts / "autosave.md").write_text(TYPED[3], "utf-8")
        artifacts = store.artifacts(client.id)[0].path.parent
        partial = artifacts / ".09-drawing-zzzz.partial"
        partial.mkdir()
        (partial / "drawing.png").write_bytes(drawing_draft(title=TYPED[3]).files["drawing.png"])
        (artifacts.parent / ".tmp-0000abcd-session.json").write_text(TYPED[2], "utf-8")


def _contents(store):
    """Everything the portfolio holds, as the app reads it."""
    result = {}
    for client in store.clients():
        result[client.id] = (client.name, client.year_of_birth, client.notes)
        for session in store.sessions(client.id):
            result[session.id] = (session.goal, session.feeling_in, session.feeling_out, session.ended,
                                  store.therapist_note(client.id, session.id))
        for artifact in store.artifacts(client.id):
            result[artifact.id] = (artifact.title, artifact.about, artifact.damaged,
                                   {name: store.read_file(artifact, name) for name in (e.name for e in artifact.files)})
    return result


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    root = tmp_path_factory.mktemp("template") / "portfolio"
    _make_plain(root)
    with Portfolio.open(root) as store:
        expected = _contents(store)
    return root, expected


def _assert_protected_and_whole(root, expected):
    assert Portfolio.status(root) == "encrypted"
    client_files = [path for path in (root / "clients").rglob("*") if path.is_file()]
    assert client_files and all(is_encrypted(path.read_bytes()) for path in client_files)
    assert not [path for path in (root / "clients").rglob(".*") if not path.name.startswith(".deleting")]
    with Portfolio.open(root, passphrase=PASSPHRASE) as store:
        assert _contents(store) == expected
        report = store.check()
        assert report.ok, report.problems
        assert report.notes == []
    for name, content in every_file(root).items():
        assert not any(word.encode() in content for word in TYPED), name
        assert PNG_SIGNATURE not in content, name


def test_protecting_a_plain_portfolio_encrypts_everything_and_loses_nothing(template, tmp_path):
    source, expected = template
    root = tmp_path / "portfolio"
    shutil.copytree(source, root)
    drafts = list((root / "clients").rglob("autosave.md"))
    assert Portfolio.status(root) == "plain"

    recovery_key = Portfolio.protect(root, PASSPHRASE, kdf=CHEAP_KDF)

    _assert_protected_and_whole(root, expected)
    assert json.loads((root / "portfolio.json").read_text())["encryption"]["state"] == "complete"
    assert all(is_encrypted(path.read_bytes()) for path in drafts)
    with pytest.raises(WrongPassphrase):
        Portfolio.open(root)
    with Portfolio.open(root, passphrase=PASSPHRASE) as store:
        events = [entry.event for entry in store.audit_entries()]
        # The copy is another device than the template it was copied from: its log vouches
        # for where the template's log ended when the portfolio was protected.
        assert events == ["open-client", "open-client", "protect", "chains-sealed", "unlock", "lock", "unlock"]
        assert store.verify_audit() == []
    Portfolio.recover(root, recovery_key, "a second passphrase")
    Portfolio.open(root, passphrase="a second passphrase").close()


def test_an_interrupted_migration_is_finished_by_open_and_by_protect(template, tmp_path):
    source, expected = template
    for finisher in ("open", "protect"):
        root = tmp_path / finisher
        shutil.copytree(source, root)
        # As a kill would leave it: the keyring written, the state "migrating", no file done
        # yet but one (encrypted by hand here, as the migration would have).
        keyring, keys, _ = Keyring.create(PASSPHRASE, CHEAP_KDF)
        for client in sorted(os.listdir(root / "clients")):
            keyring.add_client(keys, client)
        (root / "keyring.json").write_bytes(keyring.to_bytes())
        marker = json.loads((root / "portfolio.json").read_text())
        marker["encryption"] = encryption_document("migrating")
        (root / "portfolio.json").write_text(json.dumps(marker))
        client_id = sorted(os.listdir(root / "clients"))[0]
        done = root / "clients" / client_id / "client.json"
        done.write_bytes(encrypt_file(keyring.client_key(keys, client_id), f"clients/{client_id}/client.json", done.read_bytes()))
        assert Portfolio.status(root) == "migrating"
        with pytest.raises(WrongPassphrase):
            Portfolio.open(root)
        with pytest.raises(WrongPassphrase):
            Portfolio.open(root, passphrase="not the passphrase")
        assert Portfolio.status(root) == "migrating"
        if finisher == "open":
            Portfolio.open(root, passphrase=PASSPHRASE).close()
        else:
            recovery_key = Portfolio.protect(root, PASSPHRASE)
            Portfolio.recover(root, recovery_key, PASSPHRASE)
        _assert_protected_and_whole(root, expected)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_kill_at_any_moment_of_the_migration_loses_nothing(template, tmp_path):
    source, expected = template
    chance = random.Random(os.environ.get("PYTEST_XDIST_WORKER", "") + str(time.time()))
    # How long the migration itself takes here, so that the kills land inside it.
    timing = tmp_path / "timing"
    shutil.copytree(source, timing)
    begun = time.perf_counter()
    Portfolio.protect(timing, PASSPHRASE, kdf=CHEAP_KDF)
    duration = time.perf_counter() - begun

    states = []
    for number in range(KILLS):
        root = tmp_path / f"kill-{number}"
        shutil.copytree(source, root)
        child = subprocess.Popen([sys.executable, "-c", CHILD, str(root), PASSPHRASE], stdout=subprocess.PIPE)
        assert child.stdout.readline() == b"ready\n"
        time.sleep(chance.uniform(0.0, duration * 1.2))
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()

        state = Portfolio.status(root)
        states.append(state)
        if state == "plain":  # killed before the portfolio said it was being protected
            with Portfolio.open(root) as store:
                assert _contents(store) == expected
            Portfolio.protect(root, PASSPHRASE, kdf=CHEAP_KDF)
        elif state == "migrating":  # killed halfway: the next open finishes it
            Portfolio.open(root, passphrase=PASSPHRASE).close()
        _assert_protected_and_whole(root, expected)
        shutil.rmtree(root)

    print("states after the kills:", states)
    assert "migrating" in states, f"no kill landed inside the migration: {states}"
