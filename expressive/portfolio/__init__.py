"""The portfolio: clients, sessions and artifacts on disk, crash-safe, with a derived index,
optionally encrypted at rest, with an audit log.

No Kivy here: the command line, the tests and the app all use this model layer alike.
"""

from expressive.security.audit import AuditEntry
from expressive.security.keyring import KdfParams

from .documents import FORMAT_VERSION
from .records import (
    ArtifactRecord,
    CheckReport,
    Client,
    FileEntry,
    Homework,
    Noticing,
    PortfolioError,
    Problem,
    ProgressRow,
    Session,
    WrongPassphrase,
)
from .store import Portfolio

__all__ = [
    "FORMAT_VERSION",
    "ArtifactRecord",
    "AuditEntry",
    "CheckReport",
    "Client",
    "FileEntry",
    "Homework",
    "KdfParams",
    "Noticing",
    "Portfolio",
    "PortfolioError",
    "Problem",
    "ProgressRow",
    "Session",
    "WrongPassphrase",
]
