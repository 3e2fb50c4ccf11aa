"""The words and pictures the report and the web portfolio both use for a piece of work."""

from __future__ import annotations

import re
from datetime import datetime
from functools import cache

from expressive.feelings import feeling
from expressive.film_videos import FILM_VIDEO
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
# A film's files (see `expressive.lib.film.film_draft`): its record, its title card and a
# strip of its frames; and its video, FILM_VIDEO, absent until it is encoded.
FILM_RECORD, FILM_TITLE_CARD, FILM_STRIP = "film.json", "title.png", "strip.jpg"
# The photos' files (the photo activity's): photo-01.jpg..., each drawn on as photo-01-drawn.png.
_PHOTO = re.compile(r"photo-(\d+)\.jpg")


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


def is_film(artifact: ArtifactRecord) -> bool:
    """Whether the work is a film (a stop-motion film, a puppet play), encoded or not."""
    return artifact.file(FILM_RECORD) is not None and artifact.file(FILM_STRIP) is not None


def film_encoded(artifact: ArtifactRecord) -> bool:
    """Whether the film's video is made (a film saved where no encoder was has only its parts)."""
    return artifact.file(FILM_VIDEO) is not None


def film_words(artifact: ArtifactRecord) -> str:
    """'Film, 5 seconds, 30 frames', from what the film's metadata says."""
    seconds = artifact.metadata.get("seconds")
    frames = artifact.metadata.get("frames")
    seconds = round(seconds) if isinstance(seconds, (int, float)) and not isinstance(seconds, bool) else 0
    frames = frames if isinstance(frames, int) and not isinstance(frames, bool) else 0
    return _("Film, {seconds}, {frames}").format(
        seconds=ngettext("{n} second", "{n} seconds", seconds).format(n=format_number(seconds)),
        frames=ngettext("{n} frame", "{n} frames", frames).format(n=format_number(frames)),
    )


def other_photos(artifact: ArtifactRecord) -> list[str]:
    """The work's photos other than the one it shows first (its product), in the order
    taken, each as it shows best: with the drawing over it when there is one."""
    numbered = sorted(
        (int(found[1]), entry.name) for entry in artifact.files if (found := _PHOTO.fullmatch(entry.name))
    )
    shown = []
    for _number, name in numbered:
        drawn = name.replace(".jpg", "-drawn.png")
        best = drawn if artifact.file(drawn) is not None else name
        if artifact.product not in (name, best):
            shown.append(best)
    return shown
