"""The therapist chooses the app's language in the app: every word changes at once, it is
kept for the next start, and a client cannot reach the choice."""

import pytest

from expressive.i18n import PSEUDO_LANGUAGE, SOURCE_LANGUAGE, language, pseudo, set_language
from expressive.preferences import preference
from expressive.tools.driver import advance_frames, tap
from tests_support import screen


@pytest.fixture(autouse=True)
def english_afterwards(tmp_path, monkeypatch):
    # Each test its own device: a language chosen in one is not remembered in the next.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    yield
    set_language(SOURCE_LANGUAGE)


def chooser(window):
    from expressive.ui.screens.clients import LanguageChooser

    (view,) = [child for child in window.children if isinstance(child, LanguageChooser)]
    return view


def test_choosing_a_language_changes_every_word_and_stays_on_the_same_screen(app, window, monkeypatch):
    # The pseudo-locale needs no catalogue, so it stands for any language here.
    monkeypatch.setattr("expressive.ui.screens.clients.available_languages", lambda: [SOURCE_LANGUAGE, PSEUDO_LANGUAGE])
    assert screen(app, "clients").ids.add.text == "Add client"
    tap(screen(app, "clients").ids.language)
    choices = {choice.value: choice for choice in chooser(window).ids.choices.children}
    assert set(choices) == {SOURCE_LANGUAGE, PSEUDO_LANGUAGE} and choices[SOURCE_LANGUAGE].selected
    tap(choices[PSEUDO_LANGUAGE])
    advance_frames(2)
    assert language() == PSEUDO_LANGUAGE and preference("language") == PSEUDO_LANGUAGE
    assert app.root.current == "clients"
    assert screen(app, "clients").ids.add.text == pseudo("Add client")
    assert screen(app, "add_client").ids.save.text == pseudo("Save"), "every screen, not only the one shown"
    assert not [child for child in window.children if child is not app.root and hasattr(child, "dismiss")]


def test_closing_the_chooser_keeps_the_language(app, window):
    tap(screen(app, "clients").ids.language)
    tap(chooser(window).ids.close)
    assert language() == SOURCE_LANGUAGE and preference("language") is None
    assert screen(app, "clients").ids.add.text == "Add client"


def test_a_client_cannot_open_the_language_choice(app, window):
    from expressive.ui.screens.clients import LanguageChooser

    client = app.store.add_client("Sam")
    app.open_client(client)
    app.begin_session(app.plans[0], "", 3)
    assert app.client_mode
    LanguageChooser().open()
    advance_frames(2)
    assert not [child for child in window.children if isinstance(child, LanguageChooser)]
    assert "This part is for your grown-up. Please give them the tablet." in [
        label.text for child in window.children for label in child.walk() if hasattr(label, "text")
    ]
