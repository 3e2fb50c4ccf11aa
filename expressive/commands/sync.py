"""The `expressive` commands for sync."""

from __future__ import annotations


def add_commands(commands, common) -> None:
    """Add this module's subcommands to the parser's `commands`."""
