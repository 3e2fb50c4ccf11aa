"""The drawing's screens for `expressive screenshot`: a picture being drawn, and the papers,
stamps and colours to choose from."""

from __future__ import annotations

import math


def scribble(driver, area) -> None:
    """Draw a sun and a hill with a finger inside `area` (a widget), as a client might."""
    left, bottom = area.to_window(area.x, area.y)
    width, height = area.size

    def at(fx, fy):
        return left + fx * width, bottom + fy * height

    driver.drag([at(0.35 + 0.05 * math.cos(a / 10), 0.72 + 0.08 * math.sin(a / 10)) for a in range(0, 64)])
    driver.drag([at(0.22 + i / 80, 0.3 + 0.1 * math.sin(i / 9)) for i in range(0, 48)])


def drawing(driver) -> None:
    """The studio with a sun over a hill drawn."""
    _activity, studio = driver.open_activity("drawing")
    scribble(driver, studio.paper)


def choosing_paper(driver) -> None:
    """The papers to draw on, over the studio (offered at the full level: --level full)."""
    _activity, studio = driver.open_activity("drawing")
    studio.open_paper_chooser()


def choosing_stamp(driver) -> None:
    """The stamps, over the studio (not at the simplest level)."""
    _activity, studio = driver.open_activity("drawing")
    scribble(driver, studio.paper)
    studio.open_stamp_chooser()


def choosing_colour(driver) -> None:
    """Every colour, the ones just used first (offered at the full level: --level full)."""
    _activity, studio = driver.open_activity("drawing")
    scribble(driver, studio.paper)
    studio.open_colour_picker()
