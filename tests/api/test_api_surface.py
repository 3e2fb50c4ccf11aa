"""The activity API as third-party authors meet it: every public name exists and says what
it is, and nothing of it but the widget kit brings Kivy in."""

import importlib
import inspect
import subprocess
import sys

import pytest

import expressive.api

KIVY_FREE = ["expressive.api", "expressive.api.limits", "expressive.api.audio", "expressive.api.midi", "expressive.api.camera", "expressive.api.microphone"]
PUBLIC = [*KIVY_FREE, "expressive.api.widgets"]


def documented(module, name: str) -> bool:
    """A class, function or module documents itself; a constant is described (named in
    backquotes) in its module's docstring."""
    value = getattr(module, name)
    if inspect.isclass(value) or inspect.isroutine(value) or inspect.ismodule(value):
        return bool(inspect.getdoc(value))
    return f"`{name}`" in (module.__doc__ or "")


@pytest.mark.parametrize("module_name", PUBLIC)
def test_every_public_name_exists_and_is_documented(module_name, window):
    module = importlib.import_module(module_name)
    assert module.__doc__ and module.__all__
    missing = [name for name in module.__all__ if not hasattr(module, name)]
    undocumented = [name for name in module.__all__ if hasattr(module, name) and not documented(module, name)]
    assert (missing, undocumented) == ([], [])


def test_the_api_names_each_of_its_submodules():
    for module_name in PUBLIC[1:]:
        assert f"`{module_name}`" in expressive.api.__doc__


def test_nothing_but_the_widget_kit_imports_kivy():
    # In a fresh interpreter: the test run itself has Kivy loaded already.
    probe = f"import sys\nfor name in {KIVY_FREE!r}:\n    __import__(name)\nprint(sorted(m for m in sys.modules if m.split('.')[0] == 'kivy'))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_lifecycle_hooks_of_an_activity_are_documented():
    hooks = ["build", "start", "pause", "resume", "has_work", "snapshot", "restore", "finish",
             "draft_from_file", "demo_drafts", "services", "viewer"]
    assert [hook for hook in hooks if not inspect.getdoc(getattr(expressive.api.Activity, hook))] == []
