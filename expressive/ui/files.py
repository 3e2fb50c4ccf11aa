"""Choosing a file on the tablet (a MIDI file to bring in, a video to watch, a family photo),
or a folder to export to, for the therapist only, and only in the folders where such files
are kept."""

from __future__ import annotations

import getpass
import os
from pathlib import Path

from kivy.properties import ListProperty, StringProperty
from platformdirs import user_documents_dir, user_downloads_dir, user_music_dir, user_pictures_dir, user_videos_dir

from expressive.i18n import _
from expressive.preferences import preference
from expressive.ui.dialogs import show_message
from expressive.ui.therapist import TherapistView
from expressive.ui.widgets import ChoiceButton
from expressive.ui.rules import load_rules


EXPORT_FOLDER = "export_folder"


def start_folder() -> Path:
    """Where files brought to a tablet usually land."""
    home = Path.home()
    downloads = home / "Downloads"
    return downloads if downloads.is_dir() else home


def removable_media() -> list[Path]:
    """USB sticks and cards plugged in: what is mounted under /media or /run/media (the
    user's own folder there, as desktops mount them, or directly)."""
    user = getpass.getuser()
    found = []
    for root in (Path("/run/media") / user, Path("/media") / user, Path("/media")):
        try:
            children = sorted(root.iterdir())
        except OSError:
            continue
        found.extend(child for child in children if os.path.ismount(child) and child not in found)
    return found


def export_places() -> list[Path]:
    """The folders an export may be saved in: Documents, Downloads, removable media and the
    folder used last time, those that exist; the home folder when there is none of them."""
    places = []
    remembered = preference(EXPORT_FOLDER)
    candidates = [Path(user_documents_dir()), Path(user_downloads_dir()), *removable_media()]
    if isinstance(remembered, str):
        candidates.append(Path(remembered))
    for place in candidates:
        if place.is_dir() and place.resolve() not in [known.resolve() for known in places]:
            places.append(place)
    return places or [start_folder()]


def file_places() -> list[Path]:
    """The folders a file chooser may show: where files brought to a tablet usually are
    (Downloads, Pictures, Videos, Music, Documents), those that exist. Never the home folder
    itself or anything above it, where the portfolio and the rest of the device are."""
    home = Path.home().resolve()
    places = []
    for folder in (user_downloads_dir(), user_pictures_dir(), user_videos_dir(), user_music_dir(), user_documents_dir()):
        place = Path(folder).resolve()
        if place.is_dir() and place not in places and place != home and place not in home.parents:
            places.append(place)
    return places


def inside(path: Path, place: Path) -> bool:
    """Whether `path`, links followed, is `place` or within it."""
    real, place = Path(path).resolve(), Path(place).resolve()
    return real == place or place in real.parents


class FileChooser(TherapistView):
    """A file browser showing only the files matching `filters` (e.g. ["*.mid"]), with
    Cancel and a button named `action` that hands the chosen path to `on_choose`.

    Therapist-only, and it shows only `file_places()`, one at a time, with no way above
    them (a link inside that leads elsewhere leads back to the place)."""

    title = StringProperty("")
    filters = ListProperty([])
    action = StringProperty("")
    place = StringProperty("")

    __events__ = ("on_choose",)

    def __init__(self, **kwargs):
        kwargs.setdefault("reason", kwargs.get("title", ""))
        super().__init__(**kwargs)
        self.places = file_places()
        if self.places:
            self.place = str(self.places[0])
        for place in self.places:
            button = ChoiceButton(icon="folder-outline", text=place.name, value=str(place), size_hint=(1, 1))
            button.bind(on_release=lambda chosen: setattr(self, "place", chosen.value))
            self.bind(place=lambda _chooser, place, button=button: setattr(button, "selected", button.value == place))
            button.selected = button.value == self.place
            self.ids.places.add_widget(button)
        self.ids.files.bind(path=self._stay_inside)

    def open(self, *args, **kwargs):
        if not self.places:
            show_message(
                _("No folder to choose from"),
                _("There is no Downloads, Videos, Music or Documents folder, and no Pictures folder, "
                  "on this tablet. Put the file in one of them, then try again."),
            )
            return
        super().open(*args, **kwargs)

    def _stay_inside(self, files, path: str) -> None:
        if self.place and not inside(Path(path), Path(self.place)):
            files.path = self.place

    def choose(self):
        chosen = self.ids.files.selection
        if chosen and inside(Path(chosen[0]), Path(self.place)):
            self.dismiss(animation=False)
            self.dispatch("on_choose", chosen[0])

    def on_choose(self, path: str):
        pass


load_rules(__name__)
