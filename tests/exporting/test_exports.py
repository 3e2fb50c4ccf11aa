"""What every export does alike: prepared on the store's thread and written on a worker,
audited, written whole or not at all, refused in plain words."""

import threading
import zipfile

import pytest

from expressive.exporting import FORMATS, ExportError, html_portfolio, pdf_report, prepare, zip_archive

OUT_NAMES = {"pdf": "report.pdf", "html": "web", "zip": "archive.zip"}


class Cancelled(Exception):
    pass


def prepared(store, client_id, format):
    chosen = [(artifact.session_id, artifact.id) for artifact in store.artifacts(client_id)] if format == "pdf" else None
    return prepare(store, client_id, format, artifact_ids=chosen)


def test_prepared_on_the_stores_thread_and_written_on_a_worker(encrypted_demo, tmp_path):
    """The store's SQLite connection refuses other threads, so this passes only if the
    writing step reads nothing through the index."""
    with encrypted_demo.open() as store:
        exports = {format: prepared(store, encrypted_demo.client_id, format) for format in FORMATS}
        outcomes = {}

        def write_all():
            for format, export in exports.items():
                outcomes[format] = export.write(tmp_path / OUT_NAMES[format], lambda done, total: None)

        worker = threading.Thread(target=write_all)
        worker.start()
        worker.join(timeout=300)
    assert outcomes == {"pdf": [], "html": [], "zip": []}
    assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "web" / "index.html").is_file()
    assert zipfile.ZipFile(tmp_path / "archive.zip").testzip() is None


def test_each_export_is_in_the_audit_log_with_its_format(plain_demo, tmp_path):
    with plain_demo.open() as store:
        chosen = [(artifact.session_id, artifact.id) for artifact in store.artifacts(plain_demo.client_id)[:1]]
        pdf_report(store, plain_demo.client_id, chosen, out=tmp_path / "report.pdf")
        html_portfolio(store, plain_demo.client_id, out=tmp_path / "web")
        zip_archive(store, plain_demo.client_id, out=tmp_path / "archive.zip")
        entries = store.audit_entries()[-3:]
    assert [(entry.event, entry.client_id, entry.detail) for entry in entries] == [
        ("export", plain_demo.client_id, format) for format in ("pdf", "html", "zip")
    ]


@pytest.mark.parametrize("format", FORMATS)
def test_an_export_stopped_part_way_leaves_nothing_behind(plain_demo, tmp_path, format):
    """Raising from `progress` is how a UI cancels; a crash midway leaves the same."""
    folder = tmp_path / "exports"
    folder.mkdir()

    def stop_half_way(done, total):
        if done > total // 2:
            raise Cancelled

    with plain_demo.open() as store:
        with pytest.raises(Cancelled):
            prepared(store, plain_demo.client_id, format).write(folder / OUT_NAMES[format], stop_half_way)
    assert list(folder.iterdir()) == [], "no export, and no hidden temporary file or folder"


@pytest.mark.parametrize("format", ["pdf", "zip"])
def test_an_export_replaces_an_older_one_of_the_same_name(plain_demo, tmp_path, format):
    out = tmp_path / OUT_NAMES[format]
    out.write_bytes(b"last week's export")
    with plain_demo.open() as store:
        prepared(store, plain_demo.client_id, format).write(out)
    assert out.read_bytes()[:4] in (b"%PDF", b"PK\x03\x04")
    assert sorted(path.name for path in tmp_path.iterdir()) == [out.name]


def test_the_web_portfolio_never_empties_a_folder_that_has_things_in_it(plain_demo, tmp_path):
    (tmp_path / "Documents").mkdir()
    (tmp_path / "Documents" / "letter.txt").write_text("keep me")
    (tmp_path / "empty").mkdir()
    with plain_demo.open() as store:
        with pytest.raises(ExportError, match=r"already has things in it\. Choose a new or empty folder"):
            html_portfolio(store, plain_demo.client_id, out=tmp_path / "Documents")
        html_portfolio(store, plain_demo.client_id, out=tmp_path / "empty")
    assert [path.name for path in (tmp_path / "Documents").iterdir()] == ["letter.txt"]
    assert (tmp_path / "empty" / "index.html").is_file()


@pytest.mark.parametrize("format", FORMATS)
def test_a_place_that_cannot_be_written_is_refused_in_plain_words(plain_demo, tmp_path, format):
    with plain_demo.open() as store:
        with pytest.raises(ExportError, match=r"^There is no folder .*nowhere to put .* Choose another place\.$"):
            prepared(store, plain_demo.client_id, format).write(tmp_path / "nowhere" / OUT_NAMES[format])


def test_a_pdf_needs_chosen_work_and_the_others_take_no_choice(plain_demo):
    with plain_demo.open() as store:
        for nothing_chosen in (None, []):
            with pytest.raises(ValueError, match="choose at least one"):
                prepare(store, plain_demo.client_id, "pdf", artifact_ids=nothing_chosen)
        with pytest.raises(ValueError, match="takes no choice"):
            prepare(store, plain_demo.client_id, "html", include_therapist_notes=True)
        with pytest.raises(ValueError, match="not 'docx'"):
            prepare(store, plain_demo.client_id, "docx")


@pytest.mark.parametrize("format", FORMATS)
def test_a_piece_of_work_whose_record_is_damaged_is_named_and_the_rest_goes_out(plain_demo, tmp_path, format):
    demo = plain_demo.copied(tmp_path / "portfolio")
    with demo.open() as store:
        damaged = store.artifacts(demo.client_id)[0]
    (damaged.path / "manifest.json").write_text("{ half a manifest")
    # A record damaged while the portfolio was closed is found by the next open that
    # compares the index with the files: one after a crash, as here (else `check`).
    (demo.root / "index.sqlite-closed").unlink()
    with demo.open() as store:
        problems = prepared(store, demo.client_id, format).write(tmp_path / OUT_NAMES[format])
    assert len(problems) == 1 and damaged.id in problems[0] and "not readable" in problems[0]
    assert (tmp_path / OUT_NAMES[format]).exists()
