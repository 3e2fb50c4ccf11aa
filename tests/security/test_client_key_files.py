"""Each client's key in files of its own, written once: two tablets adding clients at the
same moment never write the same file, and older portfolios' keys move out of keyring.json
safely, whenever a kill interrupts the move."""

import json
import multiprocessing
import os
import shutil
import signal

import pytest
from security_helpers import PASSPHRASE, new_encrypted, story_draft

from expressive.portfolio import Portfolio
from expressive.portfolio.key_files import read_key_files
from expressive.security.keyring import Keyring, Keys, unwrap_client_key

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def _client_with_work(store, name):
    client = store.add_client(name, 2012)
    session = store.start_session(client.id, plan_id="free")
    work = store.save_artifact(client.id, session.id, "story", story_draft(f"{name}'s story"))
    return client, work


def _files(root):
    return {str(path.relative_to(root)): path.read_bytes() for path in root.rglob("*") if path.is_file()}


def _shared(root):
    """What would travel to another tablet (never the index, the lock or the device id)."""
    return {name: data for name, data in _files(root).items()
            if not name.startswith(("index.sqlite", "portfolio.lock", ".device.json"))}


def test_a_new_client_key_is_a_file_of_its_own_and_keyring_json_is_not_rewritten(tmp_path):
    root = tmp_path / "portfolio"
    new_encrypted(root)
    with Portfolio.open(root, passphrase=PASSPHRASE):
        pass
    keyring_before = (root / "keyring.json").read_bytes()
    with Portfolio.open(root, passphrase=PASSPHRASE) as store:
        client, work = _client_with_work(store, "Robin")
    assert (root / "keyring.json").read_bytes() == keyring_before
    assert json.loads(keyring_before)["clients"] == {}
    [wrapped] = read_key_files(root, client.id)
    assert (wrapped.generation, wrapped.holder) == (1, "master")
    assert os.listdir(root / "keys" / client.id) == ["g1-master.json"]
    with Portfolio.open(root, passphrase=PASSPHRASE) as store:
        assert store.read_file(work, "story.md") == b"Robin's story"
        store.delete_client(client.id)
    assert os.listdir(root / "keys") == []


def test_two_tablets_adding_clients_at_once_never_write_the_same_file(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    new_encrypted(first)
    with Portfolio.open(first, passphrase=PASSPHRASE):
        pass
    shutil.copytree(first, second)
    before = _shared(first)
    with Portfolio.open(first, passphrase=PASSPHRASE) as store:
        robin, robin_work = _client_with_work(store, "Robin")
    with Portfolio.open(second, passphrase=PASSPHRASE) as store:
        sam, sam_work = _client_with_work(store, "Sam")
    written_first = {name for name, data in _shared(first).items() if before.get(name) != data}
    written_second = {name for name, data in _shared(second).items() if before.get(name) != data}
    # The audit log is one chain per device in its own change; here only the keys matter.
    assert "keyring.json" not in written_first | written_second
    assert f"keys/{robin.id}/g1-master.json" in written_first
    assert f"keys/{sam.id}/g1-master.json" in written_second
    assert not {name for name in written_first & written_second if not name.startswith("audit")}

    # What the sync engine would bring: the second tablet's new files beside the first's.
    for name in written_second:
        if name.startswith(("keys/", "clients/")):
            (first / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(second / name, first / name)
    with Portfolio.open(first, passphrase=PASSPHRASE) as store:
        store.rebuild_index()
        assert sorted(client.name for client in store.clients()) == ["Robin", "Sam"]
        assert store.read_file(robin_work, "story.md") == b"Robin's story"
        sam_work = store.artifact(sam.id, sam_work.session_id, sam_work.id)
        assert store.read_file(sam_work, "story.md") == b"Sam's story"


def _older_portfolio(root):
    """A portfolio as the versions before key files left it: every client key in keyring.json."""
    new_encrypted(root)
    with Portfolio.open(root, passphrase=PASSPHRASE) as store:
        made = [_client_with_work(store, name) for name in ("Ana", "Ben", "Cleo")]
    keyring_doc = json.loads((root / "keyring.json").read_text())
    for client, _ in made:
        keyring_doc["clients"][client.id] = json.loads((root / "keys" / client.id / "g1-master.json").read_text())["wrapped"]
    shutil.rmtree(root / "keys")
    (root / "keyring.json").write_text(json.dumps(keyring_doc))
    return made


def _assert_every_key_in_one_place_or_both(root, made):
    keyring = Keyring.from_bytes((root / "keyring.json").read_bytes())
    keys = keyring.unlock(PASSPHRASE)
    for client, _ in made:
        in_files = [unwrap_client_key(keys, client.id, wrapped.fields["wrapped"]) for wrapped in read_key_files(root, client.id)]
        in_keyring = keyring.client_key(keys, client.id)
        assert in_files or in_keyring, f"the key of {client.id} is lost"
        assert len(set(in_files + [in_keyring] * (in_keyring is not None))) == 1


def test_an_older_portfolio_has_its_client_keys_moved_out_of_keyring_json_at_unlock(tmp_path):
    root = tmp_path / "portfolio"
    made = _older_portfolio(root)
    with Portfolio.open(root, passphrase=PASSPHRASE) as store:
        for client, work in made:
            assert store.read_file(work, "story.md") == f"{client.name}'s story".encode()
    assert json.loads((root / "keyring.json").read_text())["clients"] == {}
    assert sorted(os.listdir(root / "keys")) == sorted(client.id for client, _ in made)
    _assert_every_key_in_one_place_or_both(root, made)


def _open_and_die_at(root, step):
    """In a child: open the portfolio and SIGKILL itself just before its `step`th durable
    write (a file replaced, synced or removed)."""
    count = [0]
    real = {name: getattr(os, name) for name in ("replace", "fsync", "unlink", "rmdir")}

    def counted(name):
        def call(*args, **kwargs):
            count[0] += 1
            if count[0] == step:
                os.kill(os.getpid(), signal.SIGKILL)
            return real[name](*args, **kwargs)
        return call

    for name in real:
        setattr(os, name, counted(name))
    Portfolio.open(root, passphrase=PASSPHRASE).close()
    os._exit(0)


def test_a_kill_at_any_point_of_the_move_loses_no_key(tmp_path):
    root = tmp_path / "portfolio"
    made = _older_portfolio(root)
    pristine = tmp_path / "pristine"
    shutil.copytree(root, pristine)
    context = multiprocessing.get_context("fork")
    step = 1
    while True:
        shutil.rmtree(root)
        shutil.copytree(pristine, root)
        child = context.Process(target=_open_and_die_at, args=(root, step))
        child.start()
        child.join()
        _assert_every_key_in_one_place_or_both(root, made)
        with Portfolio.open(root, passphrase=PASSPHRASE) as store:
            for client, work in made:
                assert store.read_file(work, "story.md") == f"{client.name}'s story".encode()
        assert json.loads((root / "keyring.json").read_text())["clients"] == {}
        if child.exitcode == 0:
            break
        assert child.exitcode == -signal.SIGKILL
        step += 1
    assert step > 8, "the kills missed the move"


def test_a_damaged_key_file_is_named_and_opens_nothing(tmp_path):
    root = tmp_path / "portfolio"
    new_encrypted(root)
    with Portfolio.open(root, passphrase=PASSPHRASE) as store:
        client, work = _client_with_work(store, "Robin")
    path = root / "keys" / client.id / "g1-master.json"
    doc = json.loads(path.read_text())
    doc["client"] = "c-00000000"
    path.write_text(json.dumps(doc))
    with Portfolio.open(root, passphrase=PASSPHRASE) as store:
        with pytest.raises(Exception, match="damaged"):
            store.read_file(work, "story.md")


def test_keys_are_bound_to_their_client(tmp_path):
    root = tmp_path / "portfolio"
    new_encrypted(root)
    with Portfolio.open(root, passphrase=PASSPHRASE) as store:
        robin, robin_work = _client_with_work(store, "Robin")
        sam, _ = _client_with_work(store, "Sam")
    keys = Keyring.from_bytes((root / "keyring.json").read_bytes()).unlock(PASSPHRASE)
    assert isinstance(keys, Keys)
    wrapped = read_key_files(root, sam.id)[0].fields["wrapped"]
    with pytest.raises(Exception, match="damaged"):
        unwrap_client_key(keys, robin.id, wrapped)
