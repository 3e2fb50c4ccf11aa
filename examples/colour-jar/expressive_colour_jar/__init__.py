"""Colour jar: an example Expressive activity, small enough to read in one sitting.

The client fills a jar with marbles, one colour for each feeling, and the jar is saved to
their portfolio. It shows the whole contract of `expressive.api`: declaring the activity,
building its screen from the widget kit, autosave and recovery, Done, and demo work.
docs/PLUGINS.md walks through it.
"""

from expressive_colour_jar.activity import ColourJarActivity

__all__ = ["ColourJarActivity"]
