"""A story in the portfolio, as a book to page through: each page with its picture, its
prompt and words."""

from __future__ import annotations

from kivy.properties import NumericProperty, ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from expressive.activities.story.model import Story
from expressive.api.widgets import load_rules, texture_from_file


class StoryViewer(BoxLayout):
    artifact = ObjectProperty(None)
    page = NumericProperty(0)
    page_count = NumericProperty(0)
    heading = StringProperty("")
    prompt = StringProperty("")
    text = StringProperty("")
    picture = ObjectProperty(None, allownone=True)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        read = self.artifact.read
        pictures = {name: read(name) for name in self.artifact.file_names if name.startswith("page-")}
        self.story = Story.from_markdown(read(self.artifact.product).decode("utf-8"), pictures)
        self.page_count = len(self.story.pages)
        self.show(0)

    def show(self, index: int) -> None:
        if not 0 <= index < self.page_count:
            return
        page = self.story.pages[index]
        self.page = index
        self.heading = page.title
        self.prompt = page.prompt
        self.text = page.text
        self.picture = texture_from_file(page.picture)


load_rules(__name__)
