"""Thumbnails decoded away from the screen (expressive.thumbnails): shrunk to what a tile
shows, refused beyond the picture bounds, decoded in the order asked, never when withdrawn
first, and kept within a bound."""

import threading
from io import BytesIO

import pytest
from PIL import Image

from expressive.limits import InputRefused
from expressive.portfolio import PortfolioError
from expressive.thumbnails import BoundedCache, ThumbnailDecoder, decode_thumbnail
from sample_work import png


def test_a_thumbnail_is_shrunk_to_the_tile_keeping_its_shape_top_row_first():
    image = Image.new("RGB", (400, 200), "white")
    image.paste((255, 0, 0), (0, 0, 400, 10))
    data = BytesIO()
    image.save(data, format="PNG")
    decoded = decode_thumbnail(data.getvalue(), (100, 100))
    assert (decoded.width, decoded.height) == (100, 50)
    assert len(decoded.pixels) == 100 * 50 * 4
    assert decoded.pixels[:4] == bytes((255, 0, 0, 255)), "the top row comes first"


def test_a_picture_over_the_bounds_or_not_a_picture_is_refused():
    header_says_huge = png(16, "red").replace(b"\x00\x00\x00\x10\x00\x00\x00\x10", b"\x00\x00\x75\x30\x00\x00\x75\x30", 1)
    with pytest.raises(InputRefused):
        decode_thumbnail(header_says_huge, (100, 100))
    with pytest.raises(InputRefused):
        decode_thumbnail(b"not a picture", (100, 100))


def test_the_cache_keeps_the_most_recently_used_within_its_budget():
    cache = BoundedCache(10, cost=len)
    cache.put("a", "aaaa")
    cache.put("b", "bbbb")
    assert cache.get("a") == "aaaa"
    cache.put("c", "cccc")
    assert "b" not in cache and cache.get("a") == "aaaa" and cache.get("c") == "cccc"
    assert cache.total == 8 <= cache.budget
    cache.put("huge", "x" * 11)
    assert "huge" not in cache and cache.total == 8
    cache.put("a", "a")
    assert cache.total == 5
    cache.clear()
    assert len(cache) == 0 and cache.total == 0


class Deliveries:
    def __init__(self):
        self.got = []
        self.changed = threading.Condition()

    def __call__(self, key, decoded, generation):
        with self.changed:
            self.got.append((key, decoded, generation))
            self.changed.notify_all()

    def wait_for(self, count):
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.got) >= count, timeout=60)


def test_requests_are_decoded_in_the_order_asked_and_withdrawn_ones_never():
    delivered = Deliveries()
    decoder = ThumbnailDecoder(delivered, (32, 32))
    held = threading.Event()

    def first():
        held.wait(60)
        return png(8, "red")

    decoder.want("first", first)
    decoder.want("withdrawn", lambda: pytest.fail("a withdrawn request was read"))
    decoder.want("second", lambda: png(8, "blue"))
    decoder.want("third", lambda: png(8, "green"))
    decoder.withdraw("withdrawn")
    held.set()
    delivered.wait_for(3)
    assert [key for key, _decoded, _generation in delivered.got] == ["first", "second", "third"]
    assert not decoder.busy()


def test_an_unreadable_or_damaged_picture_is_delivered_as_none():
    delivered = Deliveries()
    decoder = ThumbnailDecoder(delivered, (32, 32))

    def unreadable():
        raise PortfolioError("damaged")

    decoder.want("unreadable", unreadable)
    decoder.want("garbage", lambda: b"garbage")
    delivered.wait_for(2)
    assert [decoded for _key, decoded, _generation in delivered.got] == [None, None]


def test_forgetting_drops_what_waits_and_marks_what_was_in_hand_as_old():
    delivered = Deliveries()
    decoder = ThumbnailDecoder(delivered, (32, 32))
    taken, held = threading.Event(), threading.Event()

    def in_hand():
        taken.set()
        held.wait(60)
        return png(8, "red")

    decoder.want("in hand", in_hand)
    decoder.want("waiting", lambda: pytest.fail("a forgotten request was read"))
    assert taken.wait(60)
    decoder.forget()
    decoder.want("in hand", lambda: png(8, "blue"))
    held.set()
    delivered.wait_for(2)
    assert [(key, generation) for key, _decoded, generation in delivered.got] == [("in hand", 0), ("in hand", 1)]
