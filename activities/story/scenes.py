"""The story's screens for `expressive screenshot`: a story's first page being written."""

from __future__ import annotations


def writing(driver) -> None:
    """Start a six-part story, name it, and write its first page beside a picture."""
    _activity, studio = driver.open_activity("story")
    driver.tap(next(card for card in studio.shape_cards if card.shape.id == "six-part-story"))
    driver.type_into(studio.editor.ids.title, "The dragon who was afraid")
    driver.type_into(studio.editor.ids.text, "Once there was a small dragon called Pip, who lived in a cave by the sea.")
    if studio.can_choose_picture:
        driver.tap(studio.editor.ids.choose_button)
        driver.tap(studio.picture_chooser.cards[-1])
