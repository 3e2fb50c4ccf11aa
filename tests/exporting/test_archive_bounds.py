"""Hostile archives: every bound is held before anything is decoded, each refusal is one
plain sentence naming the bound, and nothing in the portfolio changes. Peak memory and
time are the bench's to measure (a child process per input); here, the bounds themselves."""

import hashlib
import io
import json
import struct
import zipfile

import pytest
from PIL import Image

from expressive.limits import MAX_ARCHIVE_ENTRIES, MAX_JSON_DEPTH
from test_archive import assert_refused


def manifest_listing(files: dict[str, bytes]) -> dict:
    """A manifest of one session with one drawing holding `files`, as Expressive writes it."""
    session_id, artifact_id = "2026-01-02_1000_abcd", "01-drawing-abcd"
    entries = [{"name": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()} for name, data in files.items()]
    return {
        "format": "expressive-archive", "version": 1, "exported": "2026-01-02T10:00:00+00:00",
        "client": {"format": "expressive-client", "version": 1, "id": "c-1234abcd", "name": "Robin",
                   "created": "2026-01-01T10:00:00+00:00", "year_of_birth": None, "notes": ""},
        "sessions": [{
            "session": {"format": "expressive-session", "version": 1, "id": session_id, "client_id": "c-1234abcd",
                        "plan_id": "open", "goal": "", "feeling_in": None, "feeling_out": None,
                        "started": "2026-01-02T10:00:00+00:00", "ended": None},
            "artifacts": [{
                "manifest": {"format": "expressive-artifact", "version": 1, "id": artifact_id, "client_id": "c-1234abcd",
                             "session_id": session_id, "activity": "drawing", "kind": "drawing",
                             "created": "2026-01-02T10:05:00+00:00", "title": "", "reflection": {"about": ""},
                             "files": [{**entry, "role": "product", "media_type": "image/png"} for entry in entries],
                             "product": next(iter(files)), "thumbnail": None, "process": None, "metadata": {}},
                "files": [{**entry, "path": f"sessions/{session_id}/{artifact_id}/{entry['name']}"} for entry in entries],
            }],
        }],
        "therapist_notes": [],
        "left_out": [],
    }


def write_archive(path, members: dict[str, bytes], manifest: bytes | None = None):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        if manifest is not None:
            archive.writestr("manifest.json", manifest)
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def set_declared_size(path, name: str, size: int) -> None:
    """Make the central directory (and the local header) claim `size` unpacked bytes for `name`."""
    data = bytearray(path.read_bytes())
    encoded = name.encode()
    for signature, size_offset, name_offset in ((b"PK\x01\x02", 24, 46), (b"PK\x03\x04", 22, 30)):
        start = 0
        while (at := data.find(signature, start)) >= 0:
            length = struct.unpack_from("<H", data, at + name_offset - (18 if signature == b"PK\x01\x02" else 4))[0]
            if data[at + name_offset:at + name_offset + length] == encoded:
                struct.pack_into("<I", data, at + size_offset, size)
            start = at + 4
    path.write_bytes(bytes(data))


def png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose header says `width` x `height` (its pixels are never there)."""
    small = io.BytesIO()
    Image.new("RGB", (1, 1)).save(small, "PNG")
    data = bytearray(small.getvalue())
    struct.pack_into(">II", data, 16, width, height)
    crc = zipfile.crc32(bytes(data[12:29]))
    struct.pack_into(">I", data, 29, crc)
    return bytes(data)


def test_a_file_declaring_two_gigabytes_is_refused_from_the_central_directory(robins_portfolio, tmp_path):
    path = write_archive(tmp_path / "big.zip", {"sessions/s/a/video.avi": b"x" * 1000}, b"{}")
    set_declared_size(path, "sessions/s/a/video.avi", 2 * 1024**3)
    assert_refused(robins_portfolio, path, "a file of 2,048 MB once unpacked; the most Expressive accepts is 200 MB")


def test_a_zip_bomb_is_refused_by_its_unpacked_size_over_its_own(robins_portfolio, tmp_path):
    zeros = bytes(150 * 1024**2)
    path = write_archive(tmp_path / "bomb.zip", {f"sessions/s/a/{number}.wav": zeros for number in range(3)}, b"{}")
    assert path.stat().st_size < 2 * 1024**2
    assert_refused(robins_portfolio, path, r"unpacks to 450 MB, [\d,]+ times its size; the most Expressive accepts is 100 times")


def test_a_header_that_lies_about_its_size_is_caught_while_unpacking(robins_portfolio, tmp_path):
    picture = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(picture, "PNG")
    truth = picture.getvalue()
    claimed = truth[:100]
    manifest = json.dumps(manifest_listing({"drawing.png": claimed})).encode()
    path = write_archive(tmp_path / "liar.zip", {"sessions/2026-01-02_1000_abcd/01-drawing-abcd/drawing.png": truth}, manifest)
    set_declared_size(path, "sessions/2026-01-02_1000_abcd/01-drawing-abcd/drawing.png", len(claimed))
    assert_refused(robins_portfolio, path, "damaged")


def test_a_picture_declaring_30000_by_30000_pixels_is_refused_from_its_header(robins_portfolio, tmp_path):
    picture = png_header_claiming(30000, 30000)
    manifest = json.dumps(manifest_listing({"drawing.png": picture})).encode()
    path = write_archive(tmp_path / "huge.zip", {"sessions/2026-01-02_1000_abcd/01-drawing-abcd/drawing.png": picture}, manifest)
    assert_refused(robins_portfolio, path, r"picture \(drawing.png\) .*30000 x 30000 pixels|picture \(drawing.png\) that is too big")


def test_a_manifest_nested_too_deep_is_refused_without_recursing(robins_portfolio, tmp_path):
    deep = b'{"format": "expressive-archive", "version": 1, "client": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    path = write_archive(tmp_path / "deep.zip", {}, deep)
    assert_refused(robins_portfolio, path, f"nested more than {MAX_JSON_DEPTH} levels deep")


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "sessions/../../x", "sessions\\..\\x", ".hidden/x"])
def test_a_name_that_climbs_out_or_hides_is_refused(robins_portfolio, tmp_path, name):
    path = write_archive(tmp_path / "climb.zip", {name: b"x"}, b"{}")
    assert_refused(robins_portfolio, path, "not safe to bring in")


def test_a_very_long_name_is_refused_by_its_length(robins_portfolio, tmp_path):
    path = write_archive(tmp_path / "long.zip", {"sessions/" + "a" * 5000: b"x"}, b"{}")
    assert_refused(robins_portfolio, path, "a file name of 5,009 characters; the most Expressive accepts is 300")


def test_too_many_entries_are_refused_before_any_is_read(robins_portfolio, tmp_path):
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for number in range(MAX_ARCHIVE_ENTRIES + 1):
            archive.writestr(f"s/{number}", b"")
    assert_refused(robins_portfolio, path, f"holds {MAX_ARCHIVE_ENTRIES + 1:,} files; the most Expressive accepts is {MAX_ARCHIVE_ENTRIES:,}")


def picture_claiming(format_: str, width: int, height: int) -> bytes:
    """A small picture in `format_` whose header is rewritten to say `width` x `height`."""
    small = io.BytesIO()
    Image.new("RGB", (1, 1)).save(small, format_)
    data = bytearray(small.getvalue())
    if format_ == "GIF":  # the logical screen and the one image's descriptor
        struct.pack_into("<HH", data, 6, width, height)
        descriptor = data.index(b",")
        struct.pack_into("<HH", data, descriptor + 5, width, height)
    else:  # BMP: the info header's width and height
        struct.pack_into("<ii", data, 18, width, height)
    return bytes(data)


@pytest.mark.parametrize("format_", ["GIF", "BMP"])
def test_a_picture_bomb_is_refused_by_its_header_whatever_its_name(robins_portfolio, tmp_path, format_):
    picture = picture_claiming(format_, 30000, 30000)
    manifest = json.dumps(manifest_listing({"notes.bin": picture})).encode()
    path = write_archive(tmp_path / "bomb.zip", {"sessions/2026-01-02_1000_abcd/01-drawing-abcd/notes.bin": picture}, manifest)
    assert_refused(robins_portfolio, path, r"picture \(notes.bin\)")
