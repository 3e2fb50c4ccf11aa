"""The `expressive` commands for backup."""

from __future__ import annotations


def add_commands(commands, common) -> None:
    """Add this module's subcommands to the parser's `commands`."""
