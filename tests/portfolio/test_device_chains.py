"""One audit chain per device, and the older layout's single log moved into this device's
chain at open, safely under SIGKILL at any step."""

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap

import pytest

from expressive.portfolio import Portfolio, PortfolioError
from expressive.portfolio.auditing import AUDIT_FOLDER, chain_path, chains
from expressive.portfolio.device import device_id
from expressive.portfolio.folder import LAYOUT_VERSION
from sample_work import audit_chain

PASSPHRASE = "correct horse"


def _events(store):
    return [(entry.device, entry.event, entry.client_id) for entry in store.audit_entries()]


def _two_devices(open_portfolio, tmp_path):
    """Tablet A with some entries, and B: a copy of A's folder that wrote entries of its own."""
    a = tmp_path / "a"
    with open_portfolio(a) as store:
        client = store.add_client("Robin")
        store.audit("open-client", client.id)
    b = tmp_path / "b"
    shutil.copytree(a, b)
    with open_portfolio(b) as store:
        store.audit("export", client.id)
    assert device_id(a) != device_id(b), "a copied folder is another device"
    return a, b, client


def _send_chain(source, target):
    """What a sync engine does: the source's own chain (log and anchor) arrives in target."""
    log = audit_chain(source)
    for path in (log, log.with_suffix(".anchor")):
        shutil.copy2(path, target / AUDIT_FOLDER / path.name)


def test_each_device_writes_only_its_own_chain_and_all_are_shown_by_time(open_portfolio, tmp_path):
    a, b, client = _two_devices(open_portfolio, tmp_path)
    a_device, b_device = device_id(a), device_id(b)
    a_before = audit_chain(a).read_bytes()
    _send_chain(b, a)
    with open_portfolio(a) as store:
        events = _events(store)
        assert store.verify_audit() == []
        assert store.check().ok
    assert (b_device, "export", client.id) in events
    assert (a_device, "open-client", client.id) in events
    # A appended to its own chain only; B's chain in A is as B wrote it.
    assert audit_chain(a).read_bytes().startswith(a_before)
    assert (a / AUDIT_FOLDER / f"{b_device}.log").read_bytes() == audit_chain(b).read_bytes()
    assert {device for device, _path in chains(a)} == {a_device, b_device}


def test_entries_of_all_chains_are_in_time_order(open_portfolio, tmp_path):
    a, b, _client = _two_devices(open_portfolio, tmp_path)
    _send_chain(b, a)
    with open_portfolio(a) as store:
        times = [entry.time for entry in store.audit_entries()]
    assert times == sorted(times)


@pytest.mark.parametrize("damage", ["changed", "cut short", "deleted log"])
def test_a_damaged_chain_of_another_device_is_named_with_its_device(open_portfolio, tmp_path, damage):
    a, b, client = _two_devices(open_portfolio, tmp_path)
    with open_portfolio(b) as store:
        store.audit("open-client", client.id)
    _send_chain(b, a)
    b_device = device_id(b)
    arrived = a / AUDIT_FOLDER / f"{b_device}.log"
    lines = arrived.read_bytes().splitlines(keepends=True)
    if damage == "changed":
        changed = next(number for number, line in enumerate(lines) if b'"open-client"' in line)
        lines[changed] = lines[changed].replace(b'"open-client"', b'"export"')
        arrived.write_bytes(b"".join(lines))
    elif damage == "cut short":
        arrived.write_bytes(b"".join(lines[:-1]))
    else:
        arrived.write_bytes(b"")
    with open_portfolio(a) as store:
        problems = store.verify_audit()
        check = store.check()
    assert problems and all(problem.startswith(f"device {b_device}: ") for problem in problems), problems
    assert any(problem.path == arrived.relative_to(a) for problem in check.problems)


# --- the older layout, moved -----------------------------------------------------------


def _as_older_layout(root):
    """Put the portfolio back as versions before device chains kept it."""
    log = audit_chain(root)
    os.rename(log, root / "audit.log")
    os.rename(log.with_suffix(".anchor"), root / "audit.anchor")
    os.rmdir(root / AUDIT_FOLDER)
    marker = json.loads((root / "portfolio.json").read_text())
    del marker["layout"]
    (root / "portfolio.json").write_text(json.dumps(marker))


def _older_portfolio(open_portfolio, root):
    with open_portfolio(root) as store:
        client = store.add_client("Robin")
        for event in ("open-client", "export"):
            store.audit(event, client.id)
        entries = [(entry.seq, entry.event, entry.client_id) for entry in store.audit_entries()]
    _as_older_layout(root)
    return entries


def _layout(root):
    return json.loads((root / "portfolio.json").read_text()).get("layout", 1)


def test_an_older_layout_opens_and_its_log_becomes_this_devices_chain(open_portfolio, tmp_path):
    root = tmp_path / "portfolio"
    written = _older_portfolio(open_portfolio, root)
    assert _layout(root) == 1
    with open_portfolio(root) as store:
        entries = [(entry.seq, entry.event, entry.client_id) for entry in store.audit_entries()]
        assert store.verify_audit() == []
    assert entries[:len(written)] == written
    assert _layout(root) == LAYOUT_VERSION
    assert not (root / "audit.log").exists() and not (root / "audit.anchor").exists()
    assert chain_path(root, device_id(root)).exists()


def test_a_newer_layout_is_refused_in_plain_words(tmp_path):
    root = tmp_path / "portfolio"
    Portfolio.open(root).close()
    marker = json.loads((root / "portfolio.json").read_text())
    marker["layout"] = LAYOUT_VERSION + 1
    (root / "portfolio.json").write_text(json.dumps(marker))
    with pytest.raises(PortfolioError, match="made by a newer version of Expressive. Update Expressive to open it"):
        Portfolio.open(root)
    assert json.loads((root / "portfolio.json").read_text())["layout"] == LAYOUT_VERSION + 1


# The open of an older portfolio, killed with SIGKILL at the `target`-th step that changes
# the disk (a rename, a replace, an fsync), before or after it.
KILLED_OPEN = textwrap.dedent(
    """
    import os, random, signal, sys
    root, seed, passphrase = sys.argv[1], int(sys.argv[2]), sys.argv[3] or None
    rng = random.Random(seed)
    target, after = rng.randrange(1, 12), rng.random() < 0.5
    steps = 0

    def killing(real):
        def step(*args, **kwargs):
            global steps
            steps += 1
            if steps == target and not after:
                os.kill(os.getpid(), signal.SIGKILL)
            result = real(*args, **kwargs)
            if steps == target:
                os.kill(os.getpid(), signal.SIGKILL)
            return result
        return step

    for name in ("rename", "replace", "fsync"):
        setattr(os, name, killing(getattr(os, name)))
    from expressive.portfolio import Portfolio
    Portfolio.open(root, passphrase=passphrase).close()
    print("not killed", flush=True)
    """
)


@pytest.mark.parametrize("seed", range(6))
def test_a_kill_at_any_step_of_the_move_loses_nothing_and_the_next_open_finishes_it(
    open_portfolio, protection, tmp_path, seed
):
    root = tmp_path / "portfolio"
    written = _older_portfolio(open_portfolio, root)
    environment = {key: value for key, value in os.environ.items() if not key.startswith("EXPRESSIVE_")}
    passphrase = PASSPHRASE if protection == "encrypted" else ""
    killed = subprocess.run([sys.executable, "-c", KILLED_OPEN, str(root), str(seed), passphrase],
                            env=environment, capture_output=True, text=True, timeout=120)
    assert killed.returncode in (-signal.SIGKILL, 0), killed.stderr
    with open_portfolio(root) as store:
        entries = [(entry.seq, entry.event, entry.client_id) for entry in store.audit_entries()]
        assert store.verify_audit() == []
        assert store.check().ok
    assert entries[:len(written)] == written
    assert _layout(root) == LAYOUT_VERSION
    assert not (root / "audit.log").exists() and not (root / "audit.anchor").exists()


def test_a_plain_chain_slipped_into_a_protected_portfolio_is_named_but_one_sealed_at_protection_is_not(tmp_path):
    from expressive.portfolio.atomic import write_file
    from expressive.security.audit import AuditLog
    from sample_work import CHEAP_KDF

    template = tmp_path / "template"
    with Portfolio.open(template) as store:
        store.audit("open-client", store.add_client("Robin").id)
    root = tmp_path / "portfolio"
    shutil.copytree(template, root)
    Portfolio.protect(root, PASSPHRASE, kdf=CHEAP_KDF)
    # Written by anyone, without the key: a chain of a device that never was.
    forged = AuditLog(root / AUDIT_FOLDER / "d-forgedxx.log", None, replace_file=write_file, fsync=False)
    forged.append("export", "c-00000000")
    with Portfolio.open(root, passphrase=PASSPHRASE) as store:
        problems = store.verify_audit()
    assert problems and all(problem.startswith("device d-forgedxx: ") for problem in problems), problems


def test_a_device_new_to_a_protected_portfolio_reads_no_deletion_into_its_missing_chain(tmp_path):
    from sample_work import CHEAP_KDF

    a = tmp_path / "a"
    Portfolio.protect(a, PASSPHRASE, kdf=CHEAP_KDF)
    b = tmp_path / "b"
    shutil.copytree(a, b)
    device_id(b)  # its id asked for first by something else (a backup, the sync engine)
    for _ in range(2):
        with Portfolio.open(b, passphrase=PASSPHRASE) as store:
            assert store.verify_audit() == []
    # Once its chain was seen written, its deletion is named.
    for path in (audit_chain(b), audit_chain(b).with_suffix(".anchor")):
        path.unlink()
    with Portfolio.open(b, passphrase=PASSPHRASE) as store:
        problems = store.verify_audit()
    assert any("were missing" in problem for problem in problems), problems
