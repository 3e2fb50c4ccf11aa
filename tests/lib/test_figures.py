"""expressive.lib.figures: the sandtray's shelves of shipped figures and a therapist's own,
each file that cannot be a figure left out with its reason while the rest load."""

import importlib.util
import io
import logging
import os
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from expressive.lib.figures import (
    CATEGORIES,
    Figure,
    FigureLibrary,
    FigureUnreadable,
    category_title,
    figure_from_png,
)
from expressive.lib.figures import catalogue
from expressive.resources import ASSETS_DIR
from source_tree import CHECKOUT

FIGURES_DIR = ASSETS_DIR / "figures"
SHIPPED_SHELVES = [category for category in CATEGORIES if category != "own"]


@pytest.fixture(scope="module")
def library():
    return FigureLibrary.load()


def png(size=(60, 80), colour=(200, 40, 40, 255), mode="RGBA", format="PNG") -> bytes:
    picture = Image.new(mode, size, (0, 0, 0, 0) if mode == "RGBA" else "white")
    ImageDraw.Draw(picture).ellipse((5, 5, size[0] - 5, size[1] - 5), fill=colour[: len(mode)])
    buffer = io.BytesIO()
    picture.save(buffer, format)
    return buffer.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height pixels, with a few bytes of them."""
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


# ----- the shipped figures


def test_the_shelves_hold_over_300_figures_with_every_shelf_filled(library):
    assert len(library.figures()) >= 300
    for category in SHIPPED_SHELVES:
        assert len(library.figures(category)) >= 10, category
    assert len(library.figures("people")) >= 60
    assert len(library.figures("animals")) >= 60


def test_keys_are_unique_and_name_the_shipped_set(library):
    keys = [figure.key for figure in library.figures()]
    assert len(keys) == len(set(keys))
    assert all(key.startswith("noto:") for key in keys)
    assert library.get("noto:lion").name == "lion"
    assert library.get("noto:no-such-figure") is None


def test_a_therapist_finds_what_a_sandtray_needs(library):
    names = {figure.name for figure in library.figures()}
    for name in ("baby", "older person", "family: man, woman, girl, boy", "woman, dark skin", "man, light skin",
                 "police officer", "dragon", "ghost", "zombie", "vampire", "fairy", "skull", "castle", "church",
                 "mosque", "synagogue", "Hindu temple", "bridge", "tree", "rock", "fire", "water wave", "volcano",
                 "car", "bed", "door", "cross", "star of David", "star and crescent", "om", "wheel of dharma",
                 "yin yang", "menorah", "prayer beads"):
        assert name in names, name
    toned = [figure for figure in library.figures("people") if figure.name.endswith(" skin")]
    assert len(toned) >= 25
    families = [figure for figure in library.figures("people") if figure.name.startswith("family: ")]
    assert len(families) >= 6
    assert any(family.name.endswith(" skin") for family in families)
    # People standing side by side, not a tile: wider than tall, the sky above the child open.
    for family in families:
        picture = family.picture()
        assert picture.width > picture.height and picture.getpixel((picture.width - 1, 0))[3] == 0, family.name
    # A symbol stands in the sand by itself, without the tile it is drawn on as an emoji.
    menorah = library.get("noto:menorah").picture()
    assert menorah.getpixel((0, 0))[3] == 0 and menorah.getpixel((menorah.width - 1, menorah.height - 1))[3] == 0


def test_the_shelves_come_in_order_and_the_simple_level_offers_about_40(library):
    everything = library.figures()
    assert [figure.category for figure in everything] == sorted(
        (figure.category for figure in everything), key=CATEGORIES.index)
    simple = library.figures(level="simple")
    assert 30 <= len(simple) <= 50
    assert all(figure.simple for figure in simple)
    assert {figure.category for figure in simple} == set(SHIPPED_SHELVES)
    assert library.figures("animals", level="standard") == library.figures("animals")
    with pytest.raises(ValueError):
        library.figures(level="hardest")


def test_every_shelf_has_a_title_in_words():
    assert CATEGORIES[0] == "people" and CATEGORIES[-1] == "own"
    titles = [category_title(category) for category in CATEGORIES]
    assert titles[0] == "People" and all(titles) and len(set(titles)) == len(titles)


def test_every_shipped_picture_exists_and_decodes_within_bounds(library):
    for figure in library.figures():
        assert isinstance(figure.source, Path) and figure.source.is_file(), figure.key
        picture = figure.picture()
        assert picture.mode == "RGBA", figure.key
        assert 120 <= max(picture.size) <= 128, figure.key
        # Trimmed: something visible touches each side.
        assert picture.getchannel("A").getbbox() == (0, 0, *picture.size), figure.key
        assert figure.png_bytes().startswith(b"\x89PNG"), figure.key
    assert sum(path.stat().st_size for path in (FIGURES_DIR / "noto").iterdir()) < 3 * 1024 * 1024


def test_a_picture_is_decoded_once_and_shared(library):
    lion = library.get("noto:lion")
    assert lion.picture() is lion.picture()


def test_loading_reads_the_catalogue_only(monkeypatch):
    catalogue._shipped_figures.cache_clear()

    def no_decoding(*arguments, **options):
        raise AssertionError("a picture was opened while the library loaded")

    monkeypatch.setattr(Image, "open", no_decoding)
    assert len(FigureLibrary.load()) >= 300


def test_the_catalogue_is_what_the_tool_that_made_it_lists():
    """figures.toml is made by tools/make_figures.py from its list: edited by hand, the two differ."""
    tool = CHECKOUT / "tools" / "make_figures.py"
    specification = importlib.util.spec_from_file_location("make_figures", tool)
    make_figures = importlib.util.module_from_spec(specification)
    specification.loader.exec_module(make_figures)
    made = (FIGURES_DIR / "figures.toml").read_text(encoding="utf-8")
    assert made == make_figures.catalogue_text(make_figures.rows())


def test_the_licence_and_the_attribution_are_kept_with_the_figures():
    licence = (FIGURES_DIR / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in licence and "Version 2.0" in licence
    readme = (FIGURES_DIR / "README.md").read_text(encoding="utf-8")
    for words in ("Noto", "2.042", "Apache License, Version 2.0", "Google", "tools/make_figures.py"):
        assert words in readme, words


# ----- a therapist's own figures


def test_a_therapists_pictures_are_on_the_own_shelf(tmp_path):
    (tmp_path / "grand_mother.png").write_bytes(png())
    (tmp_path / "boat.jpg").write_bytes(png(mode="RGB", format="JPEG"))
    library = FigureLibrary.load(tmp_path)
    own = library.figures("own")
    assert [figure.name for figure in own] == ["boat", "grand mother"]
    assert all(figure.key.startswith("own:") and len(figure.key) == len("own:") + 16 for figure in own)
    assert own == library.figures("own", level="simple")  # chosen for this client: offered at every level
    grandmother = own[1]
    assert grandmother.picture().size == (51, 71)  # trimmed to what is drawn
    assert library.skipped == []
    # The same picture under another name is the same figure.
    (tmp_path / "granny.png").write_bytes(png())
    again = FigureLibrary.load(tmp_path)
    assert again.get(grandmother.key) is not None
    assert again.skipped == [("granny.png", "It is the same picture as another figure.")]


def test_every_file_that_cannot_be_a_figure_is_left_out_with_its_reason(tmp_path, caplog):
    folder = tmp_path / "figures"
    folder.mkdir()
    (folder / "lion.png").write_bytes(png())
    (folder / "notes.png").write_text("Remember to ask about the dog.", encoding="utf-8")
    (folder / "half.png").write_bytes(png(size=(300, 300))[:-200])
    (folder / "bomb.png").write_bytes(png_header_only(100_000, 100_000))
    huge = io.BytesIO()
    Image.new("1", (5000, 5000)).save(huge, "PNG")  # 25 megapixels in a few kilobytes
    (folder / "huge.png").write_bytes(huge.getvalue())
    (folder / "empty.png").write_bytes(b"")
    (folder / "x.png").mkdir()
    (folder / "y.png").symlink_to("/dev/zero")
    os.mkfifo(folder / "z.png")
    (folder / "drawing.gif").write_bytes(png(format="GIF"))
    (folder / "gif-inside.png").write_bytes(png(format="GIF"))
    (folder / "nothing.png").write_bytes(png(colour=(0, 0, 0, 0)))
    caplog.set_level(logging.WARNING)

    library = FigureLibrary.load(folder, logging.getLogger("test-figures"))

    assert [figure.name for figure in library.figures("own")] == ["lion"]
    assert len(library.figures()) >= 301
    reasons = dict(library.skipped)
    assert sorted(reasons) == sorted(["notes.png", "half.png", "bomb.png", "huge.png", "empty.png", "x.png", "y.png",
                                      "z.png", "drawing.gif", "gif-inside.png", "nothing.png"])
    assert "not a picture" in reasons["notes.png"]
    assert "damaged" in reasons["half.png"]
    assert "pixels" in reasons["bomb.png"] and "pixels" in reasons["huge.png"]
    assert "not a picture" in reasons["empty.png"]
    assert reasons["x.png"] == reasons["y.png"] == reasons["z.png"] == "This is not a picture file."
    assert reasons["drawing.gif"] == reasons["gif-inside.png"] == "Only PNG and JPEG pictures can be figures."
    assert "nothing" in reasons["nothing.png"]
    for reason in reasons.values():  # a plain sentence, not an exception's insides
        assert reason[0].isupper() and reason.endswith(".") and "Error" not in reason and "\n" not in reason
    logged = " ".join(record.getMessage() for record in caplog.records if record.name == "test-figures")
    assert all(name in logged for name in reasons)
    assert "Remember" not in logged  # a file's name, never what is in it


def test_a_folder_that_cannot_be_read_leaves_the_shipped_figures(tmp_path, caplog):
    library = FigureLibrary.load(tmp_path / "not-there")
    assert len(library.figures()) >= 300 and library.figures("own") == []
    assert "cannot be read" in caplog.text


def test_a_file_that_breaks_after_loading_says_so_when_shown(tmp_path):
    figure = Figure(key="noto:gone", name="gone", category="things", simple=False, source=tmp_path / "gone.png")
    with pytest.raises(FigureUnreadable, match="cannot be read"):
        figure.picture()
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n and then nothing")
    broken = Figure(key="noto:broken", name="broken", category="things", simple=False, source=tmp_path / "broken.png")
    with pytest.raises(FigureUnreadable, match="not a picture"):
        broken.picture()


# ----- figures made here


def test_a_figure_from_saved_png_bytes_comes_back_the_same(library):
    lion = library.get("noto:lion")
    again = figure_from_png("cutout:lion", "the lion", lion.png_bytes())
    assert again.category == "own" and again.simple
    assert again.picture().tobytes() == lion.picture().tobytes()
    assert figure_from_png("cutout:lion", "the lion", again.png_bytes()).png_bytes() == again.png_bytes()


def test_a_figure_from_a_big_picture_is_shrunk():
    figure = figure_from_png("own:big", "big", png(size=(2000, 1000)))
    assert figure.picture().size == (512, 255)


def test_figures_from_bad_bytes_are_refused_in_plain_words():
    with pytest.raises(FigureUnreadable, match="not a picture"):
        figure_from_png("own:text", "text", b"hello")
    with pytest.raises(FigureUnreadable, match="pixels"):
        figure_from_png("own:bomb", "bomb", png_header_only(100_000, 100_000))
    with pytest.raises(FigureUnreadable, match="the most a figure may be"):
        figure_from_png("own:long", "long", b"\x89PNG" + bytes(catalogue.MAX_FIGURE_FILE_BYTES))


def test_figures_added_later_join_their_shelf():
    library = FigureLibrary()
    cut = figure_from_png("cutout:7", "my dog", png())
    library.add(cut)
    assert library.get("cutout:7") is cut and library.figures("own") == [cut]
    replaced = figure_from_png("cutout:7", "my dog, again", png())
    library.add(replaced)
    assert library.figures("own") == [replaced]
    with pytest.raises(ValueError):
        library.add(Figure(key="x:1", name="x", category="spaceships", simple=False, source=b""))
