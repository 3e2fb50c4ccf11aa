"""The app as its sdist and wheel carry it: built as a release is, installed away from the
checkout without test packages, and run from outside the checkout."""

import json
import os
import subprocess
import sys
import sysconfig
import tarfile
import tomllib
import zipfile
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
def built(tmp_path_factory):
    """The sdist and the wheel, built as a release is (the wheel from the sdist), with this
    environment's setuptools; and everything the build printed."""
    folder = tmp_path_factory.mktemp("dist")
    result = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(folder), str(CHECKOUT)],
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (sdist,) = folder.glob("expressive-*.tar.gz")
    (wheel,) = folder.glob("expressive-*.whl")
    return sdist, wheel, result.stdout + result.stderr


@pytest.fixture(scope="module")
def installed(built, tmp_path_factory):
    """A fresh virtual environment with the wheel installed in it. The packages it depends on
    are this environment's (a path behind its own), so nothing is downloaded; nothing of the
    checkout is on its path."""
    wheel = built[1]
    folder = tmp_path_factory.mktemp("wheel")
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


def run_installed(installed, *command: str, timeout: int = 600) -> subprocess.CompletedProcess:
    folder, venv = installed
    environment = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(folder), "SDL_AUDIODRIVER": "dummy",
                   **{name: os.environ[name] for name in ("DISPLAY", "XAUTHORITY") if name in os.environ}}
    return subprocess.run(command, capture_output=True, text=True, cwd=folder, env=environment, timeout=timeout)


def checkout_packages() -> set[str]:
    """Every package of the checkout as it is named installed: each folder with an
    __init__.py under expressive/, and under the folders pyproject maps into it
    (activities/ installs as expressive.activities)."""
    mapped = tomllib.loads((CHECKOUT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-dir"]
    roots = {"expressive": CHECKOUT / "expressive", **{name: CHECKOUT / folder for name, folder in mapped.items()}}
    return {".".join([name, *init.parent.relative_to(root).parts])
            for name, root in roots.items() for init in root.rglob("__init__.py")}


def test_the_build_gives_no_deprecation_warnings(built):
    assert "deprecat" not in built[2].lower(), built[2][-6000:]


def test_the_sdist_holds_the_activities_assets_and_session_plans(built):
    with tarfile.open(built[0]) as sdist:
        top_folders = {name.split("/")[1] for name in sdist.getnames() if name.count("/") >= 2}
    assert {"activities", "assets", "sessions"} <= top_folders


def test_every_package_of_the_checkout_is_in_the_wheel(built):
    """A package left out of pyproject's explicit list would be missing from the wheel."""
    with zipfile.ZipFile(built[1]) as wheel:
        in_wheel = {name.removesuffix("/__init__.py").replace("/", ".")
                    for name in wheel.namelist() if name.endswith("/__init__.py")}
    assert checkout_packages() - in_wheel == set()


def test_the_wheel_carries_its_assets_and_session_plans(installed):
    result = run_installed(installed, "python", "-c", """
import expressive, expressive.resources as resources
from expressive.plans import load_plans
assert "site-packages" in expressive.__file__, expressive.__file__
assert (resources.ASSETS_DIR / "fonts" / "Andika-Regular.ttf").is_file(), resources.ASSETS_DIR
assert (resources.ASSETS_DIR / "stamps" / "stamps.json").is_file()
from expressive.lib.figures import FigureLibrary
figures = FigureLibrary.load().figures()
assert len(figures) >= 300 and figures[0].picture().size, len(figures)
assert (resources.ASSETS_DIR / "figures" / "LICENSE").is_file() and list((resources.ASSETS_DIR / "play-prompts").glob("*.toml"))
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
                    ("expressive", "screenshot", "launcher", "--portfolio", str(folder / "portfolio"),
                     "--out", str(folder / "launcher.png"))):
        result = run_installed(installed, *command)
        assert result.returncode == 0, f"{command}: {result.stderr[-3000:]}"
    assert (folder / "launcher.png").stat().st_size > 10_000


# The groups whose figures the test names: the host's quicker ones, and the activities of
# MIDI and sound, the camera and words, which read what the wheel carries. The rest (large
# portfolios, exports, kills: three minutes more) run the same code from the same wheel.
BENCH_GROUPS = ("start", "music", "movement", "story", "unlock", "check")


def test_the_installed_bench_prints_one_json_object_per_figure_with_its_budget(installed, window):
    only = [argument for group in BENCH_GROUPS for argument in ("--only", group)]
    result = run_installed(installed, "expressive", "bench", "--json", "--quick", *only, timeout=1200)
    figures = [json.loads(line) for line in result.stdout.splitlines()]
    # 1 says a figure is over its budget (this machine draws without a GPU), not a failure.
    assert result.returncode == (0 if all(figure["within_budget"] for figure in figures) else 1), result.stderr[-3000:]
    names = {figure["name"] for figure in figures}
    assert {"app_start_to_first_screen", "unlock_50k_vs_argon2", "start_vs_hello_world",
            "check_vs_read_and_hash_floor"} <= names
    assert {"midi_note_on_to_sound_p99", "movement_pipeline_frame", "story_pdf_10_pages"} <= names
    for figure in figures:
        assert set(figure) == {"name", "value", "unit", "budget", "within_budget"}
        # Fault figures count what went wrong, against a budget of none.
        assert figure["value"] >= 0 and figure["budget"] >= 0
        assert figure["within_budget"] == (figure["value"] <= figure["budget"])
