"""The figures on the sandtray's shelves: the shipped ones, the therapist's own, the client's cut-outs.

The shipped figures are Noto Emoji pictures (assets/figures, made by tools/make_figures.py),
listed in assets/figures/figures.toml; loading the library reads that list only, and each
picture is decoded the first time it is shown, then kept in a bounded cache. A therapist's
own figures are the pictures in a folder they fill: each is read within bounds and decoded
once when the library loads, so a file that is not a picture, too big or damaged is left
out then, with its reason, while the rest load. Public, covered by the API version
(through expressive.lib.figures). No Kivy here.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from PIL import Image

from expressive.i18n import N_, _
from expressive.limits import (
    MAX_NAME_CHARS,
    InputRefused,
    checked_text,
    describe_bytes,
    for_display,
    load_toml_bounded,
    open_picture_bounded,
    read_bounded,
)
from expressive.resources import ASSETS_DIR

FIGURES_DIR = ASSETS_DIR / "figures"
CATALOGUE_FILE = FIGURES_DIR / "figures.toml"

_CATEGORY_TITLES = {
    "people": N_("People"),
    "animals": N_("Animals"),
    "fantasy": N_("Fantasy and fear"),
    "buildings": N_("Buildings"),
    "nature": N_("Nature"),
    "vehicles": N_("Vehicles"),
    "things": N_("Things"),
    "symbols": N_("Symbols"),
    "own": N_("Our own"),
}
CATEGORIES: tuple[str, ...] = tuple(_CATEGORY_TITLES)
OWN = "own"
LEVELS = ("simple", "standard", "full")

# A figure of the therapist's or a cut-out is kept at most this many pixels on its longest
# side: four times a shipped one, more than the tray ever draws it (192 px at scale 1).
MAX_FIGURE_SIDE = 512
# A figure file is a picture of one thing, not a photo album: these bound what a file in
# the therapist's folder may be before it is decoded, and how many of them are read.
MAX_FIGURE_FILE_BYTES = 16 * 1024 * 1024
MAX_FIGURE_FILE_PIXELS = 16_000_000
MAX_OWN_FIGURES = 500
FIGURE_FORMATS = ("PNG", "JPEG")
FIGURE_SUFFIXES = (".png", ".jpg", ".jpeg")
# Decoded pictures kept: every shipped figure fits (570 of at most 64 KB), and a tray's own ones.
PICTURE_CACHE_SIZE = 768
# The catalogue is ours, but read as carefully as anything else.
MAX_CATALOGUE_BYTES = 1024 * 1024


class FigureUnreadable(InputRefused):
    """A figure's picture cannot be used; str() says why in one plain sentence."""


def category_title(category: str) -> str:
    """The shelf's name, in the reader's language ("People")."""
    return _(_CATEGORY_TITLES[category])


@dataclass(frozen=True)
class Figure:
    """One figure a person can put in the tray. `source` is where its picture comes from:
    a shipped PNG file, or the PNG bytes of a figure made here (already bounded and trimmed)."""

    key: str  # unique in a library: "noto:lion", "own:<sha256[:16]>", "cutout:<artifact id>"
    name: str  # English for shipped figures (translate with _ where shown); the file's name for own ones
    category: str
    simple: bool  # offered at the simplest level too
    source: Path | bytes = field(repr=False, compare=False)

    def picture(self) -> Image.Image:
        """The figure as an RGBA picture, shared from a cache: copy it before changing it.
        Raises FigureUnreadable when the file has gone or is damaged."""
        return _decoded(self.source)

    def png_bytes(self) -> bytes:
        """The picture as PNG, to embed in saved work."""
        if isinstance(self.source, bytes):
            return self.source
        return _read_figure_file(self.source)


def _read_figure_file(path: Path) -> bytes:
    try:
        return read_bounded(path, MAX_FIGURE_FILE_BYTES, what=N_("This figure"))
    except InputRefused as refused:
        raise FigureUnreadable(str(refused), refused.reason) from None
    except OSError:
        raise FigureUnreadable(_("This figure's picture file cannot be read."), "damaged") from None


@lru_cache(maxsize=PICTURE_CACHE_SIZE)
def _decoded(source: Path | bytes) -> Image.Image:
    data = source if isinstance(source, bytes) else _read_figure_file(source)
    return _open_figure_picture(data)


def _open_figure_picture(data: bytes) -> Image.Image:
    """The picture in `data` as RGBA, decoded within the figure bounds; FigureUnreadable when not."""
    try:
        picture = open_picture_bounded(data, max_pixels=MAX_FIGURE_FILE_PIXELS)
    except InputRefused as refused:
        raise FigureUnreadable(str(refused), refused.reason) from None
    with picture:
        if picture.format not in FIGURE_FORMATS:
            raise FigureUnreadable(_("Only PNG and JPEG pictures can be figures."), "not-a-picture")
        return picture.convert("RGBA")


def figure_from_png(key: str, name: str, data: bytes, category: str = OWN) -> Figure:
    """A figure of the picture in `data` (PNG or JPEG, e.g. one saved with a tray): decoded
    within bounds, trimmed to what is drawn, at most MAX_FIGURE_SIDE pixels on its longest
    side. FigureUnreadable when it is not a usable picture or nothing is drawn on it."""
    if len(data) > MAX_FIGURE_FILE_BYTES:
        raise FigureUnreadable(_("This picture is {size}; the most a figure may be is {most}.").format(
            size=describe_bytes(len(data)), most=describe_bytes(MAX_FIGURE_FILE_BYTES)), "too-big")
    return figure_from_picture(key, name, _open_figure_picture(data), category)


def figure_from_picture(key: str, name: str, picture: Image.Image, category: str = OWN) -> Figure:
    """A figure of an RGBA picture: trimmed to its visible part, shrunk to MAX_FIGURE_SIDE,
    kept as PNG. FigureUnreadable when nothing on it is visible."""
    box = picture.getchannel("A").getbbox()
    if box is None:
        raise FigureUnreadable(_("There is nothing on this picture to make a figure of."), "empty")
    trimmed = picture.crop(box)
    trimmed.thumbnail((MAX_FIGURE_SIDE, MAX_FIGURE_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    buffer = io.BytesIO()
    # Fast compression: a figure is made while someone waits, and is small anyway.
    trimmed.save(buffer, "PNG", compress_level=1)
    if category not in CATEGORIES:
        raise ValueError(f"no shelf {category!r}")
    return Figure(key=key, name=name, category=category, simple=category == OWN, source=buffer.getvalue())


def own_figure_key(data: bytes) -> str:
    """The key of a therapist's figure: the same picture always has the same key, so a tray
    made with it finds it again whatever the file is called now."""
    return f"{OWN}:{hashlib.sha256(data).hexdigest()[:16]}"


@lru_cache(maxsize=1)
def _shipped_figures() -> tuple[Figure, ...]:
    entries = load_toml_bounded(read_bounded(CATALOGUE_FILE, MAX_CATALOGUE_BYTES), max_bytes=MAX_CATALOGUE_BYTES)
    return tuple(
        Figure(key=f"noto:{entry['id']}", name=entry["name"], category=entry["category"],
               simple=bool(entry["simple"]), source=FIGURES_DIR / entry["file"])
        for entry in entries["figure"]
    )


class FigureLibrary:
    """The figures offered on the shelves, in shelf order, findable by key."""

    def __init__(self, figures: list[Figure] | tuple[Figure, ...] = ()) -> None:
        self._figures: dict[str, Figure] = {}
        self.skipped: list[tuple[str, str]] = []  # (file name, why it was left out)
        for figure in figures:
            self.add(figure)

    @classmethod
    def load(cls, extra_folder: Path | None = None, logger: logging.Logger | None = None) -> FigureLibrary:
        """The shipped figures, and the pictures in `extra_folder` (the therapist's own) on
        the "own" shelf. A file there that cannot be a figure is left out, its name and the
        reason in `skipped` and logged as a warning; the rest load."""
        library = cls(_shipped_figures())
        if extra_folder is not None:
            library._add_folder(Path(extra_folder), logger or logging.getLogger(__name__))
        return library

    def _add_folder(self, folder: Path, logger: logging.Logger) -> None:
        try:
            paths = sorted(path for path in folder.iterdir() if not path.name.startswith("."))
        except OSError:
            logger.warning("The figures folder %s cannot be read; only the shipped figures are on the shelves.",
                           for_display(folder))
            return
        added = 0
        for path in paths:
            if added == MAX_OWN_FIGURES:
                self._skip(path.name, _("More than {most} figures are in the folder; the rest are left out.").format(
                    most=MAX_OWN_FIGURES), logger)
                break
            try:
                figure = _own_figure(path)
            except FigureUnreadable as refused:
                self._skip(path.name, str(refused), logger)
                continue
            if figure.key in self._figures:
                self._skip(path.name, _("It is the same picture as another figure."), logger)
                continue
            self.add(figure)
            added += 1

    def _skip(self, file_name: str, reason: str, logger: logging.Logger) -> None:
        self.skipped.append((file_name, reason))
        logger.warning("The figure %s is left out: %s", for_display(file_name), reason)

    def figures(self, category: str | None = None, *, level: str = "full") -> list[Figure]:
        """The figures of one shelf (all shelves when None) in shelf order; at the "simple"
        level only the simple ones (and the own ones, chosen for this client)."""
        if level not in LEVELS:
            raise ValueError(f"no level {level!r}")
        chosen = [figure for figure in self._figures.values()
                  if (category is None or figure.category == category) and (level != "simple" or figure.simple)]
        if category is None:
            chosen.sort(key=lambda figure: CATEGORIES.index(figure.category))
        return chosen

    def get(self, key: str) -> Figure | None:
        return self._figures.get(key)

    def add(self, figure: Figure) -> None:
        """Put a figure on its shelf (a client's cut-out, one read back from saved work);
        one with the same key is replaced."""
        if figure.category not in CATEGORIES:
            raise ValueError(f"no shelf {figure.category!r}")
        self._figures[figure.key] = figure

    def __len__(self) -> int:
        return len(self._figures)


def _own_figure(path: Path) -> Figure:
    """The figure of one file in the therapist's folder; FigureUnreadable saying why not."""
    if path.suffix.lower() not in FIGURE_SUFFIXES:
        raise FigureUnreadable(_("Only PNG and JPEG pictures can be figures."), "not-a-picture")
    # Not a plain file (a folder, or a link to a device such as one that never ends): never opened.
    if not path.is_file():
        raise FigureUnreadable(_("This is not a picture file."), "not-a-picture")
    data = _read_figure_file(path)
    name = checked_text(path.stem.replace("_", " ")[:MAX_NAME_CHARS], N_("figure's name"), MAX_NAME_CHARS, one_line=True)
    return figure_from_png(own_figure_key(data), name.strip() or _("figure"), data)
