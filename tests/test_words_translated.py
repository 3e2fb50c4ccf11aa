"""The messages below the screens (the command line's, the portfolio's errors, refusals and
counts) are in the language asked for. The pseudo-locale shows it without a catalogue:
each of its words is accented and in brackets, so an English one stands out."""

import errno
import os
import subprocess
import sys

import pytest

from expressive import i18n
from expressive.i18n import pseudo
from expressive.portfolio import Portfolio, PortfolioError

PASSPHRASE = "correct horse battery"


@pytest.fixture(autouse=True)
def english_afterwards():
    yield
    i18n.set_language(i18n.SOURCE_LANGUAGE)


def expressive(*args):
    environment = {name: value for name, value in os.environ.items() if not name.startswith("EXPRESSIVE_")}
    return subprocess.run(
        [sys.executable, "-m", "expressive", *args], capture_output=True, text=True, env=environment,
        timeout=300, stdin=subprocess.DEVNULL,
    )


def test_a_locked_portfolio_is_refused_in_the_language_asked_for(tmp_path):
    root = tmp_path / "portfolio"
    Portfolio.plan_protection(root, PASSPHRASE).carry_out()
    refused = expressive("--lang", "en_XA", "clients", "--portfolio", str(root))
    said = pseudo("The portfolio in {root} is encrypted. Give its passphrase with {variable} or --passphrase-file FILE.")
    assert refused.returncode == 2
    assert refused.stderr.strip() == "expressive: " + said.format(root=root, variable="EXPRESSIVE_PASSPHRASE")


def test_the_help_is_in_the_language_asked_for_before_it_is_read():
    helped = expressive("--lang", "en_XA", "clients", "--help")
    assert helped.returncode == 0
    assert pseudo("the portfolio folder (default: ${variable}, else {folder})").split("{")[0] in helped.stdout
    assert "the portfolio folder" not in helped.stdout


def test_a_count_of_one_is_singular(tmp_path):
    root = tmp_path / "portfolio"
    with Portfolio.open(root) as store:
        client = store.add_client("Noor")
        store.start_session(client.id, plan_id="open")
    listed = expressive("clients", "--portfolio", str(root))
    assert listed.returncode == 0, listed.stderr
    assert "Noor  (1 session)" in listed.stdout


def test_a_full_device_is_said_in_the_language_in_use(tmp_path, monkeypatch):
    with Portfolio.open(tmp_path / "portfolio") as store:
        i18n.set_language(i18n.PSEUDO_LANGUAGE)

        def full(*_args, **_kwargs):
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(os, "replace", full)
        with pytest.raises(PortfolioError) as raised:
            store.add_client("Noor")
    said = pseudo("Could not {action} in {folder}. The device is full, so this was not saved. Free some space "
                  "and try again.")
    assert str(raised.value).startswith(said.split("{")[0])
    assert pseudo("add the client") in str(raised.value)
    assert "Could not" not in str(raised.value)


def test_a_refused_file_is_said_in_the_language_in_use(tmp_path):
    from expressive.limits import InputRefused, checked_text

    i18n.set_language(i18n.PSEUDO_LANGUAGE)
    with pytest.raises(InputRefused) as raised:
        checked_text("x" * 1500, "note", 1000)
    assert str(raised.value) == pseudo("The {what} is {length} characters long; the most Expressive keeps is {most}.").format(
        what=pseudo("note"), length="1,500", most="1,000")


def test_a_count_of_one_is_singular_in_every_duration_and_size():
    from expressive.limits import describe_bytes, describe_seconds

    assert [describe_seconds(60), describe_seconds(1), describe_seconds(3600)] == ["1 minute", "1 second", "1 hour"]
    assert describe_bytes(1) == "1 byte" and describe_bytes(2) == "2 bytes"


# The errors people read: their words must come from gettext, never a bare (f-)string.
SHOWN_ERRORS = {
    "PortfolioError", "WrongPassphrase", "PortfolioInUse", "RecordError", "MissingRecord", "NewerVersionError",
    "IndexDamaged", "ImportRefused", "ExportError", "InputRefused", "WrongSecret", "KeyringError",
    "FluidSynthUnavailable", "LibraryError", "ArtifactUnreadable", "UnavailableSource",
}
HOST_PARTS = ("portfolio", "security", "exporting", "audio", "camera", "midi", "limits.py", "importing.py",
              "activity.py", "artifact.py", "registry.py", "cli.py")


def test_every_error_a_person_reads_is_worded_through_gettext():
    import ast
    from pathlib import Path

    import expressive

    package = Path(expressive.__file__).parent
    bare = []
    for part in HOST_PARTS:
        found = package / part
        for path in sorted(found.rglob("*.py")) if found.is_dir() else [found]:
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not (isinstance(node, ast.Call) and node.args and getattr(node.func, "id", None) in SHOWN_ERRORS):
                    continue
                words = node.args[0]
                if isinstance(words, ast.JoinedStr) or (isinstance(words, ast.Constant) and isinstance(words.value, str)):
                    bare.append(f"{path.relative_to(package)}:{node.lineno}")
    assert bare == []
