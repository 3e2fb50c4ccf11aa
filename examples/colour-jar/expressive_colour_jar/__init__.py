"""Colour jar: an example Expressive activity, small enough to read in one sitting.

The client fills a jar with marbles, one colour for each feeling, and the jar is saved to
their portfolio. It shows the whole contract of `expressive.api`: declaring the activity,
building its screen from the widget kit, autosave and recovery, Done, and demo work.
docs/PLUGINS.md walks through it.

This file imports nothing: the app reads the package (its activity.toml and its
translations) when it starts, and loads the activity itself, from `activity.py`, only when
it is first used.
"""
