"""Bounds on everything an activity reads, checked before it is decoded, and the decoders
that check them.

A file of a few bytes can ask a decoder for gigabytes: a picture whose header claims
30,000 x 30,000 pixels, JSON nested a hundred thousand deep. Read every snapshot, log,
picture and text file through these, and a hostile or damaged one is refused with
`InputRefused`, whose message is one plain sentence naming the bound. No Kivy here.

Bounds (each the most that is read or decoded):
- `MAX_RECORD_BYTES`: a small JSON record (the default of `load_json_bounded`).
- `MAX_LOG_BYTES`: a log of how work was made (strokes, trails, a timeline), as JSON.
- `MAX_SNAPSHOT_BYTES`: a snapshot of work in progress, which may carry photos as text.
- `MAX_JSON_DEPTH`: how deeply JSON may nest.
- `MAX_PICTURE_PIXELS`, `MAX_PICTURE_BYTES`: a picture's declared pixels and file size.
- `MAX_SOUND_SECONDS`: how long a song brought in may sound (it is rendered to audio).
- `MAX_RECORDING_SECONDS`: how long one of the app's own recordings may be when read back.
- `MAX_TEXT_FILE_BYTES`: a text file written by hand (a story shape, a session plan).
- `MAX_TITLE_CHARS`, `MAX_PROMPT_CHARS`, `MAX_WORDS_CHARS`: a title, a gentle prompt,
  and words a client writes, in characters.
- `MAX_STEPS`: steps of a plan, pages a story shape starts with.

`is_finite_number(value)` (API 1.2) says whether a value read from a file is a real,
finite number (not a bool, NaN, infinity or an integer too large for a float).
"""

from expressive.limits import (
    MAX_JSON_DEPTH,
    MAX_LOG_BYTES,
    MAX_PICTURE_BYTES,
    MAX_PICTURE_PIXELS,
    MAX_PROMPT_CHARS,
    MAX_RECORD_BYTES,
    MAX_RECORDING_SECONDS,
    MAX_SNAPSHOT_BYTES,
    MAX_SOUND_SECONDS,
    MAX_STEPS,
    MAX_TEXT_FILE_BYTES,
    MAX_TITLE_CHARS,
    MAX_WORDS_CHARS,
    InputRefused,
    check_picture_size,
    checked_text,
    is_finite_number,
    load_json_bounded,
    load_toml_bounded,
    open_picture_bounded,
    read_bounded,
)

__all__ = [
    "MAX_JSON_DEPTH",
    "MAX_LOG_BYTES",
    "MAX_PICTURE_BYTES",
    "MAX_PICTURE_PIXELS",
    "MAX_PROMPT_CHARS",
    "MAX_RECORDING_SECONDS",
    "MAX_RECORD_BYTES",
    "MAX_SNAPSHOT_BYTES",
    "MAX_SOUND_SECONDS",
    "MAX_STEPS",
    "MAX_TEXT_FILE_BYTES",
    "MAX_TITLE_CHARS",
    "MAX_WORDS_CHARS",
    "InputRefused",
    "check_picture_size",
    "checked_text",
    "is_finite_number",
    "load_json_bounded",
    "load_toml_bounded",
    "open_picture_bounded",
    "read_bounded",
]
