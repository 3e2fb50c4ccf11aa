"""Set up everything from a fresh checkout, then run the app or the tests.

    python3 tools/bootstrap.py run [ARGS...]    # the app (ARGS go to 'expressive')
    python3 tools/bootstrap.py test [ARGS...]   # the test suite (ARGS go to pytest)

Standard library only: it runs before anything is installed. It installs the Debian
packages the app and a virtual display need (when missing and the user is root; otherwise
it names them), makes a virtual environment in .venv and installs the project into it
(again only when pyproject.toml changed since the last time).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
VENV = PROJECT / ".venv"
STAMP = VENV / ".installed-from"

# OpenGL (Mesa's software renderer works without a GPU), the libraries the binary wheels
# of Kivy, OpenCV and python-rtmidi link against, Xvfb for running without a screen, and
# FluidSynth with a small General MIDI SoundFont for the music activity's real instruments
# (fluid-soundfont-gm sounds richer, at 148 MB, and is preferred when installed), and the
# engines that carry the encrypted portfolio elsewhere: restic for backups, Syncthing for
# several tablets.
DEBIAN_PACKAGES = (
    "libgl1", "libgl1-mesa-dri", "libegl1", "libglib2.0-0", "libmtdev1", "libasound2",
    "xvfb", "xauth", "libfluidsynth3", "timgm6mb-soundfont", "restic", "syncthing",
)
# The tests also open the exported web portfolio in a real (headless) browser.
TEST_DEBIAN_PACKAGES = ("chromium",)


def say(message: str) -> None:
    print(f"[setup] {message}", flush=True)


def missing_debian_packages(wanted: tuple[str, ...]) -> list[str]:
    if shutil.which("dpkg-query") is None:
        return []
    missing = []
    for package in wanted:
        result = subprocess.run(
            ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True
        )
        if "install ok installed" not in result.stdout:
            missing.append(package)
    return missing


def install_debian_packages(wanted: tuple[str, ...] = DEBIAN_PACKAGES, extra: tuple[str, ...] = ()) -> None:
    missing = missing_debian_packages(wanted) + list(extra)
    if not missing:
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        say("These Debian packages are missing; ask an administrator to install them: " + " ".join(missing))
        return
    say("Installing Debian packages: " + " ".join(missing))
    environment = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=environment)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], check=True, env=environment
    )


def make_venv() -> None:
    if (VENV / "bin" / "python").exists():
        return
    say(f"Making a virtual environment in {VENV}")
    if subprocess.run([sys.executable, "-m", "venv", str(VENV)]).returncode != 0:
        # Debian splits venv support into its own package.
        shutil.rmtree(VENV, ignore_errors=True)
        version = f"{sys.version_info.major}.{sys.version_info.minor}"
        install_debian_packages((f"python{version}-venv",))
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)


def install_project() -> None:
    fingerprint = hashlib.sha256((PROJECT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == fingerprint:
        return
    say("Installing Expressive and its Python packages (a few minutes the first time)")
    # setuptools may keep a changed entry point's old value from an earlier install's
    # metadata; made afresh, it says what pyproject.toml says.
    shutil.rmtree(PROJECT / "expressive.egg-info", ignore_errors=True)
    pip = [str(VENV / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]
    subprocess.run([*pip, "install", "-q", "--upgrade", "pip", "setuptools"], check=True)
    subprocess.run([*pip, "install", "-q", "-e", f"{PROJECT}[test]"], check=True)
    STAMP.write_text(fingerprint)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("run", "test"):
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    install_debian_packages(DEBIAN_PACKAGES + (TEST_DEBIAN_PACKAGES if command == "test" else ()))
    make_venv()
    install_project()
    if command == "run":
        program = [str(VENV / "bin" / "expressive"), *(rest or ["run"])]
    else:
        program = [str(VENV / "bin" / "python"), "-m", "pytest", *rest]
    os.chdir(PROJECT)
    return subprocess.run(program).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
