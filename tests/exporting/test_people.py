"""Photos and films that may show a person leave the tablet in a report or a web page only
when the therapist includes them: otherwise a line stands in their place and not one byte
of their files (nor their title) is written; the archive always holds them; the audit log
says which it was."""

import os
import subprocess
import sys
import zipfile

import pytest
from pypdf import PdfReader

from expressive.exporting import html_portfolio, pdf_report, prepare, zip_archive
from export_helpers import PASSPHRASE, new_portfolio
from expressive.portfolio import Portfolio
from sample_work import drawing_draft
from test_film_export import film_work, photos_work

LEFT_OUT = "A photo or film that may show a person is left out; the therapist chose not to include them."
PHOTOS_TITLE = "Me and my sister at the beach"


@pytest.fixture(scope="module")
def people(tmp_path_factory):
    """A portfolio with a drawing, photos and a camera film (both may show people), and a
    drawn film (which shows no one)."""
    root = tmp_path_factory.mktemp("people") / "portfolio"
    with new_portfolio(root, "encrypted") as store:
        client = store.add_client("Robin")
        session = store.start_session(client.id, plan_id="free")
        works = {
            "drawing": store.save_artifact(client.id, session.id, "drawing", drawing_draft("A house")),
            "photos": store.save_artifact(client.id, session.id, "photo", photos_work(PHOTOS_TITLE)),
            "camera film": store.save_artifact(client.id, session.id, "film",
                                               film_work(encoded=True, shows_people=True, title="Me dancing")),
            "drawn film": store.save_artifact(client.id, session.id, "film",
                                              film_work(encoded=True, shows_people=False, title="The cat's walk")),
        }
        contents = {kind: {entry.name: store.read_file(work, entry.name) for entry in work.files}
                    for kind, work in works.items()}
    return root, client.id, session.id, works, contents


def _open(root):
    return Portfolio.open(root, passphrase=PASSPHRASE, fsync=False)


def _every_file(folder):
    return [path.read_bytes() for path in folder.rglob("*") if path.is_file()]


def test_the_web_page_leaves_them_out_unless_asked(people, tmp_path):
    root, client_id, session_id, works, contents = people
    with _open(root) as store:
        assert html_portfolio(store, client_id, out=tmp_path / "without") == []
        assert html_portfolio(store, client_id, include_people=True, out=tmp_path / "with") == []
        details = [entry.detail for entry in store.audit_entries() if entry.event == "export"][-2:]
    assert details == ["html", "html with-people"]
    written = _every_file(tmp_path / "without")
    page = (tmp_path / "without" / "index.html").read_text()
    assert page.count(LEFT_OUT) == 2
    for kind in ("photos", "camera film"):
        work = works[kind]
        assert work.id not in page and work.title not in page
        assert not (tmp_path / "without" / "files" / session_id / work.id).exists()
        assert not any(data in written for data in contents[kind].values() if len(data) > 64)
    assert "The cat&#x27;s walk" in page and "A house" in page
    page = (tmp_path / "with" / "index.html").read_text()
    assert LEFT_OUT not in page and PHOTOS_TITLE in page and page.count("<video ") == 2


def test_the_report_leaves_them_out_unless_asked(people, tmp_path):
    root, client_id, session_id, works, _contents = people
    chosen = [(session_id, work.id) for work in works.values()]
    with _open(root) as store:
        pdf_report(store, client_id, chosen, out=tmp_path / "without.pdf")
        pdf_report(store, client_id, chosen, include_people=True, out=tmp_path / "with.pdf")
    without = PdfReader(tmp_path / "without.pdf").pages
    texts = [page.extract_text() for page in without]
    assert [LEFT_OUT in " ".join(text.split()) for text in texts[1:]] == [False, True, True, False]
    assert PHOTOS_TITLE not in "".join(texts) and "Me dancing" not in "".join(texts)
    assert [len(page.images) for page in without[1:]] == [1, 0, 0, 2]
    with_people = PdfReader(tmp_path / "with.pdf").pages
    assert [len(page.images) for page in with_people[1:]] == [1, 3, 2, 2]
    assert PHOTOS_TITLE in with_people[2].extract_text()


def test_the_archive_always_holds_them_and_takes_no_choice(people, tmp_path):
    root, client_id, _session_id, works, _contents = people
    with _open(root) as store:
        with pytest.raises(ValueError, match="takes no choice"):
            prepare(store, client_id, "zip", include_people=True)
        zip_archive(store, client_id, out=tmp_path / "robin.zip")
    names = zipfile.ZipFile(tmp_path / "robin.zip").namelist()
    assert any(name.endswith(f"{works['photos'].id}/photo-01.jpg") for name in names)
    assert any(name.endswith(f"{works['camera film'].id}/film.mp4") for name in names)


def test_the_command_line_includes_them_when_asked(people, tmp_path):
    root, client_id, _session_id, _works, _contents = people
    secret = tmp_path / "passphrase"
    secret.write_text(PASSPHRASE)
    environment = {key: value for key, value in os.environ.items() if not key.startswith("EXPRESSIVE_")}
    for folder, asked in (("without", []), ("with", ["--include-people"])):
        made = subprocess.run(
            [sys.executable, "-m", "expressive", "export", client_id, "--format", "html", "--out", str(tmp_path / folder),
             "--portfolio", str(root), "--passphrase-file", str(secret), *asked],
            capture_output=True, text=True, env=environment, timeout=300,
        )
        assert made.returncode == 0, made.stderr
    assert LEFT_OUT in (tmp_path / "without" / "index.html").read_text()
    assert PHOTOS_TITLE in (tmp_path / "with" / "index.html").read_text()
