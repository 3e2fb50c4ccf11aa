"""An MP4 rearranged so a browser can play it while it downloads: its index (the "moov"
box) moved before the pictures and sound ("mdat"), as ffmpeg's faststart does. ffmpeg
does that by reading back a file on disk, and a client's film is never written to disk
unencrypted, so it is done here in memory. Public, covered by the API version
(through expressive.lib.film). No Kivy here."""

from __future__ import annotations

import struct

# The boxes on the way from "moov" down to the chunk offset tables.
_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl"}


def _boxes(data: bytes | memoryview, start: int, end: int):
    """(type, start, size) of each box between `start` and `end`."""
    position = start
    while position + 8 <= end:
        size, kind = struct.unpack_from(">I4s", data, position)
        if size == 1:
            size = struct.unpack_from(">Q", data, position + 8)[0]
        elif size == 0:
            size = end - position
        if size < 8 or position + size > end:
            raise ValueError("an MP4 box runs past its end")
        yield kind, position, size
        position += size


def _shift_offsets(moov: bytearray, start: int, end: int, shift: int) -> None:
    for kind, position, size in _boxes(moov, start, end):
        if kind in _CONTAINERS:
            _shift_offsets(moov, position + 8, position + size, shift)
        elif kind in (b"stco", b"co64"):
            count = struct.unpack_from(">I", moov, position + 12)[0]
            width, code = (4, ">I") if kind == b"stco" else (8, ">Q")
            for entry in range(count):
                offset_at = position + 16 + entry * width
                struct.pack_into(code, moov, offset_at, struct.unpack_from(code, moov, offset_at)[0] + shift)


def moov_first(mp4: bytes) -> bytes:
    """`mp4` with its moov box before its mdat box (unchanged when it is already)."""
    boxes = list(_boxes(mp4, 0, len(mp4)))
    kinds = [kind for kind, _start, _size in boxes]
    if b"moov" not in kinds or b"mdat" not in kinds or kinds.index(b"moov") < kinds.index(b"mdat"):
        return mp4
    _kind, moov_start, moov_size = boxes[kinds.index(b"moov")]
    moov = bytearray(mp4[moov_start:moov_start + moov_size])
    _shift_offsets(moov, 8, len(moov), moov_size)
    before = [mp4[start:start + size] for kind, start, size in boxes if kind in (b"ftyp",)]
    rest = [mp4[start:start + size] for kind, start, size in boxes if kind not in (b"ftyp", b"moov")]
    return b"".join([*before, bytes(moov), *rest])
