"""The session screens' own colours are readable and set apart (WCAG): words 4.5:1 against
what is behind them, a control's edge 3:1 against the page."""

from expressive.lib.contrast import contrast_ratio
from expressive.ui import theme
from expressive.ui.faces import FACE_INK
from expressive.ui.screens.session import CHOSEN_PLAN, NEXT_STEP, NEXT_STEP_INK


def test_a_chosen_plans_description_is_readable():
    assert contrast_ratio(theme.MUTED_INK, CHOSEN_PLAN) >= 4.5
    assert contrast_ratio(theme.INK, CHOSEN_PLAN) >= 4.5


def test_the_next_step_card_is_readable_and_stands_out_from_the_page():
    assert contrast_ratio(theme.INK, NEXT_STEP) >= 4.5
    assert contrast_ratio(NEXT_STEP_INK, theme.BACKGROUND) >= 3
    assert contrast_ratio(NEXT_STEP_INK, NEXT_STEP) >= 3


def test_every_face_has_an_outline_that_stands_out_from_the_page(window):
    from kivy.graphics import Color, Line

    from expressive.feelings import FEELINGS
    from expressive.ui.faces import Face

    assert contrast_ratio(FACE_INK, theme.BACKGROUND) >= 3
    for feeling in FEELINGS:
        face = Face(value=feeling.value, size=(100, 100))
        instructions = face.canvas.children
        outline = next(index for index, instruction in enumerate(instructions) if isinstance(instruction, Line))
        colour = next(instruction for instruction in reversed(instructions[:outline]) if isinstance(instruction, Color))
        assert tuple(colour.rgba) == FACE_INK


def test_the_chosen_plan_card_is_filled_with_its_own_colour_not_a_pressed_grey(window):
    from kivy.graphics import Color

    from expressive.plans import FALLBACK_OPEN_PLAN
    from expressive.ui.screens.session import PlanCard

    card = PlanCard(plan=FALLBACK_OPEN_PLAN, title="Open session", state="down")
    fills = [instruction for instruction in card.canvas.before.children if isinstance(instruction, Color)]
    assert tuple(fills[-1].rgba) == CHOSEN_PLAN
