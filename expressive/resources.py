"""Where the data shipped with the app lives (assets, session plans).

An installed wheel carries them inside the package as `expressive/assets` and
`expressive/sessions` (see pyproject.toml), read through importlib.resources. In the source
tree (and an editable install) they sit at the repository's top level, beside the packages.
"""

from importlib.resources import files
from pathlib import Path

_SOURCE_TREE = Path(__file__).resolve().parent.parent


def _shipped(name: str) -> Path:
    # A wheel installs unzipped, so the package's resources are real folders on disk.
    packaged = Path(str(files("expressive") / name))
    if packaged.is_dir():
        return packaged
    return _SOURCE_TREE / name


ASSETS_DIR = _shipped("assets")
SESSIONS_DIR = _shipped("sessions")
FONTS_DIR = ASSETS_DIR / "fonts"
