"""The app's start: before its first frame it loads what the first screen needs and no more
(no activity, no OpenCV, no other screen); the rest comes when first used."""

import json
import subprocess
import sys

from expressive.cli import needs_activities
from expressive.i18n import set_language
from expressive.portfolio import Portfolio
from expressive.tools.driver import start_app, stop_app
from expressive.ui.app import SCREENS

FIRST_FRAME = """
import json, sys
from expressive import cli
status = cli.main(["run", "--quit-after-first-frame", "--portfolio", sys.argv[1]])
print(json.dumps({"status": status, "modules": sorted(sys.modules)}))
"""


def modules_at_first_frame(portfolio) -> list[str]:
    result = subprocess.run([sys.executable, "-c", FIRST_FRAME, str(portfolio)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("first-frame "), "the first frame was drawn"
    seen = json.loads(lines[-1])
    assert seen["status"] == 0
    return seen["modules"]


def test_the_first_frame_imports_no_activity_no_opencv_and_only_the_first_screen(tmp_path):
    with Portfolio.open(tmp_path / "portfolio"):
        pass
    Portfolio.protect(tmp_path / "portfolio", "a long passphrase for the lock")
    for portfolio, first_screen in ((tmp_path / "new", "access"), (tmp_path / "portfolio", "access")):
        modules = modules_at_first_frame(portfolio)
        assert "cv2" not in modules and "numpy" not in modules and "reportlab" not in modules
        # An activity's package (a docstring, read for its declaration) but none of its modules.
        assert not [module for module in modules if module.count(".") > 2 and module.startswith("expressive.activities.")]
        screens = {module.rpartition(".")[2] for module in modules if module.startswith("expressive.ui.screens.")}
        assert screens == {"base", first_screen}


def test_screens_are_built_when_first_shown_and_again_after_the_language_changes(window, tmp_path):
    store = Portfolio.open(tmp_path / "portfolio")
    store.add_client("Sam")
    app = start_app(store)
    try:
        assert app.root.screen_names == ["clients"]
        assert app.root.has_screen("gallery") and app.root.built_screen("gallery") is None
        gallery = app.root.get_screen("gallery")
        assert app.root.built_screen("gallery") is gallery and app.root.current == "clients"
        app.go("add_client")
        assert app.root.current == "add_client" and set(app.root.screen_names) == {"clients", "gallery", "add_client"}
        assert set(app.root.screen_names) <= set(SCREENS)

        app.use_language("de")
        assert app.root.screen_names == ["add_client"], "screens in the old language are dropped"
        assert app.root.current_screen.ids.save.text == "Speichern"
        app.go("clients")
        assert app.root.get_screen("clients").ids.add.text != "Add client"
    finally:
        app.use_language("en")
        stop_app(app)
        set_language("en")


def test_starting_the_app_without_a_command_finds_no_activity_commands_but_help_lists_them():
    assert not needs_activities([]) and not needs_activities(["--portfolio", "p"])
    assert needs_activities(["--help"]) and needs_activities(["movement"]) and needs_activities(["screenshot"])
    assert not needs_activities(["run"])
