"""Films and photos in the exports: the report shows a film's title card and strip of frames
and what it is ("Film, 3 seconds, 24 frames"), and the rest of a set of photos in a row; the
web page plays a film in a <video>, its title card as the poster, and shows the strip of a
film whose video is not made yet. The works are saved as the film library and the photo
activity save them (the same file names)."""

import io
import json
import re

from PIL import Image
from pypdf import PdfReader

from expressive.activity import SHOWS_PEOPLE
from expressive.artifact import ArtifactDraft
from expressive.exporting import html_portfolio, pdf_report
from export_helpers import new_portfolio


def picture(colour: str, size=(64, 48), format="PNG") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format=format)
    return out.getvalue()


def film_work(*, encoded: bool, shows_people: bool, title: str = "The cat's walk") -> ArtifactDraft:
    """A film of 24 frames at 8 a second, as `expressive.lib.film.film_draft` keeps it; its
    frames' colour depends on its title, so two films share no file."""
    frames = [f"frame-{number:04d}.jpg" for number in range(1, 25)]
    shade = sum(title.encode()) % 200
    files = {name: picture((shade, 128, number * 10), (64, 48), "JPEG") for number, name in enumerate(frames)}
    files |= {
        "film.json": json.dumps({"format": "expressive-film", "version": 1, "fps": 8, "title": title,
                                 "frames": frames, "sound": None, "encoded": encoded, "extra": {}}).encode(),
        "title.png": picture((shade, 200, 0), (64, 48)),
        "strip.jpg": picture((shade, 0, 200), (384, 48), "JPEG"),
        "thumbnail.png": picture((shade, 200, 0), (32, 24)),
    }
    if encoded:
        files["film.mp4"] = b"\x00\x00\x00\x18ftypmp42 a film, as far as the export cares: " + title.encode()
    return ArtifactDraft(
        kind="film", files=files, product="film.mp4" if encoded else "title.png", process="film.json",
        thumbnail="thumbnail.png", title=title,
        metadata={"frames": 24, "fps": 8, "seconds": 5.0, "encoded": encoded, SHOWS_PEOPLE: shows_people},
    )


def photos_work(title: str = "Something that makes me feel safe") -> ArtifactDraft:
    """Three photos, the second drawn on, as the photo activity keeps them."""
    files = {
        "photo-01.jpg": picture("red", format="JPEG"),
        "photo-02.jpg": picture("green", format="JPEG"),
        "photo-02-drawn.png": picture("lime"),
        "photo-03.jpg": picture("blue", format="JPEG"),
        "photos.json": b'{"format": "expressive-photos", "version": 1, "photos": []}',
        "thumbnail.png": picture("red", (32, 24)),
    }
    return ArtifactDraft(kind="photos", files=files, product="photo-01.jpg", process="photos.json",
                         thumbnail="thumbnail.png", title=title, metadata={"photos": 3, SHOWS_PEOPLE: True})


def saved(store, client_id, session_id, activity, draft):
    return store.save_artifact(client_id, session_id, activity, draft)


def test_the_report_shows_a_films_title_card_and_strip_and_a_row_of_the_other_photos(tmp_path):
    with new_portfolio(tmp_path / "portfolio", "plain") as store:
        client = store.add_client("Robin")
        session = store.start_session(client.id, plan_id="free")
        film = saved(store, client.id, session.id, "film", film_work(encoded=True, shows_people=False))
        photos = saved(store, client.id, session.id, "photo", photos_work())
        out = tmp_path / "report.pdf"
        assert pdf_report(store, client.id, [(session.id, film.id), (session.id, photos.id)], include_people=True,
                          out=out) == []
    _cover, film_page, photos_page = PdfReader(out).pages
    assert "Film, 5 seconds, 24 frames" in film_page.extract_text()
    # The title card and the strip (the film's own files, not its thumbnail).
    sizes = sorted(image.image.size for image in film_page.images)
    assert sizes == [(64, 48), (384, 48)]
    # The first photo large, then the second as drawn on and the third in a row (pypdf
    # lists a page's pictures in no set order).
    colours = [image.image.convert("RGB").getpixel((8, 8)) for image in photos_page.images]
    assert sorted(_nearest(colour) for colour in colours) == ["blue", "lime", "red"]


def _nearest(colour):
    named = {"red": (255, 0, 0), "lime": (0, 255, 0), "green": (0, 128, 0), "blue": (0, 0, 255)}
    return min(named, key=lambda name: sum((a - b) ** 2 for a, b in zip(named[name], colour)))


def test_the_web_page_plays_a_film_shows_the_strip_of_one_not_yet_encoded_and_every_photo(tmp_path):
    with new_portfolio(tmp_path / "portfolio", "encrypted") as store:
        client = store.add_client("Robin")
        session = store.start_session(client.id, plan_id="free")
        film = saved(store, client.id, session.id, "film", film_work(encoded=True, shows_people=False))
        waiting = saved(store, client.id, session.id, "film", film_work(encoded=False, shows_people=False,
                                                                          title="Not yet"))
        photos = saved(store, client.id, session.id, "photo", photos_work())
        mp4 = store.read_file(film, "film.mp4")
        out = tmp_path / "web"
        assert html_portfolio(store, client.id, include_people=True, out=out) == []
    page = (out / "index.html").read_text()
    folder = f"files/{session.id}/{film.id}"
    video = re.search(r"<video [^>]*>.*?</video>", page, re.S)[0]
    assert 'controls preload="metadata"' in video and f'poster="{folder}/title.png"' in video
    assert f'<source src="{folder}/film.mp4" type="video/mp4">' in video
    assert (out / folder / "film.mp4").read_bytes() == mp4
    assert page.count("<video ") == 1
    article = page[page.index(f'id="{session.id}-{waiting.id}"'):]
    article = article[:article.index("</article>")]
    assert f'<img src="files/{session.id}/{waiting.id}/strip.jpg"' in article
    assert "The video of this film is not made yet" in article
    shown = re.findall(r'<img src="([^"]+)"', page[page.index(f'id="{session.id}-{photos.id}"'):])
    assert [source.rsplit("/", 1)[1] for source in shown] == ["photo-01.jpg", "photo-02-drawn.png", "photo-03.jpg"]
