"""Shared by the backup tests: the demo's secrets and words, and the files a backup carries."""

import fnmatch
import os
from pathlib import Path

from expressive.portfolio.device import LOCAL_ONLY_PATTERNS
from sample_work import DEMO_PASSPHRASE

PASSPHRASE = DEMO_PASSPHRASE
REPOSITORY_PASSWORD = "repository password 7"
DEMO_NAME = "Robin (demo)"
# Words the demo client said and the therapist wrote (see expressive.tools.faults.commands).
CLIENT_WORDS = (b"where I live with my mum", b"nobody shouts there", b"Follow up on school", b"Robin (demo)")



def travelling_files(root: Path) -> dict[str, bytes]:
    """Every file of the portfolio that a backup carries (all but the local-only ones)."""
    found = {}
    for place, folders, files in os.walk(root):
        for name in files + folders:
            relative = "/" + (Path(place) / name).relative_to(root).as_posix()
            if any(_matches(relative, pattern) for pattern in LOCAL_ONLY_PATTERNS):
                if name in folders:
                    folders.remove(name)
                continue
            if name in files:
                found[relative] = (Path(place) / name).read_bytes()
    return found


def _matches(relative: str, pattern: str) -> bool:
    if pattern.startswith("/"):
        return fnmatch.fnmatchcase(relative, pattern)
    return fnmatch.fnmatchcase(relative.rsplit("/", 1)[-1], pattern)
