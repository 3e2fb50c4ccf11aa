"""Text files a therapist puts in by hand (session plans, story shapes in their own folder):
a hostile or broken one is left out with its reason, and the rest load. None reaches a
RecursionError, reads without end, or brings words that stall the screen."""

import os

import pytest

from expressive.activities.story.shapes import ShapeError, load_shapes, parse_shape
from expressive.limits import MAX_PROMPT_CHARS, MAX_STEPS, MAX_TEXT_FILE_BYTES
from expressive.plans import PlanError, load_plans, parse_plan

GOOD_PLAN = "id = 'calm'\ntitle = 'Calm'\n[[steps]]\nkind='checkin'\n[[steps]]\nkind='choice'\n[[steps]]\nkind='checkout'\n"
GOOD_SHAPE = "id = 'dream'\ntitle = 'A dream'\n[[steps]]\ntitle = 'One'\nprompt = 'What happens?'\n"
HEADER = "id = 'x'\ntitle = 'X'\n"

# (the file's text, words the reason must hold)
HOSTILE = [
    (HEADER + "deep = " + "[" * 100_000 + "]" * 100_000 + "\n", "nested too deep"),
    (HEADER + "deep = " + "{a = " * 20_000 + "}" * 20_000 + "\n", "nested too deep"),
    (HEADER + "number = " + "1" * 100_000 + "\n", "not valid TOML"),
    (HEADER + "padding = '" + "p" * MAX_TEXT_FILE_BYTES + "'\n", "the most Expressive reads is 256 KB"),
    (HEADER + "[[steps]]\nkind = 'choice'\ntitle = 'a'\nprompt = 'b'\n" * (MAX_STEPS + 1), "the most a"),
    (HEADER + "[[steps]]\nkind = 'checkin'\ntitle = 'a'\nprompt = '" + "p" * (MAX_PROMPT_CHARS + 1) + "'\n", f"{MAX_PROMPT_CHARS:,}"),
]


@pytest.mark.parametrize("text, reason", HOSTILE, ids=["deep-arrays", "deep-tables", "huge-integer", "huge", "many-steps", "long-prompt"])
def test_a_hostile_plan_or_shape_is_refused_with_its_reason(text, reason):
    with pytest.raises(PlanError, match=reason):
        parse_plan(text, "hostile.toml")
    with pytest.raises(ShapeError, match=reason):
        parse_shape(text, "hostile.toml")


def test_their_words_are_cleaned_as_typed_words_are():
    plan = parse_plan(GOOD_PLAN.replace("'Calm'", '"Calm\\u001b[2J\\u202e"'), "calm.toml")
    assert plan.title == "Calm[2J"
    shape = parse_shape(GOOD_SHAPE.replace("'One'", '"One\\u001b]0;owned\\u0007"'), "dream.toml")
    assert shape.steps[0].title == "One]0;owned"


@pytest.mark.parametrize(
    "load, good, good_id", [(load_plans, GOOD_PLAN, "calm"), (load_shapes, GOOD_SHAPE, "dream")], ids=["plans", "shapes"]
)
def test_hostile_files_in_the_folder_are_left_out_and_the_rest_load(tmp_path, load, good, good_id):
    (tmp_path / "good.toml").write_text(good)
    for number, (text, _) in enumerate(HOSTILE):
        (tmp_path / f"hostile-{number}.toml").write_text(text)
    # A file that never ends, and one that cannot be opened: read no further than the bound.
    os.symlink("/dev/zero", tmp_path / "endless.toml")
    os.symlink(tmp_path / "nowhere", tmp_path / "dangling.toml")
    loaded = {each.id for each in load(tmp_path)}
    assert good_id in loaded
    assert "x" not in loaded
