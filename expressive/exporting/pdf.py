"""A PDF report of chosen pieces of work, to print or to share (with reportlab).

A cover (the client's name, the dates the work spans, how much there is), then one page
per piece of work, oldest first: its picture, title, date and activity, the client's own
words about it (and what they noticed later), and the session it was made in (the goal,
whether it was met, the feelings at check-in and check-out). The therapist's private
notes (on the session and on the piece of work) and review marks are added only when asked
for, and then every page says the report is confidential.
"""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from PIL import Image as PILImage
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, Image, PageBreak, PageTemplate, Paragraph, Spacer
from reportlab.platypus.flowables import CallerMacro

from expressive.lib.typography import BODY_FONT, INK, TITLE_FONT, markup, register_fonts
from expressive.limits import open_picture_bounded
from expressive.portfolio import ArtifactRecord, PortfolioError, Session

from .describe import (
    activity_name,
    date_range,
    day,
    day_and_time,
    feeling_words,
    goal_met_words,
    picture_of,
    title_of,
)
from .output import InFlight, Progress, no_progress, replacing_file
from .work import ClientWork

PAGE_SIZE = A4
MARGIN = 18 * mm
FRAME_WIDTH = PAGE_SIZE[0] - 2 * MARGIN
FRAME_HEIGHT = PAGE_SIZE[1] - 2 * MARGIN
PICTURE_HEIGHT = FRAME_HEIGHT * 0.5
# Pictures are scaled to this many pixels on their long side (150 dpi across the page) and
# kept as JPEG, which reportlab embeds as it is: a 2048-pixel drawing would otherwise be
# compressed again, making the report slow and large. Half of the drawing's size lets
# Pillow average whole blocks of pixels first (reducing_gap=1), three times faster.
PICTURE_PIXELS = 1024
JPEG_QUALITY = 88
MUTED = "#666666"
CONFIDENTIAL = "Confidential: this report holds the therapist's private notes."


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
            bottomMargin=MARGIN, title=f"Work of {work.client.name}", author="", creator="Expressive",
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
        self.muted = style("muted", 11, colour=MUTED)


def _cover(work: ClientWork, styles: _Styles, confidential: bool) -> list:
    artifacts = work.artifacts
    sessions = sum(1 for entry in work.sessions if entry.artifacts)
    flowables: list = [
        Spacer(1, FRAME_HEIGHT * 0.25),
        Paragraph(markup(work.client.name, bold=True), styles.name),
        Paragraph(markup(f"Work from {date_range([artifact.created for artifact in artifacts])}"), styles.body),
        Paragraph(markup(f"{_count(len(artifacts), 'piece')} of work from {_count(sessions, 'session')}"), styles.body),
        Paragraph(markup(f"Report made on {day(datetime.now().astimezone())} with Expressive"), styles.muted),
    ]
    if confidential:
        flowables += [Spacer(1, 24), Paragraph(markup(CONFIDENTIAL, bold=True), styles.body)]
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
        problems.append(f"The piece of work {artifact.id} could not be read: {artifact.damaged}.")
        return [said(f"This piece of work ({artifact.id}) could not be read: {artifact.damaged}.")]

    flowables: list = [
        Paragraph(markup(title_of(artifact), bold=True), styles.title),
        said(f"{activity_name(artifact.activity)}, {day_and_time(artifact.created)}", styles.muted),
        Spacer(1, 8),
    ]
    name = picture_of(artifact)
    if name is not None:
        try:
            flowables += [_picture(work.reader.file(artifact, name)), Spacer(1, 10)]
        except (PortfolioError, OSError, ValueError, PILImage.DecompressionBombError) as exc:
            problems.append(f"The picture of '{title_of(artifact)}' ({day(artifact.created)}) is left out: {exc}")
            flowables.append(said(f"Its picture could not be read: {exc}", styles.muted))
    if artifact.about.strip():
        flowables += [heading("In the client's words"), said(artifact.about)]
    if artifact.noticings:
        flowables.append(heading("Noticed later"))
        flowables += [said(f"{day(noticing.at)}: {noticing.text}") for noticing in artifact.noticings]

    flowables += [Spacer(1, 6), heading(f"The session of {day(session.started)}")]
    if session.damaged:
        flowables.append(said(f"The session's record could not be read: {session.damaged}.", styles.muted))
    else:
        if session.goal.strip():
            flowables.append(said(f"Goal: {session.goal}"))
        met = goal_met_words(session)
        if met:
            flowables.append(said(met))
        flowables.append(
            said(f"Feeling at check-in: {feeling_words(session.feeling_in)}. At check-out: {feeling_words(session.feeling_out)}.")
        )

    if notes is None:
        return flowables
    session_note = notes.get((session.id, ""), "")
    work_note = notes.get((session.id, artifact.id), "")
    if session_note.strip():
        flowables += [heading("The therapist's note on the session (private)"), said(session_note)]
    if work_note.strip():
        flowables += [heading("The therapist's note on this work (private)"), said(work_note)]
    if artifact.marks:
        flowables.append(heading("Moments marked while reviewing (private)"))
        flowables += [said(f"{_minutes(mark['t'])}: {mark['note']}") for mark in artifact.marks]
    return flowables


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


def _picture(data: bytes) -> Image:
    """The picture as big as fits in the frame's width and PICTURE_HEIGHT, as a JPEG."""
    with open_picture_bounded(data) as opened:
        opened.thumbnail((PICTURE_PIXELS, PICTURE_PIXELS), reducing_gap=1.0)
        flat = opened.convert("RGB") if opened.mode == "RGB" else _on_white(opened)
    encoded = io.BytesIO()
    flat.save(encoded, format="JPEG", quality=JPEG_QUALITY)
    scale = min(FRAME_WIDTH / flat.width, PICTURE_HEIGHT / flat.height)
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
        canvas.drawString(MARGIN, MARGIN / 2, CONFIDENTIAL if confidential else "")
        canvas.drawRightString(PAGE_SIZE[0] - MARGIN, MARGIN / 2, str(document.page))
        canvas.restoreState()

    return draw


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _minutes(seconds: float) -> str:
    return f"{int(seconds) // 60}:{int(seconds) % 60:02d}"
