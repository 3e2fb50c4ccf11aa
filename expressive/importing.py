"""Bringing a file made elsewhere (a MIDI file, ...) into a client's portfolio.

The activity that takes that kind of file turns it into a draft, which is checked whole
before anything is written: a damaged file is refused with a plain message and leaves
the portfolio exactly as it was. An accepted file becomes its own session ("Imported"),
so that it shows in the portfolio on the day it was brought in. No Kivy here.
"""

from __future__ import annotations

from pathlib import Path

from expressive.activity import ArtifactDraft, ImportRefused
from expressive.plans import IMPORTED_PLAN_ID
from expressive.portfolio import ArtifactRecord, Portfolio
from expressive.registry import Registry

# Far above any MIDI file or photo a person brings in; a bigger file is refused unread.
LARGEST_FILE_BYTES = 50 * 1024 * 1024


def importable_endings(registry: Registry) -> dict[str, str]:
    """File name endings the installed activities can import, and which activity takes each."""
    return {ending: activity_id for activity_id, activity in registry.activities.items() for ending in activity.imports}


def import_file(store: Portfolio, registry: Registry, client_id: str, path: Path) -> ArtifactRecord:
    """Add the file at `path` to the client's portfolio; raises ImportRefused (nothing
    written) or PortfolioError (the save failed, and said how)."""
    store.client(client_id)
    path = Path(path)
    endings = importable_endings(registry)
    activity_id = endings.get(path.suffix.lower())
    if activity_id is None:
        known = ", ".join(sorted(endings)) or "none"
        raise ImportRefused(f"Expressive can't bring in {path.suffix or 'this kind of'} files. It can bring in: {known}.")
    try:
        if path.stat().st_size > LARGEST_FILE_BYTES:
            raise ImportRefused("This file is too big to bring in.")
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportRefused(f"There is no file {path}.") from None
    except IsADirectoryError:
        raise ImportRefused(f"{path} is a folder, not a file.") from None
    except OSError as error:
        raise ImportRefused(f"The file could not be read ({error.strerror or error}).") from None
    draft = registry.activities[activity_id].draft_from_file(path.name, data)
    return save_brought_in(store, client_id, activity_id, draft)


def save_brought_in(store: Portfolio, client_id: str, activity_id: str, draft: ArtifactDraft) -> ArtifactRecord:
    """Keep work made from a file in a session of its own, on the day it was brought in."""
    session = store.start_session(client_id, plan_id=IMPORTED_PLAN_ID)
    artifact = store.save_artifact(client_id, session.id, activity_id, draft)
    store.finish_session(client_id, session.id, feeling_out=None)
    return artifact
