"""The words and pictures the report and the web portfolio both use for a piece of work."""

from __future__ import annotations

from datetime import datetime

from expressive.feelings import feeling
from expressive.portfolio import ArtifactRecord, FileEntry, Session

IMAGE_TYPES = ("image/png", "image/jpeg")
# What a person calls each kind of file, by media type.
_FILE_KINDS = {
    "image/png": "picture",
    "image/jpeg": "picture",
    "image/svg+xml": "drawing",
    "audio/wav": "sound",
    "audio/ogg": "sound",
    "audio/midi": "MIDI music",
    "video/mp4": "video",
    "video/webm": "video",
    "video/x-msvideo": "video",
    "text/markdown": "text",
    "text/plain": "text",
    "application/pdf": "PDF",
    "text/html": "web page",
    "application/json": "data",
}


def activity_name(activity_id: str) -> str:
    return activity_id.replace("-", " ").replace("_", " ").capitalize()


def title_of(artifact: ArtifactRecord) -> str:
    return artifact.title.strip() or f"Untitled {artifact.kind}"


def day(moment: datetime) -> str:
    """'19 November 2026', in the device's time zone."""
    local = moment.astimezone()
    return f"{local.day} {local:%B %Y}"


def day_and_time(moment: datetime) -> str:
    return f"{day(moment)}, {moment.astimezone():%H:%M}"


def date_range(moments: list[datetime]) -> str:
    if not moments:
        return ""
    first, last = day(min(moments)), day(max(moments))
    return first if first == last else f"{first} to {last}"


def feeling_words(value: int | None) -> str:
    found = feeling(value)
    return found.label if found else "not said"


def feeling_colour(value: int | None) -> str | None:
    found = feeling(value)
    return found.colour if found else None


def goal_met_words(session: Session) -> str | None:
    """'Goal met', 'Goal not met', or None when nobody said."""
    if session.goal_met is None:
        return None
    return "Goal met" if session.goal_met else "Goal not met"


def picture_of(artifact: ArtifactRecord) -> str | None:
    """The file that shows the work: the product when it is a picture (a drawing, a
    movement painting), else the thumbnail the activity made for it (a piano roll, a
    story's cover)."""
    product = artifact.file(artifact.product) if artifact.product else None
    if product is not None and product.media_type in IMAGE_TYPES:
        return product.name
    return artifact.thumbnail


def file_kind(entry: FileEntry) -> str:
    return _FILE_KINDS.get(entry.media_type, "file")


def size_words(size: int) -> str:
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.0f} kB"
    return f"{size / 1_000_000:.1f} MB"
