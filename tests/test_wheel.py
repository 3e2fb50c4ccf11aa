"""The app as a wheel installs it, away from the checkout, and without test packages."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parent.parent

# Imports that only a test run has: the installed app must never need them.
BLOCK_TEST_PACKAGES = """
import importlib.abc, sys
class NoTests(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("pytest", "_pytest", "tests") or name.startswith("kivy.tests"):
            raise ImportError(f"the installed app imported the test package {name}")
sys.meta_path.insert(0, NoTests())
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The wheel built from this checkout, unpacked into a folder of its own; the packages it
    depends on come from this environment, but nothing from the checkout does."""
    folder = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(folder / "dist"), str(CHECKOUT)], capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    (wheel,) = (folder / "dist").glob("expressive-*.whl")
    target = folder / "prefix"
    unpacked = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--prefix", str(target),
                               str(wheel)], capture_output=True, text=True, timeout=600)
    assert unpacked.returncode == 0, unpacked.stderr
    (site,) = target.glob("lib/python*/site-packages")
    return folder, target, site


def run_installed(installed, code: str) -> subprocess.CompletedProcess:
    folder, target, site = installed
    # sys.prefix is where the wheel's shared data went, as in a virtual environment made for it.
    program = BLOCK_TEST_PACKAGES + f"sys.prefix = {str(target)!r}\nsys.path.insert(0, {str(site)!r})\n" + code
    environment = {"PATH": "/usr/bin:/bin", "HOME": str(folder), "SDL_AUDIODRIVER": "dummy",
                   **{name: os.environ[name] for name in ("DISPLAY", "XAUTHORITY") if name in os.environ}}
    return subprocess.run([sys.executable, "-I", "-c", program], capture_output=True, text=True, cwd=folder,
                          env=environment, timeout=600)


def test_the_wheel_carries_its_assets_and_session_plans(installed):
    result = run_installed(installed, """
import expressive, expressive.resources as resources
from expressive.plans import load_plans
assert "site-packages" in expressive.__file__, expressive.__file__
assert (resources.ASSETS_DIR / "fonts" / "Andika-Regular.ttf").is_file(), resources.ASSETS_DIR
assert (resources.ASSETS_DIR / "stamps" / "stamps.json").is_file()
print(len(load_plans()), "plans")
""")
    assert result.returncode == 0, result.stderr
    assert "3 plans" in result.stdout


def test_the_installed_command_line_makes_a_demo_and_a_screenshot_without_test_packages(installed, window):
    folder = installed[0]
    result = run_installed(installed, f"""
from expressive.cli import main
assert main(["demo", "--portfolio", {str(folder / "portfolio")!r}]) == 0
assert main(["screenshot", "launcher", "--out", {str(folder / "launcher.png")!r}]) == 0
""")
    assert result.returncode == 0, result.stderr[-3000:]
    assert (folder / "launcher.png").stat().st_size > 10_000
