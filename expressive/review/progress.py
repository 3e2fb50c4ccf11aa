"""Progress over all of a client's sessions, as a picture to look at together: feelings at
check-in and check-out, the goals and whether they were met, and what the client chose
to make. Drawn with Pillow, so the app, a PDF report and a web page show the same chart.
No Kivy here.
"""

from __future__ import annotations

import io
from PIL import Image, ImageDraw, ImageFont

from expressive.feelings import FEELINGS, feeling
from expressive.i18n import _, format_date, ngettext
from expressive.portfolio import ProgressRow
from expressive.lib.fonts import TEXT_FONT, TEXT_FONT_BOLD

BACKGROUND = (255, 255, 255)
PANEL = (247, 247, 244)
GRID = (222, 222, 216)
INK = (45, 45, 52)
QUIET_INK = (115, 115, 120)
MET = (46, 125, 50)
NOT_MET = (198, 80, 60)
# One colour per activity, in the order they first appear; more than these repeat.
ACTIVITY_COLOURS = ((0, 114, 178), (230, 159, 0), (0, 158, 115), (204, 121, 167), (86, 180, 233), (213, 94, 0))


def fitting(text: str, font: ImageFont.FreeTypeFont, width: float) -> ImageFont.FreeTypeFont:
    """`font`, or a smaller size of it, in which `text` is at most `width` wide: a label in
    a longer language shrinks rather than run off the chart."""
    size = font.size
    while size > 8 and font.getlength(text) > width:
        size -= 1
        font = font.font_variant(size=size)
    return font


def progress_chart(rows: list[ProgressRow], size: tuple[int, int] = (1600, 900),
                   titles: dict[str, str] | None = None) -> Image.Image:
    """Three bands over the same sessions, oldest on the left: feelings (a hollow dot at
    check-in, a filled one at check-out, joined), goals (met, not met, not said), and
    what was made (a square per piece, coloured by activity; `titles` names them)."""
    width, height = size
    image = Image.new("RGB", size, BACKGROUND)
    draw = ImageDraw.Draw(image)
    scale = height / 900
    text = ImageFont.truetype(str(TEXT_FONT), round(22 * scale))
    bold = ImageFont.truetype(str(TEXT_FONT_BOLD), round(24 * scale))
    left, right = round(190 * scale), width - round(30 * scale)
    bands = {"feelings": (round(60 * scale), round(520 * scale)), "goals": (round(560 * scale), round(640 * scale)),
             "made": (round(690 * scale), round(820 * scale))}
    if not rows:
        draw.text((width // 2, height // 2), _("No sessions yet."), fill=QUIET_INK, font=bold, anchor="mm")
        return image
    step = (right - left) / len(rows)

    def x_of(index: int) -> float:
        return left + step * (index + 0.5)

    # Feelings: five rows, one per face, the happiest at the top.
    top, bottom = bands["feelings"]
    draw.rectangle((left, top, right, bottom), fill=PANEL)
    heading = _("How the client felt: at check-in (ring) and check-out (dot)")
    draw.text((round(20 * scale), top - round(40 * scale)), heading, fill=INK, font=fitting(heading, bold, width - round(40 * scale)))

    def y_of(value: int) -> float:
        return bottom - (value - 0.5) / len(FEELINGS) * (bottom - top)

    for face in FEELINGS:
        y = y_of(face.value)
        draw.line((left, y, right, y), fill=GRID, width=max(1, round(2 * scale)))
        label = _(face.label)
        draw.text((left - round(14 * scale), y), label, fill=QUIET_INK, font=fitting(label, text, left - round(24 * scale)),
                  anchor="rm")
    radius = max(4, min(round(14 * scale), step / 3))
    for index, row in enumerate(rows):
        x = x_of(index)
        start, end = feeling(row.feeling_in), feeling(row.feeling_out)
        if start and end:
            draw.line((x, y_of(start.value), x, y_of(end.value)), fill=QUIET_INK, width=max(1, round(3 * scale)))
        if start:
            y = y_of(start.value)
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), outline=start.colour, width=max(2, round(4 * scale)), fill=BACKGROUND)
        if end:
            y = y_of(end.value)
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=end.colour, outline=INK)

    # Goals: a tick when met, a cross when not, a dash when a goal was set but not judged.
    top, bottom = bands["goals"]
    draw.text((round(20 * scale), top - round(34 * scale)), _("Goals"), fill=INK, font=bold)
    draw.rectangle((left, top, right, bottom), fill=PANEL)
    middle = (top + bottom) / 2
    mark = min(radius, (bottom - top) / 3)
    for index, row in enumerate(rows):
        x = x_of(index)
        if not row.goal:
            continue
        if row.goal_met is True:
            draw.line((x - mark, middle, x - mark / 3, middle + mark, x + mark, middle - mark), fill=MET, width=max(2, round(5 * scale)))
        elif row.goal_met is False:
            draw.line((x - mark, middle - mark, x + mark, middle + mark), fill=NOT_MET, width=max(2, round(5 * scale)))
            draw.line((x - mark, middle + mark, x + mark, middle - mark), fill=NOT_MET, width=max(2, round(5 * scale)))
        else:
            draw.line((x - mark, middle, x + mark, middle), fill=QUIET_INK, width=max(2, round(4 * scale)))
    set_goals = [row for row in rows if row.goal]
    met = sum(row.goal_met is True for row in set_goals)
    summary = ngettext("{met} of {count} met", "{met} of {count} met", len(set_goals)).format(met=met, count=len(set_goals))
    draw.text((left - round(14 * scale), middle), summary, fill=QUIET_INK, font=fitting(summary, text, left - round(24 * scale)),
              anchor="rm")

    # What was made: a stack of squares per session, one per piece, coloured by activity.
    top, bottom = bands["made"]
    heading = _("What the client chose to make")
    draw.text((round(20 * scale), top - round(34 * scale)), heading, fill=INK, font=fitting(heading, bold, width - round(40 * scale)))
    activities = list(dict.fromkeys(activity for row in rows for activity in row.activities))
    colours = {activity: ACTIVITY_COLOURS[index % len(ACTIVITY_COLOURS)] for index, activity in enumerate(activities)}
    most = max((row.artifacts for row in rows), default=1) or 1
    square = min(step * 0.7, (bottom - top) / most)
    for index, row in enumerate(rows):
        x = x_of(index)
        made = [activity for activity, count in row.activities.items() for _ in range(count)]
        for place, activity in enumerate(made):
            y = bottom - (place + 1) * square
            draw.rectangle((x - square / 2, y + 1, x + square / 2, y + square - 1), fill=colours[activity])
    # The legend, in rows: a narrow (upright) chart or longer names take a second one.
    legend_x, legend_y = left, bottom + round(18 * scale)
    for activity in activities:
        label = (titles or {}).get(activity, activity.title())
        item_width = round(40 * scale) + draw.textlength(label, font=text)
        if legend_x > left and legend_x + item_width > width - round(10 * scale):
            legend_x, legend_y = left, legend_y + round(34 * scale)
        draw.rectangle((legend_x, legend_y, legend_x + round(22 * scale), legend_y + round(22 * scale)), fill=colours[activity])
        draw.text((legend_x + round(30 * scale), legend_y + round(11 * scale)), label, fill=INK, font=text, anchor="lm")
        legend_x += item_width + round(20 * scale)

    # The dates along the bottom of the feelings band, as many as fit.
    every = max(1, round(len(rows) / max(1, (right - left) // round(130 * scale))))
    for index in range(0, len(rows), every):
        draw.text((x_of(index), bands["feelings"][1] + round(6 * scale)), format_date(rows[index].started.astimezone(), "d MMM"),
                  fill=QUIET_INK, font=text, anchor="mt")
    return image


def progress_png(rows: list[ProgressRow], size: tuple[int, int] = (1600, 900), titles: dict[str, str] | None = None) -> bytes:
    out = io.BytesIO()
    progress_chart(rows, size, titles).save(out, format="PNG")
    return out.getvalue()
