"""Story shapes: ways to start a story, each a sequence of steps with a gentle prompt.

A shape is a TOML file that a therapist can copy, edit and add to their own folder:

    id = "beginning-middle-end"
    title = "Beginning, middle, end"
    words = "..."                   # for the child: what this way of starting is
    description = "..."             # for the therapist: what it is for
    icon = "map-marker-path"        # a Material Design Icons name
    [[steps]]
    title = "The beginning"
    prompt = "Who is in this story, and where are they?"

A story started from a shape gets one page per step. A shape with no steps starts with
one empty page.

The child reads `words` on the card they choose from; `description` is the therapist's,
shown only while the therapist holds the tablet. Both are in the host's catalogue (its
extraction takes the words of every shipped shape), so they are shown through `_`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from expressive.api import ASSETS_DIR
from expressive.api.i18n import N_
from expressive.api.limits import (
    MAX_PROMPT_CHARS,
    MAX_STEPS,
    MAX_TEXT_FILE_BYTES,
    MAX_TITLE_CHARS,
    MAX_WORDS_CHARS,
    InputRefused,
    checked_text,
    load_toml_bounded,
    read_bounded,
)
from expressive.lib.fonts import is_icon_name

SHAPES_DIR = ASSETS_DIR / "story-shapes"
BLANK_SHAPE_ID = "blank"
DEFAULT_ICON = "book-open-variant"

log = logging.getLogger(__name__)


class ShapeError(ValueError):
    pass


@dataclass(frozen=True)
class ShapeStep:
    title: str
    prompt: str


@dataclass(frozen=True)
class StoryShape:
    id: str
    title: str
    description: str = ""
    icon: str = DEFAULT_ICON
    steps: tuple[ShapeStep, ...] = ()
    # For the child; `description` is for the therapist.
    words: str = ""


# Used only when the shipped blank.toml is missing or broken: a blank story is always possible.
FALLBACK_BLANK_SHAPE = StoryShape(
    BLANK_SHAPE_ID, N_("A blank page"), icon="book-open-blank-variant", words=N_("An empty page. Write or draw anything you like.")
)


def parse_shape(text: str | bytes, source: str, notes: list[str] | None = None) -> StoryShape:
    """The shape described by TOML `text`; `source` names it in errors. An icon that is
    not in the icon font is replaced by the book icon, with a note added to `notes`. Its
    words are bounded and cleaned as typed words are: a child reads them in big type."""
    try:
        data = load_toml_bounded(text, what=source)
    except InputRefused as refusal:
        raise ShapeError(str(refusal).rstrip(".")) from None
    for key in ("id", "title"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise ShapeError(f"{source}: '{key}' is missing")
    for key in ("words", "description", "icon"):
        if not isinstance(data.get(key, ""), str):
            raise ShapeError(f"{source}: '{key}' must be text")
    raw_steps = data.get("steps", [])
    if not isinstance(raw_steps, list) or not all(isinstance(raw, dict) for raw in raw_steps):
        raise ShapeError(f"{source}: 'steps' must be a list of [[steps]] tables")
    if len(raw_steps) > MAX_STEPS:
        raise ShapeError(f"{source}: it has {len(raw_steps):,} steps; the most a story shape has is {MAX_STEPS}")
    steps = []
    for number, raw in enumerate(raw_steps, start=1):
        title, prompt = raw.get("title", ""), raw.get("prompt", "")
        if not isinstance(title, str) or not isinstance(prompt, str):
            raise ShapeError(f"{source}: step {number} has a title or prompt that is not text")
        if not title.strip() and not prompt.strip():
            raise ShapeError(f"{source}: step {number} has neither a title nor a prompt")
        steps.append(
            ShapeStep(
                _words(title, source, f"title of step {number}", MAX_TITLE_CHARS),
                _words(prompt, source, f"prompt of step {number}", MAX_PROMPT_CHARS),
            )
        )
    icon = data.get("icon", "").strip() or DEFAULT_ICON
    if not is_icon_name(icon):
        if notes is not None:
            notes.append(f"{source}: icon {icon!r} is not a Material Design Icons name; the book icon is used")
        icon = DEFAULT_ICON
    return StoryShape(
        _words(data["id"], source, "id", MAX_TITLE_CHARS),
        _words(data["title"], source, "title", MAX_TITLE_CHARS),
        _words(data.get("description", ""), source, "description", MAX_WORDS_CHARS),
        icon,
        tuple(steps),
        _words(data.get("words", ""), source, "words", MAX_WORDS_CHARS),
    )


def _words(text: str, source: str, what: str, max_chars: int) -> str:
    try:
        return checked_text(text, what, max_chars).strip()
    except InputRefused as refusal:
        raise ShapeError(f"{source}: {refusal}".rstrip(".")) from None


def load_shapes(*folders: Path, problems: list[str] | None = None) -> list[StoryShape]:
    """Every valid shape in the shipped folder and then in `folders`, the blank page
    first (built in, if its file is gone), the others by title.

    A shape in a later folder replaces a shipped one with the same id, so a therapist can
    copy a shipped file and change it. A broken file, or a second file with an id already
    used in the same folder, is left out: the reason is logged and added to `problems`,
    so that one bad edit never stops the story activity from starting.
    """
    def report(reason: str) -> None:
        log.warning("Story shape: %s", reason)
        if problems is not None:
            problems.append(reason)

    shapes: dict[str, StoryShape] = {}
    searched: set[Path] = set()
    for folder in (SHAPES_DIR, *folders):
        folder = Path(folder)
        if folder.resolve() in searched:
            continue
        searched.add(folder.resolve())
        from_this_folder: set[str] = set()
        for path in sorted(folder.glob("*.toml")):
            notes: list[str] = []
            try:
                shape = parse_shape(read_bounded(path, MAX_TEXT_FILE_BYTES, what=path.name), path.name, notes)
            except InputRefused as refusal:
                report(f"{path.name} is left out: {refusal}".rstrip("."))
                continue
            except OSError as error:
                report(f"{path.name} is left out: it could not be read ({error.strerror or error})")
                continue
            except ShapeError as error:
                report(f"{error}; the file is left out")
                continue
            for note in notes:
                report(note)
            if shape.id in from_this_folder:
                report(f"{path.name} is left out: another shape in the same folder already has the id {shape.id!r}")
                continue
            from_this_folder.add(shape.id)
            shapes[shape.id] = shape
    shapes.setdefault(BLANK_SHAPE_ID, FALLBACK_BLANK_SHAPE)
    return sorted(shapes.values(), key=lambda shape: (shape.id != BLANK_SHAPE_ID, shape.title.casefold()))
