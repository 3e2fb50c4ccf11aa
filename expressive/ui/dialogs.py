"""Plain-language messages and confirmations, with big buttons.

Their look (a light sheet on a dimmed screen) is the kit's rule for every popup; each is as
tall as its words need, so a longer language wraps instead of being cut off.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.metrics import dp
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView

from expressive.i18n import _
from expressive.ui import theme
from expressive.ui.widgets import IconButton

MESSAGE_WIDTH = dp(600)
QUESTION_WIDTH = dp(760)


def _sheet(width: float) -> tuple[ModalView, BoxLayout]:
    """A popup that grows with the box of its contents."""
    view = ModalView(size_hint=(None, None), size=(width, dp(200)), auto_dismiss=False)
    box = BoxLayout(orientation="vertical", padding=dp(24), spacing=dp(16), size_hint_y=None)
    box.bind(minimum_height=box.setter("height"), height=lambda _box, height: setattr(view, "height", height))
    view.add_widget(box)
    return view, box


def _words(text: str, **style) -> Label:
    """Words that wrap to the popup's width and take the height they need."""
    label = Label(text=text, halign="center", size_hint_y=None, **style)
    label.bind(
        width=lambda label, width: setattr(label, "text_size", (width, None)),
        texture_size=lambda label, size: setattr(label, "height", size[1]),
    )
    return label


def _buttons(view: ModalView, buttons: list[tuple[str, str, tuple, Callable | None]]) -> BoxLayout:
    row = BoxLayout(size_hint_y=None, height=theme.TARGET * 1.3, spacing=dp(16))
    for icon, label, colour, action in buttons:
        foreground = theme.INK if colour == theme.SURFACE else theme.ON_COLOUR
        button = IconButton(icon=icon, text=label, background=colour, foreground=foreground, size_hint=(1, 1))

        def pressed(_button, action=action):
            view.dismiss(animation=False)
            if action is not None:
                action()

        button.bind(on_release=pressed)
        row.add_widget(button)
    return row


def ask(title: str, message: str, buttons: list[tuple[str, str, tuple, Callable | None]]) -> ModalView:
    """A message with big buttons, each (icon, label, colour, action); any button closes it."""
    view, box = _sheet(MESSAGE_WIDTH)
    box.add_widget(_words(title, font_size="26sp", bold=True))
    box.add_widget(_words(message, font_size="20sp"))
    box.add_widget(_buttons(view, buttons))
    view.open()
    return view


def show_message(title: str, message: str) -> ModalView:
    """A message in plain words with one big OK button that closes it."""
    return ask(title, message, [("check", _("OK"), theme.PRIMARY, None)])


def confirm(
    title: str, message: str, *, on_act: Callable[[], None], keep: str | None = None, act: str | None = None
) -> ModalView:
    """Ask before something that cannot be taken back; the safe choice (`keep`, "Cancel"
    unless named) comes first, then `act` ("Yes" unless named)."""
    return ask(
        title,
        message,
        [("arrow-left", keep or _("Cancel"), theme.PRIMARY, None), ("check", act or _("Yes"), theme.WARNING, on_act)],
    )


def ask_text(title: str, message: str, *, text: str = "", hint: str = "", on_save: Callable[[str], None]) -> ModalView:
    """A question with a box to write the answer in, Cancel and Save (which hands over the text)."""
    from kivy.uix.textinput import TextInput

    view, box = _sheet(QUESTION_WIDTH)
    box.add_widget(_words(title, font_size="26sp", bold=True))
    if message:
        box.add_widget(_words(message, font_size="18sp"))
    field = TextInput(text=text, hint_text=hint, font_size="22sp", size_hint_y=None, height=dp(180))
    box.add_widget(field)
    cancel_and_save = _buttons(
        view, [("arrow-left", _("Cancel"), theme.SURFACE, None), ("check", _("Save"), theme.DONE, lambda: on_save(field.text))]
    )
    box.add_widget(cancel_and_save)
    view.field = field
    # Kivy lists a box's children last first.
    view.save_button = cancel_and_save.children[0]
    view.open()
    return view
