"""What a piece of work says when its product is words, as the PDF report and the web
portfolio both show it: plain text as it is; Markdown as the activities write it
(headings; a quote, such as a story page's prompt; a picture line naming one of the piece's
own files; paragraphs)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from expressive.i18n import _
from expressive.portfolio import ArtifactRecord, PortfolioError

from .describe import IMAGE_TYPES, day, title_of
from .work import ClientWork

WORDS_TYPES = ("text/markdown", "text/plain")
HEADING, ASIDE, PICTURE, PARAGRAPH = "heading", "aside", "picture", "paragraph"

_MARKDOWN_BLOCK = re.compile(r"\n\s*\n")
_MARKDOWN_PICTURE = re.compile(r"!\[[^\]\n]*\]\((?P<name>[^)\n]+)\)")
_MARKDOWN_ESCAPE = re.compile(r"^\\", re.MULTILINE)


@dataclass(frozen=True)
class Block:
    """One part of the words: a HEADING, an ASIDE (a quote, or why the words are missing,
    shown quieter), a PICTURE (`text` is the name of one of the piece's own files) or a
    PARAGRAPH."""

    kind: str
    text: str


def words_of(work: ClientWork, artifact: ArtifactRecord, problems: list[str]) -> list[Block]:
    """The piece's words, block by block; [] for a piece whose product is not words. A file
    that cannot be read is named in `problems`, and an ASIDE says so."""
    product = artifact.file(artifact.product) if artifact.product else None
    if product is None or product.media_type not in WORDS_TYPES:
        return []
    try:
        text = work.reader.file(artifact, product.name).decode("utf-8", errors="replace")
    except (PortfolioError, OSError) as exc:
        problems.append(
            _("The words of '{title}' ({day}) are left out: {problem}").format(
                title=title_of(artifact), day=day(artifact.created), problem=exc
            )
        )
        return [Block(ASIDE, _("Its words could not be read: {problem}").format(problem=exc))]
    if product.media_type == "text/plain":
        return [Block(PARAGRAPH, text.strip())]
    own_pictures = {entry.name for entry in artifact.files if entry.media_type in IMAGE_TYPES}
    blocks = []
    for part in _MARKDOWN_BLOCK.split(text.strip()):
        found = _MARKDOWN_PICTURE.fullmatch(part)
        if found and found["name"] in own_pictures:
            blocks.append(Block(PICTURE, found["name"]))
        elif part.startswith("#"):
            heading = part.lstrip("#").strip()
            # The first-level heading is the work's title, which the page already shows.
            if heading and not (part.startswith("# ") and heading == title_of(artifact)):
                blocks.append(Block(HEADING, heading))
        elif part.startswith(">"):
            blocks.append(Block(ASIDE, "\n".join(line.removeprefix(">").strip() for line in part.split("\n"))))
        elif part.strip():
            blocks.append(Block(PARAGRAPH, _MARKDOWN_ESCAPE.sub("", part)))
    return blocks
