"""The words and pictures the report and the web portfolio both use for a piece of work."""

from __future__ import annotations

from datetime import datetime
from functools import cache

from expressive.feelings import feeling
from expressive.i18n import N_, _, format_date, format_number, format_time, ngettext
from expressive.portfolio import ArtifactRecord, FileEntry, Session

IMAGE_TYPES = ("image/png", "image/jpeg")
# What a person calls each kind of file, by media type.
_FILE_KINDS = {
    "image/png": N_("picture"),
    "image/jpeg": N_("picture"),
    "image/svg+xml": N_("drawing"),
    "audio/wav": N_("sound"),
    "audio/ogg": N_("sound"),
    "audio/midi": N_("MIDI music"),
    "video/mp4": N_("video"),
    "video/webm": N_("video"),
    "video/x-msvideo": N_("video"),
    "text/markdown": N_("text"),
    "text/plain": N_("text"),
    "application/pdf": N_("PDF"),
    "text/html": N_("web page"),
    "application/json": N_("data"),
}
_ANY_FILE = N_("file")


@cache
def _activity_titles() -> dict[str, str]:
    """The installed activities' titles by id, as marked for translation."""
    # Imported here: finding the activities reads their declarations, which an export
    # needs only once.
    from expressive.registry import discover

    return {activity_id: info.title for activity_id, info in discover().infos().items()}


def activity_name(activity_id: str) -> str:
    """The activity's title in the language in use; an activity no longer installed is
    named by its id."""
    title = _activity_titles().get(activity_id)
    return _(title) if title else activity_id.replace("-", " ").replace("_", " ").capitalize()


def title_of(artifact: ArtifactRecord) -> str:
    return artifact.title.strip() or _("Untitled {kind}").format(kind=artifact.kind)


def day(moment: datetime) -> str:
    """'November 19, 2026' ('19. November 2026' in German), in the device's time zone."""
    return format_date(moment.astimezone(), "long")


def day_and_time(moment: datetime) -> str:
    return _("{day}, {time}").format(day=day(moment), time=format_time(moment.astimezone()))


def date_range(moments: list[datetime]) -> str:
    if not moments:
        return ""
    first, last = day(min(moments)), day(max(moments))
    return first if first == last else _("{first} to {last}").format(first=first, last=last)


def feeling_words(value: int | None) -> str:
    found = feeling(value)
    return _(found.label) if found else _("not said")


def feeling_colour(value: int | None) -> str | None:
    found = feeling(value)
    return found.colour if found else None


def goal_met_words(session: Session) -> str | None:
    """'Goal met', 'Goal not met', or None when nobody said."""
    if session.goal_met is None:
        return None
    return _("Goal met") if session.goal_met else _("Goal not met")


def picture_of(artifact: ArtifactRecord) -> str | None:
    """The file that shows the work: the product when it is a picture (a drawing, a
    movement painting), else the thumbnail the activity made for it (a piano roll, a
    story's cover)."""
    product = artifact.file(artifact.product) if artifact.product else None
    if product is not None and product.media_type in IMAGE_TYPES:
        return product.name
    return artifact.thumbnail


def file_kind(entry: FileEntry) -> str:
    return _(_FILE_KINDS.get(entry.media_type, _ANY_FILE))


def size_words(size: int) -> str:
    if size < 1000:
        return ngettext("{n} byte", "{n} bytes", size).format(n=format_number(size))
    if size < 1_000_000:
        return _("{size} kB").format(size=format_number(round(size / 1000)))
    return _("{size} MB").format(size=format_number(size / 1_000_000, decimals=1))
