"""The sandtray's prompts: the shipped ones as data, a therapist's own beside them, and
files that cannot be used left out with their reason."""

import io
import logging

import pytest
from PIL import Image

from expressive.activities.play.prompts import FREE_WORLD_ID, MAX_PROMPT_PICTURE_PIXELS, PromptError, load_prompts, parse_prompt
from expressive.lib.figures import FigureLibrary
from expressive.tools.catalogues import extract, source_tree_catalogues

SHIPPED = {"make-a-world", "family-as-animals", "a-safe-place", "something-that-worries-you"}


def png(size=(60, 40)):
    buffer = io.BytesIO()
    Image.new("RGBA", size, (200, 80, 40, 255)).save(buffer, "PNG")
    return buffer.getvalue()


def write_prompt(folder, name, text):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_the_shipped_prompts_are_there_the_free_world_first_each_with_a_figure():
    prompts = load_prompts()
    assert prompts[0].id == FREE_WORLD_ID
    assert SHIPPED <= {prompt.id for prompt in prompts} and len(prompts) >= 6
    library = FigureLibrary.load()
    for prompt in prompts:
        assert prompt.shipped and prompt.title and prompt.words and prompt.description
        assert library.get(prompt.figure) is not None, prompt.figure


def test_the_shipped_words_are_in_the_catalogue():
    host = source_tree_catalogues()[0]
    catalogue = extract(host)
    for prompt in load_prompts():
        for words in (prompt.title, prompt.words, prompt.description):
            assert words in catalogue, words


def test_a_therapist_adds_prompts_with_their_own_pictures(tmp_path):
    folder = tmp_path / "prompts"
    write_prompt(folder, "our-garden.toml", 'id = "our-garden"\ntitle = "Our garden"\n'
                 'words = "Make the garden we talked about."\npicture = "garden.png"\n')
    (folder / "garden.png").write_bytes(png())
    write_prompt(folder, "safe.toml", 'id = "a-safe-place"\ntitle = "Safe with Grandma"\n'
                 'words = "Make a place where you feel safe, like at Grandma\'s."\npicture = "noto:house"\n')
    prompts = {prompt.id: prompt for prompt in load_prompts(tmp_path)}
    garden = prompts["our-garden"]
    assert not garden.shipped and garden.figure is None and garden.own_picture().size == (60, 40)
    assert prompts["a-safe-place"].title == "Safe with Grandma"  # replaces the shipped one
    assert list(prompts)[0] == FREE_WORLD_ID
    assert list(prompts).index("our-garden") > list(prompts).index("who-helps-you")


@pytest.mark.parametrize("name, text, reason", [
    ("broken.toml", "id = [unclosed", "not valid TOML"),
    ("no-words.toml", 'id = "x"\ntitle = "X"\n', "title and words"),
    ("bad-id.toml", 'id = "Not An Id!"\ntitle = "X"\nwords = "Y"\n', "id"),
    ("odd.toml", 'id = "x"\ntitle = "X"\nwords = "Y"\ncolour = "red"\n', "fields"),
    ("far.toml", 'id = "x"\ntitle = "X"\nwords = "Y"\npicture = "../../secret.png"\n', "same folder"),
    ("gone.toml", 'id = "x"\ntitle = "X"\nwords = "Y"\npicture = "gone.png"\n', "cannot be read"),
    ("fake.toml", 'id = "x"\ntitle = "X"\nwords = "Y"\npicture = "fake.png"\n', "not a picture"),
    ("huge.toml", 'id = "x"\ntitle = "X"\nwords = "Y"\npicture = "huge.png"\n', "pixels"),
    ("long.toml", 'id = "x"\ntitle = "X"\nwords = "' + "w" * 2000 + '"\n', "characters"),
    ("big.toml", "# " + "x" * 300_000, "the most Expressive reads"),
])
def test_a_prompt_that_cannot_be_used_is_left_out_with_its_reason(tmp_path, caplog, name, text, reason):
    folder = tmp_path / "prompts"
    write_prompt(folder, name, text)
    (folder / "fake.png").write_bytes(b"this is text, not a picture")
    side = int(MAX_PROMPT_PICTURE_PIXELS ** 0.5) + 10
    (folder / "huge.png").write_bytes(png((side, side)))
    write_prompt(folder, "good.toml", 'id = "good"\ntitle = "Good"\nwords = "Fine words."\n')
    with caplog.at_level(logging.WARNING):
        prompts = {prompt.id for prompt in load_prompts(tmp_path, logging.getLogger("test"))}
    assert "good" in prompts and "x" not in prompts and SHIPPED <= prompts
    assert name in caplog.text and reason in caplog.text


def test_a_shipped_prompt_pictures_itself_with_a_figure():
    with pytest.raises(PromptError, match="figure"):
        parse_prompt('id = "x"\ntitle = "X"\nwords = "Y"\npicture = "x.png"\n', "x.toml")


def test_no_therapist_folder_or_an_empty_one_gives_the_shipped_prompts(tmp_path):
    assert [prompt.id for prompt in load_prompts(tmp_path)] == [prompt.id for prompt in load_prompts(None)]
