"""The checkout as a build sees it, for tests that build the package."""

import shutil
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parent.parent
# What pyproject.toml packages; nothing else of the checkout goes into a build.
PACKAGED = ("pyproject.toml", "README.md", "expressive", "activities", "assets", "sessions")


def clean_source_copy(destination: Path) -> Path:
    """A copy of what is packaged, without the leftovers of earlier builds (setuptools
    reuses a `build/` folder in the tree it builds, and would ship modules since moved)."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in PACKAGED:
        source = CHECKOUT / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, destination / name)
    return destination
