"""`expressive export` and `expressive import` of an archive, as a person at a terminal would."""

import io
import os
import subprocess
import sys

import pytest
from pypdf import PdfReader

from expressive.portfolio import Portfolio


def expressive(*args):
    environment = {key: value for key, value in os.environ.items() if key != "EXPRESSIVE_PORTFOLIO"}
    return subprocess.run([sys.executable, "-m", "expressive", *args], capture_output=True, text=True, env=environment, timeout=300)


@pytest.fixture(scope="module")
def demo(tmp_path_factory, demo_copy):
    return demo_copy(tmp_path_factory.mktemp("export") / "portfolio")


def test_a_zip_archive_restores_the_client_in_another_portfolio(demo, tmp_path):
    archive = tmp_path / "robin.zip"
    made = expressive("export", "Robin (demo)", "--format", "zip", "--out", str(archive), "--portfolio", str(demo))
    assert made.returncode == 0, made.stderr
    restored = expressive("import", str(archive), "--portfolio", str(tmp_path / "other"))
    assert restored.returncode == 0, restored.stderr
    assert "Restored Robin (demo): 3 sessions" in restored.stdout
    with Portfolio.open(demo) as original, Portfolio.open(tmp_path / "other") as copy:
        (before,), (after,) = original.clients(), copy.clients()
        old, new = original.artifacts(before.id), copy.artifacts(after.id)
        assert [(a.kind, a.title, a.about) for a in old] == [(a.kind, a.title, a.about) for a in new]
        for a, b in zip(old, new):
            assert original.read_file(a, a.product) == copy.read_file(b, b.product)


def test_a_pdf_report_leaves_therapist_notes_out_unless_asked(demo, tmp_path):
    plain = tmp_path / "report.pdf"
    with_notes = tmp_path / "with-notes.pdf"
    assert expressive("export", "Robin (demo)", "--format", "pdf", "--out", str(plain), "--portfolio", str(demo)).returncode == 0
    assert expressive("export", "Robin (demo)", "--format", "pdf", "--out", str(with_notes), "--therapist-notes",
                      "--portfolio", str(demo)).returncode == 0
    text = lambda path: " ".join(page.extract_text() for page in PdfReader(io.BytesIO(path.read_bytes())).pages)  # noqa: E731
    note = "Follow up on school next week"
    assert note not in text(plain).replace("\n", " ") and note in text(with_notes).replace("\n", " ")


def test_a_web_page_folder_is_written_only_into_a_new_or_empty_folder(demo, tmp_path):
    folder = tmp_path / "site"
    assert expressive("export", "Robin (demo)", "--format", "html", "--out", str(folder), "--portfolio", str(demo)).returncode == 0
    assert (folder / "index.html").is_file()
    again = expressive("export", "Robin (demo)", "--format", "html", "--out", str(folder), "--portfolio", str(demo))
    assert again.returncode == 1 and "Traceback" not in again.stderr


def test_a_damaged_archive_is_refused_and_changes_nothing(tmp_path):
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04 not really")
    result = expressive("import", str(tmp_path / "broken.zip"), "--portfolio", str(tmp_path / "p"))
    assert result.returncode == 1 and "Nothing was changed." in result.stderr
