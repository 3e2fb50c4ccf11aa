"""The stamp catalogue: Material Design Icons glyphs a client can press onto the paper,
grouped by what they show, each with the name people read. Kept as data in
assets/stamps/stamps.json (the names are translated where they are shown); no Kivy here.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from expressive.lib.drawing.strokes import MAX_STAMP_SIZE, MIN_STAMP_SIZE  # noqa: F401  (where the studio finds them)
from expressive.api import ASSETS_DIR
from expressive.lib.fonts import is_icon_name

STAMPS_FILE = ASSETS_DIR / "stamps" / "stamps.json"
# How big a stamp is when first placed, in document pixels (the glyph's em size).
DEFAULT_STAMP_SIZE = 240.0

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StampChoice:
    icon: str  # the glyph's name in the icon font: what the drawing's log records
    name: str  # what it shows, untranslated ("happy face")


@dataclass(frozen=True)
class StampGroup:
    name: str  # untranslated ("Animals")
    stamps: tuple[StampChoice, ...]


def load_catalogue(path: Path = STAMPS_FILE) -> list[StampGroup]:
    """The categories and their stamps, in file order; stamps whose glyph is not an icon
    in the font are left out with a warning."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    groups = []
    for group in data:
        known = []
        for stamp in group["stamps"]:
            if is_icon_name(stamp["icon"]):
                known.append(StampChoice(icon=stamp["icon"], name=stamp["name"]))
            else:
                log.warning("stamp %r in %r is not a Material Design icon; left out", stamp["icon"], group["name"])
        groups.append(StampGroup(name=group["name"], stamps=tuple(known)))
    return groups


@lru_cache(maxsize=1)
def catalogue() -> list[StampGroup]:
    return load_catalogue()
