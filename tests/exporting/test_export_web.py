"""The web portfolio: a folder with index.html and the work's files, opened in a real
headless browser (Debian's chromium) as a person would open it from a USB stick."""

import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from expressive.exporting import html_portfolio
from expressive.exporting.describe import day
from expressive.exporting.web import CONTENT_POLICY
from export_helpers import ARTIFACT_NOTE, MARKS, NOTICINGS, new_portfolio
from sample_work import drawing_draft

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="Debian's chromium is not at /usr/bin/chromium (apt-get install -y chromium)"
)
MAGENTA = (255, 0, 255)


class Page(HTMLParser):
    """What a test looks at in a page: its elements in order, with their attributes and text."""

    def __init__(self, text: str):
        super().__init__()
        self.elements: list[tuple[str, dict]] = []
        self.texts: dict[str, list[str]] = {}
        self._open: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._open.append(tag)

    def handle_endtag(self, tag):
        if tag in self._open:
            del self._open[len(self._open) - 1 - self._open[::-1].index(tag):]

    def handle_data(self, data):
        if self._open:
            self.texts.setdefault(self._open[-1], []).append(data)

    def all(self, tag):
        return [attrs for name, attrs in self.elements if name == tag]


def chromium(profile: Path, *options: str, page: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={profile}", "--hide-scrollbars", "--virtual-time-budget=5000", *options, page.as_uri(),
        ],
        capture_output=True, text=True, timeout=120, check=True,
    )


def test_sessions_newest_first_with_every_file_linked_and_nothing_private(demo, tmp_path, progress_log):
    out = tmp_path / "web"
    with demo.open() as store:
        assert html_portfolio(store, demo.client_id, include_people=True, out=out, progress=progress_log) == []
        client = store.client(demo.client_id)
        sessions = store.sessions(demo.client_id)
        artifacts = store.artifacts(demo.client_id)
        files = {(artifact.session_id, artifact.id, entry.name): store.read_file(artifact, entry.name)
                 for artifact in artifacts for entry in artifact.files}
        notes = [store.therapist_note(demo.client_id, session.id) for session in sessions]
    assert progress_log.calls[-1] == (len(artifacts) + 1,) * 2
    page = Page((out / "index.html").read_text(encoding="utf-8"))
    assert page.texts["h1"] == [client.name]
    assert page.texts["h2"] == [day(session.started) for session in sessions]
    assert page.texts["h3"] == [artifact.title for artifact in artifacts]
    assert not page.all("script") and not page.all("iframe")
    policy = next(meta for meta in page.all("meta") if meta.get("http-equiv") == "Content-Security-Policy")
    assert policy["content"] == CONTENT_POLICY and "default-src 'none'" in CONTENT_POLICY
    linked = [attrs["href"] for attrs in page.all("a")]
    assert sorted(linked) == sorted(f"files/{session}/{artifact}/{name}" for session, artifact, name in files)
    for (session, artifact, name), data in files.items():
        assert (out / "files" / session / artifact / name).read_bytes() == data
    sources = [attrs["src"] for attrs in page.all("img") + page.all("audio")]
    assert all(source in linked for source in sources)
    sounds = [attrs["src"] for attrs in page.all("audio")]
    assert sounds and all(source.endswith(".wav") and (out / source).read_bytes()[:4] == b"RIFF" for source in sounds)
    paragraphs = page.texts["p"]
    assert f"Noticed later (February 3, 2026): {NOTICINGS[0]}" in paragraphs
    assert ["Goal not met.", "Goal met."] == [text for text in paragraphs if text.startswith("Goal ")], "newest first"
    every_text = "".join(path.read_text(errors="ignore") for path in out.rglob("*") if path.suffix in (".html", ".json", ".md"))
    assert not any(private in every_text for private in [*notes, ARTIFACT_NOTE, MARKS[0]["note"]])


@pytest.fixture
def magenta_portfolio(tmp_path):
    """A client whose only work is a magenta drawing, with a name that tries to be markup."""
    with new_portfolio(tmp_path / "portfolio", "plain") as store:
        client = store.add_client('<script>alert("hi")</script> Zoë & Ωμέγα')
        session = store.start_session(client.id, plan_id="open", goal="<b>Be</b> brave", feeling_in=2)
        artifact = store.save_artifact(client.id, session.id, "drawing", drawing_draft("My <i>pink</i> square", "#ff00ff", 200))
        store.set_reflection(artifact, title=artifact.title, about='<img src="x" alt="not a picture">')
        html_portfolio(store, client.id, out=tmp_path / "web")
    return tmp_path / "web"


@needs_chromium
def test_the_browser_shows_the_typed_words_as_text_and_runs_nothing(magenta_portfolio, tmp_path):
    dom = chromium(tmp_path / "profile", "--dump-dom", page=magenta_portfolio / "index.html").stdout
    page = Page(dom)
    assert page.texts["h1"] == ['<script>alert("hi")</script> Zoë & Ωμέγα']
    assert page.texts["h3"] == ["My <i>pink</i> square"]
    assert not page.all("script") and not page.all("b") and not page.all("i")
    assert [attrs["src"] for attrs in page.all("img")] == [f"files/{path.parent.parent.name}/{path.parent.name}/drawing.png"
                                                           for path in magenta_portfolio.glob("files/*/*/drawing.png")]


@needs_chromium
def test_the_browser_draws_the_picture_from_the_folder(magenta_portfolio, tmp_path):
    def magenta_on_screen(name):
        shot = tmp_path / name
        chromium(tmp_path / "profile", f"--screenshot={shot}", "--window-size=900,900", page=magenta_portfolio / "index.html")
        with Image.open(shot) as image:
            return dict((colour, number) for number, colour in image.convert("RGB").getcolors(1 << 24)).get(MAGENTA, 0)

    assert magenta_on_screen("shown.png") >= 200 * 200 * 0.9
    # The check can fail: without the file, the same page shows no picture.
    next(magenta_portfolio.glob("files/*/*/drawing.png")).unlink()
    assert magenta_on_screen("missing.png") == 0
