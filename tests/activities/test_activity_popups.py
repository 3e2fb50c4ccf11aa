"""The activities' popups wear the kit's one look: a light sheet the colour of a screen, on
which their white buttons and cards stand out as they do on a screen."""

from __future__ import annotations

from kivy.factory import Factory

from expressive.api.widgets import theme
from expressive.lib.contrast import contrast_ratio


def is_the_kits_light_sheet(popup) -> bool:
    """Not a see-through popup with a card of its own drawn inside."""
    return tuple(popup.background_color) == tuple(theme.BACKGROUND) and not any(
        isinstance(widget, Factory.Card) for widget in popup.walk(restrict=True)
    )


def test_the_song_and_picture_choosers_are_the_kits_light_sheet(window):
    from expressive.activities.music.studio import SongChooser
    from expressive.activities.story.studio import PictureChooser

    assert is_the_kits_light_sheet(SongChooser(choices=[]))
    assert is_the_kits_light_sheet(PictureChooser())


def test_the_movement_set_ups_choices_stand_out_from_its_sheet(window):
    import expressive.activities.movement.studio  # noqa: F401 (its rules make SetupChoice)

    choice = Factory.SetupChoice()
    assert tuple(choice.background) == tuple(theme.SURFACE)
    assert contrast_ratio(theme.edge_colour(theme.SURFACE), theme.BACKGROUND) >= 3
