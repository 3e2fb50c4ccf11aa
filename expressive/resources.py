"""Where the data shipped with the app lives (assets, session plans).

In the source tree (and an editable install) they sit at the top, beside the packages. An
installed wheel carries them to <prefix>/share/expressive (see pyproject.toml), for the
environment it was installed into or the user's own base.
"""

import site
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# A file every copy of the data has, to tell it from an unrelated folder of the same name.
_KNOWN_FILE = Path("icons") / "mdi-codepoints.json"


def _data_root() -> Path:
    if (PROJECT_ROOT / "assets" / _KNOWN_FILE).is_file():
        return PROJECT_ROOT
    for prefix in (sys.prefix, site.USER_BASE or ""):
        installed = Path(prefix) / "share" / "expressive"
        if (installed / "assets" / _KNOWN_FILE).is_file():
            return installed
    return PROJECT_ROOT


_DATA_ROOT = _data_root()
ASSETS_DIR = _DATA_ROOT / "assets"
SESSIONS_DIR = _DATA_ROOT / "sessions"
FONTS_DIR = ASSETS_DIR / "fonts"
