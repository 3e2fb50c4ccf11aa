"""The portfolio: clients, sessions and artifacts on disk, crash-safe, with a derived index.

No Kivy here: the command line, the tests and the app all use this model layer alike.
"""

from .records import (
    FORMAT_VERSION,
    ArtifactRecord,
    CheckReport,
    Client,
    FileEntry,
    PortfolioError,
    Problem,
    Session,
)
from .store import Portfolio

__all__ = [
    "FORMAT_VERSION",
    "ArtifactRecord",
    "CheckReport",
    "Client",
    "FileEntry",
    "Portfolio",
    "PortfolioError",
    "Problem",
    "Session",
]
