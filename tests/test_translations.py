"""The app speaks German completely: every word of the host and of each built-in activity
is in its German catalogue, translated, not fuzzy, its fields kept, its .mo compiled."""

from __future__ import annotations

import pytest

from expressive.tools.catalogues import problems, source_tree_catalogues

CATALOGUES = source_tree_catalogues()


@pytest.mark.parametrize("folder", CATALOGUES, ids=[folder.locale.parent.name for folder in CATALOGUES])
def test_every_word_is_translated_into_german(folder):
    languages = [folder.language_of(po) for po in folder.po_files()]
    assert "de" in languages, f"{folder.locale} has no German catalogue (expressive catalogues update --language de)"
    found = problems(folder)
    assert not found, f"{len(found)} problems:\n" + "\n".join(sorted(found)[:60])
