"""What this device remembers for the therapist outside any portfolio: no client data, only
choices about the app itself (its language, where exports are saved).

They live in one small JSON file in the platform's folder for settings, written whole and
atomically; a damaged or missing file means the defaults.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

MAX_BYTES = 64 * 1024


def preferences_file() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir("Expressive", appauthor=False)) / "preferences.json"


def read_preferences(path: Path | None = None) -> dict:
    path = path or preferences_file()
    try:
        if path.stat().st_size > MAX_BYTES:
            return {}
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def preference(name: str, default=None, path: Path | None = None):
    return read_preferences(path).get(name, default)


def remember(name: str, value, path: Path | None = None) -> None:
    """Keep `value` under `name`; a device that cannot keep it (full, read-only) keeps the
    old choices, and the app goes on with the new one for now."""
    path = path or preferences_file()
    chosen = read_preferences(path)
    chosen[name] = value
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".preferences-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                json.dump(chosen, stream)
                stream.flush()
                os.fsync(stream.fileno())
            os.replace(temporary, path)
        finally:
            if os.path.exists(temporary):
                os.unlink(temporary)
    except OSError:
        pass
