"""A puppet play in the portfolio: its film, played with its sound by the widget kit's film
player. When the record of the puppets' paths kept with it is damaged (so the play cannot
be drawn again), a plain sentence says so above the film, which still plays.
"""

from __future__ import annotations

from kivy.metrics import dp
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from expressive.activities.stage.activity import saved_show
from expressive.api import ArtifactUnreadable, ArtifactView
from expressive.api.i18n import _
from expressive.api.widgets import FilmPlayer, film_viewer, theme


def play_viewer(artifact: ArtifactView, media, save_marks=None):
    """The film of a saved puppet play (its sound through `media`'s audio engine, the
    therapist's marks through `save_marks`), with a plain sentence above it when the show's
    record is damaged. A film that cannot be read at all is said so by the film viewer."""
    player = film_viewer(artifact, media, save_marks)
    if not isinstance(player, FilmPlayer):
        return player
    try:
        saved_show(artifact)
    except (ValueError, ArtifactUnreadable):
        return DamagedShow(player)
    return player


class DamagedShow(BoxLayout):
    """A play whose record of the puppets' paths cannot be read: said plainly, above its film."""

    def __init__(self, player, **kwargs):
        super().__init__(orientation="vertical", spacing=dp(8), **kwargs)
        self.player = player
        self.message = _("The record of how the puppets moved is damaged, so this play cannot be drawn again. "
                         "The film itself is here.")
        words = Label(text=self.message, font_size="20sp", color=theme.INK, size_hint_y=None,
                      halign="left", valign="middle")
        words.bind(width=lambda label, width: setattr(label, "text_size", (width, None)),
                   texture_size=lambda label, size: setattr(label, "height", size[1] + dp(8)))
        self.add_widget(words)
        self.add_widget(player)

    def stop(self) -> None:
        """Called by the host when the play is no longer on screen."""
        self.player.stop()
