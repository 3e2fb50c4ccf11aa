"""The app as a wheel installs it, away from the checkout, and without test packages."""

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parent.parent

# Imports that only a test run has: the installed app must never need them. Every program
# of the test environment loads this first (a .pth line), so an import of them fails loudly.
NO_TEST_PACKAGES = """
import importlib.abc, sys


class NoTestPackages(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("pytest", "_pytest", "tests") or name.startswith("kivy.tests"):
            raise ImportError(f"the installed app imported the test package {name}")


sys.meta_path.insert(0, NoTestPackages())
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh virtual environment with the wheel built from this checkout installed in it.
    The packages it depends on are this environment's (a path behind its own), so nothing is
    downloaded; nothing of the checkout is on its path."""
    folder = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(folder / "dist"), str(CHECKOUT)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    (wheel,) = (folder / "dist").glob("expressive-*.whl")
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    (site,) = venv.glob("lib/python*/site-packages")
    (site / "no_test_packages.py").write_text(NO_TEST_PACKAGES)
    (site / "zz_dependencies.pth").write_text(f"import no_test_packages\n{sysconfig.get_paths()['purelib']}\n")
    # pip installs into that environment (--python), not into this one, which keeps its own copy.
    unpacked = subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
                               "--no-deps", "-q", str(wheel)], capture_output=True, text=True, timeout=600)
    assert unpacked.returncode == 0, unpacked.stderr
    return folder, venv


def run_installed(installed, *command: str) -> subprocess.CompletedProcess:
    folder, venv = installed
    environment = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(folder), "SDL_AUDIODRIVER": "dummy",
                   **{name: os.environ[name] for name in ("DISPLAY", "XAUTHORITY") if name in os.environ}}
    return subprocess.run(command, capture_output=True, text=True, cwd=folder, env=environment, timeout=600)


def test_the_wheel_carries_its_assets_and_session_plans(installed):
    result = run_installed(installed, "python", "-c", """
import expressive, expressive.resources as resources
from expressive.plans import load_plans
assert "site-packages" in expressive.__file__, expressive.__file__
assert (resources.ASSETS_DIR / "fonts" / "Andika-Regular.ttf").is_file(), resources.ASSETS_DIR
assert (resources.ASSETS_DIR / "stamps" / "stamps.json").is_file()
print(len(load_plans()), "plans")
""")
    assert result.returncode == 0, result.stderr
    assert "3 plans" in result.stdout
    blocked = run_installed(installed, "python", "-c", "import pytest")
    assert blocked.returncode != 0 and "imported the test package pytest" in blocked.stderr


def test_the_installed_command_makes_a_demo_and_a_screenshot_without_test_packages(installed, window):
    folder = installed[0]
    for command in (("expressive", "demo", "--portfolio", str(folder / "portfolio")),
                    ("expressive", "activities"),
                    ("expressive", "screenshot", "launcher", "--out", str(folder / "launcher.png"))):
        result = run_installed(installed, *command)
        assert result.returncode == 0, f"{command}: {result.stderr[-3000:]}"
    assert (folder / "launcher.png").stat().st_size > 10_000
