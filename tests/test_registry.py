"""Discovery of activities through entry points, as a third party would ship one."""

import subprocess
import sys

import pytest

from expressive.activity import API_VERSION, Activity, ActivityInfo
from expressive.registry import discover, validate

THIRD_PARTY_MODULE = '''
from expressive.activity import API_VERSION, Activity, ActivityInfo

class HelloActivity(Activity):
    info = ActivityInfo(id="hello", title="Hello", icon="hand-wave", artifact_kinds=("greeting",), api_version=API_VERSION)

class FutureActivity(Activity):
    info = ActivityInfo(id="future", title="Future", icon="rocket", artifact_kinds=("note",), api_version=99)

NotAnActivity = 42
'''

THIRD_PARTY_PYPROJECT = '''
[build-system]
requires = ["setuptools"]
build-backend = "setuptools.build_meta"

[project]
name = "expressive-hello"
version = "1.0"

[tool.setuptools]
py-modules = ["hello_activity", "crashing_activity"]

[project.entry-points."expressive.activities"]
hello = "hello_activity:HelloActivity"
future = "hello_activity:FutureActivity"
number = "hello_activity:NotAnActivity"
crashing = "crashing_activity:Anything"
'''


@pytest.fixture(scope="module")
def third_party_site(tmp_path_factory):
    """A throwaway activity package installed with pip alone, into a folder of its own."""
    source = tmp_path_factory.mktemp("hello-src")
    (source / "pyproject.toml").write_text(THIRD_PARTY_PYPROJECT)
    (source / "hello_activity.py").write_text(THIRD_PARTY_MODULE)
    (source / "crashing_activity.py").write_text("raise RuntimeError('this plugin is broken')\n")
    site = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index",
         "--target", str(site), str(source)],
        check=True,
    )
    return site


def run_cli(*args, pythonpath=None):
    import os

    environment = dict(os.environ)
    if pythonpath:
        environment["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [sys.executable, "-m", "expressive", *args], capture_output=True, text=True, env=environment, timeout=120
    )


def test_the_builtin_drawing_activity_is_found_through_its_entry_point():
    registry = discover()
    assert "drawing" in registry.activities
    assert registry.get("drawing").info.title == "Drawing"


def test_a_pip_installed_activity_appears_and_broken_ones_are_named_with_why(third_party_site):
    result = run_cli("activities", pythonpath=third_party_site)
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line for line in result.stdout.splitlines()}
    assert "UNAVAILABLE" not in lines["hello"] and "Hello" in lines["hello"]
    assert "UNAVAILABLE" not in lines["drawing"]
    assert "api_version 99 is not supported" in lines["future"]
    assert "not a subclass" in lines["number"]
    assert "this plugin is broken" in lines["crashing"]


def test_discovery_in_process_sees_the_third_party_activity(third_party_site, monkeypatch):
    monkeypatch.syspath_prepend(str(third_party_site))
    registry = discover()
    assert set(registry.activities) >= {"drawing", "hello"}
    assert {broken.name for broken in registry.unavailable} == {"future", "number", "crashing"}


def test_validation_names_each_problem():
    class Nameless(Activity):
        info = ActivityInfo(id="Bad Id", title="", icon="no-such-icon-anywhere", artifact_kinds=(), api_version=API_VERSION)

    problems = validate("bad", Nameless)
    assert any("id 'Bad Id'" in problem for problem in problems)
    assert "title is empty" in problems
    assert any("artifact_kinds" in problem for problem in problems)


def test_an_unknown_icon_or_a_mismatched_id_is_refused():
    class Mismatch(Activity):
        info = ActivityInfo(id="other", title="Other", icon="brush", artifact_kinds=("note",), api_version=API_VERSION)

    class UnknownIcon(Activity):
        info = ActivityInfo(id="iconless", title="Iconless", icon="no-such-icon.png", artifact_kinds=("note",), api_version=API_VERSION)

    assert validate("mismatch", Mismatch) == ["its id 'other' differs from its entry-point name 'mismatch'"]
    assert "neither a known icon name" in validate("iconless", UnknownIcon)[0]
