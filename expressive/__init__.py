"""Expressive: creative and expressive therapy sessions on a tablet."""

__version__ = "0.1.0"
