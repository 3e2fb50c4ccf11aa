"""A story: pages of text, each with an optional picture, and the writing timeline.

The timeline is the process record a therapist replays to see how the story grew: every
change is a revision with its time. The UI reports the text at every keystroke; those
reports are gathered into one revision per burst of typing (see `set_text`), each kept
as the one replacement that turns the page's earlier text into its new text, so an hour
of writing stays a small file. No Kivy here: tests, exports and the CLI use it without a
window.

Pages are frozen: the story replaces a page when it changes, so whatever holds a page
holds that moment of it, and only the editing methods (which record revisions) change
the story.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import json
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from PIL import Image

from expressive.api.i18n import _
from expressive.api.limits import MAX_LOG_BYTES, MAX_SNAPSHOT_BYTES, InputRefused, check_picture_size, load_json_bounded
from expressive.activities.story.shapes import BLANK_SHAPE_ID, StoryShape

FORMAT_NAME = "expressive-story-timeline"
FORMAT_VERSION = 1
SNAPSHOT_FORMAT_NAME = "expressive-story-snapshot"
SNAPSHOT_VERSION = 1

PICTURE_KINDS = ("drawing", "portfolio")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MARKDOWN_FILE = "story.md"
TIMELINE_FILE = "timeline.json"

# Keystrokes closer together than this are gathered into one revision: a longer pause is
# a moment of thinking the therapist may want to see in the replay.
TYPING_PAUSE_SECONDS = 2.0
# A revision also ends with a sentence or a line, so that the replay of a fluent typist
# still moves sentence by sentence.
SENTENCE_ENDS = frozenset(".!?\n")


class PictureError(ValueError):
    """A picture cannot be put in a story; the message says why in plain words."""


@dataclass(frozen=True)
class Page:
    text: str = ""
    prompt: str = ""
    picture: bytes | None = None
    picture_kind: str | None = None
    # The title of the shape's step the page was made for; "" for a page of its own.
    title: str = ""


# The fields each kind of revision uses, in the order they are written to the timeline.
REVISION_FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "text": ("page", "began", "start", "end", "insert"),
    "add_page": ("page", "prompt"),
    "remove_page": ("page",),
    "move_page": ("page", "to"),
    "picture": ("page", "picture", "picture_kind"),
    "remove_picture": ("page",),
}


@dataclass(frozen=True)
class Revision:
    """One change, `t` seconds from the start of the story.

    - "title": the story's title became `title`;
    - "text": on page `page`, the text from `start` to `end` was replaced by `insert`,
      typed from `began` to `t`;
    - "add_page": an empty page with `prompt` was put in at index `page`;
    - "remove_page", "remove_picture": page `page` or its picture was taken away;
    - "move_page": page `page` moved to index `to`;
    - "picture": picture `picture` (an id, or its file name in a timeline file) of
      `picture_kind` was put on page `page`.

    Page indices are those at the time of the change.
    """

    t: float
    kind: str
    page: int = 0
    title: str = ""
    began: float = 0.0
    start: int = 0
    end: int = 0
    insert: str = ""
    prompt: str = ""
    to: int = 0
    picture: str = ""
    picture_kind: str = ""

    def to_json(self, picture_names: Mapping[str, str]) -> dict:
        item = {"t": self.t, "kind": self.kind}
        for name in REVISION_FIELDS[self.kind]:
            item[name] = picture_names[self.picture] if name == "picture" else getattr(self, name)
        return item

    @classmethod
    def from_json(cls, item: dict) -> Revision:
        kind = item.get("kind")
        if kind not in REVISION_FIELDS:
            raise ValueError(f"unknown kind {kind!r}")
        values = {name: item[name] for name in REVISION_FIELDS[kind]}
        revision = cls(float(item["t"]), kind, **values)
        for name, value in values.items():
            expected = type(getattr(cls, name))
            if isinstance(value, bool) or not isinstance(value, (int, float) if expected is float else expected):
                raise ValueError(f"{name} {value!r} is not a {expected.__name__}")
        return revision


@dataclass
class _TypingRun:
    """Keystrokes on one page being gathered into one revision."""

    page: int
    text_before: str
    began: float
    last: float
    # The part of the page's current text the run may have changed (a bound, not exact).
    low: int
    high: int

    def revision(self, text_now: str) -> Revision | None:
        start, end, insert = text_change(self.text_before, text_now)
        if start == end and not insert:
            return None
        return Revision(self.last, "text", page=self.page, began=self.began, start=start, end=end, insert=insert)


def text_change(before: str, after: str) -> tuple[int, int, str]:
    """The one replacement that turns `before` into `after`: (start, end, inserted), with
    after == before[:start] + inserted + before[end:], keeping the longest common beginning
    and then the longest common ending."""
    shortest = min(len(before), len(after))
    start = _longest_match(lambda n: before[:n] == after[:n], shortest)
    tail = _longest_match(lambda n: before[len(before) - n:] == after[len(after) - n:], shortest - start)
    return start, len(before) - tail, after[start:len(after) - tail]


def _longest_match(matches: Callable[[int], bool], most: int) -> int:
    # Halving with slice comparisons (done in C) beats comparing character by character
    # in Python, and this runs at every keystroke.
    low, high = 0, most
    while low < high:
        middle = (low + high + 1) // 2
        if matches(middle):
            low = middle
        else:
            high = middle - 1
    return low


def check_picture(data: bytes) -> None:
    """PictureError, in plain words, unless `data` is a PNG or JPEG picture a story can keep."""
    try:
        check_picture_size(data)
    except InputRefused as refusal:
        if refusal.reason == "not-a-picture":
            raise PictureError(_("This picture could not be opened.")) from refusal
        raise PictureError(str(refusal)) from refusal
    with Image.open(io.BytesIO(data)) as image:  # the header only, already read once above
        image_format = image.format
    if image_format not in ("PNG", "JPEG"):
        raise PictureError(_("This picture is a {format} file; a story keeps PNG or JPEG pictures.").format(format=image_format))


def picture_extension(data: bytes) -> str:
    """"png" or "jpg": the file name ending of a picture that passed `check_picture`."""
    return "png" if data.startswith(PNG_SIGNATURE) else "jpg"


def page_heading(index: int, page: Page) -> str:
    """What a page is called in the Markdown: its step's title, or "Page 3" (in the
    language the story is written in)."""
    return page.title or _("Page {number}").format(number=index + 1)


class Story:
    """A story being written, and its timeline.

    Every editing method takes an optional `at`, the time in seconds from the start of
    the story; without it the time is read from `clock`, counted from when the story was
    made (or carried on from the last revision of a restored story). A time earlier than
    the last change counts as the last change's time, so that the timeline stays in order.
    """

    def __init__(
        self,
        title: str = "",
        shape_id: str = BLANK_SHAPE_ID,
        pages: Iterable[Page] = (),
        *,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.shape_id = shape_id
        self._title = title
        self._pages = list(pages) or [Page()]
        # Every picture the story has held, by id, so that the timeline can replay them.
        self._pictures: dict[str, bytes] = {}
        self._base64: dict[str, str] = {}
        for page in self._pages:
            if page.picture is not None:
                self._keep_picture(page.picture, page.picture_kind)
        self._start_title = title
        self._start_pages = tuple(self._pages)
        self._revisions: list[Revision] = []
        self._typing: _TypingRun | None = None
        self._latest = 0.0
        self._clock = clock
        self._clock_origin = clock()

    @classmethod
    def from_shape(cls, shape: StoryShape, title: str = "", *, clock: Callable[[], float] = time.monotonic) -> Story:
        """A new story with one page per step of `shape`, each with its step's prompt, in
        the language the client writes in (the story keeps them so)."""
        pages = [Page(prompt=_(step.prompt), title=_(step.title)) for step in shape.steps]
        return cls(title, shape.id, pages, clock=clock)

    # --- what the story holds ------------------------------------------------------------

    @property
    def title(self) -> str:
        return self._title

    @property
    def pages(self) -> tuple[Page, ...]:
        return tuple(self._pages)

    @property
    def revisions(self) -> list[Revision]:
        """The timeline so far, the typing still being gathered included."""
        pending = self._typing.revision(self._pages[self._typing.page].text) if self._typing else None
        return self._revisions + [pending] if pending else list(self._revisions)

    @property
    def duration(self) -> float:
        """Seconds from the start of the story to its last change."""
        return self._latest

    @property
    def word_count(self) -> int:
        return sum(len(page.text.split()) for page in self._pages)

    @property
    def is_empty(self) -> bool:
        """True when there is nothing of the client's in it: no title, text or picture."""
        return not self._title.strip() and all(not page.text.strip() and page.picture is None for page in self._pages)

    # --- editing -------------------------------------------------------------------------

    def set_text(self, page_index: int, text: str, at: float | None = None) -> None:
        """The text of a page is now `text` (called at every keystroke).

        Keystrokes are gathered into one revision until a pause of TYPING_PAUSE_SECONDS,
        the end of a sentence or line, a change somewhere else in the text or on another
        page, or any other kind of change.
        """
        page = self._pages[page_index]
        if text == page.text:
            return
        t = self._time(at)
        start, end, insert = text_change(page.text, text)
        run = self._typing
        if (
            run is None
            or run.page != page_index
            or t - run.last >= TYPING_PAUSE_SECONDS
            or start > run.high
            or end < run.low
        ):
            self._end_typing()
            run = self._typing = _TypingRun(page_index, page.text, t, t, start, start)
        run.last = t
        run.low = min(run.low, start)
        run.high = max(run.high, end) + len(insert) - (end - start)
        self._pages[page_index] = dataclasses.replace(page, text=text)
        if insert[-1:] in SENTENCE_ENDS:
            self._end_typing()

    def set_title(self, title: str, at: float | None = None) -> None:
        if title != self._title:
            self._record(Revision(self._time(at), "title", title=title))

    def add_page(self, after: int, prompt: str = "", at: float | None = None) -> int:
        """Put an empty page after page `after` (-1: before the first); returns its index."""
        if not -1 <= after < len(self._pages):
            raise IndexError(f"there is no page {after} to add a page after")
        self._record(Revision(self._time(at), "add_page", page=after + 1, prompt=prompt))
        return after + 1

    def remove_page(self, page_index: int, at: float | None = None) -> None:
        self._check_index(page_index)
        if len(self._pages) == 1:
            raise ValueError("a story keeps at least one page")
        self._record(Revision(self._time(at), "remove_page", page=page_index))

    def move_page(self, page_index: int, to: int, at: float | None = None) -> None:
        """Move a page so that it becomes page `to`."""
        self._check_index(page_index)
        self._check_index(to)
        if to != page_index:
            self._record(Revision(self._time(at), "move_page", page=page_index, to=to))

    def set_picture(self, page_index: int, data: bytes, kind: str, at: float | None = None) -> None:
        """Put a PNG or JPEG picture on a page; `kind` is where it came from ("drawing":
        drawn for the story, "portfolio": chosen from earlier work)."""
        self._check_index(page_index)
        picture_id = self._keep_picture(data, kind)
        if self._pages[page_index].picture != data or self._pages[page_index].picture_kind != kind:
            self._record(Revision(self._time(at), "picture", page=page_index, picture=picture_id, picture_kind=kind))

    def remove_picture(self, page_index: int, at: float | None = None) -> None:
        self._check_index(page_index)
        if self._pages[page_index].picture is not None:
            self._record(Revision(self._time(at), "remove_picture", page=page_index))

    def _check_index(self, page_index: int) -> None:
        if not 0 <= page_index < len(self._pages):
            raise IndexError(f"there is no page {page_index}")

    def _keep_picture(self, data: bytes, kind: str | None) -> str:
        if kind not in PICTURE_KINDS:
            raise ValueError(f"picture kind {kind!r} is not one of {', '.join(PICTURE_KINDS)}")
        data = bytes(data)
        check_picture(data)
        picture_id = hashlib.sha256(data).hexdigest()[:16]
        self._pictures.setdefault(picture_id, data)
        return picture_id

    def _time(self, at: float | None) -> float:
        t = round(self._clock() - self._clock_origin if at is None else at, 3)
        self._latest = max(self._latest, t)
        return self._latest

    def _end_typing(self) -> None:
        if self._typing is not None:
            revision = self._typing.revision(self._pages[self._typing.page].text)
            if revision is not None:
                self._revisions.append(revision)
            self._typing = None

    def _record(self, revision: Revision) -> None:
        self._end_typing()
        self._apply(revision)
        self._revisions.append(revision)

    def _apply(self, revision: Revision) -> None:
        pages, index = self._pages, revision.page
        highest = len(pages) if revision.kind == "add_page" else len(pages) - 1
        if revision.kind != "title" and not 0 <= index <= highest:
            raise IndexError(f"there is no page {index}")
        if revision.kind == "title":
            self._title = revision.title
        elif revision.kind == "text":
            text = pages[index].text
            if not 0 <= revision.start <= revision.end <= len(text):
                raise IndexError(f"page {index} has no text from {revision.start} to {revision.end}")
            pages[index] = dataclasses.replace(pages[index], text=text[:revision.start] + revision.insert + text[revision.end:])
        elif revision.kind == "add_page":
            pages.insert(index, Page(prompt=revision.prompt))
        elif revision.kind == "remove_page":
            del pages[index]
        elif revision.kind == "move_page":
            if not 0 <= revision.to < len(pages):
                raise IndexError(f"there is no page {revision.to} to move to")
            pages.insert(revision.to, pages.pop(index))
        elif revision.kind == "picture":
            pages[index] = dataclasses.replace(pages[index], picture=self._pictures[revision.picture], picture_kind=revision.picture_kind)
        elif revision.kind == "remove_picture":
            pages[index] = dataclasses.replace(pages[index], picture=None, picture_kind=None)

    # --- replay --------------------------------------------------------------------------

    def story_at(self, t: float) -> Story:
        """The story as it was `t` seconds from its start, with its timeline up to then."""
        replayed = Story(self._start_title, self.shape_id, self._start_pages, clock=self._clock)
        replayed._pictures.update(self._pictures)
        for revision in self.revisions:
            if revision.t > t:
                break
            replayed._apply(revision)
            replayed._revisions.append(revision)
            replayed._latest = revision.t
        replayed._clock_origin = self._clock() - replayed._latest
        return replayed

    # --- files ---------------------------------------------------------------------------

    def _picture_names(self) -> dict[str, str]:
        """File names by picture id: "page-03.png" for a picture on page 3 now, and
        "earlier-01.png"... for pictures the timeline had that are no longer in the story."""
        names: dict[str, str] = {}
        for number, page in enumerate(self._pages, start=1):
            if page.picture is not None:
                names.setdefault(self._picture_id(page.picture), f"page-{number:02d}.{picture_extension(page.picture)}")
        earlier = 0
        for picture_id, data in self._pictures.items():
            if picture_id not in names:
                earlier += 1
                names[picture_id] = f"earlier-{earlier:02d}.{picture_extension(data)}"
        return names

    def _timeline(self, picture_names: Mapping[str, str]) -> dict:
        def page_json(page: Page) -> dict:
            return {
                "title": page.title,
                "prompt": page.prompt,
                "text": page.text,
                "picture": picture_names[self._picture_id(page.picture)] if page.picture is not None else None,
                "picture_kind": page.picture_kind,
            }

        return {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            "shape": self.shape_id,
            "start": {"title": self._start_title, "pages": [page_json(page) for page in self._start_pages]},
            "revisions": [revision.to_json(picture_names) for revision in self.revisions],
        }

    def _picture_id(self, picture: bytes) -> str:
        # Pages hold the very bytes object kept in _pictures, so this rarely compares bytes.
        return next(key for key, data in self._pictures.items() if data is picture or data == picture)

    def timeline_json(self) -> str:
        """The writing timeline as JSON (format "expressive-story-timeline", version 1):
        the story as it started and every revision since, one per line. Pictures are named
        by their file names (see `files`); with them it restores the whole story."""
        timeline = self._timeline(self._picture_names())
        revisions = timeline.pop("revisions")
        head = json.dumps(timeline, ensure_ascii=False)
        lines = ",\n".join(json.dumps(revision, ensure_ascii=False) for revision in revisions)
        return head[:-1] + ',\n"revisions": [\n' + lines + "\n]}\n"

    @classmethod
    def from_timeline_json(
        cls, text: str | bytes, pictures: Mapping[str, bytes], *, clock: Callable[[], float] = time.monotonic
    ) -> Story:
        """The story a timeline file describes, with the picture files it names; its
        clock carries on from the last revision. ValueError if the file is not one."""
        return cls._from_timeline(load_json_bounded(text, max_bytes=MAX_LOG_BYTES, what="The story's timeline"), pictures, clock)

    @classmethod
    def _from_timeline(cls, data: dict, pictures: Mapping[str, bytes], clock: Callable[[], float]) -> Story:
        if not isinstance(data, dict) or data.get("format") != FORMAT_NAME or data.get("version") != FORMAT_VERSION:
            raise ValueError(f"not an {FORMAT_NAME} file of version {FORMAT_VERSION}")

        def picture(name: str | None) -> bytes | None:
            if name is None:
                return None
            if name not in pictures:
                raise ValueError(f"the picture {name!r} is not among the files")
            return pictures[name]

        try:
            start = data["start"]
            pages = [
                Page(page["text"], page["prompt"], picture(page["picture"]), page["picture_kind"], page["title"])
                for page in start["pages"]
            ]
            story = cls(start["title"], data["shape"], pages, clock=clock)
        except (KeyError, TypeError) as error:
            raise ValueError(f"the story's start is incomplete ({error!r})") from error
        for number, item in enumerate(data.get("revisions", [])):
            try:
                revision = Revision.from_json(item)
                if revision.kind == "picture":
                    revision = dataclasses.replace(
                        revision, picture=story._keep_picture(picture(revision.picture), revision.picture_kind)
                    )
                if revision.t < story._latest:
                    raise ValueError(f"its time {revision.t} is before the one before it")
                story._apply(revision)
            except (AttributeError, KeyError, TypeError, IndexError, ValueError) as error:
                raise ValueError(f"revision {number} cannot be replayed: {error}") from error
            story._revisions.append(revision)
            story._latest = revision.t
        story._clock_origin = clock() - story._latest
        return story

    def to_snapshot(self) -> bytes:
        """The story, its timeline and its pictures in one blob, for autosave: JSON with
        the pictures in base64 (each encoded once and remembered)."""
        names = self._picture_names()
        for picture_id, data in self._pictures.items():
            if picture_id not in self._base64:
                self._base64[picture_id] = base64.b64encode(data).decode("ascii")
        head = json.dumps(
            {"format": SNAPSHOT_FORMAT_NAME, "version": SNAPSHOT_VERSION, "timeline": self._timeline(names)},
            ensure_ascii=False,
        )
        # Joined by hand: json.dumps would scan every character of the base64 text for
        # something to escape (2.6 ms per megabyte, against 0.1), and neither base64 nor
        # the file names have anything to escape.
        pictures = ",".join(f'"{names[picture_id]}":"{encoded}"' for picture_id, encoded in self._base64.items())
        return (head[:-1] + ',"pictures":{' + pictures + "}}").encode("utf-8")

    @classmethod
    def from_snapshot(cls, blob: bytes, *, clock: Callable[[], float] = time.monotonic) -> Story:
        """The story `to_snapshot` saved, typing not yet gathered included; its clock
        carries on from the last change. ValueError if the blob is not one."""
        data = load_json_bounded(blob, max_bytes=MAX_SNAPSHOT_BYTES, what="The story snapshot")
        if not isinstance(data, dict) or data.get("format") != SNAPSHOT_FORMAT_NAME or data.get("version") != SNAPSHOT_VERSION:
            raise ValueError(f"not an {SNAPSHOT_FORMAT_NAME} of version {SNAPSHOT_VERSION}")
        try:
            pictures = {name: base64.b64decode(encoded, validate=True) for name, encoded in data["pictures"].items()}
        except (KeyError, AttributeError, TypeError) as error:
            raise ValueError(f"the snapshot's pictures are damaged ({error!r})") from error
        return cls._from_timeline(data.get("timeline"), pictures, clock)

    def to_markdown(self) -> str:
        """The story as Markdown: the title, then a section per page with its prompt (as
        a quote), its picture (named as in `files`) and its text. Lines of text that
        Markdown would read as a heading, a quote or a picture start with a backslash, so
        the text reads back exactly."""
        names = self._picture_names()
        one_line_title = self._title.replace("\n", " ")
        parts = [f"# {one_line_title}".rstrip() + "\n"]
        for index, page in enumerate(self._pages):
            parts.append(f"\n## {page_heading(index, page)}\n\n")
            if page.prompt.strip():
                parts.append(f"> {' '.join(page.prompt.split())}\n\n")
            if page.picture is not None:
                alt = "drawing" if page.picture_kind == "drawing" else "picture"
                parts.append(f"![{alt}]({names[self._picture_id(page.picture)]})\n\n")
            parts.append(_ESCAPED_LINE_START.sub("\\\\", page.text) + "\n")
        return "".join(parts)

    @classmethod
    def from_markdown(cls, markdown: str, files: Mapping[str, bytes] | None = None) -> Story:
        """A new story (with a new timeline) from Markdown written by `to_markdown`, its
        pictures taken from `files` by name."""
        files = files or {}
        head, *sections = markdown.split("\n## ")
        title = head.strip().removeprefix("#").strip()
        pages = []
        for index, section in enumerate(sections):
            heading, _blank_line, body = section.partition("\n\n")
            picture = kind = None
            prompt = ""
            quoted = _PROMPT_LINE.match(body)
            if quoted:
                prompt = quoted["prompt"]
                body = body[quoted.end():]
            found = _PICTURE_LINE.match(body)
            if found:
                picture = files.get(found["name"])
                kind = ("drawing" if found["alt"] == "drawing" else "portfolio") if picture is not None else None
                body = body[found.end():]
            text = _ESCAPE.sub("", body.removesuffix("\n"))
            # An untitled page's heading, in English or in the language of the story.
            step_title = "" if heading in (f"Page {index + 1}", page_heading(index, Page())) else heading
            pages.append(Page(text, prompt, picture, kind, step_title))
        return cls(title, pages=pages)

    def files(self) -> dict[str, bytes]:
        """What the story is saved as: "story.md", "timeline.json" and the pictures."""
        names = self._picture_names()
        files = {
            MARKDOWN_FILE: self.to_markdown().encode("utf-8"),
            TIMELINE_FILE: self.timeline_json().encode("utf-8"),
        }
        files.update({name: self._pictures[picture_id] for picture_id, name in names.items()})
        return files


_ESCAPED_LINE_START = re.compile(r"^(?=[#>\\]|!\[)", re.MULTILINE)
_ESCAPE = re.compile(r"^\\", re.MULTILINE)
_PROMPT_LINE = re.compile(r"> (?P<prompt>[^\n]*)\n\n")
_PICTURE_LINE = re.compile(r"!\[(?P<alt>[^\]\n]*)\]\((?P<name>[^)\n]+)\)\n\n")
