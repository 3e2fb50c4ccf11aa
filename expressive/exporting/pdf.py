"""A PDF report of chosen pieces of work, to print or to share (with reportlab).

A cover (the client's name, the dates the work spans, how much there is), then one page
per piece of work, oldest first: its picture, title, date and activity, what it says when
it is words (a story's pages, with their prompts and pictures), the client's own words
about it (and what they noticed later), and the session it was made in (the goal,
whether it was met, the feelings at check-in and check-out). A film shows its title card,
a strip of its frames and how long it is; a set of photos its first photo large and the
others in rows of small ones. Work that may show a person is only named by a line, unless
the therapist includes it. The therapist's private notes (on the session and on the piece
of work) and review marks are added only when asked for, and then every page says the
report is confidential.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from PIL import Image as PILImage
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, Image, PageBreak, PageTemplate, Paragraph, Spacer, Table, TableStyle
from reportlab.platypus.flowables import CallerMacro

from expressive.i18n import N_, _, ngettext
from expressive.lib.typography import BODY_FONT, INK, TITLE_FONT, markup, register_fonts
from expressive.limits import open_picture_bounded
from expressive.portfolio import ArtifactRecord, PortfolioError, Session

from .describe import (
    FILM_STRIP,
    FILM_TITLE_CARD,
    activity_name,
    date_range,
    day,
    day_and_time,
    feeling_words,
    film_words,
    goal_met_words,
    is_film,
    other_photos,
    picture_of,
    title_of,
)
from .output import InFlight, Progress, no_progress, replacing_file
from .words import ASIDE, HEADING, PARAGRAPH, PICTURE, words_of
from .work import PEOPLE_LEFT_OUT, ClientWork

PAGE_SIZE = A4
MARGIN = 18 * mm
FRAME_WIDTH = PAGE_SIZE[0] - 2 * MARGIN
FRAME_HEIGHT = PAGE_SIZE[1] - 2 * MARGIN
PICTURE_HEIGHT = FRAME_HEIGHT * 0.5
# A picture among a piece's words (a story page's) is smaller: the words come first.
WORDS_PICTURE_HEIGHT = FRAME_HEIGHT * 0.3
# A film shows its title card, then a strip of its frames as wide as the page.
TITLE_CARD_HEIGHT = FRAME_HEIGHT * 0.35
STRIP_HEIGHT = FRAME_HEIGHT * 0.15
# The photos of a set beside the one shown large: a row of small ones, so the whole set is
# seen at a glance on the page of the work (a page for each would bury its words).
PHOTO_ROW_COLUMNS = 4
PHOTO_ROW_GAP = 3 * mm
PHOTO_ROW_HEIGHT = FRAME_HEIGHT * 0.14
# A small photo needs fewer pixels: 150 dpi across a quarter of the page.
PHOTO_ROW_PIXELS = 320
# Pictures are scaled to this many pixels on their long side (150 dpi across the page) and
# kept as JPEG, which reportlab embeds as it is: a 2048-pixel drawing would otherwise be
# compressed again, making the report slow and large. Half of the drawing's size lets
# Pillow average whole blocks of pixels first (reducing_gap=1), three times faster.
PICTURE_PIXELS = 1024
JPEG_QUALITY = 88
MUTED = "#666666"
CONFIDENTIAL = N_("Confidential: this report holds the therapist's private notes.")


def write_pdf_report(
    work: ClientWork,
    out: Path,
    in_flight: InFlight,
    *,
    include_therapist_notes: bool,
    shared: bool = False,
    progress: Progress | None = None,
) -> list[str]:
    """Write the report of every artifact in `work` to `out`; returns what could not be
    included, in plain words ([] when everything is in). Runs on any thread. `in_flight`
    and `shared`: see `output.replacing_file`."""
    progress = progress or no_progress
    artifacts = work.artifacts
    sessions = {entry.session.id: entry.session for entry in work.sessions}
    # Reading and scaling the pictures, then laying out the pages: a step each per artifact.
    total = 2 * len(artifacts)
    done = 0
    progress(done, total)
    register_fonts()
    styles = _Styles()
    problems: list[str] = []
    notes = _notes(work, problems) if include_therapist_notes else None
    flowables: list = _cover(work, styles, include_therapist_notes)

    def laid_out(_flowable) -> None:
        nonlocal done
        done += 1
        progress(done, total)

    for artifact in artifacts:
        flowables.append(PageBreak())
        flowables += _artifact_page(work, artifact, sessions[artifact.session_id], styles, notes, problems)
        flowables.append(CallerMacro(drawCallable=laid_out))
        done += 1
        progress(done, total)

    with replacing_file(out, "the PDF report", in_flight, shared=shared) as stream:
        document = BaseDocTemplate(
            stream, pagesize=PAGE_SIZE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
            bottomMargin=MARGIN, title=_("Work of {name}").format(name=work.client.name), author="", creator="Expressive",
        )
        frame = Frame(MARGIN, MARGIN, FRAME_WIDTH, FRAME_HEIGHT, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        footer = _footer(include_therapist_notes)
        document.addPageTemplates([PageTemplate("page", [frame], onPage=footer)])
        document.build(flowables)
    return problems


class _Styles:
    def __init__(self):
        def style(name: str, size: float, *, font: str = BODY_FONT, colour: str = INK, after: float = 0.4) -> ParagraphStyle:
            return ParagraphStyle(
                name, fontName=font, fontSize=size, leading=size * 1.35, textColor=colour, spaceAfter=size * after
            )

        self.name = style("name", 34, font=TITLE_FONT, after=0.6)
        self.title = style("title", 24, font=TITLE_FONT, after=0.2)
        self.heading = style("heading", 13, font=TITLE_FONT, after=0.2)
        self.body = style("body", 12)
        self.words_heading = style("words-heading", 15, font=TITLE_FONT, after=0.2)
        self.muted = style("muted", 11, colour=MUTED)


def _cover(work: ClientWork, styles: _Styles, confidential: bool) -> list:
    artifacts = work.artifacts
    sessions = sum(1 for entry in work.sessions if entry.artifacts)
    pieces = ngettext("{n} piece of work", "{n} pieces of work", len(artifacts)).format(n=len(artifacts))
    from_sessions = ngettext("{n} session", "{n} sessions", sessions).format(n=sessions)
    flowables: list = [
        Spacer(1, FRAME_HEIGHT * 0.25),
        Paragraph(markup(work.client.name, bold=True), styles.name),
        Paragraph(markup(_("Work from {dates}").format(dates=date_range([artifact.created for artifact in artifacts]))), styles.body),
        Paragraph(markup(_("{pieces_of_work} from {sessions}").format(pieces_of_work=pieces, sessions=from_sessions)), styles.body),
        Paragraph(markup(_("Report made on {day} with Expressive").format(day=day(datetime.now().astimezone()))), styles.muted),
    ]
    if confidential:
        flowables += [Spacer(1, 24), Paragraph(markup(_(CONFIDENTIAL), bold=True), styles.body)]
    return flowables


def _artifact_page(
    work: ClientWork,
    artifact: ArtifactRecord,
    session: Session,
    styles: _Styles,
    notes: dict[tuple[str, str], str] | None,
    problems: list[str],
) -> list:
    """The page of one piece of work; `notes` is None when the therapist's private notes
    (and review marks, which are private too) stay out."""

    def said(text: str, style: ParagraphStyle = styles.body) -> Paragraph:
        return Paragraph(markup(text), style)

    def heading(text: str) -> Paragraph:
        return Paragraph(markup(text, bold=True), styles.heading)

    if artifact.damaged:
        problems.append(
            _("The piece of work {id} could not be read: {reason}.").format(id=artifact.id, reason=artifact.damaged)
        )
        return [said(_("This piece of work ({id}) could not be read: {reason}.").format(id=artifact.id, reason=artifact.damaged))]
    when = said(_("{activity}, {when}").format(activity=activity_name(artifact.activity), when=day_and_time(artifact.created)),
                styles.muted)
    if work.leaves_out(artifact):
        # Not even its title, which may name the person.
        return [when, Spacer(1, 8), said(_(PEOPLE_LEFT_OUT))]

    def picture(name: str, height: float, width: float = FRAME_WIDTH, pixels: int = PICTURE_PIXELS) -> list:
        """The picture in file `name`, or why it is missing (in `problems` too)."""
        try:
            return [_picture(work.reader.file(artifact, name), height, width, pixels), Spacer(1, 10)]
        except (PortfolioError, OSError, ValueError, PILImage.DecompressionBombError) as exc:
            problems.append(
                _("The picture of '{title}' ({day}) is left out: {problem}").format(
                    title=title_of(artifact), day=day(artifact.created), problem=exc
                )
            )
            return [said(_("Its picture could not be read: {problem}").format(problem=exc), styles.muted)]

    flowables: list = [Paragraph(markup(title_of(artifact), bold=True), styles.title), when, Spacer(1, 8)]
    words = _words_of(work, artifact, styles, picture, problems)
    name = picture_of(artifact)
    if is_film(artifact):
        flowables += picture(FILM_TITLE_CARD, TITLE_CARD_HEIGHT)
        flowables += picture(FILM_STRIP, STRIP_HEIGHT)
        flowables.append(said(film_words(artifact), styles.muted))
    # Words with pictures of their own (a story's pages) show the work; its cover would repeat them.
    elif name is not None and not any(isinstance(flowable, Image) for flowable in words):
        flowables += picture(name, PICTURE_HEIGHT)
    flowables += _photo_rows(other_photos(artifact), picture)
    flowables += words
    if artifact.about.strip():
        flowables += [heading(_("In the client's words")), said(artifact.about)]
    if artifact.noticings:
        flowables.append(heading(_("Noticed later")))
        flowables += [
            said(_("{day}: {words}").format(day=day(noticing.at), words=noticing.text)) for noticing in artifact.noticings
        ]

    flowables += [Spacer(1, 6), heading(_("The session of {day}").format(day=day(session.started)))]
    if session.damaged:
        flowables.append(said(_("The session's record could not be read: {reason}.").format(reason=session.damaged), styles.muted))
    else:
        if session.goal.strip():
            flowables.append(said(_("Goal: {goal}").format(goal=session.goal)))
        met = goal_met_words(session)
        if met:
            flowables.append(said(met))
        flowables.append(
            said(
                _("Feeling at check-in: {feeling_in}. At check-out: {feeling_out}.").format(
                    feeling_in=feeling_words(session.feeling_in), feeling_out=feeling_words(session.feeling_out)
                )
            )
        )

    if notes is None:
        return flowables
    session_note = notes.get((session.id, ""), "")
    work_note = notes.get((session.id, artifact.id), "")
    if session_note.strip():
        flowables += [heading(_("The therapist's note on the session (private)")), said(session_note)]
    if work_note.strip():
        flowables += [heading(_("The therapist's note on this work (private)")), said(work_note)]
    if artifact.marks:
        flowables.append(heading(_("Moments marked while reviewing (private)")))
        flowables += [
            said(_("{time}: {note}").format(time=_minutes(mark["t"]), note=mark["note"])) for mark in artifact.marks
        ]
    return flowables


def _words_of(work: ClientWork, artifact: ArtifactRecord, styles: _Styles, picture, problems: list[str]) -> list:
    """The piece's words (see `words.words_of`), its pictures drawn by `picture`."""
    style_of = {HEADING: styles.words_heading, ASIDE: styles.muted, PARAGRAPH: styles.body}
    flowables: list = []
    for block in words_of(work, artifact, problems):
        if block.kind == PICTURE:
            flowables += picture(block.text, WORDS_PICTURE_HEIGHT)
        else:
            flowables.append(Paragraph(markup(block.text, bold=block.kind == HEADING), style_of[block.kind]))
    return flowables


def _photo_rows(names: list[str], picture) -> list:
    """The photos in rows of small pictures drawn by `picture` (a photo that cannot be read
    says so in its place)."""
    if not names:
        return []
    width = (FRAME_WIDTH - PHOTO_ROW_GAP * (PHOTO_ROW_COLUMNS - 1)) / PHOTO_ROW_COLUMNS
    cells = [picture(name, PHOTO_ROW_HEIGHT, width, PHOTO_ROW_PIXELS)[0] for name in names]
    rows = [cells[start:start + PHOTO_ROW_COLUMNS] for start in range(0, len(cells), PHOTO_ROW_COLUMNS)]
    rows[-1] += [""] * (PHOTO_ROW_COLUMNS - len(rows[-1]))
    table = Table(rows, colWidths=[width + PHOTO_ROW_GAP] * (PHOTO_ROW_COLUMNS - 1) + [width], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), PHOTO_ROW_GAP),
    ]))
    return [table, Spacer(1, 10)]


def _notes(work: ClientWork, problems: list[str]) -> dict[tuple[str, str], str]:
    """The therapist's notes by (session id, artifact id or "" for the session's own)."""
    documents, unreadable = work.reader.therapist_notes()
    problems += unreadable
    found = {}
    for document in documents:
        text = document.get("text")
        if isinstance(text, str):
            found[(str(document.get("session_id")), str(document.get("artifact_id") or ""))] = text
    return found


def _picture(data: bytes, height: float, width: float = FRAME_WIDTH, pixels: int = PICTURE_PIXELS) -> Image:
    """The picture as big as fits in `width` and `height`, as a JPEG of at most `pixels`
    on its long side."""
    with open_picture_bounded(data) as opened:
        opened.thumbnail((pixels, pixels), reducing_gap=1.0)
        flat = opened.convert("RGB") if opened.mode == "RGB" else _on_white(opened)
    encoded = io.BytesIO()
    flat.save(encoded, format="JPEG", quality=JPEG_QUALITY)
    scale = min(width / flat.width, height / flat.height)
    shown = Image(io.BytesIO(encoded.getvalue()), width=flat.width * scale, height=flat.height * scale)
    shown.hAlign = "LEFT"
    return shown


def _on_white(picture: PILImage.Image) -> PILImage.Image:
    """A picture with transparency (or a palette) on white paper, as JPEG needs."""
    with_alpha = picture.convert("RGBA")
    flat = PILImage.new("RGB", with_alpha.size, "white")
    flat.paste(with_alpha, mask=with_alpha.getchannel("A"))
    return flat


def _footer(confidential: bool):
    def draw(canvas, document) -> None:
        if document.page == 1:
            return
        canvas.saveState()
        canvas.setFont(BODY_FONT, 9)
        canvas.setFillColor(MUTED)
        canvas.drawString(MARGIN, MARGIN / 2, _(CONFIDENTIAL) if confidential else "")
        canvas.drawRightString(PAGE_SIZE[0] - MARGIN, MARGIN / 2, str(document.page))
        canvas.restoreState()

    return draw


def _minutes(seconds: float) -> str:
    return f"{int(seconds) // 60}:{int(seconds) % 60:02d}"
