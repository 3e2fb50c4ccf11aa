"""A story as a picture book (PDF, with reportlab) and as a web page (one HTML file).

The book has a title page, then each story page on a page of its own: the picture large,
the text below in Andika (a typeface made for children learning to read), flowing onto
more pages when it is long. The type, with its fallback fonts for letters Andika lacks, is
`expressive.lib.typography`, which the host's exports share.
"""

from __future__ import annotations

import base64
import html
import io

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, Image, NextPageTemplate, PageBreak, PageTemplate, Paragraph, Spacer

from expressive.activities.story.model import Page, Story, picture_extension
from expressive.api.i18n import N_, _, language
from expressive.lib.typography import BODY_FONT, INK, TITLE_FONT, markup_line, register_fonts
from expressive.api.limits import check_picture_size

# What the book and the web page call a story the client has not named.
UNTITLED = N_("My story")

PAGE_SIZE = A4
MARGIN = 18 * mm
FRAME_WIDTH = PAGE_SIZE[0] - 2 * MARGIN
FRAME_HEIGHT = PAGE_SIZE[1] - 2 * MARGIN
TEXT_SIZE = 20
TITLE_SIZE = 40
# A picture takes at most this share of the page's height when the page has text too.
PICTURE_SHARE_WITH_TEXT = 0.6
def _styles() -> tuple[ParagraphStyle, ParagraphStyle]:
    body = ParagraphStyle("story-text", fontName=BODY_FONT, fontSize=TEXT_SIZE, leading=TEXT_SIZE * 1.45, textColor=INK)
    title = ParagraphStyle(
        "story-title", fontName=TITLE_FONT, fontSize=TITLE_SIZE, leading=TITLE_SIZE * 1.25,
        alignment=TA_CENTER, textColor=INK,
    )
    return body, title


def _picture(data: bytes, width: float, height: float) -> Image:
    """The picture as big as fits in width x height points, keeping its shape."""
    pixels_wide, pixels_high = check_picture_size(data)
    scale = min(width / pixels_wide, height / pixels_high)
    picture = Image(io.BytesIO(data), width=pixels_wide * scale, height=pixels_high * scale)
    picture.hAlign = "CENTER"
    return picture


def _page_flowables(page: Page, body: ParagraphStyle) -> list:
    has_text = bool(page.text.strip())
    if page.picture is not None and not has_text:
        return [_picture(page.picture, FRAME_WIDTH, FRAME_HEIGHT)]
    flowables: list = []
    if page.picture is not None:
        flowables += [_picture(page.picture, FRAME_WIDTH, FRAME_HEIGHT * PICTURE_SHARE_WITH_TEXT), Spacer(1, body.leading)]
    # A paragraph per line, so the client's line breaks and empty lines stay.
    for line in page.text.split("\n"):
        flowables.append(Paragraph(markup_line(line), body) if line.strip() else Spacer(1, body.leading))
    return flowables


def _number_the_page(canvas, document) -> None:
    # The title page is not counted: the story's first page is page 1.
    canvas.saveState()
    canvas.setFont(BODY_FONT, TEXT_SIZE * 0.7)
    canvas.setFillColor(INK)
    canvas.drawCentredString(PAGE_SIZE[0] / 2, MARGIN / 2, str(document.page - 1))
    canvas.restoreState()


def picture_book_pdf(story: Story) -> bytes:
    """The story as a picture book: a title page, then one page (or more, when the text
    is long) per story page, numbered from the first story page."""
    register_fonts()
    body, title_style = _styles()
    output = io.BytesIO()
    document = BaseDocTemplate(
        output, pagesize=PAGE_SIZE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN,
        title=story.title or _(UNTITLED), author="", creator="Expressive",
    )
    frame = Frame(
        MARGIN, MARGIN, FRAME_WIDTH, FRAME_HEIGHT, id="page", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0
    )
    document.addPageTemplates([
        PageTemplate("title", [frame]),
        PageTemplate("story", [frame], onPage=_number_the_page),
    ])
    flowables: list = [
        Spacer(1, FRAME_HEIGHT * 0.3),
        Paragraph(markup_line(story.title.strip() or _(UNTITLED), bold=True), title_style),
        NextPageTemplate("story"),
    ]
    for page in story.pages:
        flowables.append(PageBreak())
        flowables += _page_flowables(page, body)
    document.build(flowables)
    return output.getvalue()


_WEB_STYLE = """
body { margin: 0; background: #FBF8F1; color: #222; font-family: Andika, "Atkinson Hyperlegible", Verdana, sans-serif; }
main { max-width: 46rem; margin: 0 auto; padding: 2rem 1.25rem 4rem; }
h1 { font-size: 2.75rem; line-height: 1.2; text-align: center; margin: 2rem 0 3rem; }
section { margin: 0 0 4rem; }
img { display: block; max-width: 100%; height: auto; margin: 0 auto 1.5rem; border-radius: 0.5rem; }
.text { font-size: 1.6rem; line-height: 1.6; white-space: pre-wrap; overflow-wrap: break-word; margin: 0; }
.number { text-align: center; color: #777; font-size: 1.1rem; margin: 1rem 0 0; }
@media print { section { break-after: page; } body { background: none; } }
"""

# Nothing in the page may run or load anything: a story is text and its own pictures.
_CONTENT_POLICY = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def web_page(story: Story) -> bytes:
    """The story as one self-contained HTML file (UTF-8): pictures inside it as data:
    addresses, its style inline, no scripts, nothing fetched from anywhere."""
    title = html.escape(story.title.strip() or _(UNTITLED))
    sections = []
    for number, page in enumerate(story.pages, start=1):
        page_name = html.escape(_("Page {number}").format(number=number), quote=True)
        parts = [f'<section aria-label="{page_name}">']
        if page.picture is not None:
            media_type = "image/png" if picture_extension(page.picture) == "png" else "image/jpeg"
            encoded = base64.b64encode(page.picture).decode("ascii")
            alt = _("A drawing for page {number}") if page.picture_kind == "drawing" else _("A picture for page {number}")
            alt = html.escape(alt.format(number=number), quote=True)
            parts.append(f'<img src="data:{media_type};base64,{encoded}" alt="{alt}">')
        if page.text.strip():
            parts.append(f'<p class="text">{html.escape(page.text)}</p>')
        parts.append(f'<p class="number">{number}</p></section>')
        sections.append("".join(parts))
    pages = "\n".join(sections)
    document = f"""<!DOCTYPE html>
<html lang="{html.escape(language().replace("_", "-"), quote=True)}">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CONTENT_POLICY}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>{_WEB_STYLE}</style>
</head>
<body>
<main>
<h1>{title}</h1>
{pages}
</main>
</body>
</html>
"""
    return document.encode("utf-8")
