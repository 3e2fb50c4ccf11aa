"""The widget kit: what makes an activity look and behave like the rest of the app. This is
the one part of the activity API that imports Kivy; import it from an activity's screens
and viewers only, never from its model.

Importing it once registers the kit's Kivy rules and fonts, so that an activity's own .kv
files can use the kit's widgets by name: `Icon`, `IconButton`, `ChoiceButton`,
`CardButton`, `Card` and `CentredScroll`, and the kv-only `ScreenTitle`, `Heading`,
`FormLabel` and `FormInput`. In a .kv file, `#:import theme expressive.api.widgets.theme`
gives the theme, and `#:import _ expressive.api.i18n._` the words in the user's language.

- Every control needs a name people (and screen readers, and the layout check) can know it
  by: its visible `text`, or, for a control that shows no words (a colour swatch, an
  icon-only key), `accessible_name` (`IconButton`, `ChoiceButton` and `CardButton` have it),
  translated like any other word: `accessible_name: _("red")`. An `IconButton` with no
  `icon` shows its words alone.
- Every popup (a `ModalView`, the kit's or one's own) is drawn as the kit's light sheet on
  a dimmed screen; put a big button that closes it (Close, Cancel, Keep making) in it.

- `theme`: the colours (INK, MUTED_INK, PRIMARY, DONE, WARNING, BACKGROUND, SURFACE,
  ON_COLOUR for words on PRIMARY, DONE and WARNING, DISABLED and DISABLED_INK) and sizes
  (TARGET, the size of a button a child can hit; TARGET_SMALL, GAP, RADIUS) every screen
  uses. Each pair passes WCAG contrast; `theme.pressed(colour)` is a colour held down,
  CHOSEN the fill of a choice that stays chosen, EDGE the outline of a control whose fill
  is too close to the page, and `theme.edge_colour(fill, chosen=...)` picks the outline.
- `WrappingRow`: buttons in as many rows as the width needs, none hidden off the side.
- `ICON_FONT`, `TEXT_FONT`, `TEXT_FONT_BOLD`: the files of the icon font (Material Design
  Icons) and the text font (Andika), for drawing with Pillow; `icon_char(name)` and
  `is_icon_name(name)` find icons by name. Model code takes these from
  `expressive.lib.fonts`, which imports no Kivy.
- Dialogs: `show_message` and `confirm`, big and plain; their buttons' default words
  ("OK", "Cancel", "Yes") are translated, the title and message are the caller's, already
  translated.
- Pictures: `texture_from_file` (an image file's bytes, decoded in memory within the
  picture bounds) and `image_texture` (a Pillow image), as Kivy textures.
- `ReplayView(duration=..., picture_at=..., marks=..., save_marks=...)`: the replay of a
  piece of work in the portfolio (Play, 4x, End, a scrubber, the therapist's marks with
  their notes as ticks that jump back), for an activity's `viewer()`. `picture_at(t)` gives
  the Pillow picture at `t` seconds into the record; return the same image object for a
  moment that looks as the one before and the screen is not drawn again. Pass `save_marks`
  (the viewer's) to offer marking. It has `stop()`, which the host calls when it goes.
- `FilmPlayer(film=..., audio=...)`: a film (`expressive.lib.film.Film`) played with its
  sound through the host's audio engine, on the replay view's controls and scrubber; it
  opens on the title card, has `autoplay`, `stop()` and `on_finished` (the slideshow moves
  on after a film ends). `film_viewer(artifact, media, save_marks)` is an activity's whole
  `viewer()` for work saved with `expressive.lib.film.film_draft`: the player, or the
  title card and a plain sentence when the film cannot be read.
- `LevelMeter`: how loud the microphone is now, as a bar (green, then amber, then red);
  `meter.follow(microphone)` keeps it up to date while a take records.
- `load_rules(__name__)`: loads the Kivy rules of the .kv file beside a module, as a
  package resource (so they load from an installed wheel too).
- Therapist-only views: `TherapistView`, a popup that asks for the therapist's PIN in
  client mode before it opens, and `FileChooser`, one that chooses a file from the
  tablet's Downloads, Pictures, Videos, Music or Documents folders.
"""

from expressive.lib.fonts import ICON_FONT, TEXT_FONT, TEXT_FONT_BOLD, icon_char, is_icon_name
from expressive.ui import theme
from expressive.ui.dialogs import confirm, show_message
from expressive.ui.files import FileChooser
from expressive.ui.level_meter import LevelMeter
from expressive.ui.film_player import FilmPlayer, film_viewer
from expressive.ui.pictures import image_texture, texture_from_file
from expressive.ui.replay import ReplayView
from expressive.ui.rules import load_rules
from expressive.ui.therapist import TherapistView
from expressive.ui.widgets import Card, CardButton, CentredScroll, ChoiceButton, Icon, IconButton, WrappingRow

__all__ = [
    "ICON_FONT",
    "TEXT_FONT",
    "TEXT_FONT_BOLD",
    "Card",
    "CardButton",
    "CentredScroll",
    "ChoiceButton",
    "FileChooser",
    "FilmPlayer",
    "Icon",
    "IconButton",
    "LevelMeter",
    "ReplayView",
    "TherapistView",
    "confirm",
    "film_viewer",
    "icon_char",
    "image_texture",
    "is_icon_name",
    "load_rules",
    "show_message",
    "texture_from_file",
    "theme",
    "WrappingRow",
]
