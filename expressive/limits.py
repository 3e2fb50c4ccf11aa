"""Bounds on everything that comes in, checked before it is decoded.

A file of a few bytes can ask a decoder for gigabytes: a picture whose header claims
30,000 x 30,000 pixels, JSON nested a hundred thousand deep, a MIDI note three hours long.
So every input is measured from what it says about itself (its size, its header, its
nesting) before anything is built from it, and refused with one plain sentence that names
the bound. Whatever passes these bounds fits in well under 1 GB of memory.

No Kivy here: the model, the command line and the activities all use these.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
import unicodedata
import warnings
from io import BytesIO
from pathlib import Path
from typing import Any

from expressive.i18n import N_, _, format_number, ngettext

MEGABYTE = 1024 * 1024

# JSON: the portfolio's own records are small; logs (strokes, trails, timelines) are larger.
MAX_RECORD_BYTES = 4 * MEGABYTE
MAX_LOG_BYTES = 32 * MEGABYTE
# Autosaves and drawing logs carry photos as base64 text, which costs no more than its size.
MAX_SNAPSHOT_BYTES = 256 * MEGABYTE
# Nothing the app writes is nested more than a few levels; deep nesting only ever comes
# from a hostile or broken file, and would exhaust Python's recursion limit.
MAX_JSON_DEPTH = 64

# Pictures: 40 megapixels covers any tablet camera; decoded as RGBA it is 160 MB.
MAX_PICTURE_PIXELS = 40_000_000
MAX_PICTURE_BYTES = 64 * MEGABYTE
PICTURE_FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "BMP")

# MIDI files: a song to play along with, or a recording read back. Each bound is checked
# from the file's bytes before mido builds a message. 100,000 events is an hour of busy
# playing; the sound of 10 minutes is rendered in about 400 MB (measured: 20 minutes of
# 187,200 events took 815 MB and 23 s in the command line, too close to 1 GB in the app).
MAX_MIDI_BYTES = 5 * MEGABYTE
MAX_MIDI_TRACKS = 64
MAX_MIDI_EVENTS = 100_000
MAX_SOUND_SECONDS = 10 * 60
# The app's own recordings are read back (not rendered) up to this length.
MAX_RECORDING_SECONDS = 3 * 60 * 60

# Videos: decoded in a child process that may use at most DECODER_MEMORY_BYTES (address
# space, which is more than it keeps resident); frames it sends are at most 4K.
MAX_VIDEO_SECONDS = 30 * 60
MAX_VIDEO_FRAME_PIXELS = 3840 * 2160
DECODER_MEMORY_BYTES = 2 * 1024 * MEGABYTE

# Words typed by people, in characters. Names and titles show on one line; a therapist's
# note can be long, but not a book.
MAX_NAME_CHARS = 100
MAX_TITLE_CHARS = 200
MAX_GOAL_CHARS = 500
MAX_WORDS_CHARS = 20_000  # reflections, homework, what the client noticed
MAX_NOTE_CHARS = 100_000  # the therapist's private notes

# Text files a therapist writes by hand (session plans, story shapes): a page or two each.
MAX_TEXT_FILE_BYTES = 256 * 1024
MAX_PROMPT_CHARS = 1_000  # a gentle prompt is a sentence or two, shown in big type
MAX_STEPS = 50  # steps of a plan, pages a story shape starts with


class InputRefused(ValueError):
    """An input over a bound, or one that cannot be decoded; str() is one plain sentence.

    `reason` is for the program: "too-big", "too-deep", "too-many-pixels", "too-long",
    "not-json", "not-toml", "not-a-picture" or "damaged".
    """

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


def describe_seconds(seconds: float) -> str:
    """A duration in words ("3 hours", "20 minutes", "45 seconds")."""
    if seconds >= 3600:
        count = round(seconds / 3600)
        return ngettext("{n} hour", "{n} hours", count).format(n=count)
    if seconds >= 60:
        count = round(seconds / 60)
        return ngettext("{n} minute", "{n} minutes", count).format(n=count)
    count = round(seconds)
    return ngettext("{n} second", "{n} seconds", count).format(n=count)


def describe_bytes(size: int) -> str:
    """A size in words, as the refusal sentences name their bounds ("64 MB")."""
    if size >= MEGABYTE:
        return _("{size} MB").format(size=format_number(round(size / MEGABYTE)))
    if size >= 1024:
        return _("{size} KB").format(size=format_number(round(size / 1024)))
    return ngettext("{n} byte", "{n} bytes", size).format(n=format_number(size))


# ----- JSON

_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(byte for byte in range(256) if byte not in b"[]{}")
_INNERMOST_PAIRS = re.compile(rb"\[\]|\{\}")


def json_depth_exceeds(data: bytes, max_depth: int) -> bool:
    """Whether the JSON text in `data` nests arrays and objects deeper than `max_depth`.

    Measured without building anything: strings are taken out (brackets inside them do not
    count), then innermost pairs are peeled off, one level a pass, at most `max_depth`
    passes, each in C. Brackets that never pair up mean the text is not JSON at all, and
    count as too deep only when the peeling could not finish within the bound.
    """
    brackets = _JSON_STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    for _level in range(max_depth):
        if not brackets:
            return False
        peeled = _INNERMOST_PAIRS.sub(b"", brackets)
        if peeled == brackets:
            return False  # mismatched: json.loads says so, without recursing this deep
        brackets = peeled
    return bool(brackets)


def load_json_bounded(data: bytes | str, *, max_bytes: int = MAX_RECORD_BYTES, max_depth: int = MAX_JSON_DEPTH,
                      what: str = N_("This file"), max_objects: int | None = None) -> Any:
    """The JSON value in `data`, once its size and nesting are known to be within bounds.
    `max_objects` bounds how many JSON objects it may hold (each "{" counts, so it is an
    upper bound): a log of tiny entries costs Python far more memory than its bytes.

    Raises InputRefused (a ValueError) naming the bound, or saying the text is not JSON;
    never RecursionError, MemoryError or UnicodeDecodeError.
    """
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    if len(raw) > max_bytes:
        raise InputRefused(
            _("{what} is {size}; the most Expressive reads is {most}.").format(
                what=_(what), size=describe_bytes(len(raw)), most=describe_bytes(max_bytes)), "too-big"
        )
    # Counted first, in C: measuring the nesting of millions of tiny objects costs memory.
    if max_objects is not None and raw.count(b"{") > max_objects:
        raise InputRefused(
            _("{what} holds more than {most} entries, which no file Expressive writes does.").format(
                what=_(what), most=format_number(max_objects)), "too-many"
        )
    if json_depth_exceeds(raw, max_depth):
        raise InputRefused(
            _("{what} is nested more than {max_depth} levels deep, which no file Expressive writes is.").format(
                what=_(what), max_depth=max_depth), "too-deep"
        )
    try:
        return json.loads(data)
    except (ValueError, RecursionError):
        # JSONDecodeError, UnicodeDecodeError, and integers too long to convert
        raise InputRefused(_("{what} is not readable (it is not valid JSON).").format(
            what=_(what)), "not-json") from None


def read_bounded(path: Path, max_bytes: int, *, what: str = N_("This file")) -> bytes:
    """The bytes of the file at `path`, read no further than `max_bytes`: a file that
    grows, or a link to a device that never ends, costs no more than the bound.
    InputRefused naming the bound when there is more; OSError when it cannot be read."""
    with open(path, "rb") as opened:
        data = opened.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputRefused(_("{what} is larger than {most}, the most Expressive reads.").format(
            what=_(what), most=describe_bytes(max_bytes)), "too-big")
    return data


def load_toml_bounded(data: bytes | str, *, max_bytes: int = MAX_TEXT_FILE_BYTES, what: str = N_("This file")) -> dict[str, Any]:
    """The TOML table in `data`, once its size is within bounds. Nesting needs no measuring
    first: Python's TOML reader recurses in Python, so deep nesting ends in a RecursionError
    a few thousand frames down, which is refused here like any other unreadable text.
    Raises InputRefused naming the bound or what is wrong; never RecursionError."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else bytes(data)
    if len(raw) > max_bytes:
        raise InputRefused(_("{what} is {size}; the most Expressive reads is {most}.").format(
                what=_(what), size=describe_bytes(len(raw)), most=describe_bytes(max_bytes)), "too-big")
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputRefused(_("{what} is not text (UTF-8).").format(what=_(what)), "not-toml") from None
    except RecursionError:
        raise InputRefused(_("{what} is nested too deep to read, which no plan or shape needs.").format(
            what=_(what)), "too-deep") from None
    except ValueError as error:  # TOMLDecodeError, and integers too long to convert
        raise InputRefused(_("{what} is not valid TOML ({error}).").format(
            what=_(what), error=error), "not-toml") from None


# ----- pictures


def picture_size(data: bytes) -> tuple[int, int]:
    """The width and height a picture file's header declares, read without decoding it.

    Raises InputRefused when the bytes are not a picture in one of PICTURE_FORMATS.
    """
    from PIL import Image

    try:
        with warnings.catch_warnings():
            # Between Pillow's warning and its error: refused below, so no warning is printed.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data), formats=PICTURE_FORMATS) as opened:
                return opened.size
    except Image.DecompressionBombError:
        # Pillow's own guard, far above ours, fires before the size can be read.
        raise InputRefused(
            _("This picture has over {millions} million pixels; the most Expressive shows is {most} "
              "million pixels.").format(millions=format_number(round(2 * Image.MAX_IMAGE_PIXELS / 1_000_000)),
                                        most=format_number(MAX_PICTURE_PIXELS / 1_000_000)),
            "too-many-pixels",
        ) from None
    except Exception:  # UnidentifiedImageError, or a header so broken Pillow trips on it
        raise InputRefused(_("This is not a picture Expressive can show (PNG, JPEG, GIF, WebP or BMP)."), "not-a-picture") from None


def check_picture_size(data: bytes, *, max_pixels: int = MAX_PICTURE_PIXELS, max_bytes: int = MAX_PICTURE_BYTES) -> tuple[int, int]:
    """The picture's (width, height) when it is within bounds; InputRefused naming the bound when not."""
    if len(data) > max_bytes:
        raise InputRefused(
            _("This picture is {size}; the most Expressive brings in is {most}.").format(
                size=describe_bytes(len(data)), most=describe_bytes(max_bytes)), "too-big"
        )
    width, height = picture_size(data)
    if width * height > max_pixels:
        raise InputRefused(
            _("This picture is {width} x {height} pixels; the most Expressive shows is {most} million "
              "pixels.").format(width=width, height=height, most=format_number(max_pixels / 1_000_000)),
            "too-many-pixels",
        )
    return width, height


def open_picture_bounded(data: bytes, *, max_pixels: int = MAX_PICTURE_PIXELS):
    """A Pillow image of `data`, decoded, once its declared size is within bounds.

    The one way pictures from files and from the portfolio are decoded, so that a
    decompression bomb is refused by its header before a pixel is decoded. Raises
    InputRefused for a picture too big, not a picture, or damaged part-way through.
    """
    from PIL import Image

    check_picture_size(data, max_pixels=max_pixels)
    image = Image.open(BytesIO(data), formats=PICTURE_FORMATS)
    try:
        image.load()
    except Exception:  # Pillow's decoders raise OSError, SyntaxError, ValueError, struct.error...
        image.close()
        raise InputRefused(_("This picture is damaged (part of it cannot be read)."), "damaged") from None
    return image


# ----- numbers


def is_finite_number(value: Any) -> bool:
    """Whether a value read from a file is a real, finite number: not a bool, not text,
    not NaN or infinity, and not an integer too large for any float."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:
        return False


# ----- words


def checked_text(text: Any, what: str, max_chars: int, *, one_line: bool = False) -> str:
    """Words a person typed, fit to be stored: a string of at most `max_chars` characters.

    Lone surrogates (which no UTF-8 file can hold) become U+FFFD; control characters are
    taken out (line breaks and tabs are kept, or become spaces when `one_line`). Raises InputRefused
    naming the bound when the text is too long.
    """
    if not isinstance(text, str):
        raise InputRefused(_("The {what} must be text.").format(what=_(what)), "damaged")
    if len(text) > max_chars:
        raise InputRefused(
            _("The {what} is {length} characters long; the most Expressive keeps is {most}.").format(
                what=_(what), length=format_number(len(text)), most=format_number(max_chars)), "too-long"
        )
    text = _without_surrogates(text)
    if one_line:
        text = re.sub(r"[\r\n\t]+", " ", text)
    return "".join(char for char in text if char in "\n\t" or not _is_control(char))


_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_surrogates(text: str) -> str:
    # A lone surrogate cannot be written as UTF-8 (nor printed): it becomes U+FFFD.
    return _SURROGATE.sub("\ufffd", text)


def _is_control(char: str) -> bool:
    # C0 and C1 controls (Cc) and the format characters that reorder or hide text (Cf:
    # bidi overrides such as U+202E, zero-width joiners are kept as they build emoji).
    category = unicodedata.category(char)
    return category == "Cc" or (category == "Cf" and char not in "\u200c\u200d")


def for_display(text: Any, *, keep_lines: bool = False) -> str:
    """`text` safe to print on a terminal or put in a title: every control character
    (escape sequences, bidi overrides) shown as its code, e.g. "\\x1b", never raw; line
    breaks and tabs too, unless `keep_lines`."""
    text = _without_surrogates(str(text))
    kept = "\n\t" if keep_lines else ""
    if not any(_is_control(char) and char not in kept for char in text):
        return text
    return "".join(
        char if char in kept or not _is_control(char)
        else f"\\x{ord(char):02x}" if ord(char) < 0x100
        else f"\\u{ord(char):04x}"
        for char in text
    )


# ----- archives (a client's whole record, made by `expressive export --format zip`)

# Read from the archive's central directory before anything is unpacked, and enforced
# again while unpacking, since a header can lie. A client of ten years holds some
# thousands of files; one file is at most a few minutes of allowed video.
MAX_ARCHIVE_ENTRIES = 50_000
MAX_ARCHIVED_FILE_BYTES = 200 * MEGABYTE
MAX_ARCHIVE_UNPACKED_BYTES = 8 * 1024 * MEGABYTE
# Unpacked size over the archive's own size, beyond a small allowance: the work Expressive
# keeps packs at most a few times smaller (pictures and sounds are compressed already),
# so a small file that unpacks to gigabytes is a trap, refused before it costs the time.
MAX_ARCHIVE_RATIO = 100
ARCHIVE_RATIO_ALLOWANCE_BYTES = 64 * MEGABYTE
MAX_ARCHIVE_MANIFEST_BYTES = 16 * MEGABYTE
MAX_ARCHIVED_NAME_CHARS = 300
