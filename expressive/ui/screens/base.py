from kivy.app import App
from kivy.uix.screenmanager import Screen


class BaseScreen(Screen):
    """A screen the app shows with `app.go(name, **details)`."""

    @property
    def app(self):
        return App.get_running_app()

    def show(self, **details) -> None:
        """Fill the screen with current data before it appears."""


def thumbnail_source(store, artifact) -> str:
    """The path of an artifact's thumbnail for an Image, or "" when there is none to show."""
    if artifact.damaged or not artifact.thumbnail:
        return ""
    path = store.file_path(artifact, artifact.thumbnail)
    return str(path) if path.is_file() else ""
