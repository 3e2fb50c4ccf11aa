"""Words in the chosen language: the gettext layer, the pseudo-locale and the catalogue tool."""

from __future__ import annotations

import sys
from datetime import date
from types import SimpleNamespace

import pytest

from expressive import i18n
from expressive.tools.catalogues import CatalogueFolder, compile_catalogues, problems, update


@pytest.fixture(autouse=True)
def english_afterwards(monkeypatch):
    monkeypatch.setattr(i18n, "_packages", list(i18n._packages))
    yield
    i18n.set_language(i18n.SOURCE_LANGUAGE)


@pytest.fixture
def plugin(tmp_path, monkeypatch):
    """A plugin package with words of its own in Python, Kivy rules and a data file."""
    package = tmp_path / "jar_plugin"
    package.mkdir()
    (package / "__init__.py").write_text(
        "from expressive.api.i18n import N_, _, ngettext\n"
        "TITLE = N_('Colour jar')\n"
        "def greeting(count):\n"
        "    return _('Fill the jar'), ngettext('{n} colour', '{n} colours', count).format(n=count)\n"
    )
    (package / "jar.kv").write_text("#:import _ expressive.api.i18n._\n<Jar@Label>:\n    text: _('Shake it')\n")
    (package / "prompts.toml").write_text('id = "jar"\ntitle = "A jar of feelings"\nprompts = ["Pour one out"]\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    yield package
    sys.modules.pop("jar_plugin", None)


def translate(po_path, translations: dict) -> None:
    from babel.messages.pofile import read_po, write_po

    with po_path.open("rb") as stream:
        catalogue = read_po(stream, locale="de")
    for message in catalogue:
        if message.id:
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            message.string = translations[key]
    with po_path.open("wb") as stream:
        write_po(stream, catalogue)


def test_the_pseudo_locale_is_longer_accented_and_keeps_its_fields():
    i18n.set_language(i18n.PSEUDO_LANGUAGE)
    words = i18n._("Record again for {name} [b]now[/b]")
    assert words.startswith("[") and words.endswith("]")
    assert "{name}" in words and "[b]" in words and "[/b]" in words
    assert "Record" not in words and "Ř" in words
    assert len(words) >= 1.4 * len("Record again for {name} [b]now[/b]")
    assert i18n.ngettext("{n} second", "{n} seconds", 1).format(n=1).count("1") == 1
    assert "ş" in i18n.ngettext("{n} second", "{n} seconds", 2)


def test_english_counts_take_the_right_form():
    assert i18n.ngettext("{n} second", "{n} seconds", 1).format(n=1) == "1 second"
    assert i18n.ngettext("{n} second", "{n} seconds", 5).format(n=5) == "5 seconds"


def test_the_system_language_is_followed_where_the_app_speaks_it():
    assert i18n.system_language({"LANG": "xx_YY.UTF-8"}) == "en"
    assert i18n.system_language({"LANGUAGE": "en_XA"}) == i18n.PSEUDO_LANGUAGE
    assert i18n.system_language({"LC_ALL": "C", "LANG": "C.UTF-8"}) == "en"
    if "de" in i18n.available_languages():
        assert i18n.system_language({"LANGUAGE": "fr:de", "LANG": "en_GB.UTF-8"}) == "de"
        assert i18n.system_language({"LANG": "de_AT.UTF-8"}) == "de"


def test_a_language_the_app_does_not_speak_falls_back_to_english():
    assert i18n.set_language("tlh") == "en"
    assert i18n._("Colour jar") == "Colour jar"


def test_dates_and_numbers_follow_the_language():
    assert i18n.format_date(date(2026, 3, 1), "long") == "March 1, 2026"
    assert i18n.format_number(1234.5, 1) == "1,234.5"
    if "de" in i18n.available_languages():
        i18n.set_language("de")
        assert i18n.format_date(date(2026, 3, 1), "long") == "1. März 2026"
        assert i18n.format_number(1234.5, 1) == "1.234,5"


def test_a_plugin_translates_its_own_words_from_its_own_catalogue(plugin):
    folder = CatalogueFolder.of_package(plugin)
    [po] = update(folder, ["de"])
    text = po.read_text()
    for extracted in ("Colour jar", "Fill the jar", "{n} colour", "Shake it", "A jar of feelings", "Pour one out"):
        assert f'msgid "{extracted}"' in text
    assert any("untranslated" in problem for problem in problems(folder))

    translate(po, {
        "Colour jar": "Farbenglas", "Fill the jar": "Füll das Glas", "{n} colour": ("{n} Farbe", "{n} Farben"),
        "Shake it": "Schüttel es", "A jar of feelings": "Ein Glas voller Gefühle", "Pour one out": "Gieß eins aus",
    })
    assert any(".mo" in problem for problem in problems(folder))
    compile_catalogues(folder)
    assert problems(folder) == []

    import jar_plugin

    i18n.add_catalogue("jar_plugin")
    i18n.set_language("de")
    assert jar_plugin.greeting(1) == ("Füll das Glas", "1 Farbe")
    assert jar_plugin.greeting(3)[1] == "3 Farben"
    assert i18n._(jar_plugin.TITLE) == "Farbenglas"


def test_the_check_catches_a_fuzzy_word_and_a_translation_that_loses_a_field(plugin):
    folder = CatalogueFolder.of_package(plugin)
    [po] = update(folder, ["de"])
    translate(po, {
        "Colour jar": "Farbenglas", "Fill the jar": "Füll das Glas", "{n} colour": ("{count} Farbe", "{n} Farben"),
        "Shake it": "Schüttel es", "A jar of feelings": "Ein Glas", "Pour one out": "Gieß",
    })
    po.write_text(po.read_text().replace('msgid "Shake it"', '#, fuzzy\nmsgid "Shake it"'))
    compile_catalogues(folder)
    found = problems(folder)
    assert any("fuzzy" in problem and "Shake it" in problem for problem in found)
    assert any("{count}" in problem for problem in found)


def test_words_added_to_the_code_are_reported_until_translated(plugin):
    folder = CatalogueFolder.of_package(plugin)
    update(folder, ["de"])
    (plugin / "more.py").write_text("from expressive.api.i18n import _\nLATER = _('A new button')\n")
    assert any("A new button" in problem and "not in the catalogue" in problem for problem in problems(folder))


def test_the_catalogues_command_checks_a_folder(plugin, capsys):
    from expressive.tools.catalogues import cmd_catalogues

    assert cmd_catalogues(SimpleNamespace(action="update", folders=[str(plugin)], language=["de"])) == 0
    assert cmd_catalogues(SimpleNamespace(action="check", folders=[str(plugin)], language=None)) == 1
    assert "untranslated" in capsys.readouterr().out


def test_a_plugin_that_is_a_single_module_or_has_a_damaged_catalogue_stays_in_english(tmp_path, monkeypatch):
    (tmp_path / "lone_module.py").write_text("TITLE = 'Alone'\n")
    damaged = tmp_path / "damaged_plugin"
    (damaged / "locale" / "de" / "LC_MESSAGES").mkdir(parents=True)
    (damaged / "__init__.py").write_text("")
    (damaged / "locale" / "de" / "LC_MESSAGES" / "messages.mo").write_bytes(b"not a catalogue at all")
    monkeypatch.syspath_prepend(str(tmp_path))
    import damaged_plugin  # noqa: F401
    import lone_module  # noqa: F401

    i18n.add_catalogue("lone_module")
    i18n.add_catalogue("damaged_plugin")
    assert i18n.set_language("de") == "de"
    assert i18n._("Alone") == "Alone"
