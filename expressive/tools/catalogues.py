"""`expressive catalogues`: the translation catalogues of the host and of any activity.

A catalogue belongs to one package folder: its words are extracted from the folder's
Python files (`_`, `N_`, `ngettext`), its .kv files (the same calls, line by line) and its
data files (.toml and .json: the values of keys that hold words people read, such as
`title`, `description` and `prompt`), into `locale/<language>/LC_MESSAGES/messages.po`
beside them, and compiled to `messages.mo`, which the app reads.

- `update FOLDER... [--language LL]`: extract the words and bring every language's .po up
  to date (new words untranslated, gone words dropped, translations kept).
- `compile FOLDER...`: write each .mo from its .po.
- `check FOLDER...`: print every untranslated or fuzzy word, every translation whose
  `{fields}` differ from the original's, and every .mo older than its .po; exit 1 if any.

Without a FOLDER they work on the source tree's own catalogues: the host's (expressive/,
with sessions/ and assets/) and each built-in activity's.
"""

from __future__ import annotations

import io
import json
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_python
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from expressive.i18n import DOMAIN

KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
# Keys of the app's data files (plans, story shapes, stamps) whose values people read.
WORDS_KEYS = frozenset({"title", "description", "prompt", "prompts", "name", "label", "text", "words", "question"})
METHODS = [
    ("**.py", "python"),
    ("**.kv", "expressive.tools.catalogues:extract_kv"),
    ("**.toml", "expressive.tools.catalogues:extract_data"),
    ("**.json", "expressive.tools.catalogues:extract_data"),
]
_FIELDS = re.compile(r"\{[^{}]*\}|%\([a-z_]+\)[sdf]")
_SOURCE_TREE = Path(__file__).resolve().parents[2]


@dataclass
class CatalogueFolder:
    """Where a catalogue's words come from, and where its translations live."""

    locale: Path
    sources: list[Path] = field(default_factory=list)

    @classmethod
    def of_package(cls, folder: Path) -> CatalogueFolder:
        return cls(locale=folder / "locale", sources=[folder])

    def po_files(self) -> list[Path]:
        return sorted(self.locale.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))

    def language_of(self, po: Path) -> str:
        return po.parent.parent.name


def source_tree_catalogues(root: Path = _SOURCE_TREE) -> list[CatalogueFolder]:
    host = CatalogueFolder(locale=root / "expressive" / "locale", sources=[root / "expressive", root / "sessions", root / "assets"])
    activities = [
        CatalogueFolder.of_package(folder)
        for folder in sorted((root / "activities").iterdir())
        if (folder / "__init__.py").is_file()
    ]
    return [host, *activities]


# --- extraction ----------------------------------------------------------------------------

def extract_kv(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """The `_()` calls of a .kv file: each line's value is a Python expression."""
    for number, line in enumerate(fileobj.read().decode("utf-8").splitlines(), start=1):
        if "_(" not in line and "ngettext(" not in line:
            continue
        expression = line.strip()
        if ":" in expression and not expression.startswith(("_(", "ngettext(")):
            expression = expression.split(":", 1)[1]
        try:
            for _lineno, funcname, message, comments in extract_python(
                io.BytesIO(expression.encode("utf-8")), keywords, comment_tags, options
            ):
                yield number, funcname, message, comments
        except Exception:  # noqa: BLE001 (a kv line that is not a whole expression)
            continue


def extract_data(fileobj, keywords, comment_tags, options) -> Iterator[tuple]:
    """The words of a plan, story shape or stamp list: values under `WORDS_KEYS`."""
    text = fileobj.read().decode("utf-8")
    name = getattr(fileobj, "name", "")
    try:
        data = json.loads(text) if str(name).endswith(".json") else tomllib.loads(text)
    except (ValueError, tomllib.TOMLDecodeError):
        return
    for message in _words_in(data, key=None):
        yield _line_of(text, message), None, message, []


def _words_in(value, key: str | None) -> Iterator[str]:
    if isinstance(value, dict):
        for inner_key, inner in value.items():
            yield from _words_in(inner, inner_key)
    elif isinstance(value, list):
        for item in value:
            yield from _words_in(item, key)
    elif isinstance(value, str) and key in WORDS_KEYS and value.strip():
        yield value


def _line_of(text: str, message: str) -> int:
    at = text.find(json.dumps(message)[1:-1])
    return text.count("\n", 0, at) + 1 if at >= 0 else 1


def extract(folder: CatalogueFolder) -> Catalog:
    template = Catalog(domain=DOMAIN, project="Expressive", charset="utf-8")
    for source in folder.sources:
        if not source.is_dir():
            continue
        for path, lineno, message, comments, context in extract_from_dir(
            source, METHODS, keywords=KEYWORDS, comment_tags=("Translators:",), strip_comment_tags=True
        ):
            if any(part in ("locale", "__pycache__") for part in Path(path).parts):
                continue
            location = ((source / path).relative_to(_common_root(folder)).as_posix(), lineno)
            template.add(message, None, [location], auto_comments=comments, context=context)
    return template


def _common_root(folder: CatalogueFolder) -> Path:
    return folder.locale.parent.parent


# --- the commands ---------------------------------------------------------------------------

def update(folder: CatalogueFolder, new_languages: list[str]) -> list[Path]:
    template = extract(folder)
    written = []
    languages = {folder.language_of(po): po for po in folder.po_files()}
    for code in new_languages:
        languages.setdefault(code, folder.locale / code / "LC_MESSAGES" / f"{DOMAIN}.po")
    for code, po in sorted(languages.items()):
        if po.is_file():
            with po.open("rb") as stream:
                catalogue = read_po(stream, locale=code, domain=DOMAIN)
        else:
            catalogue = Catalog(locale=code, domain=DOMAIN, project="Expressive", charset="utf-8")
        catalogue.update(template, no_fuzzy_matching=True)
        catalogue.obsolete.clear()
        po.parent.mkdir(parents=True, exist_ok=True)
        buffer = io.BytesIO()
        write_po(buffer, catalogue, width=100, omit_header=False, sort_output=False, include_previous=False)
        po.write_bytes(buffer.getvalue())
        written.append(po)
    return written


def compiled(po: Path) -> bytes:
    with po.open("rb") as stream:
        catalogue = read_po(stream, locale=po.parent.parent.name, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=False)
    return buffer.getvalue()


def compile_catalogues(folder: CatalogueFolder) -> list[Path]:
    written = []
    for po in folder.po_files():
        mo = po.with_suffix(".mo")
        mo.write_bytes(compiled(po))
        written.append(mo)
    return written


def problems(folder: CatalogueFolder) -> list[str]:
    """Everything that keeps a catalogue from being complete and current."""
    found = []
    wanted = {message.id for message in extract(folder) if message.id}
    for po in folder.po_files():
        with po.open("rb") as stream:
            catalogue = read_po(stream, locale=folder.language_of(po), domain=DOMAIN)
        where = po.relative_to(_common_root(folder))
        have = {message.id: message for message in catalogue if message.id}
        for message_id in wanted:
            key = message_id[0] if isinstance(message_id, tuple) else message_id
            message = have.get(message_id)
            if message is None:
                found.append(f"{where}: not in the catalogue (run `expressive catalogues update`): {key!r}")
            elif message.fuzzy:
                found.append(f"{where}: fuzzy: {key!r}")
            elif not all(message.string) if isinstance(message.string, tuple) else not message.string:
                found.append(f"{where}: untranslated: {key!r}")
            else:
                found.extend(f"{where}: {problem}" for problem in _field_problems(message))
        mo = po.with_suffix(".mo")
        if not mo.is_file() or mo.read_bytes() != compiled(po):
            found.append(f"{where}: its .mo is missing or older than the .po (run `expressive catalogues compile`)")
    return found


def _field_problems(message) -> list[str]:
    originals = message.id if isinstance(message.id, tuple) else (message.id,)
    translations = message.string if isinstance(message.string, tuple) else (message.string,)
    expected = set(_FIELDS.findall(originals[-1])) | set(_FIELDS.findall(originals[0]))
    problems_found = []
    for translation in translations:
        if not set(_FIELDS.findall(translation)) <= expected:
            problems_found.append(f"the translation of {originals[0]!r} has fields the original lacks: {translation!r}")
    return problems_found


def folders_from(arguments: list[str]) -> list[CatalogueFolder]:
    if not arguments:
        return source_tree_catalogues()
    return [CatalogueFolder.of_package(Path(argument).resolve()) for argument in arguments]


def cmd_catalogues(args) -> int:
    folders = folders_from(args.folders)
    if args.action == "update":
        for folder in folders:
            for po in update(folder, args.language or []):
                print(f"Updated {po}")
        return 0
    if args.action == "compile":
        for folder in folders:
            for mo in compile_catalogues(folder):
                print(f"Wrote {mo}")
        return 0
    found = [problem for folder in folders for problem in problems(folder)]
    for problem in found:
        print(problem)
    return 1 if found else 0
