"""A movement in the portfolio: its painting, its features over time, and in words."""

from __future__ import annotations

import io
from pathlib import Path

from kivy.core.image import Image as CoreImage
from kivy.lang import Builder
from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from activities.movement.record import MovementRecord
from expressive.ui import widgets  # noqa: F401  (registers ChoiceButton and the fonts)


class MovementViewer(BoxLayout):
    """Shows `artifact`'s painting, or its plot over time, with the summary in words."""

    artifact = ObjectProperty(None)
    showing = StringProperty("painting")
    texture = ObjectProperty(None, allownone=True)
    summary = StringProperty("")

    def __init__(self, read_file, **kwargs):
        super().__init__(**kwargs)
        names = {entry.name for entry in self.artifact.files}
        self._pictures = {
            view: CoreImage(io.BytesIO(read_file(name)), ext="png").texture
            for view, name in (("painting", "movement.png"), ("plot", "features.png"))
            if name in names
        }
        if "painting" not in self._pictures:
            self.showing = "plot"
        try:
            self.summary = MovementRecord.from_json(read_file("features.json")).summary_text()
        except (ValueError, KeyError):
            self.summary = "The numbers of this movement could not be read."
        self.show(self.showing)

    def show(self, view: str) -> None:
        if view in self._pictures:
            self.showing = view
            self.texture = self._pictures[view]

    def has(self, view: str) -> bool:
        return view in self._pictures


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
