"""Choosing a file on the tablet (a MIDI file to bring in, a video to analyse)."""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import ListProperty, StringProperty
from kivy.uix.modalview import ModalView

from expressive.ui import widgets  # noqa: F401  (registers IconButton and Card)


def start_folder() -> Path:
    """Where files brought to a tablet usually land."""
    home = Path.home()
    downloads = home / "Downloads"
    return downloads if downloads.is_dir() else home


class FileChooser(ModalView):
    """A file browser showing only the files matching `filters` (e.g. ["*.mid"]), with
    Cancel and a button named `action` that hands the chosen path to `on_choose`."""

    title = StringProperty("")
    filters = ListProperty([])
    action = StringProperty("Choose")
    path = StringProperty("")

    __events__ = ("on_choose",)

    def __init__(self, **kwargs):
        kwargs.setdefault("path", str(start_folder()))
        super().__init__(**kwargs)

    def choose(self):
        chosen = self.ids.files.selection
        if chosen:
            self.dismiss(animation=False)
            self.dispatch("on_choose", chosen[0])

    def on_choose(self, path: str):
        pass


Builder.load_file(str(Path(__file__).with_suffix(".kv")))
