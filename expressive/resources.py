"""Where the data shipped with the app lives (assets, session plans).

They sit at the top of the source tree, beside the packages, and the app is installed
from that tree in editable mode, so they are found relative to this file.
"""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ASSETS_DIR = PROJECT_ROOT / "assets"
SESSIONS_DIR = PROJECT_ROOT / "sessions"
FONTS_DIR = ASSETS_DIR / "fonts"
