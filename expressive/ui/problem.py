"""A one-screen app that explains, in plain words, why Expressive could not start."""

from kivy.app import App
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label

from expressive.i18n import _
from expressive.ui import theme
from expressive.ui.widgets import IconButton


class StartupProblemApp(App):
    title = "Expressive"

    def __init__(self, message: str, **kwargs):
        super().__init__(**kwargs)
        self.message = message

    def build(self):
        box = BoxLayout(orientation="vertical", padding="48dp", spacing="24dp")
        box.add_widget(Label(text=_("Expressive cannot start"), font_size="32sp", bold=True, size_hint_y=None, height="60dp"))
        text = Label(text=self.message, font_size="20sp", halign="center", valign="middle")
        text.bind(size=lambda label, size: setattr(label, "text_size", size))
        box.add_widget(text)
        close = IconButton(icon="close", text=_("Close"), background=theme.PRIMARY, foreground=theme.ON_COLOUR,
                           size_hint=(None, None), pos_hint={"center_x": 0.5})
        close.bind(on_release=lambda _button: self.stop())
        box.add_widget(close)
        from kivy.core.window import Window

        Window.clearcolor = theme.BACKGROUND
        return box
