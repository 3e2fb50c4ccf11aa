"""The PDF report: a cover, then a page per chosen piece of work with its picture, the
client's words and the session; the therapist's notes only when asked for. Read back
with pypdf."""

import pytest
from pypdf import PdfReader

from expressive.exporting import pdf_report
from expressive.exporting.describe import day
from expressive.feelings import feeling
from expressive.portfolio import PortfolioError
from export_helpers import ARTIFACT_NOTE, MARKS, NOTICINGS, new_portfolio
from sample_work import drawing_draft


def chosen_work(store, client_id):
    """One piece of work of each activity, from all three demo sessions, and the one with
    review marks; as (session id, artifact id), in an order that is not the report's."""
    sessions = store.sessions(client_id)
    newest, middle, oldest = (store.artifacts(client_id, session.id) for session in sessions)
    picked = [middle[2], newest[0], oldest[1], oldest[-1]]
    return [(artifact.session_id, artifact.id) for artifact in picked]


def page_texts(path):
    return [page.extract_text() for page in PdfReader(path).pages]


def test_a_cover_then_a_page_per_chosen_piece_of_work_oldest_first(demo, tmp_path, progress_log):
    out = tmp_path / "report.pdf"
    with demo.open() as store:
        chosen = chosen_work(store, demo.client_id)
        problems = pdf_report(store, demo.client_id, chosen, out=out, progress=progress_log)
        client = store.client(demo.client_id)
        artifacts = sorted((store.artifact(demo.client_id, *ids) for ids in chosen), key=lambda artifact: artifact.created)
        sessions = {session.id: session for session in store.sessions(demo.client_id)}
        notes = [store.therapist_note(demo.client_id, session_id) for session_id in sessions]
    assert problems == []
    assert progress_log.calls[0] == (0, 8) and progress_log.calls[-1] == (8, 8)
    reader = PdfReader(out)
    cover, *pages = page_texts(out)
    assert len(pages) == 4
    assert client.name in cover and "4 pieces of work from 3 sessions" in cover
    assert f"Work from {day(artifacts[0].created)} to {day(artifacts[-1].created)}" in cover
    for number, (artifact, text) in enumerate(zip(artifacts, pages), start=1):
        session = sessions[artifact.session_id]
        assert f"{artifact.title}\n{artifact.activity.capitalize()}, {day(artifact.created)}" in text
        assert artifact.about in text
        assert f"Goal: {session.goal}" in text
        assert f"check-in: {feeling(session.feeling_in).label}" in text
        assert f"check-out: {feeling(session.feeling_out).label}" in text
        assert reader.pages[number].images, f"the picture of {artifact.id} is on its page"
    everything = "\n".join([cover, *pages])
    assert "therapist" not in everything.lower() and "Confidential" not in everything
    assert not any(note in everything for note in notes)
    assert MARKS[0]["note"] not in everything


def test_the_therapists_notes_and_marks_only_when_asked_for(demo, tmp_path):
    out = tmp_path / "report.pdf"
    with demo.open() as store:
        chosen = chosen_work(store, demo.client_id)
        pdf_report(store, demo.client_id, chosen, include_therapist_notes=True, out=out)
        artifacts = sorted((store.artifact(demo.client_id, *ids) for ids in chosen), key=lambda artifact: artifact.created)
        notes = [store.therapist_note(demo.client_id, artifact.session_id) for artifact in artifacts]
    cover, *pages = page_texts(out)
    assert "Confidential" in cover
    for artifact, note, text in zip(artifacts, notes, pages):
        assert "The therapist's note on the session (private)" in text and " ".join(note.split()) in " ".join(text.split())
        assert "Confidential" in text, "every page says so, since pages get separated"
        assert (MARKS[0]["note"] in text) == bool(artifact.marks)


def test_what_was_noticed_later_and_whether_the_goal_was_met(plain_demo, tmp_path):
    with plain_demo.open() as store:
        reviewed = next(artifact for artifact in store.artifacts(plain_demo.client_id) if artifact.noticings)
        pdf_report(store, plain_demo.client_id, [(reviewed.session_id, reviewed.id)], out=tmp_path / "report.pdf")
    page = page_texts(tmp_path / "report.pdf")[1]
    first, second = (day(noticing.at) for noticing in reviewed.noticings)
    assert f"Noticed later\n{first}: {NOTICINGS[0]}\n{second}: {NOTICINGS[1]}" in page
    assert "Goal met" in page


def test_words_that_look_like_markup_and_other_scripts_print_as_typed(tmp_path):
    with new_portfolio(tmp_path / "portfolio", "plain") as store:
        client = store.add_client("Zoë <b>&amp; Ωμέγα")
        session = store.start_session(client.id, plan_id="open", goal="Say <what> & why", feeling_in=3)
        artifact = store.save_artifact(client.id, session.id, "drawing", drawing_draft("A <i>cat</i> & me"))
        store.set_reflection(artifact, title=artifact.title, about="It is <big> & 😀 happy")
        assert pdf_report(store, client.id, [(session.id, artifact.id)], out=tmp_path / "report.pdf") == []
    cover, page = page_texts(tmp_path / "report.pdf")
    assert "Zoë <b>&amp; Ωμέγα" in cover
    assert "A <i>cat</i> & me" in page and "Say <what> & why" in page and "It is <big> &" in page


def test_a_damaged_picture_is_said_and_the_rest_is_printed(plain_demo, tmp_path):
    demo = plain_demo.copied(tmp_path / "portfolio")
    with demo.open() as store:
        drawing = next(artifact for artifact in store.artifacts(demo.client_id) if artifact.activity == "drawing")
        (drawing.path / drawing.product).write_bytes(b"scribbled over")
        problems = pdf_report(store, demo.client_id, [(drawing.session_id, drawing.id)], out=tmp_path / "report.pdf")
    assert len(problems) == 1 and "does not match its checksum" in problems[0]
    page = page_texts(tmp_path / "report.pdf")[1]
    assert "Its picture could not be read" in page and drawing.about in page


def test_work_that_is_not_in_the_portfolio_writes_and_audits_nothing(plain_demo, tmp_path):
    with plain_demo.open() as store:
        before = len(store.audit_entries())
        with pytest.raises(PortfolioError, match="no artifact"):
            pdf_report(store, plain_demo.client_id, [("2020-01-01_0000_abcd", "01-drawing-wxyz")], out=tmp_path / "r.pdf")
        assert len(store.audit_entries()) == before
    assert list(tmp_path.iterdir()) == []


def test_a_note_on_one_piece_of_work_goes_in_with_the_notes_and_a_damaged_note_is_said(plain_demo, tmp_path):
    demo = plain_demo.copied(tmp_path / "portfolio")
    with demo.open() as store:
        reviewed = next(artifact for artifact in store.artifacts(demo.client_id) if artifact.noticings)
        other = next(session.id for session in store.sessions(demo.client_id) if session.id != reviewed.session_id)
    damaged = demo.root / "clients" / demo.client_id / "private" / f"notes-{other}.json"
    damaged.write_text("{ not a note")
    chosen = [(reviewed.session_id, reviewed.id)]
    with demo.open() as store:
        problems = pdf_report(store, demo.client_id, chosen, include_therapist_notes=True, out=tmp_path / "notes.pdf")
        assert pdf_report(store, demo.client_id, chosen, out=tmp_path / "plain.pdf") == []
    assert problems == [f"A therapist's note: private/{damaged.name} is damaged: {damaged.name} is not readable (it is not valid JSON)."]
    with_notes, without = page_texts(tmp_path / "notes.pdf")[1], page_texts(tmp_path / "plain.pdf")[1]
    assert f"The therapist's note on this work (private)\n{ARTIFACT_NOTE}" in with_notes
    assert ARTIFACT_NOTE not in without
