"""Example stories for a newcomer's demo portfolio, one shape per session, illustrated
with the drawing activity's demo pictures, written in the language in use."""

from __future__ import annotations

from expressive.api.i18n import N_, _
from expressive.lib.drawing.demo import demo_log
from expressive.lib.drawing.render import render_image, thumbnail_png
from expressive.activities.story.model import Story
from expressive.activities.story.shapes import SHAPES_DIR, load_shapes

STORIES = (
    ("beginning-middle-end", N_("The brave little boat"), 2, [
        N_("There was a little boat that lived by the sea. It was scared of big waves."),
        N_("One day a storm came. The boat hid behind a rock and waited, and waited."),
        N_("When the sun came out, the boat sailed all the way to the island. It was still a bit scared, and that was OK."),
    ]),
    ("problem-as-character", N_("The Worry Cloud"), 1, [
        N_("The Worry Cloud."),
        N_("It is grey and fluffy, and it gets bigger at night."),
        N_("It makes me stay in bed and not go to school."),
    ]),
    ("letter-to-myself", N_("To me, next summer"), 0, [
        N_("Dear me,"),
        N_("Right now I am learning to say what I feel."),
    ]),
)


def demo_story(variant: int) -> Story:
    shape_id, title, drawing, texts = STORIES[variant % len(STORIES)]
    shape = next(shape for shape in load_shapes(SHAPES_DIR) if shape.id == shape_id)
    clock = iter(range(0, 10_000, 7))
    story = Story.from_shape(shape, clock=lambda: float(next(clock)))
    story.set_title(_(title))
    for page, text in enumerate(texts):
        story.set_text(page, _(text))
    story.set_picture(0, thumbnail_png(render_image(demo_log(drawing)), (1024, 768)), "drawing")
    return story
