"""Story: write a story of pages from a shape with gentle prompts, with pictures drawn
with the host's picture-making service (the drawing activity lends its studio) or chosen
from the portfolio; kept as Markdown with its pictures and writing timeline, and as a
picture book (PDF) and a web page.

Kivy is imported only in `build()` and `viewer()`.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from expressive.activities.story.export import picture_book_pdf, web_page
from expressive.activities.story.model import Story
from expressive.activities.story.shapes import SHAPES_DIR, StoryShape, load_shapes
from expressive.api import API_VERSION, Activity, ActivityInfo, ArtifactDraft, Host
from expressive.api.i18n import N_, _
from expressive.api.limits import open_picture_bounded
from expressive.lib.fonts import TEXT_FONT_BOLD

THUMBNAIL_SIZE = (320, 240)
COVER_PAPER = (250, 246, 238)
COVER_INK = (44, 44, 52)


def therapist_shapes_folder() -> Path:
    """Where a therapist adds story shapes of their own (TOML files like the shipped ones)."""
    from platformdirs import user_config_dir

    return Path(user_config_dir("Expressive")) / "story-shapes"


def story_draft(story: Story) -> ArtifactDraft:
    """The story as Markdown with its pictures (the product), its writing timeline (the
    process), the picture book and the web page, and a cover as thumbnail."""
    files = story.files()
    return ArtifactDraft(
        kind="story",
        files={
            **files,
            "story.pdf": picture_book_pdf(story),
            "story.html": web_page(story),
            "thumbnail.png": cover_png(story),
        },
        product="story.md",
        process="timeline.json",
        thumbnail="thumbnail.png",
        title=story.title,
        metadata={"pages": len(story.pages), "words": story.word_count, "shape": story.shape_id},
    )


def cover_png(story: Story, size: tuple[int, int] = THUMBNAIL_SIZE) -> bytes:
    """A small cover: the first picture in the story, with the title over the top."""
    cover = Image.new("RGB", size, COVER_PAPER)
    picture = next((page.picture for page in story.pages if page.picture), None)
    if picture is not None:
        with open_picture_bounded(picture) as opened:
            art = opened.convert("RGB")
        art.thumbnail((size[0], size[1] - 56))
        cover.paste(art, ((size[0] - art.width) // 2, 52))
    draw = ImageDraw.Draw(cover)
    font = ImageFont.truetype(str(TEXT_FONT_BOLD), 26)
    title = story.title or (story.pages[0].text.split("\n", 1)[0][:40] if story.pages else "") or _("A story")
    draw.text((size[0] // 2, 26), title, fill=COVER_INK, font=font, anchor="mm")
    out = io.BytesIO()
    cover.save(out, format="PNG")
    return out.getvalue()


class StoryActivity(Activity):
    info = ActivityInfo(
        id="story",
        title=N_("Story"),
        icon="book-open-page-variant",
        artifact_kinds=("story",),
        api_version=API_VERSION,
        description=N_("Write a story with pictures, page by page"),
    )

    def __init__(self, host: Host):
        super().__init__(host)
        self.story: Story | None = None
        self.shape_problems: list[str] = []
        self.shapes: list[StoryShape] = load_shapes(SHAPES_DIR, therapist_shapes_folder(), problems=self.shape_problems)
        for problem in self.shape_problems:
            host.logger.warning("story shape left out: %s", problem)
        self._studio = None

    def build(self):
        from expressive.activities.story.studio import StoryStudio

        self._studio = StoryStudio(activity=self, complexity=self.host.complexity)
        return self._studio

    def begin(self, shape: StoryShape) -> Story:
        self.story = Story.from_shape(shape)
        return self.story

    def has_work(self) -> bool:
        return self.story is not None and not self.story.is_empty

    def snapshot(self) -> bytes | None:
        return None if self.story is None else self.story.to_snapshot()

    def restore(self, snapshot: bytes) -> None:
        self.story = Story.from_snapshot(snapshot)
        if self._studio is not None:
            self._studio.show_story()

    def finish(self) -> list[ArtifactDraft]:
        return [story_draft(self.story)] if self.has_work() else []

    @classmethod
    def demo_drafts(cls, variant: int) -> list[ArtifactDraft]:
        from expressive.activities.story.demo import demo_story

        return [story_draft(demo_story(variant))]

    @classmethod
    def viewer(cls, artifact, save_marks=None, media=None):
        from expressive.activities.story.viewer import StoryViewer

        return StoryViewer(artifact=artifact)

    @classmethod
    def benchmarks(cls, quick: bool, driver) -> list:
        from expressive.activities.story.measure import story_figures

        return story_figures(600 if quick else 6000)

    @classmethod
    def screenshot_scenes(cls):
        from expressive.activities.story.scenes import choosing, starting, writing

        return {"story": writing, "story_start": starting, "story_pictures": choosing}
