"""Prompts for the sandtray: a picture and a few words that invite a world ("A safe place").

A prompt is a TOML file; the app ships some in assets/play-prompts, and a therapist adds
their own in the "prompts" folder of the sandtray's folder on the tablet:

    id = "a-safe-place"
    title = "A safe place"              # the card's label
    words = "Make a place where you feel safe. What is there? Who is there?"
    description = "..."                 # for the therapist: what it is for
    picture = "noto:house-with-garden"  # a figure's key, or a PNG file beside this one

The shipped words are in the host's catalogue (its extraction takes the `title`, `words`
and `description` of every shipped data file), so they are shown through `_`; a
therapist's own are shown as written. No Kivy here.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

from expressive.api import ASSETS_DIR
from expressive.api.limits import (
    MAX_PICTURE_BYTES,
    MAX_PROMPT_CHARS,
    MAX_TEXT_FILE_BYTES,
    MAX_TITLE_CHARS,
    MAX_WORDS_CHARS,
    InputRefused,
    check_picture_size,
    checked_text,
    load_toml_bounded,
    open_picture_bounded,
    read_bounded,
)

PROMPTS_DIR = ASSETS_DIR / "play-prompts"
# The free world: no theme. First on the list, and what a session without a prompt offers.
FREE_WORLD_ID = "make-a-world"
# A prompt's picture is shown on a card: a few hundred pixels across is plenty.
MAX_PROMPT_PICTURE_PIXELS = 4_000_000
# A therapist's folder holds a handful; more than this is not a folder of prompts.
MAX_OWN_PROMPTS = 100
_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,59}")


@dataclass(frozen=True)
class PlayPrompt:
    """One invitation. `figure` is the key of the figure that pictures it, or None; a
    therapist's prompt may have its own picture instead, `picture_file`'s bytes (checked
    to be a picture of bounded size, decoded by `own_picture()`)."""

    id: str
    title: str
    words: str
    description: str = ""
    figure: str | None = None
    picture_file: bytes | None = field(default=None, repr=False)
    shipped: bool = True

    def own_picture(self) -> Image.Image | None:
        """The therapist's picture as RGBA, or None when there is none or it is damaged."""
        if self.picture_file is None:
            return None
        try:
            with open_picture_bounded(self.picture_file, max_pixels=MAX_PROMPT_PICTURE_PIXELS) as picture:
                return picture.convert("RGBA")
        except InputRefused:
            return None


class PromptError(ValueError):
    """A prompt file that cannot be used; str() says why in plain words."""


def parse_prompt(text: str | bytes, source: str, folder: Path | None = None) -> PlayPrompt:
    """The prompt in TOML `text`; `source` names it in errors. `folder` is where a
    therapist's file lies (its picture may be a PNG beside it); None for a shipped one."""
    try:
        data = load_toml_bounded(text, what=source)
    except InputRefused as refusal:
        raise PromptError(str(refusal)) from None
    unknown = set(data) - {"id", "title", "words", "description", "picture"}
    if unknown:
        raise PromptError(f"{source} has fields a prompt does not: {', '.join(sorted(unknown))}")
    prompt_id = data.get("id")
    if not isinstance(prompt_id, str) or not _ID.fullmatch(prompt_id):
        raise PromptError(f"{source} needs an id of lower-case letters, digits, - and _ (such as \"a-safe-place\")")
    words = _text(data, "words", source, MAX_PROMPT_CHARS)
    title = _text(data, "title", source, MAX_TITLE_CHARS)
    if not title or not words:
        raise PromptError(f"{source} needs a title and words")
    picture = data.get("picture", "")
    if not isinstance(picture, str):
        raise PromptError(f"{source}: its picture must be a figure (such as \"noto:house\") or a PNG file's name")
    figure, picture_file = None, None
    if ":" in picture:
        figure = picture
    elif picture:
        if folder is None:
            raise PromptError(f"{source}: a shipped prompt's picture must be a figure")
        picture_file = _picture_beside(folder, picture, source)
    return PlayPrompt(prompt_id, title, words, _text(data, "description", source, MAX_WORDS_CHARS), figure,
                      picture_file, shipped=folder is None)


def _text(data: dict, key: str, source: str, max_chars: int) -> str:
    try:
        return checked_text(data.get(key, ""), key, max_chars, one_line=key != "description").strip()
    except InputRefused as refusal:
        raise PromptError(f"{source}: {refusal}") from None


def _picture_beside(folder: Path, name: str, source: str) -> bytes:
    path = folder / name
    if path.name != name or path.suffix.lower() != ".png":
        raise PromptError(f"{source}: its picture must be a PNG file in the same folder, not {name!r}")
    try:
        data = read_bounded(path, MAX_PICTURE_BYTES, what=name)
        check_picture_size(data, max_pixels=MAX_PROMPT_PICTURE_PIXELS)
    except InputRefused as refusal:
        raise PromptError(f"{source}: its picture {name}: {refusal}") from None
    except OSError as error:
        raise PromptError(f"{source}: its picture {name} cannot be read ({error.strerror or error})") from None
    return data


def load_prompts(therapist_folder: Path | None = None, logger: logging.Logger | None = None) -> list[PlayPrompt]:
    """The shipped prompts, then the therapist's own from `<therapist_folder>/prompts/*.toml`;
    the free world first, the others by title. A therapist's prompt with a shipped one's id
    replaces it. A file that cannot be used is left out, its reason logged in plain words
    through `logger`, and the rest load."""
    logger = logger or logging.getLogger(__name__)
    prompts: dict[str, PlayPrompt] = {}
    folders: list[Path | None] = [None]
    if therapist_folder is not None and (Path(therapist_folder) / "prompts").is_dir():
        folders.append(Path(therapist_folder) / "prompts")
    for folder in folders:
        paths = sorted((folder or PROMPTS_DIR).glob("*.toml"))
        if len(paths) > MAX_OWN_PROMPTS:
            logger.warning("Only the first %d of the %d prompts in %s are used.", MAX_OWN_PROMPTS, len(paths), folder)
        for path in paths[:MAX_OWN_PROMPTS]:
            try:
                prompt = parse_prompt(read_bounded(path, MAX_TEXT_FILE_BYTES, what=path.name), path.name, folder)
            except (InputRefused, PromptError) as error:
                logger.warning("The prompt %s is left out: %s", path.name, error)
                continue
            except OSError as error:
                logger.warning("The prompt %s is left out: it cannot be read (%s).", path.name, error.strerror or error)
                continue
            prompts[prompt.id] = prompt
    return sorted(prompts.values(), key=lambda prompt: (prompt.id != FREE_WORLD_ID, not prompt.shipped,
                                                        prompt.title.casefold()))
