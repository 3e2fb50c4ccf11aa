"""Words for the gallery: how typed text becomes search terms, and how tags are written.

Search matches words, not arbitrary substrings: the title, what it is about, every later
"what I notice now" and the tags are split into words, each folded (case folded, accents
taken off where Unicode can decompose them: "Émile" -> "emile", "Straße" -> "strasse").
A query word matches a stored word that is equal to it or begins with it, when the query
word has at least MIN_PREFIX letters ("hous" finds "house" and "houses"); shorter query
words match whole words only ("a" finds "a", not "apple"). Every query word must match.

Why words and not substrings: in an encrypted portfolio the index may hold no plaintext,
so SQL cannot look inside the typed text. The index keeps, for each artifact, a set of
terms (every folded word and each of its prefixes from MIN_PREFIX letters); in an
encrypted portfolio each term is stored only as a keyed token (HMAC-SHA-256, truncated to
128 bits, under a key derived from the index key and the client's id, see
`SearchTokens`). A search computes the same tokens for the query and finds the artifacts by
equality, through a B-tree, so the first page of a 10,000-artifact gallery costs the same
as that of a small one. The alternative, decrypting every candidate row in Python until a
page is full, leaks nothing more but costs a decryption per artifact for a search that
matches little (all 10,000 for one that matches nothing), and keeps no index.

What that costs, said plainly: the tokens are deterministic per client, so someone who
copies the index file (but has no passphrase) can see which of a client's artifacts share a
word and how often a word recurs, and roughly how much text each artifact has (the number
of its terms), though not the words themselves. Tokens of different clients, and a tag's
token and the same word's, are unrelated. Deleting a client deletes its tokens, and the
index is vacuumed as for every other row.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import unicodedata
from collections.abc import Iterable

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from expressive.i18n import _

MIN_PREFIX = 3
TAG_MAX_LENGTH = 40
TOKEN_SIZE = 16
_KNOWN_TOKENS = 50_000

# Kinds of term: a word (or a prefix of one) of the typed text, and a whole tag.
WORD = "w"
TAG = "t"

_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    """`text` with accents taken off (where a letter decomposes into a base and marks) and
    case folded: what two spellings of the same word have in common."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


def words(text: str) -> list[str]:
    """The folded words of `text`, in order."""
    return _WORD.findall(fold(text))


def word_terms(texts: Iterable[str]) -> set[str]:
    """Every folded word of `texts` and each of its prefixes of MIN_PREFIX letters or more."""
    terms: set[str] = set()
    for word in set(words(" ".join(texts))):
        terms.add(word)
        terms.update(word[:length] for length in range(MIN_PREFIX, len(word)))
    return terms


def normalise_tag(tag: str) -> str:
    """A tag as it is kept: lower case, spaces collapsed, a leading "#" dropped."""
    return " ".join(unicodedata.normalize("NFC", tag).strip().lstrip("#").split()).lower()


def tag_term(tag: str) -> str:
    """What makes two tags the same tag: "Colère" and "colere" are one."""
    return " ".join(words(tag))


def normalise_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags normalised, empty ones dropped, and each kept once (the first spelling wins),
    in the order given. ValueError names a tag that is not text or is too long."""
    kept: dict[str, str] = {}
    for tag in tags:
        if not isinstance(tag, str):
            raise ValueError(_("the tag {tag} is not text").format(tag=repr(tag)))
        normal = normalise_tag(tag)
        if len(normal) > TAG_MAX_LENGTH:
            raise ValueError(_("the tag {tag} is longer than {most} characters").format(
                tag=repr(normal), most=TAG_MAX_LENGTH))
        term = tag_term(normal)
        if term and term not in kept:
            kept[term] = normal
    return tuple(kept.values())


class SearchTokens:
    """Turns terms into what the index stores: the term itself in an unencrypted
    portfolio, a keyed token (bytes) in an encrypted one."""

    def __init__(self, index_key: bytes | None):
        self._key = None if index_key is None else HKDF(
            algorithm=hashes.SHA256(), length=32, salt=None, info=b"expressive index search tokens"
        ).derive(index_key)
        self._client_keys: dict[str, bytes] = {}
        # Words recur (a client's vocabulary is small): tokens are remembered, up to a bound.
        self._known: dict[tuple[str, str, str], bytes] = {}

    @property
    def keyed(self) -> bool:
        return self._key is not None

    def __call__(self, client_id: str, kind: str, term: str) -> str | bytes:
        if self._key is None:
            return term
        if not self._key:
            raise RuntimeError("the portfolio is closed: its search keys are gone")
        token = self._known.get((client_id, kind, term))
        if token is None:
            key = self._client_keys.get(client_id)
            if key is None:
                key = self._client_keys[client_id] = hmac.digest(self._key, b"client\x00" + client_id.encode(), hashlib.sha256)
            token = hmac.digest(key, f"{kind}\x00{term}".encode(), hashlib.sha256)[:TOKEN_SIZE]
            if len(self._known) >= _KNOWN_TOKENS:
                self._known.clear()
            self._known[(client_id, kind, term)] = token
        return token

    def clear(self) -> None:
        """Forget the keys and the remembered words (the portfolio is being closed)."""
        self._key = b""
        self._client_keys.clear()
        self._known.clear()

    def forget(self, client_id: str) -> None:
        self._client_keys.pop(client_id, None)
        self._known = {known: token for known, token in self._known.items() if known[0] != client_id}
