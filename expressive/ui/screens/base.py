from kivy.app import App
from kivy.uix.screenmanager import Screen


class BaseScreen(Screen):
    """A screen the app shows with `app.go(name, **details)`."""

    @property
    def app(self):
        return App.get_running_app()

    def show(self, **details) -> None:
        """Fill the screen with current data before it appears."""

