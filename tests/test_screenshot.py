"""`expressive screenshot`: its options, the screens it stages, and the whole window in its picture."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.modalview import ModalView
from PIL import Image

from expressive.activity import COMPLEXITY_LEVELS
from expressive.cli import build_parser, window_size
from expressive.registry import discover
from expressive.tools.driver import advance_frames
from expressive.tools.screenshot import save_window, stage
from expressive.ui.export_dialog import ExportDialog


def test_a_window_size_is_width_x_height_in_pixels():
    assert window_size("1024x768") == (1024, 768)
    assert window_size("800X1280") == (800, 1280)
    for wrong in ("1024", "x768", "0x768", "big"):
        with pytest.raises(argparse.ArgumentTypeError):
            window_size(wrong)


def test_a_screenshot_takes_a_size_a_density_a_level_and_the_new_screens():
    parser = build_parser(discover())
    args = parser.parse_args(["screenshot", "export", "--out", "x.png", "--size", "800x1280", "--density", "2", "--level", "simple"])
    assert (args.screen, args.size, args.density, args.level) == ("export", (800, 1280), 2.0, "simple")
    for screen in ("gallery", "progress", "slideshow", "compare", "change_pin"):
        assert parser.parse_args(["screenshot", screen, "--out", "x.png"]).screen == screen


def test_layout_takes_several_sizes_and_the_screens_to_look_at():
    args = build_parser().parse_args(["layout", "--size", "1024x768", "--size", "800x1280", "--screens", "clients,drawing"])
    assert (args.sizes, args.screens) == ([(1024, 768), (800, 1280)], ["clients", "drawing"])



@pytest.mark.parametrize("screen", ["gallery", "progress", "slideshow", "compare"])
def test_the_looking_back_screens_are_staged(one_client_app, screen):
    stage(one_client_app, screen)
    assert one_client_app.root.current == screen


def test_the_export_dialog_is_staged_over_the_portfolio(one_client_app, window):
    stage(one_client_app, "export")
    assert one_client_app.root.current == "portfolio"
    assert any(isinstance(view, ExportDialog) for view in window.children)


def test_the_picture_is_the_whole_window_with_the_popup_over_the_screen(window, tmp_path):
    screen = FloatLayout()
    window.add_widget(screen)
    popup = ModalView(size_hint=(0.5, 0.5), background="", background_color=(1, 0, 0, 1), overlay_color=(0, 0, 0, 0))
    popup.open(animation=False)
    advance_frames(2)
    try:
        save_window(tmp_path / "window.png")
    finally:
        popup.dismiss(animation=False)
        window.remove_widget(screen)
    with Image.open(tmp_path / "window.png") as picture:
        assert picture.size == tuple(window.size)
        red, green, blue = picture.convert("RGB").getpixel((window.width // 2, window.height // 2))
        assert red > 200 and green < 50 and blue < 50
        corner = picture.convert("RGB").getpixel((2, 2))
        assert corner != (red, green, blue)


README = Path(__file__).parent.parent / "README.md"
PICTURES = README.parent / "docs" / "screenshots"


def readme_screens() -> set[str]:
    """The screens the README's `expressive screenshot` row names."""
    (row,) = [line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("| `expressive screenshot ")]
    described = row.split(" | ", 1)[1]
    return set(re.findall(r"`([a-z_]+)`", described.split(", and the screens")[0]))


def screenshot_choices() -> set[str]:
    parser = build_parser(discover())
    commands = next(action for action in parser._actions if isinstance(action, argparse._SubParsersAction))
    (screen,) = [action for action in commands.choices["screenshot"]._actions if action.dest == "screen"]
    return set(screen.choices)


def test_the_readme_names_every_screen_a_screenshot_can_show_and_no_other():
    assert readme_screens() == screenshot_choices()


def test_every_picture_in_the_readme_is_a_screen_the_tool_takes_and_is_there():
    shown = re.findall(r"\(docs/screenshots/([^)]+)\.png\)", README.read_text(encoding="utf-8"))
    assert sorted(shown) == sorted(path.stem for path in PICTURES.glob("*.png")), "a picture is missing, or not shown"
    screens = screenshot_choices()

    def taken_by_the_tool(name: str) -> bool:
        # SCREEN.png, or SCREEN-LEVEL.png at a complexity level (screen names have no dash).
        screen, _dash, level = name.partition("-")
        return screen in screens and (not level or level in COMPLEXITY_LEVELS)

    assert [name for name in shown if not taken_by_the_tool(name)] == []


def test_layout_looks_at_the_screens_a_screenshot_shows_and_refuses_other_names():
    result = subprocess.run(
        [sys.executable, "-m", "expressive", "layout", "--screens", "nowhere"], capture_output=True, text=True,
    )
    assert result.returncode != 0
    refusal = result.stderr.strip().splitlines()[-1]
    assert refusal.startswith("No screen is called nowhere; the screens are ")
    walked = refusal.removeprefix("No screen is called nowhere; the screens are ").rstrip(".").split(", ")
    assert set(walked) == screenshot_choices()
