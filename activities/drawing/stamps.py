"""The stamp catalogue: Material Design Icons glyphs a client can press onto the paper,
grouped by what they show. Kept as data in assets/stamps/stamps.json; no Kivy here.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path

from expressive.lib.drawing.strokes import MAX_STAMP_SIZE, MIN_STAMP_SIZE  # noqa: F401  (where the studio finds them)
from expressive.api import ASSETS_DIR
from expressive.lib.fonts import is_icon_name

STAMPS_FILE = ASSETS_DIR / "stamps" / "stamps.json"
# How big a stamp is when first placed, in document pixels (the glyph's em size).
DEFAULT_STAMP_SIZE = 240.0

log = logging.getLogger(__name__)


def load_catalogue(path: Path = STAMPS_FILE) -> dict[str, list[str]]:
    """The categories and their glyph names, in file order; names that are not icons in
    the font are left out with a warning."""
    with open(path, encoding="utf-8") as handle:
        data = json.load(handle)
    catalogue: dict[str, list[str]] = {}
    for category, names in data.items():
        known = []
        for name in names:
            if is_icon_name(name):
                known.append(name)
            else:
                log.warning("stamp %r in %r is not a Material Design icon; left out", name, category)
        catalogue[category] = known
    return catalogue


@lru_cache(maxsize=1)
def catalogue() -> dict[str, list[str]]:
    return load_catalogue()
