"""A client's portfolio as a web page in a folder, to open in any browser with no server.

    <out>/index.html                               the page: sessions newest first, their work
    <out>/files/<session>/<artifact>/<file>        every file of every piece of work, as kept
    <out>/fonts/Andika-*.ttf, Andika-LICENSE.txt   the typeface the app uses, so it reads alike

A folder rather than one self-contained file, because:
- a story's PDF, a MIDI file or a movement's data must open or save with a click, and
  browsers refuse to open a data: address from a link (Chrome since version 60);
- 100 pieces of work with their sounds would make a page of well over 100 MB once
  encoded into it (base64 adds a third), which a tablet's browser loads all at once; in
  a folder the page is small, pictures load as they scroll into view and sounds only when
  played;
- the files stay in their own formats beside the page, so the folder is also a copy of
  the work that other programs open.
The price is that the folder must be kept (or zipped) whole to be passed on.

A film plays in a <video> (its title card as the poster); one whose video is not made
yet shows the strip of its frames. Work that may show a person is left out, a line in its
place and none of its files copied, unless the therapist includes it.

Nothing in the page runs or reaches the network: no scripts, and a Content-Security-Policy
that lets it load only its own files. Every text a person typed is escaped. The therapist's
private notes and review marks never go into it: it is a portfolio to show.
"""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

from expressive.i18n import N_, _, language, ngettext
from expressive.lib.fonts import TEXT_FONT, TEXT_FONT_BOLD
from expressive.portfolio import ArtifactRecord, PortfolioError, Session

from .describe import (
    FILM_STRIP,
    FILM_TITLE_CARD,
    FILM_VIDEO,
    activity_name,
    date_range,
    day,
    day_and_time,
    feeling_colour,
    feeling_words,
    file_kind,
    film_encoded,
    film_words,
    goal_met_words,
    is_film,
    other_photos,
    picture_of,
    size_words,
    title_of,
)
from .output import InFlight, Progress, make_folder, new_folder, no_progress, write_file
from .words import ASIDE, HEADING, PARAGRAPH, PICTURE, Block, words_of
from .work import PEOPLE_LEFT_OUT, ClientWork

FILES = "files"
FONTS = "fonts"
FONT_LICENSE = Path(TEXT_FONT).with_name("Andika-LICENSE.txt")
AUDIO_TYPES = ("audio/wav", "audio/ogg")
# 'self' for a page served from a web server; file: because some browsers count every
# local file as an origin of its own. No default, no scripts, no network.
CONTENT_POLICY = (
    "default-src 'none'; img-src 'self' file:; media-src 'self' file:; font-src 'self' file:; "
    "style-src 'unsafe-inline'"
)

_STYLE = """
@font-face { font-family: Andika; src: url("fonts/Andika-Regular.ttf"); }
@font-face { font-family: Andika; font-weight: bold; src: url("fonts/Andika-Bold.ttf"); }
body { margin: 0; background: #FBF8F1; color: #222; font-family: Andika, "Atkinson Hyperlegible", Verdana, sans-serif; }
main { max-width: 60rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
h1 { font-size: 2.5rem; margin: 1rem 0 0.25rem; }
.summary { color: #555; margin: 0 0 2.5rem; }
section.session { margin: 0 0 3rem; padding: 1.25rem; background: #fff; border-radius: 0.75rem; }
h2 { font-size: 1.6rem; margin: 0 0 0.5rem; }
.goal, .feelings { margin: 0.25rem 0; }
.feeling { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 50%; vertical-align: -0.1em; margin: 0 0.2em; }
article { margin: 1.5rem 0 0; padding: 1rem 0 0; border-top: 1px solid #eee; }
h3 { font-size: 1.3rem; margin: 0 0 0.25rem; }
.when { color: #666; margin: 0 0 0.75rem; }
img { display: block; max-width: 100%; max-height: 30rem; width: auto; height: auto; border-radius: 0.5rem; background: #eee; }
audio { display: block; width: 100%; max-width: 28rem; margin: 0.75rem 0; }
.photos img { display: inline-block; max-height: 10rem; margin: 0.5rem 0.5rem 0 0; vertical-align: top; }
video { display: block; width: 100%; max-width: 40rem; height: auto; border-radius: 0.5rem; background: #000; }
.words { white-space: pre-wrap; overflow-wrap: break-word; }
h4 { font-size: 1.1rem; margin: 1rem 0 0.25rem; }
.aside { color: #555; font-style: italic; }
ul.files { padding-left: 1.25rem; color: #555; }
@media print { section.session { break-inside: avoid-page; } body { background: none; } }
"""


def write_html_portfolio(
    work: ClientWork, out: Path, in_flight: InFlight, *, shared: bool = False, progress: Progress | None = None
) -> list[str]:
    """Write the client's web portfolio into the new (or empty) folder `out`; returns what
    could not be included, in plain words ([] when everything is in). Runs on any thread.
    `in_flight` and `shared`: see `output.new_folder`."""
    progress = progress or no_progress
    artifacts = work.artifacts
    total = len(artifacts) + 1
    done = 0
    progress(done, total)
    problems: list[str] = []
    with new_folder(Path(out), N_("the web portfolio"), in_flight, shared=shared) as folder:
        fonts = folder / FONTS
        make_folder(fonts)
        for font in (Path(TEXT_FONT), Path(TEXT_FONT_BOLD), FONT_LICENSE):
            write_file(fonts / font.name, font.read_bytes())
        sections = []
        for entry in work.sessions:
            articles = []
            for artifact in entry.artifacts:
                articles.append(_article(work, artifact, folder, problems))
                done += 1
                progress(done, total)
            sections.append(_section(entry.session, articles))
        write_file(folder / "index.html", _page(work, sections).encode("utf-8"))
    progress(total, total)
    return problems


def _page(work: ClientWork, sections: list[str]) -> str:
    name = _text(work.client.name)
    artifacts = work.artifacts
    pieces = ngettext("{n} piece of work", "{n} pieces of work", len(artifacts)).format(n=len(artifacts))
    sessions = ngettext("{n} session", "{n} sessions", len(work.sessions)).format(n=len(work.sessions))
    made = day(datetime.now().astimezone())
    if artifacts:
        summary = _("{pieces} from {sessions}, {dates}. Made on {day} with Expressive.").format(
            pieces=pieces, sessions=sessions, dates=date_range([artifact.created for artifact in artifacts]), day=made)
    else:
        summary = _("{pieces} from {sessions}. Made on {day} with Expressive.").format(
            pieces=pieces, sessions=sessions, day=made)
    body = "\n".join(sections)
    return f"""<!DOCTYPE html>
<html lang="{_text(language().replace("_", "-"))}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CONTENT_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{name}</title>
<style>{_STYLE}</style>
</head>
<body>
<main>
<h1>{name}</h1>
<p class="summary">{_text(summary)}</p>
{body}
</main>
</body>
</html>
"""


def _section(session: Session, articles: list[str]) -> str:
    parts = [f'<section class="session" id="{_text(session.id)}">', f"<h2>{_text(day(session.started))}</h2>"]
    if session.damaged:
        damaged = _("This session's record could not be read: {damage}").format(damage=session.damaged)
        parts.append(f'<p class="goal">{_text(damaged)}</p>')
    else:
        if session.goal.strip():
            goal = _("Goal: {goal}").format(goal=session.goal)
            parts.append(f'<p class="goal words">{_text(goal)}</p>')
        met = goal_met_words(session)
        if met:
            parts.append(f'<p class="goal">{_text(met)}.</p>')
        checked_in, checked_out = _("Feeling at check-in:"), _("At check-out:")
        parts.append(
            f'<p class="feelings">{_text(checked_in)} {_feeling(session.feeling_in)} '
            f"{_text(checked_out)} {_feeling(session.feeling_out)}</p>"
        )
    parts += articles
    parts.append("</section>")
    return "\n".join(parts)


def _feeling(value: int | None) -> str:
    colour = feeling_colour(value)
    dot = f'<span class="feeling" style="background: {colour}"></span>' if colour else ""
    return f"{dot}{_text(feeling_words(value))}."


def _article(work: ClientWork, artifact: ArtifactRecord, folder: Path, problems: list[str]) -> str:
    if artifact.damaged:
        problems.append(_("The piece of work {artifact} could not be read: {damage}.").format(
            artifact=artifact.id, damage=artifact.damaged))
        unreadable = _("This piece of work ({artifact}) could not be read: {damage}").format(
            artifact=artifact.id, damage=artifact.damaged)
        return f"<article><p>{_text(unreadable)}</p></article>"
    when = f'<p class="when">{_text(activity_name(artifact.activity))}, {_text(day_and_time(artifact.created))}</p>'
    if work.leaves_out(artifact):
        # No file of it is copied, and not even its title, which may name the person.
        return f'<article>\n{when}\n<p class="aside">{_text(_(PEOPLE_LEFT_OUT))}</p>\n</article>'
    copied = _copy_files(work, artifact, folder, problems)
    parts = [
        f'<article id="{_text(artifact.session_id)}-{_text(artifact.id)}">',
        f"<h3>{_text(title_of(artifact))}</h3>",
        when,
    ]
    words = _words_html(words_of(work, artifact, problems), copied, title_of(artifact))
    picture = picture_of(artifact)
    film = is_film(artifact)
    if film:
        parts += _film_html(artifact, copied)
    # Words with pictures of their own (a story's pages) show the work; its cover would repeat them.
    elif picture in copied and not any("<img " in part for part in words):
        parts.append(f'<img src="{copied[picture]}" alt="{_text(title_of(artifact))}" loading="lazy">')
    photos = [copied[name] for name in other_photos(artifact) if name in copied]
    if photos:
        shown = "".join(f'<img src="{source}" alt="{_text(title_of(artifact))}" loading="lazy">' for source in photos)
        parts.append(f'<div class="photos">{shown}</div>')
    parts += words
    # A film's video carries its sound; a film not yet encoded lets it be heard alone.
    playing_sound = not (film and film_encoded(artifact))
    for entry in artifact.files:
        if playing_sound and entry.media_type in AUDIO_TYPES and entry.name in copied:
            parts.append(f'<audio controls preload="none" src="{copied[entry.name]}"></audio>')
    if artifact.about.strip():
        parts.append(f'<p class="words">{_text(artifact.about)}</p>')
    for noticing in artifact.noticings:
        noticed = _("Noticed later ({day}): {words}").format(day=day(noticing.at), words=noticing.text)
        parts.append(f'<p class="words">{_text(noticed)}</p>')
    links = [
        f'<li><a href="{copied[entry.name]}">{_text(entry.name)}</a> ({_text(file_kind(entry))}, {_text(size_words(entry.size))})</li>'
        for entry in artifact.files
        if entry.name in copied
    ]
    parts.append(f'<ul class="files">{"".join(links)}</ul>')
    parts.append("</article>")
    return "\n".join(parts)


def _film_html(artifact: ArtifactRecord, copied: dict[str, str]) -> list[str]:
    """The film playing in the page, its title card showing until it plays; a film whose
    video is not made yet shows the strip of its frames and says so."""
    title = _text(title_of(artifact))
    said = f'<p class="when">{_text(film_words(artifact))}</p>'
    if FILM_VIDEO in copied:
        poster = f' poster="{copied[FILM_TITLE_CARD]}"' if FILM_TITLE_CARD in copied else ""
        return [
            f'<video controls preload="metadata"{poster} aria-label="{title}">'
            f'<source src="{copied[FILM_VIDEO]}" type="video/mp4"></video>',
            said,
        ]
    parts = [f'<img src="{copied[FILM_STRIP]}" alt="{title}" loading="lazy">'] if FILM_STRIP in copied else []
    if film_encoded(artifact):
        # Its video could not be read, which the export's problems name.
        return [*parts, said]
    not_made = _("The video of this film is not made yet: here are some of its frames.")
    return [*parts, said, f'<p class="aside">{_text(not_made)}</p>']


def _words_html(blocks: list[Block], copied: dict[str, str], title: str) -> list[str]:
    tags = {HEADING: "<h4>{}</h4>", ASIDE: '<p class="aside words">{}</p>', PARAGRAPH: '<p class="words">{}</p>'}
    parts = []
    for block in blocks:
        if block.kind != PICTURE:
            parts.append(tags[block.kind].format(_text(block.text)))
        elif block.text in copied:
            parts.append(f'<img src="{copied[block.text]}" alt="{_text(title)}" loading="lazy">')
    return parts


def _copy_files(work: ClientWork, artifact: ArtifactRecord, folder: Path, problems: list[str]) -> dict[str, str]:
    """Copy the artifact's files into the folder; returns the address of each copied one."""
    relative = Path(FILES) / artifact.session_id / artifact.id
    make_folder(folder / relative)
    copied = {}
    for entry in artifact.files:
        try:
            data = work.reader.file(artifact, entry.name)
        except PortfolioError as exc:
            problems.append(_("{file} of '{title}' ({day}) is left out: {error}").format(
                file=entry.name, title=title_of(artifact), day=day(artifact.created), error=exc))
            continue
        write_file(folder / relative / entry.name, data)
        # Ids and file names are letters, digits, "-", "_" and ".": safe in an address as they are.
        copied[entry.name] = (relative / entry.name).as_posix()
    return copied


def _text(text: str) -> str:
    return html.escape(text, quote=True)
