"""Exports killed part way, for real: a child process running `expressive export` gets a
SIGKILL at a random moment, again and again. Whatever it left is readable by nobody else,
and the next start of the command line removes it; then only finished exports remain."""

import os
import random
import stat
import subprocess
import sys
import time

import pytest

from expressive.portfolio.journal import JOURNAL_FOLDER
from export_helpers import PASSPHRASE

KILLS = 5
OUT_NAMES = {"pdf": "Robin.pdf", "html": "Robin-web", "zip": "Robin.zip"}


def expressive(*args, wait=True):
    environment = {**os.environ, "EXPRESSIVE_PASSPHRASE": PASSPHRASE}
    command = [sys.executable, "-m", "expressive", *args]
    if not wait:
        return subprocess.Popen(command, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=300)


def modes_under(folder):
    """(path, mode) of everything under `folder`, the folder's own entries included."""
    found = []
    for here, folders, files in os.walk(folder):
        for name in folders + files:
            path = os.path.join(here, name)
            found.append((path, stat.S_IMODE(os.lstat(path).st_mode)))
    return found


@pytest.mark.parametrize("format", ["pdf", "html", "zip"])
def test_a_killed_export_leaves_nothing_readable_and_the_next_start_removes_it(encrypted_demo, tmp_path, format):
    demo = encrypted_demo.copied(tmp_path / "portfolio")
    out = tmp_path / "Downloads"
    out.mkdir()
    randomly = random.Random(format)
    for kill in range(KILLS):
        destination = out / f"{kill}-{OUT_NAMES[format]}"
        notes = ["--therapist-notes"] if format == "pdf" else []
        running = expressive("export", demo.client_id, "--format", format, "--out", str(destination), *notes,
                             "--portfolio", str(demo.root), wait=False)
        time.sleep(randomly.uniform(0.3, 2.5))
        running.kill()
        running.wait()
        readable = [(path, oct(mode)) for path, mode in modes_under(out) if mode & 0o077]
        assert readable == [], "nothing an export leaves may be readable by others"
    assert expressive("check", "--portfolio", str(demo.root)).returncode == 0
    left = sorted(name for name in os.listdir(out) if name.startswith("."))
    assert left == [], "the next start removes what killed exports left"
    assert not list((demo.root / JOURNAL_FOLDER).glob("*.json"))
    for name in os.listdir(out):
        assert name.endswith(OUT_NAMES[format]), name  # only finished exports


def killed_while_exporting(demo, temp):
    """A program that records `temp` as an export under way, makes it, and is killed;
    the running program is handed to the caller first, then killed after the block."""
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from export_helpers import Demo\n"
        f"demo = Demo(Path({str(demo.root)!r}), {demo.protection!r}, {demo.client_id!r})\n"
        "store = demo.open()\n"
        f"temp = Path({str(temp)!r})\n"
        "in_flight = store.export_in_flight([temp])\n"
        "in_flight.__enter__()\n"
        "temp.mkdir(0o700, exist_ok=True)\n"
        "(temp / 'index.html').write_text(\"Robin's words\")\n"
        "print('ready', flush=True)\n"
        "time.sleep(600)\n"
    )
    tests = os.path.dirname(__file__)
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join([tests, os.path.dirname(tests)])}
    running = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=environment)
    assert running.stdout.readline().strip() == "ready"
    return running


def test_an_interrupted_export_is_remembered_encrypted_and_removed_at_the_next_open(encrypted_demo, tmp_path):
    demo = encrypted_demo.copied(tmp_path / "portfolio")
    temp = tmp_path / ".tmp-0123456789abcdef"
    running = killed_while_exporting(demo, temp)
    (entry,) = (demo.root / JOURNAL_FOLDER).glob("*.json")
    assert b"Robin" not in entry.read_bytes() and str(tmp_path).encode() not in entry.read_bytes()
    assert stat.S_IMODE(entry.stat().st_mode) == 0o600
    running.kill()
    running.wait()
    with demo.open():
        pass
    assert not temp.exists() and not list((demo.root / JOURNAL_FOLDER).glob("*.json"))


def test_only_an_exports_own_temporary_names_are_ever_removed(plain_demo, tmp_path):
    demo = plain_demo.copied(tmp_path / "portfolio")
    precious = tmp_path / "Documents"
    running = killed_while_exporting(demo, precious)
    running.kill()
    running.wait()
    with demo.open():
        pass
    assert (precious / "index.html").is_file()


@pytest.mark.parametrize("format", ["pdf", "html", "zip"])
def test_a_finished_export_is_private_unless_asked_otherwise(encrypted_demo, tmp_path, format):
    private, shared = tmp_path / OUT_NAMES[format], tmp_path / f"shared-{OUT_NAMES[format]}"
    assert expressive("export", encrypted_demo.client_id, "--format", format, "--out", str(private),
                      "--portfolio", str(encrypted_demo.root)).returncode == 0
    assert expressive("export", encrypted_demo.client_id, "--format", format, "--out", str(shared), "--readable-by-others",
                      "--portfolio", str(encrypted_demo.root)).returncode == 0
    assert stat.S_IMODE(private.stat().st_mode) == (0o700 if format == "html" else 0o600)
    assert all(mode & 0o077 == 0 for _, mode in modes_under(private))
    assert stat.S_IMODE(shared.stat().st_mode) == (0o755 if format == "html" else 0o644)
    assert all(mode & 0o044 == 0o044 for _, mode in modes_under(shared))
