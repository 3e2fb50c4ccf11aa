"""`expressive screenshot`: its options, the screens it stages, and the whole window in its picture."""

from __future__ import annotations

import argparse

import pytest
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.modalview import ModalView
from PIL import Image

from expressive.cli import build_parser, window_size
from expressive.portfolio import Portfolio
from expressive.registry import discover
from expressive.tools.driver import advance_frames, start_app, stop_app
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


@pytest.fixture
def one_client_app(window, tmp_path):
    store = Portfolio.open(tmp_path / "portfolio")
    store.add_client("Sam")
    running = start_app(store)
    yield running
    stop_app(running)


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
