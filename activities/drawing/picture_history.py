"""The picture a drawing's log adds up to, kept up to date as the log changes, with
pictures of earlier moments kept so that undo and redo cost the same at any length.

Drawing the whole log again on every undo takes time in proportion to the drawing's
length (seconds at 1,000 strokes). Instead the picture is always brought to the log's
state from the nearest rendered picture whose marks are the first marks of that state:
the picture on screen itself when marks were only added (a stroke, a redo), or a kept
snapshot, so that no undo or redo near the end draws more than `spacing - 1` marks.

What is kept: the pixels under the last mark from before it was drawn (so undoing it
puts them back, and a stroke's end copies no more than its own box); the picture before
the last mark, once an undo has made it wanted (the next undo's picture, shown as it is,
while the picture it replaces is kept for a redo: neither is copied); and snapshots every
`spacing` marks near the end of the drawing (`dense` of them, the end's own place
counted), then one in each band further back, each band twice as long as the one before
and its snapshot twice as far apart. Snapshots are taken as marks are drawn from a
snapshot, and by `prepare()`, which the studio calls between frames while no finger is on
the paper (at most `spacing` marks a call): it copies the picture shown where a snapshot
is wanted, and renders the ones the next undos will want, nearest first, before they are
asked for.

The trade-off, memory against time: a snapshot is the whole picture (9.4 MB at
2048x1536 RGB), so at most `most_kept` are held (75 MB by default), however long the
drawing; past the limit the oldest go first. That covers a run of undos back through
1,000 marks with four `prepare()` calls between undos (a person's quickest taps are
more frames apart): each undo shows a picture made ready and draws nothing. A run back
through many more marks outruns the snapshots kept, so now and then one undo draws from
the paper; and a jump far back at once (the undo of a clear whose snapshots were
dropped, a new paper) draws from the nearest snapshot there is, at worst from the
paper, as every undo once did.

A snapshot is named by its paper and its marks (the very mark objects of the log, so an
undone and redone mark is the same one, and a stamp resized after it was placed is a new
one): it serves any state whose paper is the same and whose marks begin with its marks.

No Kivy here: the studio shows `picture`, and tests compare it with `render_image`.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

from PIL import Image

from expressive.lib.drawing.render import Box, draw_mark, mark_box
from expressive.lib.drawing.strokes import DrawingLog, Mark
from expressive.lib.drawing.templates import paper_image

# At most this many marks are drawn by an undo or redo near the end of a drawing, less one.
SPACING = 6
# How many snapshots, `SPACING` marks apart, are kept behind the end of the drawing
# (then one in each band twice as long as the one before it, twice as sparse).
DENSE = 2
# The most whole pictures held besides the one shown (9.4 MB each at 2048x1536).
MOST_KEPT = 8

Paper = tuple[str, str | None, str | None]


@dataclass
class _Rendered:
    """A picture of the marks `marks` drawn in order on `paper`, and the box each changed."""

    paper: Paper
    marks: tuple[Mark, ...]
    boxes: tuple[Box | None, ...]
    image: Image.Image
    # When it was last made or drawn from (a count of updates), to drop the longest unused.
    used: int = 0

    def serves(self, paper: Paper, marks: tuple[Mark, ...]) -> bool:
        """Whether drawing on from here reaches `marks` on `paper`."""
        count = len(self.marks)
        return paper == self.paper and count <= len(marks) and all(map(operator.is_, self.marks, marks[:count]))


def _begins(rendered: _Rendered | None, paper: Paper, marks: tuple[Mark, ...]) -> bool:
    """Whether `marks` on `paper` are the first marks of `rendered`."""
    return rendered is not None and rendered.paper == paper and all(map(operator.is_, marks, rendered.marks[: len(marks)]))


class PictureHistory:
    """The picture of one log's state now, and snapshots of it along the way (see the
    module's docstring for what is kept and why)."""

    def __init__(self, log: DrawingLog, *, spacing: int = SPACING, dense: int = DENSE, most_kept: int = MOST_KEPT):
        if spacing < 1 or dense < 1 or most_kept < 1:
            raise ValueError("spacing, dense and most_kept must each be at least 1")
        self.log = log
        self.spacing = spacing
        self.dense = dense
        self.most_kept = most_kept
        self._shown: _Rendered | None = None
        self._kept: list[_Rendered] = []
        # A snapshot `prepare()` is part way through drawing.
        self._building: _Rendered | None = None
        # The pixels under the last mark before it was drawn on the picture shown, and
        # where: put back, they undo it.
        self._patch: tuple[Box | None, Image.Image | None] | None = None
        self._updates = 0
        # How many marks the last `update()` drew (0: the picture was already the log's).
        self.last_drawn = 0

    @property
    def picture(self) -> Image.Image:
        """The picture as of the last `update()` (do not change it)."""
        if self._shown is None:
            self.update()
        return self._shown.image

    @property
    def kept_bytes(self) -> int:
        """The memory the snapshots take (the picture shown not counted)."""
        held = [rendered.image for rendered in self._kept + ([self._building] if self._building else [])]
        if self._patch is not None and self._patch[1] is not None:
            held.append(self._patch[1])
        return sum(len(image.getbands()) * image.width * image.height for image in held)

    def update(self) -> Box | None:
        """Bring the picture to the log's state now (the finished marks: a stroke still
        being drawn is not in it); returns the box of the picture that changed, None when
        nothing did."""
        self._updates += 1
        paper, marks = self._state()
        shown = self._shown
        if shown is not None and len(shown.marks) == len(marks) and shown.serves(paper, marks):
            self.last_drawn = 0
            return None
        patch, self._patch = self._patch, None
        base = self._nearest(paper, marks, len(marks))
        copied = False
        if base is not None and len(base.marks) == len(marks):
            # A snapshot of this very state: shown as it is (shared with the snapshot until
            # it is drawn on), and the picture it replaces kept for a redo; nothing copied.
            if shown is not None and shown.marks and not self._has(shown.paper, shown.marks, len(shown.marks)):
                shown.used = self._updates
                self._kept.append(shown)
            image, boxes = base.image, list(base.boxes)
        elif patch is not None and len(marks) == len(shown.marks) - 1 and _begins(shown, paper, marks):
            # The last mark undone: the pixels under it put back.
            image, boxes = self._release(shown.image), list(shown.boxes[:-1])
            box, pixels = patch
            if box is not None:
                image.paste(pixels, box[:2])
        elif base is not None and base is shown:
            # Only marks to add: drawn on the picture shown.
            image, boxes = self._release(shown.image), list(shown.boxes)
            if len(marks) == len(boxes) + 1:
                # Kept instead of a copy of the whole picture, should the mark be undone.
                box = mark_box(marks[-1], image.size)
                self._patch = box, image.crop(box) if box is not None else None
        else:
            copied = True
            image, boxes = (base.image.copy(), list(base.boxes)) if base else (paper_image(self.log).copy(), [])
        start = len(boxes)
        # On the picture shown (a stroke's end) no snapshot is copied: `prepare()` does
        # that between frames.
        self._draw(image, boxes, paper, marks, len(marks), keep=copied)
        self.last_drawn = len(marks) - start
        self._shown = _Rendered(paper, marks, tuple(boxes), image, self._updates)
        self._drop_unreachable()
        self._drop_extra()
        return self._changed(shown)

    def prepare(self) -> bool:
        """One step of work for the undos to come: copy the picture shown, or draw at most
        `spacing` marks towards, the nearest wanted snapshot that is missing. False when
        none was missing (nothing to do until the next `update()`)."""
        shown = self._shown
        # The eraser paints the log's paper back: a snapshot is drawn on the paper it is named by.
        if shown is None or shown.paper != self.log.paper:
            return False
        paper, marks = shown.paper, shown.marks
        end = len(marks)
        missing = [
            position for position in self._wanted_below(end)
            # The picture before the last mark drawn is the picture shown and its patch.
            if not self._has(paper, marks, position) and not (position == end - 1 and self._patch is not None)
        ]
        if not missing:
            self._building = None
            return False
        target = missing[0]
        if target == end:
            self._kept.append(_Rendered(paper, marks, shown.boxes, shown.image.copy(), self._updates))
            self._drop_extra()
            return True
        base = self._nearest(paper, marks, target, building=True)
        if base is not None and base is self._building:
            image, boxes = base.image, list(base.boxes)  # drawn on where it was left
        elif base is not None:
            image, boxes = base.image.copy(), list(base.boxes)
        else:
            image, boxes = paper_image(self.log).copy(), []
        stop = min(target, len(boxes) + self.spacing)
        self._draw(image, boxes, paper, marks, stop)
        if stop < target:
            self._building = _Rendered(paper, marks[:stop], tuple(boxes), image, self._updates)
        elif base is self._building:
            self._building = None  # finished: kept by `_draw` as the snapshot it was drawn for
        self._drop_extra()
        return True

    # --- the state and what serves it -----------------------------------------------------

    def _state(self) -> tuple[Paper, tuple[Mark, ...]]:
        marks = self.log.visible_marks()
        # The stroke under the finger is the screen's sketch until it is finished.
        if marks and marks[-1] is self.log.current_stroke:
            marks.pop()
        return self.log.paper, tuple(marks)

    def _nearest(self, paper: Paper, marks: tuple[Mark, ...], limit: int, *, building: bool = False) -> _Rendered | None:
        """The rendered picture with the most of `marks` (at most `limit`) on `paper`, the
        snapshot being drawn too if `building`; the one shown or being drawn when it has as
        many, as it is drawn on without a copy."""
        extra = self._building if building else self._shown
        candidates = ([extra] if extra else []) + self._kept
        usable = [rendered for rendered in candidates if len(rendered.marks) <= limit and rendered.serves(paper, marks)]
        if not usable:
            return None
        best = max(usable, key=lambda rendered: len(rendered.marks))
        best.used = self._updates
        return best

    def _has(self, paper: Paper, marks: tuple[Mark, ...], position: int) -> bool:
        return any(len(kept.marks) == position and kept.serves(paper, marks) for kept in self._kept)

    def _wanted_below(self, end: int) -> list[int]:
        """The places up to `end` a snapshot is wanted, nearest first, as many as can be
        kept beside one being drawn."""
        places = [end] if self._wanted(end, end) else []
        places += [end - 1] if end > 1 else []
        for position in range(end - 2 - (end - 2) % self.spacing, 0, -self.spacing):
            if self._wanted(position, end):
                places.append(position)
                if len(places) >= self.most_kept - 1:
                    break
        return places

    def _wanted(self, position: int, end: int) -> bool:
        """Whether a snapshot after `position` marks is one to keep when the drawing has
        `end`: the one before the last mark (the next undo's picture), and every `spacing`
        marks near the end, twice as far apart in each band twice as long further back."""
        if position == end - 1 and position > 0:
            return True
        if position <= 0 or position % self.spacing:
            return False
        stride, reach = self.spacing, self.dense * self.spacing
        while end - position >= reach:
            stride, reach = stride * 2, reach * 2
        return position % stride == 0

    # --- drawing and keeping --------------------------------------------------------------

    def _draw(
        self, image: Image.Image, boxes: list[Box | None], paper: Paper, marks: tuple[Mark, ...], stop: int,
        *, keep: bool = True,
    ) -> None:
        """Draw marks onto `image` from where `boxes` ends up to `stop`, keeping a snapshot
        at each wanted place passed (from where it starts to `stop`) if `keep`."""
        background = paper_image(self.log)
        end = len(marks)
        for position in range(len(boxes), stop + 1):
            if keep and self._wanted(position, end) and not self._has(paper, marks, position):
                self._kept.append(_Rendered(paper, marks[:position], tuple(boxes), image.copy(), self._updates))
            if position < stop:
                boxes.append(draw_mark(image, marks[position], background))

    def _release(self, image: Image.Image) -> Image.Image:
        """`image`, about to be drawn on: no longer a snapshot (it may have been shared with
        the picture shown)."""
        self._kept = [kept for kept in self._kept if kept.image is not image]
        return image

    def _drop_unreachable(self) -> None:
        """Forget the snapshots no undo or redo can come back to: those with a mark that
        left the log's timeline (undone, then something new done instead; or a stamp
        resized after it was placed). While its last mark is in the timeline, so are all
        the marks before it: the last tells."""
        reachable = {id(action) for action in self.log.timeline()}
        self._kept = [kept for kept in self._kept if id(kept.marks[-1]) in reachable]

    def _drop_extra(self) -> None:
        """Keep at most `most_kept` pictures: first the wanted snapshots of the state now,
        nearest its end first, then those of other states (undone marks, another paper)
        used last, then the rest."""
        room = self.most_kept - (1 if self._building else 0)
        if len(self._kept) <= room:
            return
        paper, marks = self._shown.paper, self._shown.marks
        end = len(marks)

        def rank(kept: _Rendered) -> tuple[int, int]:
            if not kept.serves(paper, marks):
                return 1, -kept.used
            distance = end - len(kept.marks)
            return (0 if self._wanted(len(kept.marks), end) else 2), distance

        self._kept = sorted(self._kept, key=rank)[:room]

    def _changed(self, before: _Rendered | None) -> Box | None:
        """The box that holds every pixel changed from `before` to the picture now: the
        boxes of the marks either has beyond the marks they share (the picture of those is
        the same in both), or the whole picture on another paper."""
        after = self._shown
        if before is None or before.paper != after.paper:
            return (0, 0, after.image.width, after.image.height)
        shared = 0
        for old, new in zip(before.marks, after.marks):
            if old is not new:
                break
            shared += 1
        return _union(before.boxes[shared:] + after.boxes[shared:])


def _union(boxes) -> Box | None:
    present = [box for box in boxes if box is not None]
    if not present:
        return None
    return (
        min(box[0] for box in present),
        min(box[1] for box in present),
        max(box[2] for box in present),
        max(box[3] for box in present),
    )
