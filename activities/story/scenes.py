"""The story's screens for `expressive screenshot`: the ways to start, a story's first page
being written, and the client's pictures to choose from."""

from __future__ import annotations


def starting(driver) -> None:
    """The story shapes to start from, as the client sees them."""
    driver.open_activity("story")


def writing(driver) -> None:
    """Start a six-part story, name it, and write its first page beside a picture."""
    _activity, studio = driver.open_activity("story")
    driver.tap(next(card for card in studio.shape_cards if card.shape.id == "six-part-story"))
    driver.type_into(studio.editor.ids.title, "The dragon who was afraid")
    driver.type_into(studio.editor.ids.text, "Once there was a small dragon called Pip, who lived in a cave by the sea.")
    if studio.can_choose_picture:
        driver.tap(studio.editor.ids.choose_button)
        driver.tap(studio.picture_chooser.cards[-1])


def choosing(driver) -> None:
    """A blank story's page, with the client's pictures offered for it."""
    _activity, studio = driver.open_activity("story")
    driver.tap(next(card for card in studio.shape_cards if card.shape.id == "blank"))
    if studio.can_choose_picture:
        driver.tap(studio.editor.ids.choose_button)
