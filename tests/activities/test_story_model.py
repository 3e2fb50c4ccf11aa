import io
import json
import random
import subprocess
import sys

import pytest
from PIL import Image

from expressive.activities.story.measure import sample_picture
from expressive.activities.story.model import (
    FORMAT_NAME,
    TYPING_PAUSE_SECONDS,
    Page,
    PictureError,
    Story,
    text_change,
)
from expressive.activities.story.shapes import BLANK_SHAPE_ID, ShapeError, load_shapes, parse_shape
from expressive.lib.fonts import is_icon_name


def shipped_shape(shape_id):
    return {shape.id: shape for shape in load_shapes()}[shape_id]


def jpeg_picture():
    output = io.BytesIO()
    Image.new("RGB", (40, 30), "orange").save(output, format="JPEG")
    return output.getvalue()


def type_text(story, page_index, text, start_at, seconds_per_key=0.2):
    """Types `text` at the end of a page one character at a time; returns the time of
    the last keystroke."""
    t = start_at
    for character in text:
        story.set_text(page_index, story.pages[page_index].text + character, at=t)
        t += seconds_per_key
    return t - seconds_per_key


# --- shapes ------------------------------------------------------------------------------


def test_the_shipped_shapes_load_with_the_blank_page_first():
    problems = []
    shapes = load_shapes(problems=problems)
    assert problems == []
    assert shapes[0].id == BLANK_SHAPE_ID
    assert {shape.id for shape in shapes} >= {
        "blank", "beginning-middle-end", "six-part-story", "letter-to-myself", "letter-to-someone",
        "problem-as-character",
    }
    assert [step.title for step in shipped_shape("six-part-story").steps] == [
        "A hero", "Their task", "What stands in the way", "Who helps", "The turning point", "What happens after",
    ]


def test_every_shipped_shape_has_an_icon_short_prompts_and_a_childs_words_apart_from_the_therapists():
    for shape in load_shapes():
        assert is_icon_name(shape.icon), shape.id
        assert shape.description, f"{shape.id}: the therapist's explanation"
        assert shape.words and shape.words != shape.description, f"{shape.id}: a child's sentence"
        assert len(shape.words) <= 70 and "client" not in shape.words, f"{shape.id}: {shape.words!r} is not a child's"
        for step in shape.steps:
            assert step.title and step.prompt, shape.id
            assert len(step.prompt) <= 90, f"{shape.id}: {step.prompt!r} is long for a child to read"


@pytest.mark.parametrize(
    "text, message",
    [
        ("id = [", "not valid TOML"),
        ("title = 'X'\n", "'id' is missing"),
        ("id = 'x'\ntitle = 'X'\nsteps = [1]\n", "must be a list of"),
        ("id = 'x'\ntitle = 'X'\n[[steps]]\ntitle = 3\n", "not text"),
        ("id = 'x'\ntitle = 'X'\n[[steps]]\n", "neither a title nor a prompt"),
        ("id = 'x'\ntitle = 'X'\ndescription = 4\n", "'description' must be text"),
        ("id = 'x'\ntitle = 'X'\nwords = ['a']\n", "'words' must be text"),
    ],
)
def test_a_broken_shape_is_refused_with_the_reason(text, message):
    with pytest.raises(ShapeError, match=message):
        parse_shape(text, "broken.toml")


def test_a_therapists_folder_adds_and_replaces_shapes_and_broken_files_are_left_out(tmp_path):
    shape = "id = '{id}'\ntitle = '{title}'\nicon = '{icon}'\n[[steps]]\ntitle = 'One'\nprompt = 'What happens?'\n"
    (tmp_path / "a.toml").write_text(shape.format(id="dream", title="A dream", icon="cloud-outline"))
    (tmp_path / "b.toml").write_text(shape.format(id="dream", title="Another dream", icon="cloud-outline"))
    (tmp_path / "c.toml").write_text("id = [")
    (tmp_path / "d.toml").write_text(shape.format(id="letter-to-myself", title="My own letter", icon="no-such-icon"))
    (tmp_path / "e.toml").write_bytes(b"id = '\xff'")
    problems = []
    shapes = {shape.id: shape for shape in load_shapes(tmp_path, problems=problems)}
    assert shapes["dream"].title == "A dream"
    assert shapes["letter-to-myself"].title == "My own letter", "the therapist's copy replaces the shipped one"
    assert shapes["letter-to-myself"].icon == "book-open-variant"
    assert "six-part-story" in shapes
    assert len(problems) == 4
    assert any("b.toml is left out: another shape in the same folder already has the id 'dream'" in p for p in problems)
    assert any(p.startswith("c.toml is not valid TOML") for p in problems)
    assert any("'no-such-icon' is not a Material Design Icons name" in p for p in problems)
    assert any(p.startswith("e.toml is not text") for p in problems)


def test_a_missing_folder_gives_the_shipped_shapes(tmp_path):
    assert [shape.id for shape in load_shapes(tmp_path / "not-made-yet")] == [shape.id for shape in load_shapes()]


# --- pages and editing -------------------------------------------------------------------


def test_a_story_from_a_shape_has_a_page_per_step_with_its_prompt():
    shape = shipped_shape("beginning-middle-end")
    story = Story.from_shape(shape)
    assert story.shape_id == "beginning-middle-end"
    assert [page.prompt for page in story.pages] == [step.prompt for step in shape.steps]
    assert [page.title for page in story.pages] == ["The beginning", "The middle", "The end"]
    assert story.is_empty and story.word_count == 0


def test_a_blank_story_starts_with_one_empty_page():
    story = Story.from_shape(shipped_shape("blank"))
    assert story.pages == (Page(),)


def test_pages_are_added_moved_and_removed():
    story = Story(pages=[Page("one"), Page("two")])
    assert story.add_page(0, prompt="And then?", at=1) == 1
    assert story.add_page(-1, at=2) == 0
    assert [page.text for page in story.pages] == ["", "one", "", "two"]
    assert story.pages[2].prompt == "And then?"
    story.move_page(3, 0, at=3)
    assert [page.text for page in story.pages] == ["two", "", "one", ""]
    story.remove_page(1, at=4)
    story.remove_page(2, at=5)
    assert [page.text for page in story.pages] == ["two", "one"]
    with pytest.raises(IndexError):
        story.move_page(0, 5)
    story.remove_page(0, at=6)
    with pytest.raises(ValueError, match="at least one page"):
        story.remove_page(0)


def test_pictures_are_put_on_pages_and_taken_off():
    story = Story(pages=[Page(), Page()])
    drawing, photo = sample_picture(1, (64, 48)), jpeg_picture()
    story.set_picture(0, drawing, "drawing", at=1)
    story.set_picture(1, photo, "portfolio", at=2)
    assert story.pages[0].picture == drawing and story.pages[0].picture_kind == "drawing"
    assert not story.is_empty
    story.remove_picture(0, at=3)
    assert story.pages[0].picture is None and story.pages[0].picture_kind is None
    assert [revision.kind for revision in story.revisions] == ["picture", "picture", "remove_picture"]
    with pytest.raises(PictureError):
        story.set_picture(0, b"not a picture", "drawing")
    gif = io.BytesIO()
    Image.new("RGB", (4, 4)).save(gif, format="GIF")
    with pytest.raises(PictureError, match="PNG or JPEG"):
        story.set_picture(0, gif.getvalue(), "drawing")
    with pytest.raises(ValueError, match="picture kind"):
        story.set_picture(0, drawing, "camera")


def test_words_are_counted_over_all_pages():
    story = Story("A title", pages=[Page("Once upon a time"), Page("the end.\n\nReally!")])
    assert story.word_count == 7
    assert not Story("Only a title").is_empty


# --- the timeline ------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(20))
def test_text_change_is_the_one_replacement_between_two_texts(seed):
    generator = random.Random(seed)
    before = "".join(generator.choice("ab c.\n") for _ in range(generator.randrange(0, 40)))
    start = generator.randrange(len(before) + 1)
    end = generator.randrange(start, len(before) + 1)
    after = before[:start] + "".join(generator.choice("abz ") for _ in range(generator.randrange(0, 6))) + before[end:]
    found_start, found_end, inserted = text_change(before, after)
    assert before[:found_start] + inserted + before[found_end:] == after
    assert found_end - found_start <= end - start, "never a bigger replacement than needed"


def test_keystrokes_are_gathered_into_one_revision_per_burst():
    story = Story()
    last = type_text(story, 0, "Once there was a fox", start_at=1.0)
    assert len(story.revisions) == 1
    revision = story.revisions[0]
    assert (revision.kind, revision.page, revision.start, revision.end, revision.insert) == ("text", 0, 0, 0, "Once there was a fox")
    assert (revision.began, revision.t) == (1.0, round(last, 3))

    type_text(story, 0, " who", start_at=last + TYPING_PAUSE_SECONDS + 0.5)
    assert [revision.insert for revision in story.revisions] == ["Once there was a fox", " who"], "a pause starts a new revision"


def test_a_sentence_end_another_page_or_a_jump_elsewhere_starts_a_new_revision():
    story = Story(pages=[Page(), Page()])
    t = type_text(story, 0, "A fox. She", start_at=0)
    assert [revision.insert for revision in story.revisions] == ["A fox.", " She"]
    t = type_text(story, 1, "Hi", start_at=t + 0.2)
    assert story.revisions[-1].page == 1
    story.set_text(0, "The fox. She", at=t + 0.2)  # a jump back to the start of page 1
    assert [(revision.page, revision.start, revision.end, revision.insert) for revision in story.revisions] == [
        (0, 0, 0, "A fox."), (0, 6, 6, " She"), (1, 0, 0, "Hi"), (0, 0, 1, "The"),
    ]


def test_backspacing_inside_a_burst_stays_in_it_and_typing_that_undoes_itself_leaves_nothing():
    story = Story(pages=[Page("Hello")])
    story.set_text(0, "Hello wro", at=1.0)
    story.set_text(0, "Hello wr", at=1.2)
    story.set_text(0, "Hello w", at=1.4)
    story.set_text(0, "Hello world", at=1.6)
    assert [(revision.start, revision.end, revision.insert) for revision in story.revisions] == [(5, 5, " world")]
    story.set_text(0, "Hello worldxx", at=10.0)
    story.set_text(0, "Hello world", at=10.2)
    story.set_title("Hi", at=10.4)
    assert [revision.kind for revision in story.revisions] == ["text", "title"]


def test_an_hour_of_writing_ten_pages_keeps_a_small_timeline():
    story = Story.from_shape(shipped_shape("six-part-story"))
    for _ in range(4):
        story.add_page(len(story.pages) - 1)
    sentence = "The hero walked a long way and the wind was cold. "
    t, typed = 0.0, 0
    generator = random.Random(1)
    while t < 3600:
        page = min(int(t / 360), 9)
        for character in sentence:
            story.set_text(page, story.pages[page].text + character, at=t)
            typed += 1
            t += generator.uniform(0.15, 0.5) + (3.0 if generator.random() < 0.03 else 0)
        if generator.random() < 0.3:  # a mistake noticed and fixed at the start of the sentence
            text = story.pages[page].text
            story.set_text(page, text[: -len(sentence)] + "A" + text[-len(sentence) + 1:], at=t)
    assert typed > 8000
    assert len(story.revisions) < typed / 8
    assert len(story.timeline_json().encode()) < 100_000


def test_replaying_shows_the_story_as_it_was_at_each_moment():
    story = Story.from_shape(shipped_shape("beginning-middle-end"), clock=lambda: 0.0)
    seen = {}

    def remember(t):
        seen[t] = ([page.text for page in story.pages], [page.picture for page in story.pages], story.title)

    t = round(type_text(story, 0, "A fox lived in a wood.", start_at=1.0), 3)
    remember(t)
    t = round(type_text(story, 1, "One day she", start_at=t + 5), 3)
    remember(t)
    story.set_picture(1, sample_picture(2, (64, 48)), "drawing", at=t + 1)
    remember(t + 1)
    story.set_title("The fox", at=t + 2)
    remember(t + 2)
    story.move_page(2, 0, at=t + 3)
    remember(t + 3)
    story.set_text(1, "A fox lived in a big wood.", at=t + 4)
    remember(t + 4)
    story.remove_page(0, at=t + 5)
    remember(t + 5)

    assert [revision.t for revision in story.revisions] == sorted(seen)
    for moment, (texts, pictures, title) in seen.items():
        replayed = story.story_at(moment)
        assert [page.text for page in replayed.pages] == texts, moment
        assert [page.picture for page in replayed.pages] == pictures, moment
        assert replayed.title == title
    assert story.story_at(0).pages == Story.from_shape(shipped_shape("beginning-middle-end")).pages
    assert story.story_at(10_000).pages == story.pages


def test_times_without_at_come_from_the_clock_and_never_go_back():
    now = [100.0]
    story = Story(clock=lambda: now[0])
    now[0] = 103.5
    story.set_title("Mine")
    story.set_text(0, "x", at=1.0)
    assert [revision.t for revision in story.revisions] == [3.5, 3.5]
    assert story.duration == 3.5


# --- files and snapshots -----------------------------------------------------------------


def illustrated_two_pages():
    story = Story.from_shape(shipped_shape("beginning-middle-end"), "The fox")
    t = type_text(story, 0, "A fox lived in a wood.", start_at=1.0)
    story.set_picture(0, sample_picture(1, (64, 48)), "drawing", at=t + 1)
    story.set_picture(2, sample_picture(2, (64, 48)), "drawing", at=t + 2)
    story.set_picture(2, jpeg_picture(), "portfolio", at=t + 3)
    story.move_page(2, 1, at=t + 4)
    type_text(story, 1, "The end", start_at=t + 5)
    return story


def test_the_timeline_file_restores_the_whole_story_exactly():
    story = illustrated_two_pages()
    files = story.files()
    assert sorted(files) == ["earlier-01.png", "page-01.png", "page-02.jpg", "story.md", "timeline.json"]
    timeline = json.loads(files["timeline.json"])
    assert (timeline["format"], timeline["version"], timeline["shape"]) == (FORMAT_NAME, 1, "beginning-middle-end")
    pictures = [revision["picture"] for revision in timeline["revisions"] if revision["kind"] == "picture"]
    assert pictures == ["page-01.png", "earlier-01.png", "page-02.jpg"]

    restored = Story.from_timeline_json(files["timeline.json"], files)
    assert restored.pages == story.pages
    assert (restored.title, restored.shape_id, restored.duration) == (story.title, story.shape_id, story.duration)
    assert restored.revisions == story.revisions
    assert restored.story_at(5).pages == story.story_at(5).pages


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda timeline: timeline.update(format="something-else"), "not an expressive-story-timeline"),
        (lambda timeline: timeline["revisions"].append({"t": 99, "kind": "remove_page", "page": 7}), "there is no page 7"),
        (lambda timeline: timeline["revisions"].append({"t": 99, "kind": "dance"}), "unknown kind"),
        (lambda timeline: timeline["revisions"].append({"t": 99, "kind": "title", "title": 5}), "is not a str"),
        (lambda timeline: timeline["revisions"].append({"t": 0, "kind": "title", "title": "x"}), "before the one before"),
        (lambda timeline: timeline["revisions"][0].update(end=999), "no text from"),
        (lambda timeline: timeline["revisions"][3].update(picture="missing.png"), "'missing.png' is not among the files"),
    ],
)
def test_a_damaged_timeline_is_refused_with_the_reason(change, message):
    story = illustrated_two_pages()
    files = story.files()
    timeline = json.loads(files["timeline.json"])
    change(timeline)
    with pytest.raises(ValueError, match=message):
        Story.from_timeline_json(json.dumps(timeline), files)


def test_a_snapshot_keeps_the_typing_not_yet_gathered_and_the_clock_carries_on():
    now = [0.0]
    story = illustrated_two_pages()
    story.set_text(2, "half a wor", at=40.0)  # mid-burst: no revision has been closed yet
    blob = story.to_snapshot()
    now[0] = 500.0
    restored = Story.from_snapshot(blob, clock=lambda: now[0])
    assert restored.pages == story.pages and restored.revisions == story.revisions
    assert restored.pages[2].text == "half a wor"
    now[0] = 502.0
    restored.set_text(2, "half a word")
    assert restored.revisions[-1].t == 42.0
    with pytest.raises(ValueError):
        Story.from_snapshot(story.timeline_json().encode())
    with pytest.raises(ValueError):
        Story.from_snapshot(blob[: len(blob) // 2])


def test_a_story_made_with_pages_that_hold_pictures_restores_them():
    picture = sample_picture(3, (32, 32))
    story = Story("Given", pages=[Page("text", "prompt", picture, "portfolio", "Step")])
    restored = Story.from_timeline_json(story.timeline_json(), story.files())
    assert restored.pages == story.pages
    assert Story.from_snapshot(story.to_snapshot()).pages == story.pages


def test_markdown_has_the_title_a_section_per_page_its_prompt_and_the_pictures():
    story = illustrated_two_pages()
    assert story.to_markdown() == (
        "# The fox\n"
        "\n## The beginning\n\n> Who is in your story? Where are they?\n\n![drawing](page-01.png)\n\nA fox lived in a wood.\n"
        "\n## The end\n\n> How does your story end?\n\n![picture](page-02.jpg)\n\nThe end\n"
        "\n## The middle\n\n> What happens?\n\n\n"
    )
    assert Story(pages=[Page("x")]).to_markdown() == "#\n\n## Page 1\n\nx\n"


def test_markdown_reads_back_prompts_and_text_that_looks_like_a_quote():
    picture = sample_picture(4, (32, 32))
    pages = [
        Page("> not a prompt\n> still the child's", "Who is\nthere?", picture, "drawing", "Start"),
        Page("> typed, with no prompt"),
    ]
    files = Story("Quotes", pages=pages).files()
    back = Story.from_markdown(files["story.md"].decode("utf-8"), files)
    assert [(page.text, page.prompt, page.title) for page in back.pages] == [
        ("> not a prompt\n> still the child's", "Who is there?", "Start"),
        ("> typed, with no prompt", "", ""),
    ]
    assert back.pages[0].picture == picture


def test_the_story_model_and_its_exports_import_no_kivy():
    code = "import sys, expressive.activities.story.export, expressive.activities.story.measure; print(any(m.startswith('kivy') for m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
