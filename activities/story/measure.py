"""Speed figures of the story activity, for `expressive bench`: what autosave costs while
the client types, and how long the picture book of an illustrated story takes.

Each function measures on this machine and returns plain numbers in seconds;
`story_figures` gives `expressive bench` the activity's figures beside their budgets.
"""

from __future__ import annotations

import io
import random
import time

from PIL import Image, ImageDraw

from expressive.activities.story.export import picture_book_pdf
from expressive.activities.story.model import Page, Story
from expressive.api.measure import Figure, percentile

PICTURE_SIZE = (1024, 768)
# Seconds of simulated typing between autosave snapshots.
AUTOSAVE_EVERY_SECONDS = 3.0
# About a child's typing speed; every sentence ends with a pause to think.
SECONDS_PER_KEYSTROKE = 0.3
PAUSE_AFTER_SENTENCE_SECONDS = 4.0

SAMPLE_TEXT = (
    "Once there was a small fox who lived at the edge of a big dark wood. "
    "Every night she heard a sound she did not know, and it kept her awake. "
    "One morning she packed some bread and went to find out what it was. "
    "The path was long and the trees were very tall. "
    "A crow flew down and said she would show the way. "
)


def sample_picture(seed: int, size: tuple[int, int] = PICTURE_SIZE) -> bytes:
    """A PNG like a child's drawing: a coloured sky and ground with thick crayon lines."""
    generator = random.Random(seed)
    image = Image.new("RGB", size, (generator.randrange(150, 256), generator.randrange(150, 256), 255))
    draw = ImageDraw.Draw(image)
    width, height = size
    draw.rectangle((0, height * 2 // 3, width, height), fill=(90, generator.randrange(120, 200), 70))
    for _ in range(25):
        colour = tuple(generator.randrange(256) for _ in range(3))
        points = [(generator.randrange(width), generator.randrange(height)) for _ in range(6)]
        draw.line(points, fill=colour, width=generator.randrange(6, 24), joint="curve")
    for _ in range(4):
        x, y, radius = generator.randrange(width), generator.randrange(height), generator.randrange(30, 140)
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=(40, 40, 40), width=8)
    output = io.BytesIO()
    image.save(output, format="PNG")
    return output.getvalue()


def illustrated_story(pages: int = 10, words_per_page: int = 90) -> Story:
    """A story of `pages` pages, each with a picture and about `words_per_page` words."""
    words = SAMPLE_TEXT.split()
    text = " ".join(words[index % len(words)] for index in range(words_per_page))
    return Story(
        "The fox and the sound in the wood",
        pages=[Page(text, picture=sample_picture(number), picture_kind="drawing") for number in range(pages)],
    )


def autosave_cost(keystrokes: int = 600, pages: int = 10) -> dict:
    """What the story costs while the client types into an illustrated story of `pages`
    pages: `set_text` per keystroke, and `to_snapshot` every AUTOSAVE_EVERY_SECONDS of
    simulated typing. Returns {"keystroke_p50", "keystroke_p99", "snapshot_p50",
    "snapshot_p99"} in seconds, and the "snapshots" taken, the last "snapshot_bytes" and
    the "revisions" the typing became."""
    story = illustrated_story(pages)
    page_index = pages - 1
    text = story.pages[page_index].text
    t = saved_at = 0.0
    keystroke_times, snapshot_times = [], []
    snapshot = b""
    for number in range(keystrokes):
        character = SAMPLE_TEXT[number % len(SAMPLE_TEXT)]
        text += character
        t += PAUSE_AFTER_SENTENCE_SECONDS if character == "." else SECONDS_PER_KEYSTROKE
        started = time.perf_counter()
        story.set_text(page_index, text, at=t)
        keystroke_times.append(time.perf_counter() - started)
        if t - saved_at >= AUTOSAVE_EVERY_SECONDS:
            started = time.perf_counter()
            snapshot = story.to_snapshot()
            snapshot_times.append(time.perf_counter() - started)
            saved_at = t
    return {
        "keystroke_p50": percentile(keystroke_times, 0.5),
        "keystroke_p99": percentile(keystroke_times, 0.99),
        "snapshot_p50": percentile(snapshot_times, 0.5),
        "snapshot_p99": percentile(snapshot_times, 0.99),
        "snapshots": len(snapshot_times),
        "snapshot_bytes": len(snapshot),
        "revisions": len(story.revisions),
    }


def pdf_export_seconds(pages: int = 10) -> float:
    """Seconds to make the picture book of an illustrated story of `pages` pages with
    1024x768 drawings (the fonts are read once beforehand, as in a running app)."""
    story = illustrated_story(pages)
    picture_book_pdf(Story("Warming up"))
    started = time.perf_counter()
    picture_book_pdf(story)
    return time.perf_counter() - started


def story_figures(keystrokes: int) -> list[Figure]:
    """Writing a story: each keystroke into the story and its timeline, the autosave the
    host takes every few seconds of typing, and the picture book of 10 illustrated pages."""
    typing = autosave_cost(keystrokes=keystrokes, pages=10)
    return [
        Figure("story_keystroke_p99", typing["keystroke_p99"] * 1000, "ms", 1.0,
               f"a keystroke into a 10-page illustrated story and its timeline, over {keystrokes} keystrokes "
               "(ours: a small part of a 16 ms frame)"),
        Figure("story_autosave_p99", typing["snapshot_p99"] * 1000, "ms", 50.0,
               f"the snapshot kept every 3 s of typing ({typing['snapshot_bytes'] / 1e6:.1f} MB with its pictures; "
               "ours: no hitch while typing)"),
        Figure("story_pdf_10_pages", pdf_export_seconds(pages=10), "s", 5.0,
               "picture-book PDF of 10 pages with 1024x768 pictures (ours)"),
    ]
