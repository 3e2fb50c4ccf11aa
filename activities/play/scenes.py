"""The sandtray's screens for `expressive screenshot`: a world being built in the sand, and a
shelf of figures open to choose from."""

from __future__ import annotations


def on_tray(tray, u: float, v: float) -> tuple[float, float]:
    """The window point at a fraction (u across, v down) of the tray."""
    x, y = tray.to_window(tray.x + u * tray.width, tray.top - v * tray.height)
    return x, y


def drag_onto_tray(driver, studio, cell_number: int, u: float, v: float) -> None:
    """Carry the figure in the shelf's cell `cell_number` onto the tray at (u, v), as a finger does."""
    cell = studio.shelf_cells[cell_number % len(studio.shelf_cells)]
    start = cell.to_window(*cell.center)
    end = on_tray(studio.tray, u, v)
    driver.drag([(start[0] + (end[0] - start[0]) * step / 10, start[1] + (end[1] - start[1]) * step / 10) for step in range(11)])


def choose_shelf(driver, studio, category: str) -> None:
    driver.tap(next(button for button in studio.category_buttons if button.value == category))


def building(driver) -> None:
    """A world half built: a river pushed through the sand, a house, trees, a family and
    animals, one figure chosen."""
    _activity, studio = driver.open_activity("play")
    tray = studio.tray
    push = next((button for button in studio.tool_buttons if button.value == "push"), None)
    if push is not None:
        driver.tap(push)
        driver.drag([on_tray(tray, 0.05 + step / 20, 0.15 + 0.5 * (step / 20) ** 2) for step in range(19)])
        driver.tap(studio.tool_buttons[0])
    for category, cells, places in (
        ("buildings", (0,), ((0.25, 0.65),)),
        ("nature", (0, 1, 2), ((0.12, 0.4), (0.82, 0.3), (0.7, 0.8))),
        ("people", (0, 3, 5), ((0.4, 0.7), (0.47, 0.72), (0.53, 0.75))),
        ("animals", (0, 4), ((0.6, 0.45), (0.3, 0.3))),
    ):
        choose_shelf(driver, studio, category)
        for cell, (u, v) in zip(cells, places):
            drag_onto_tray(driver, studio, cell, u, v)


def choosing_figures(driver) -> None:
    """The people's shelf (every age, many skin tones) open beside a tray with three
    children and a dragon placed."""
    _activity, studio = driver.open_activity("play")
    choose_shelf(driver, studio, "fantasy")
    drag_onto_tray(driver, studio, 0, 0.7, 0.35)
    choose_shelf(driver, studio, "people")
    for cell, (u, v) in zip((1, 7, 10), ((0.35, 0.6), (0.42, 0.62), (0.49, 0.64))):
        drag_onto_tray(driver, studio, cell, u, v)
