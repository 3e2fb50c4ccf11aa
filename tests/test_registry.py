"""Discovery of activities through entry points, as a third party would ship one."""

import logging
import subprocess
import sys

import pytest

from expressive.api import API_VERSION, PICTURE_MAKER, Activity, ActivityInfo
from expressive.registry import Registry, discover, validate

THIRD_PARTY_MODULE = '''
from expressive.api import Activity, ActivityInfo

class HelloActivity(Activity):
    info = ActivityInfo(id="hello", title="Hello", icon="hand-wave", artifact_kinds=("greeting",), api_version=(1, 0))

class LegacyActivity(Activity):
    # Written when the API version was a whole number: read as (1, 0).
    info = ActivityInfo(id="legacy", title="Legacy", icon="history", artifact_kinds=("note",), api_version=1)

class FutureActivity(Activity):
    info = ActivityInfo(id="future", title="Future", icon="rocket", artifact_kinds=("note",), api_version=99)

class NewerMinorActivity(Activity):
    info = ActivityInfo(id="newer", title="Newer", icon="rocket", artifact_kinds=("note",), api_version=(1, 99))

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
legacy = "hello_activity:LegacyActivity"
future = "hello_activity:FutureActivity"
newer = "hello_activity:NewerMinorActivity"
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
    assert "UNAVAILABLE" not in lines["drawing"] and "UNAVAILABLE" not in lines["legacy"]
    assert "written for activity API 99.0, and this app offers API 1.2" in lines["future"]
    assert "written for activity API 1.99, and this app offers API 1.2" in lines["newer"]
    assert "not a subclass" in lines["number"]
    assert "this plugin is broken" in lines["crashing"]


def test_discovery_in_process_sees_the_third_party_activity(third_party_site, monkeypatch):
    monkeypatch.syspath_prepend(str(third_party_site))
    registry = discover()
    assert set(registry.activities) >= {"drawing", "hello", "legacy"}
    assert registry.get("legacy").info.api_version == (1, 0)
    assert {broken.name for broken in registry.unavailable} == {"future", "newer", "number", "crashing"}


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


def test_a_class_that_is_no_activity_is_pointed_to_the_public_base_class():
    assert validate("number", int) == ["it is a type, not a subclass of expressive.api.Activity"]


@pytest.mark.parametrize(
    ("declared", "problem"),
    [
        ((1, 0), None),
        (1, None),
        ((API_VERSION[0], API_VERSION[1] + 1), f"written for activity API 1.{API_VERSION[1] + 1}"),
        ((2, 0), "written for activity API 2.0, and this app offers API 1.2 (it runs activities written for 1.0 to 1.2)"),
        (0, "written for activity API 0.0"),
        ("1.0", "api_version '1.0' must be (major, minor)"),
        ((1,), "must be (major, minor)"),
        (True, "must be (major, minor)"),
    ],
)
def test_an_activity_runs_only_on_its_major_version_and_no_newer_minor(declared, problem):
    info = ActivityInfo(id="versioned", title="Versioned", icon="brush", artifact_kinds=("note",), api_version=declared)
    problems = info.problems()
    if problem is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problem in problems[0]


def service_offering(activity_id, services):
    class Offering(Activity):
        info = ActivityInfo(id=activity_id, title=activity_id.title(), icon="brush", artifact_kinds=("note",), api_version=(1, 0))

    Offering.services = classmethod(lambda cls: services())
    return Offering


def failing():
    raise RuntimeError("this plugin is broken")


def test_the_services_activities_lend_are_gathered_once_when_first_asked_for(caplog):
    asked = []

    def offered():
        asked.append(1)
        return {PICTURE_MAKER: print}

    registry = Registry(
        {
            "painting": service_offering("painting", offered),
            "sketching": service_offering("sketching", lambda: {PICTURE_MAKER: repr, "greeting": len, "broken": 42}),
            "crashing": service_offering("crashing", failing),
            "odd": service_offering("odd", lambda: [PICTURE_MAKER]),
        },
        [],
    )
    assert asked == [], "nothing is looked for before a service is asked for"
    with caplog.at_level(logging.WARNING, logger="expressive.registry"):
        assert registry.services.get(PICTURE_MAKER) is print, "the activity whose id sorts first lends a shared name"
        assert registry.services.get("greeting") is len
        assert registry.services.get("nothing") is None
    assert registry.services.names() == ("greeting", PICTURE_MAKER)
    assert asked == [1]
    assert "this plugin is broken" in caplog.text and "not a dict" in caplog.text and "cannot be called" in caplog.text


def test_the_drawing_activity_lends_the_picture_maker():
    assert discover().services.get(PICTURE_MAKER) is not None
