"""How typed text becomes search terms and tags (expressive.portfolio.search), without a store."""

import pytest

from expressive.portfolio.search import (
    TOKEN_SIZE,
    SearchTokens,
    fold,
    normalise_tag,
    normalise_tags,
    tag_term,
    word_terms,
    words,
)


@pytest.mark.parametrize(
    "text, folded",
    [("Émile", "emile"), ("STRASSE", "strasse"), ("Straße", "strasse"), ("café", "cafe"), ("ﬁsh", "fish"), ("Ωmega", "ωmega")],
)
def test_fold_takes_off_case_and_accents(text, folded):
    assert fold(text) == folded


def test_words_and_their_prefixes():
    assert words("Émile's dog, my best-friend!") == ["emile", "s", "dog", "my", "best", "friend"]
    assert word_terms(["My house", "a dog"]) == {"my", "house", "hou", "hous", "a", "dog"}
    assert word_terms([]) == set()


def test_tags_are_normalised_and_deduplicated_by_their_folded_form():
    assert normalise_tag("  #Big   Feelings ") == "big feelings"
    assert normalise_tags(["Colère", "colere", "COLÈRE", "", "  ", "#"]) == ("colère",)
    assert tag_term("Colère!") == "colere"
    with pytest.raises(ValueError, match="longer than"):
        normalise_tags(["a" * 41])


def test_tokens_are_keyed_per_client_and_kind():
    plain = SearchTokens(None)
    assert plain("c-1", "w", "house") == "house"
    keyed = SearchTokens(b"k" * 32)
    token = keyed("c-1", "w", "house")
    assert isinstance(token, bytes) and len(token) == TOKEN_SIZE and b"house" not in token
    assert keyed("c-1", "w", "house") == token
    assert keyed("c-2", "w", "house") != token
    assert keyed("c-1", "t", "house") != token
    assert SearchTokens(b"j" * 32)("c-1", "w", "house") != token
    keyed.clear()
    with pytest.raises(RuntimeError, match="closed"):
        keyed("c-1", "w", "house")
