"""Finding what interrupted writes leave behind.

Leftovers are not damage: they are saves that never became visible. `check` reports them
as notes and removes them on request.
"""

from __future__ import annotations

import os
from pathlib import Path

from .atomic import is_leftover


def find_leftovers(root: Path) -> list[Path]:
    """Every leftover under `root`, relative to it, in a stable order."""
    found = []
    for folder, folders, files in os.walk(root):
        here = Path(folder).relative_to(root)
        # A leftover folder is reported whole, not file by file.
        found += [here / name for name in sorted(folders) if is_leftover(name)]
        folders[:] = sorted(name for name in folders if not is_leftover(name))
        found += [here / name for name in sorted(files) if is_leftover(name)]
    return found
