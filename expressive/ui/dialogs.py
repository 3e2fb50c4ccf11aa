"""Plain-language messages and confirmations, with big buttons."""

from __future__ import annotations

from collections.abc import Callable

from kivy.metrics import dp
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.label import Label
from kivy.uix.modalview import ModalView

from expressive.ui import theme
from expressive.ui.widgets import IconButton


def ask(title: str, message: str, buttons: list[tuple[str, str, tuple, Callable | None]]) -> ModalView:
    """A message with big buttons, each (icon, label, colour, action); any button closes it."""
    view = ModalView(size_hint=(None, None), size=(dp(560), dp(340)), auto_dismiss=False)
    box = BoxLayout(orientation="vertical", padding=dp(24), spacing=dp(12))
    box.add_widget(Label(text=title, font_size="26sp", bold=True, size_hint_y=None, height=dp(44), color=(1, 1, 1, 1)))
    text = Label(text=message, font_size="19sp", color=(1, 1, 1, 1), halign="center", valign="middle")
    text.bind(size=lambda label, size: setattr(label, "text_size", size))
    box.add_widget(text)
    row = BoxLayout(size_hint_y=None, height=theme.TARGET * 1.2, spacing=dp(16))
    for icon, label, colour, action in buttons:
        button = IconButton(icon=icon, text=label, background=colour, foreground=(1, 1, 1, 1), size_hint=(1, 1))

        def pressed(_button, action=action):
            view.dismiss(animation=False)
            if action is not None:
                action()

        button.bind(on_release=pressed)
        row.add_widget(button)
    box.add_widget(row)
    view.add_widget(box)
    view.open()
    return view


def show_message(title: str, message: str) -> ModalView:
    """A message in plain words with one big OK button that closes it."""
    return ask(title, message, [("check", "OK", theme.PRIMARY, None)])


def confirm(title: str, message: str, *, keep: str, act: str, on_act: Callable[[], None]) -> ModalView:
    """Ask before something that cannot be taken back; the safe choice comes first."""
    return ask(
        title,
        message,
        [("arrow-left", keep, theme.PRIMARY, None), ("check", act, theme.WARNING, on_act)],
    )


def ask_text(title: str, message: str, *, text: str = "", hint: str = "", on_save: Callable[[str], None]) -> ModalView:
    """A question with a box to write the answer in, Cancel and Save (which hands over the text)."""
    from kivy.uix.textinput import TextInput

    view = ModalView(size_hint=(None, None), size=(dp(760), dp(460)), auto_dismiss=False)
    box = BoxLayout(orientation="vertical", padding=dp(24), spacing=dp(12))
    box.add_widget(Label(text=title, font_size="26sp", bold=True, size_hint_y=None, height=dp(44), color=(1, 1, 1, 1)))
    if message:
        prompt = Label(text=message, font_size="18sp", color=(1, 1, 1, 1), size_hint_y=None, height=dp(52), halign="center")
        prompt.bind(size=lambda label, size: setattr(label, "text_size", size))
        box.add_widget(prompt)
    field = TextInput(text=text, hint_text=hint, font_size="22sp")
    box.add_widget(field)
    row = BoxLayout(size_hint_y=None, height=theme.TARGET * 1.2, spacing=dp(16))
    cancel = IconButton(icon="arrow-left", text="Cancel", size_hint=(1, 1))
    save = IconButton(icon="check", text="Save", background=theme.DONE, foreground=(1, 1, 1, 1), size_hint=(1, 1))
    cancel.bind(on_release=lambda _button: view.dismiss(animation=False))

    def saved(_button):
        view.dismiss(animation=False)
        on_save(field.text)

    save.bind(on_release=saved)
    row.add_widget(cancel)
    row.add_widget(save)
    box.add_widget(row)
    view.add_widget(box)
    view.field = field
    view.save_button = save
    view.open()
    return view
