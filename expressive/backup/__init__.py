"""Backups of the encrypted portfolio to a restic repository, and restoring them."""
