"""A sandtray goes out and is looked back at like any other work: its picture in the PDF
report and the web portfolio, side by side with a drawing, and replayed in the slideshow."""

import io

import pytest
from PIL import Image, ImageChops, ImageStat
from pypdf import PdfReader

from expressive.activities.play.activity import PlayActivity
from expressive.activities.play.viewer import TrayViewer
from expressive.exporting import html_portfolio, pdf_report
from expressive.portfolio import Portfolio
from expressive.tools.driver import advance_frames, start_app, stop_app, tap
from export_helpers import new_portfolio
from sample_work import drawing_draft
from tests_support import screen


@pytest.fixture(scope="module")
def portfolio_root(tmp_path_factory):
    """Robin's portfolio: a drawing in one session, then a sandtray in the next."""
    root = tmp_path_factory.mktemp("trays") / "portfolio"
    with new_portfolio(root, "plain") as store:
        client = store.add_client("Robin")
        for activity, draft in (("drawing", drawing_draft("The sea")), ("play", PlayActivity.demo_drafts(0)[0])):
            session = store.start_session(client.id, plan_id="open", feeling_in=3)
            store.save_artifact(client.id, session.id, activity, draft)
            store.finish_session(client.id, session.id, feeling_out=4)
    return root


def the_tray(store):
    (client,) = store.clients()
    (tray,) = [artifact for artifact in store.artifacts(client.id) if artifact.activity == "play"]
    return client, tray


def difference(picture: Image.Image, other: Image.Image) -> float:
    """How far apart two pictures of the same thing are, 0 to 255, at the smaller one's size."""
    size = min(picture.size, other.size)
    apart = ImageChops.difference(picture.convert("RGB").resize(size), other.convert("RGB").resize(size))
    return max(ImageStat.Stat(apart).mean)


def test_the_pdf_report_prints_the_tray_picture(portfolio_root, tmp_path):
    with Portfolio.open(portfolio_root, fsync=False) as store:
        client, tray = the_tray(store)
        saved = Image.open(io.BytesIO(store.read_file(tray, "tray.png")))
        assert pdf_report(store, client.id, [(tray.session_id, tray.id)], out=tmp_path / "report.pdf") == []
    page = PdfReader(tmp_path / "report.pdf").pages[1]
    assert "Sandtray, " in page.extract_text()
    (printed,) = page.images
    assert difference(printed.image, saved) < 8


def test_the_web_portfolio_shows_the_tray_picture_and_links_its_record(portfolio_root, tmp_path):
    out = tmp_path / "web"
    with Portfolio.open(portfolio_root, fsync=False) as store:
        client, tray = the_tray(store)
        assert html_portfolio(store, client.id, out=out) == []
        files = {name: store.read_file(tray, name) for name in ("tray.png", "tray.json")}
    folder = f"files/{tray.session_id}/{tray.id}"
    page = (out / "index.html").read_text(encoding="utf-8")
    assert f'src="{folder}/tray.png"' in page
    assert f'href="{folder}/tray.json"' in page
    for name, data in files.items():
        assert (out / folder / name).read_bytes() == data


@pytest.fixture
def app(window, portfolio_root):
    running = start_app(Portfolio.open(portfolio_root, fsync=False))
    (client,) = running.store.clients()
    running.open_client(client)
    advance_frames(2)
    yield running
    stop_app(running)


def test_side_by_side_shows_the_tray_beside_the_drawing(app):
    tap(screen(app, "portfolio").ids.compare)
    compare = screen(app, "compare")
    left, right = compare.ids.left, compare.ids.right
    assert (left.chosen.activity, right.chosen.activity) == ("drawing", "play")
    assert right.texture is not None
    assert right.texture.width / right.texture.height == pytest.approx(4 / 3, rel=0.02)


def test_the_slideshow_replays_the_tray_and_stops_it_when_left(app):
    tap(screen(app, "portfolio").ids.slideshow)
    slideshow = screen(app, "slideshow")
    slideshow._ticker.cancel()  # moved on by hand, not by the clock
    tap(slideshow.ids.next)
    slide = slideshow.ids.slide
    assert isinstance(slide.viewer, TrayViewer) and slide.viewer.replay.picture is not None
    replay = slide.viewer.replay
    tap(replay.ids.fast)
    assert replay.speed == 4
    app.go("portfolio")
    advance_frames(2)
    assert replay.speed == 0
