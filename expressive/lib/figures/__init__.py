"""The figures of the sandtray: the shelves of shipped Noto Emoji figures, a therapist's own
pictures, and a client's drawings cut out from their paper. Public: activities and plugins
may use it; it changes only with the API version. No Kivy here.

    library = FigureLibrary.load(therapist_folder / "figures", logger)
    for category in CATEGORIES:
        shelf = library.figures(category, level="simple")   # category_title(category) names it
    lion = library.get("noto:lion").picture()                # RGBA, decoded once, cached
"""

from expressive.lib.figures.catalogue import (
    CATEGORIES,
    MAX_FIGURE_SIDE,
    Figure,
    FigureLibrary,
    FigureUnreadable,
    category_title,
    figure_from_png,
)
from expressive.lib.figures.cutout import cut_out

__all__ = [
    "CATEGORIES",
    "MAX_FIGURE_SIDE",
    "Figure",
    "FigureLibrary",
    "FigureUnreadable",
    "category_title",
    "cut_out",
    "figure_from_png",
]
