"""The example activity in examples/colour-jar, installed with pip as a third party would,
and run through a whole session of the real app, by its visible labels."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

CHECKOUT = Path(__file__).resolve().parent.parent
EXAMPLE = CHECKOUT / "examples" / "colour-jar"

# Runs in a program of its own, so the installed example is seen by this run alone.
SESSION = r"""
import json, sys
from pathlib import Path

from expressive.i18n import set_language
from expressive.ui.display import prepare_kivy

prepare_kivy(headless_ok=True)
set_language(sys.argv[2])
labels = json.loads(sys.argv[3])

from kivy.uix.label import Label

from expressive.portfolio import Portfolio
from expressive.tools.driver import advance_frames, start_app, stop_app, tap

store = Portfolio.open(Path(sys.argv[1]))
client = store.add_client("Robin")
app = start_app(store)


def labelled(text):
    # The button a person would tap: the one whose visible label reads `text`.
    for widget in app.root.get_screen(app.root.current).walk():
        if isinstance(widget, Label) and widget.text == text and widget.get_root_window() is not None:
            button = widget
            while button is not None and not hasattr(button, "trigger_action"):
                button = button.parent
            if button is not None:
                return button
    raise AssertionError(f"no button labelled {text!r} on {app.root.current}")


try:
    app.open_client(client)
    app.go("session")
    checkin = app.root.get_screen("session")
    tap(next(face for face in checkin.ids.feelings.children if face.value == 4))
    tap(checkin.ids.start)
    tap(labelled(labels["Colour jar"]))
    assert app.root.current == "activity", app.root.current
    for name in ("Red", "Red", "Blue", "Green", "Take back"):
        tap(labelled(labels[name]))
    tap(app.root.get_screen("activity").ids.done)
    advance_frames(2)
    print(json.dumps({"screen": app.root.current}))
finally:
    stop_app(app)
"""


@pytest.fixture(scope="module")
def example_site(tmp_path_factory):
    site = tmp_path_factory.mktemp("example-site")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index",
                    "--target", str(site), str(EXAMPLE)], check=True, capture_output=True, timeout=300)
    return site


def run_with_example(site, *arguments, cwd):
    environment = {**os.environ, "PYTHONPATH": str(site), "SDL_AUDIODRIVER": "dummy"}
    return subprocess.run([sys.executable, *arguments], capture_output=True, text=True, cwd=cwd,
                          env=environment, timeout=300)


def test_the_installed_example_is_listed_as_an_activity(example_site, tmp_path):
    result = run_with_example(example_site, "-m", "expressive", "activities", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("colour-jar")]
    assert "Colour jar" in line and "UNAVAILABLE" not in line


# The example ships a German catalogue in its package: the host finds it, so a German
# therapist's client taps "Rot" where an English one taps "Red".
LABELS = {
    "en": {name: name for name in ("Colour jar", "Red", "Blue", "Green", "Take back")},
    "de": {"Colour jar": "Farbenglas", "Red": "Rot", "Blue": "Blau", "Green": "Grün", "Take back": "Zurücknehmen"},
}


@pytest.mark.parametrize("language", LABELS)
def test_the_example_runs_through_a_session_and_its_jar_is_saved(example_site, tmp_path, window, language):
    root = tmp_path / "portfolio"
    result = run_with_example(example_site, "-c", SESSION, str(root), language, json.dumps(LABELS[language]),
                              cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-4000:]
    assert json.loads(result.stdout.splitlines()[-1])["screen"] == "launcher"

    from expressive.portfolio import Portfolio

    store = Portfolio.open(root)
    try:
        (client,) = store.clients()
        (jar,) = [artifact for artifact in store.artifacts(client.id) if artifact.activity == "colour-jar"]
        assert json.loads(store.read_file(jar, "jar.json")) == {"marbles": [0, 0, 4]}
        assert store.read_file(jar, "jar.png").startswith(b"\x89PNG")
    finally:
        store.close()


def test_the_example_makes_demo_work_without_a_window(example_site, tmp_path):
    result = run_with_example(example_site, "-m", "expressive", "demo", "--portfolio", str(tmp_path / "demo"),
                              cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-4000:]
