"""Material for the portfolio tests: real PNGs, a drawing draft, and hand edits.

A "hand edit" in these tests is someone who can read the file: for an encrypted portfolio
that means someone holding its keys, so the edits go through the open store's own
choke point (`Disk.read_bytes`/`Disk.write_bytes`) and the damage tested is in the content.
"""

import json

from expressive.portfolio.edits import merge

from sample_work import drawing_draft  # noqa: F401  (re-exported for the portfolio tests)


def read_plain(store, path) -> bytes:
    """The file's content as a person with the keys sees it."""
    return store._disk.read_bytes(path)


def write_plain(store, path, data: bytes) -> None:
    """Replace the file's content as a person with the keys (or a text editor) would."""
    store._disk.write_bytes(path, data)


def read_json(store, path):
    """A JSON file as a person with the keys reads it; a record's file (or a note) as it
    now reads: merged with every device's edits of it (see `expressive.portfolio.edits`)."""
    document = json.loads(read_plain(store, path)) if path.exists() else {}
    if path.name in ("client.json", "session.json", "manifest.json") or path.name.startswith("notes-"):
        entries, _damaged = store._disk._read_edits(path)
        return merge(document, entries).doc
    return document


def write_json(store, path, document) -> None:
    write_plain(store, path, json.dumps(document).encode("utf-8"))


def close_as_if_killed(store) -> None:
    """Close the store and leave the portfolio as a kill would have: with no seal vouching
    for its index, so that the next open compares the index with every file."""
    root = store.root
    store.close()
    (root / "index.sqlite-closed").unlink(missing_ok=True)
