"""The `expressive` commands for therapists."""

from __future__ import annotations


def add_commands(commands, common) -> None:
    """Add this module's subcommands to the parser's `commands`."""
