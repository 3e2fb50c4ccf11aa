"""The client's screen, built from the widget kit: the jar and six big colour buttons.

A child taps a colour and a marble drops into the jar; no reading is needed (the names,
in the client's language, are for the therapist). The jar on screen is the very picture that is saved.
"""

from __future__ import annotations

from kivy.uix.boxlayout import BoxLayout
from kivy.uix.image import Image

from expressive.api.i18n import N_, _
from expressive.api.widgets import IconButton, image_texture, theme
from expressive_colour_jar.jar import COLOURS, Jar, render

COLOUR_NAMES = (N_("Red"), N_("Orange"), N_("Yellow"), N_("Green"), N_("Blue"), N_("Purple"))


class JarScreen(BoxLayout):
    def __init__(self, jar: Jar, **kwargs):
        super().__init__(orientation="horizontal", spacing=theme.GAP, padding=theme.GAP, **kwargs)
        self.jar = jar
        self.picture = Image(fit_mode="contain")
        self.add_widget(self.picture)
        buttons = BoxLayout(orientation="vertical", spacing=theme.GAP, size_hint_x=None,
                            width=theme.TARGET * 2.5)
        for colour, (name, rgb) in enumerate(zip(COLOUR_NAMES, COLOURS, strict=True)):
            button = IconButton(icon="circle", text=_(name), foreground=(*(part / 255 for part in rgb), 1))
            button.bind(on_release=lambda _button, chosen=colour: self.drop(chosen))
            buttons.add_widget(button)
        take_back = IconButton(icon="undo", text=_("Take back"))
        take_back.bind(on_release=lambda _button: self.take_back())
        buttons.add_widget(take_back)
        self.add_widget(buttons)
        self.show()

    def drop(self, colour: int) -> None:
        self.jar.add(colour)
        self.show()

    def take_back(self) -> None:
        self.jar.take_back()
        self.show()

    def show(self) -> None:
        self.picture.texture = image_texture(render(self.jar))
