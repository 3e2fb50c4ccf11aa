"""A corpus of hostile inputs, made by code, and a way to answer each in a child process.

Each case is a small input built to make a decoder spend memory or time, or to reach a
traceback: MIDI that lasts hours or holds 65,535 tracks or millions of events, picture
bombs, JSON nested a hundred thousand deep, lone surrogates, terminal escape sequences,
a 5 MB name, records holding numbers too large for the index or words too long to show,
drawing logs asking for huge paper, stamps or brushes, sandtray logs asking for huge trays,
figures or endless sand, a therapist's figure that is a bomb, a plan nested too deep,
sounds that claim hours or eight channels, films of a million frames or with a bomb for a
frame, a puppet show of 300,000 moves, a picture from the device that is a bomb. Each
is fed to the entry point a person reaches (importing a file, adding a
client, reading a record, showing a picture) on a scratch portfolio, and must be answered
with one plain sentence naming its bound (or, for words, cleaned), with the portfolio
unchanged, within the memory and time budgets. `run_in_child` measures one case in its own
process, so that its peak memory is its own.
"""

from __future__ import annotations

import hashlib
import json
import os
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MEMORY_BUDGET_BYTES = 1024 * 1024 * 1024
TIME_BUDGET_SECONDS = 60.0


@dataclass(frozen=True)
class HostileCase:
    name: str
    # What the answer must do: "refuse" (one sentence naming `bound`) or "clean" (accept
    # the input with its dangerous characters taken out).
    expect: str
    # Words the refusal must contain: the bound, as a person reads it.
    bound: str
    answer: Callable[[Path], Answer]


@dataclass(frozen=True)
class Answer:
    refused: bool
    message: str
    # The portfolio's files, by name and content, did not change.
    unchanged: bool
    # Set when the input reached an exception no person should see (its type and words).
    traceback: str | None = None


@dataclass(frozen=True)
class Measured:
    case: HostileCase
    answer: Answer | None
    peak_bytes: int
    seconds: float
    # Why there is no answer: the child was killed for taking too long, or died.
    failure: str | None = None

    @property
    def holds(self) -> bool:
        """Answered within the budgets as the case expects: refused in a sentence naming
        its bound with nothing changed, or taken in clean."""
        answer = self.answer
        if self.failure or answer is None or answer.traceback or self.peak_bytes >= MEMORY_BUDGET_BYTES:
            return False
        if self.case.expect == "refuse":
            return answer.refused and self.case.bound in answer.message and answer.unchanged
        return not answer.refused


# ----- making the inputs


def _smf(tracks: list[bytes], *, division: int = 480) -> bytes:
    header = b"MThd" + (6).to_bytes(4, "big") + struct.pack(">HHH", 1, len(tracks), division)
    return header + b"".join(b"MTrk" + len(body).to_bytes(4, "big") + body for body in tracks)


END_OF_TRACK = b"\x00\xff\x2f\x00"


def midi_three_hours() -> bytes:
    """One note held for three hours at the slowest tempo there is (16.8 s a beat, one
    tick a beat, 643 ticks): 41 bytes."""
    slowest = b"\x00\xff\x51\x03\xff\xff\xff"
    return _smf([slowest + b"\x00\x90\x3c\x40" + b"\x85\x03\x80\x3c\x40" + END_OF_TRACK], division=1)


def midi_many_tracks(count: int = 65_535) -> bytes:
    return _smf([b"\x00\x90\x3c\x40\x00\x80\x3c\x40" + END_OF_TRACK] * count)


def midi_many_events(pairs: int = 700_000) -> bytes:
    """Notes on and off with running status: two bytes an event, millions of events."""
    return _smf([b"\x00\x90\x3c\x40" + b"\x00\x3c\x00\x00\x3c\x40" * pairs + END_OF_TRACK])


def midi_truncated() -> bytes:
    return midi_many_tracks(2)[:-6]


def garbage(size: int = 4096) -> bytes:
    return hashlib.shake_256(b"hostile").digest(size)


def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A PNG whose header declares `width` x `height` pixels, with a little compressed
    data standing for them (a real bomb compresses its zeros a thousandfold)."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    rows = zlib.compress(b"\x00" * (1 + width * 3) * 64, 9)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def jpeg_bomb(width: int = 60_000, height: int = 60_000) -> bytes:
    """A small JPEG whose frame header is rewritten to declare a huge size."""
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (16, 16), "white").save(out, format="JPEG")
    data = bytearray(out.getvalue())
    frame = data.index(b"\xff\xc0")
    data[frame + 5 : frame + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def deep_json(depth: int = 100_000) -> bytes:
    return b"[" * depth + b"]" * depth


def session_record(**fields) -> bytes:
    """A session.json as the store writes it, with `fields` written over it by hand."""
    document = {
        "format": "expressive-session", "version": 1, "id": "2026-01-01_1000_abcd", "client_id": "c-00000000",
        "plan_id": "open", "goal": "", "feeling_in": 3, "feeling_out": None,
        "started": "2026-01-01T10:00:00.000000+00:00", "ended": None,
    }
    return json.dumps({**document, **fields}).encode("utf-8")


def drawing_log(**fields) -> bytes:
    """A drawing's log (strokes.json) of one short stroke and one stamp, with `fields`
    written over the log, or over its stroke or stamp (`stroke_width`, `stamp_size`)."""
    stroke = {"type": "stroke", "t": 0.0, "tool": fields.pop("tool", "marker"), "colour": "#000000",
              "width": fields.pop("stroke_width", 8), "opacity": 1.0, "dynamics": "speed", "seed": 1,
              "points": fields.pop("points", [[10, 10, 0.5, 0.0], [900, 700, 0.5, 0.1]])}
    stamp = {"type": "stamp", "t": 0.2, "name": "heart", "x": 100, "y": 100, "size": fields.pop("stamp_size", 240),
             "rotation": 0, "colour": "#ff0000", "opacity": 1.0}
    document = {"format": "expressive-strokes", "version": 3, "width": 2048, "height": 1536, "background": "#ffffff",
                "photos": {}, "events": [stroke, stamp]}
    return json.dumps({**document, **fields}).encode("utf-8")


def sandtray_log(**fields) -> bytes:
    """A sandtray's log (tray.json) of one lion placed, with `fields` written over the log,
    or over the placing (`scale`), or with `events` of its own."""
    placing = {"type": "place", "t": 0.0, "action": 1, "id": 1, "figure": "noto:lion", "x": 100, "y": 100,
               "scale": fields.pop("scale", 1.0), "angle": 0.0}
    document = {"format": "expressive-sandtray", "version": 1, "width": 2048, "height": 1536, "shape": "rectangle",
                "sand_colour": "golden", "prompt": None,
                "figures": {"noto:lion": {"name": "lion", "category": "animals", "source": "noto"}},
                "events": [placing]}
    return json.dumps({**document, **fields}).encode("utf-8")


def sand_swept_across(sweeps: int = 2_000) -> bytes:
    """Sand pushed from corner to corner and back, with the widest hand, again and again."""
    return sandtray_log(events=[{"type": "push", "t": i / 100, "action": i + 1, "points": [[0, 0], [2047, 1535]] * 128,
                                 "radius": 256} for i in range(sweeps)])


def wav_claiming(frames: int, *, channels: int = 1, rate: int = 44_100) -> bytes:
    """A WAV whose header claims `frames` frames of `channels` 16-bit channels, holding a
    second of silence at most."""
    size = min(frames, rate) * channels * 2
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * channels * 2, channels * 2, 16)
    data_size = min(frames * channels * 2, 0xFFFF_FFFF - 36)
    return (b"RIFF" + struct.pack("<I", 36 + data_size) + b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
            + b"data" + struct.pack("<I", data_size) + b"\x00" * size)


def film_files(frame: bytes | None = None, **fields) -> dict[str, bytes]:
    """A saved film's record (film.json) of one 640x480 frame, with `fields` written over
    the record, and that frame (or `frame` in its place)."""
    from io import BytesIO

    from PIL import Image

    if frame is None:
        out = BytesIO()
        Image.new("RGB", (640, 480), "navy").save(out, format="JPEG")
        frame = out.getvalue()
    document = {"format": "expressive-film", "version": 1, "fps": 8, "title": "", "frames": ["frame-0001.jpg"],
                "sound": None, "encoded": False, "extra": {}}
    return {"film.json": json.dumps({**document, **fields}).encode("utf-8"), "frame-0001.jpg": frame}


def puppet_show(**fields) -> bytes:
    """A puppet show's record of one puppet entering, with `fields` written over it."""
    document = {"format": "expressive-puppet-show", "version": 1, "width": 1280, "height": 720, "backdrop": "theatre",
                "puppets": [{"figure": "noto:lion", "name": "lion", "source": "noto"}],
                "events": [{"type": "enter", "t": 0.0, "puppet": 0, "x": 640, "y": 400}]}
    return json.dumps({**document, **fields}).encode("utf-8")


def deep_toml(depth: int = 100_000) -> bytes:
    return b"id = 'x'\ntitle = 'X'\ndeep = " + b"[" * depth + b"]" * depth + b"\n"


# ----- answering them


def _portfolio_state(root: Path) -> dict[str, str]:
    from expressive.portfolio.auditing import AUDIT_FOLDER
    from expressive.portfolio.device import DEVICE_FILE

    # The audit chains, the index and the device id move when the portfolio is opened,
    # whatever is refused.
    skipped = {
        "audit.log", "audit.anchor", "index.sqlite", "index.sqlite-wal", "index.sqlite-shm", "index.sqlite-closed",
        "portfolio.lock", DEVICE_FILE,
    }
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name not in skipped and path.parent != root / AUDIT_FOLDER
    }


def _on_scratch_portfolio(scratch: Path, act: Callable) -> Answer:
    """`act(store, client_id)` on a new portfolio with one client; its refusal, and
    whether the portfolio's files stayed as they were."""
    from expressive.activity import ImportRefused
    from expressive.limits import InputRefused
    from expressive.portfolio import Portfolio, PortfolioError

    root = scratch / "portfolio"
    with Portfolio.open(root) as store:
        client = store.add_client("Robin")
        before = _portfolio_state(root)
        try:
            act(store, client.id)
            refused, message = False, ""
        except (ImportRefused, InputRefused, PortfolioError) as refusal:
            refused, message = True, str(refusal)
        except Exception as error:  # what the corpus exists to find
            return Answer(False, "", _portfolio_state(root) == before, f"{type(error).__name__}: {error}"[:500])
        return Answer(refused, message, _portfolio_state(root) == before)


def _importing(file_name: str, make: Callable[[], bytes]) -> Callable[[Path], Answer]:
    def answer(scratch: Path) -> Answer:
        from expressive.importing import import_file
        from expressive.registry import discover

        path = scratch / file_name
        path.write_bytes(make())
        return _on_scratch_portfolio(scratch, lambda store, client_id: import_file(store, discover(), client_id, path))

    return answer


def _decoding(decode: Callable[[], object]) -> Callable[[Path], Answer]:
    """An input no command brings in on its own (it comes inside an archive, a log or an
    autosave), given to the shared decoder every such path uses."""

    def answer(scratch: Path) -> Answer:
        return _on_scratch_portfolio(scratch, lambda _store, _client_id: decode())

    return answer


def _open_picture(make: Callable[[], bytes]) -> Callable[[], object]:
    def decode():
        from expressive.limits import open_picture_bounded

        return open_picture_bounded(make())

    return decode


def _read_record(make: Callable[[], bytes]) -> Callable[[], object]:
    def decode():
        from expressive.limits import InputRefused
        from expressive.portfolio.documents import CLIENT_FORMAT, parse_document
        from expressive.portfolio.records import RecordError

        try:
            return parse_document(make(), "client.json", CLIENT_FORMAT)
        except RecordError as damaged:
            raise InputRefused(str(damaged), "damaged") from None

    return decode


def _read_session(make: Callable[[], bytes]) -> Callable[[], object]:
    """Read as the index reads every record: parsed, then every field checked."""

    def decode():
        from expressive.limits import InputRefused
        from expressive.portfolio.documents import SESSION_FORMAT, parse_document, session_from_document
        from expressive.portfolio.records import RecordError

        try:
            return session_from_document(parse_document(make(), "session.json", SESSION_FORMAT), "c-00000000", "s")
        except RecordError as damaged:
            raise InputRefused(str(damaged), "damaged") from None

    return decode


def _draw_log(make: Callable[[], bytes]) -> Callable[[], object]:
    """Read and drawn as the viewer, the replay and a recovered autosave do."""

    def decode():
        from expressive.lib.drawing.render import render_png
        from expressive.lib.drawing.strokes import DrawingLog
        from expressive.limits import InputRefused

        try:
            return render_png(DrawingLog.from_json(make()))
        except ValueError as damaged:  # the viewer shows the drawing as damaged, saying why
            raise InputRefused(str(damaged), "damaged") from None

    return decode


def _build_tray(make: Callable[[], bytes]) -> Callable[[], object]:
    """Read and drawn as the tray's viewer, its replay and a recovered autosave do."""

    def decode():
        from expressive.activities.play.render import render_at
        from expressive.activities.play.tray import TrayLog
        from expressive.lib.figures import FigureLibrary
        from expressive.limits import InputRefused

        try:
            return render_at(TrayLog.from_json(make()), FigureLibrary.load())
        except ValueError as damaged:  # the viewer says the record is damaged and shows the picture
            raise InputRefused(str(damaged), "damaged") from None

    return decode


def _own_figure(make: Callable[[], bytes]) -> Callable[[], object]:
    """A picture the therapist put among their own figures."""

    def decode():
        from expressive.lib.figures import figure_from_png

        return figure_from_png("own:hostile", "hostile", make()).picture()

    return decode


def _read_sound(make: Callable[[], bytes]) -> Callable[[], object]:
    """A film's sound, as the film player and the later encoding read it."""

    def decode():
        from expressive.audio.microphone import read_wav

        return read_wav(make())

    return decode


def _play_film(make: Callable[[], dict[str, bytes]]) -> Callable[[], object]:
    """A saved film, read and its last frame shown, as its viewer does."""

    def decode():
        from expressive.artifact import ArtifactDraft, ArtifactUnreadable, ArtifactView
        from expressive.lib.film import read_film
        from expressive.limits import InputRefused

        draft = ArtifactDraft(kind="film", files=make(), product="film.json", thumbnail="film.json", process="film.json")
        try:
            film = read_film(ArtifactView.of_draft(draft, "film"))
        except ArtifactUnreadable as missing:  # the viewer says so and shows the title card
            raise InputRefused(str(missing), "damaged") from None
        return film.frame_at(film.duration)

    return decode


def _stage_show(make: Callable[[], bytes]) -> Callable[[], object]:
    """A puppet show's record, read as its film is drawn again from it."""

    def decode():
        from expressive.activities.stage.show import ShowLog
        from expressive.limits import InputRefused

        try:
            return ShowLog.from_json(make())
        except ValueError as damaged:  # the viewer says the record is damaged and plays the film
            raise InputRefused(str(damaged), "damaged") from None

    return decode


def _photo_from_device(make: Callable[[], bytes]) -> Callable[[], object]:
    """A picture the therapist brings in from the device to the photos."""

    def decode():
        from expressive.activities.photo.roll import jpeg_of_picture

        return jpeg_of_picture(make())

    return decode


def _read_plan(make: Callable[[], bytes]) -> Callable[[], object]:
    def decode():
        from expressive.limits import InputRefused
        from expressive.plans import PlanError, parse_plan

        try:
            return parse_plan(make(), "plan.toml")
        except PlanError as broken:
            raise InputRefused(str(broken), "damaged") from None

    return decode


def _read_audit_line(make: Callable[[], bytes]) -> Callable[[], object]:
    def decode():
        from expressive.limits import InputRefused
        from expressive.security import audit

        line = audit._parse(1, make())
        if line.entry is None:
            raise InputRefused("The audit line is not readable.", "damaged")

    return decode


def _adding_client(name: str) -> Callable[[Path], Answer]:
    return _decoding_with_store(lambda store, _client_id: _must_be_clean(store.add_client(name).name))


def _starting_session(goal: str) -> Callable[[Path], Answer]:
    return _decoding_with_store(
        lambda store, client_id: _must_be_clean(store.start_session(client_id, plan_id="free", goal=goal).goal)
    )


def _decoding_with_store(act: Callable) -> Callable[[Path], Answer]:
    return lambda scratch: _on_scratch_portfolio(scratch, act)


def _must_be_clean(stored: str) -> None:
    from expressive.limits import for_display

    if for_display(stored) != stored:
        raise AssertionError(f"stored raw: {stored!r}")


ESCAPES = "\x1b[2J\x1b]0;owned\x07Robin\u202eelif.exe\x9b31m"


def cases() -> list[HostileCase]:
    """The corpus, smallest first within each kind."""
    return [
        HostileCase("midi-three-hours", "refuse", "10 minutes", _importing("song.mid", midi_three_hours)),
        HostileCase("midi-65535-tracks", "refuse", "64", _importing("song.mid", midi_many_tracks)),
        HostileCase("midi-millions-of-events", "refuse", "100,000", _importing("song.mid", midi_many_events)),
        HostileCase("midi-truncated", "refuse", "damaged", _importing("song.mid", midi_truncated)),
        HostileCase("midi-garbage", "refuse", "not a MIDI file", _importing("song.mid", garbage)),
        HostileCase("png-30000x30000", "refuse", "40 million pixels", _decoding(_open_picture(png_bomb))),
        HostileCase("jpeg-60000x60000", "refuse", "40 million pixels", _decoding(_open_picture(jpeg_bomb))),
        HostileCase("picture-garbage", "refuse", "not a picture", _decoding(_open_picture(garbage))),
        HostileCase("json-deep-record", "refuse", "64 levels", _decoding(_read_record(deep_json))),
        HostileCase("json-deep-audit-line", "refuse", "not readable", _decoding(_read_audit_line(deep_json))),
        HostileCase("record-feeling-10-to-the-30", "refuse", "feeling_in", _decoding(_read_session(lambda: session_record(feeling_in=10**30)))),
        HostileCase("record-goal-1-million", "refuse", "500", _decoding(_read_session(lambda: session_record(goal="g" * 1_000_000)))),
        HostileCase("drawing-paper-30000x30000", "refuse", "40 million pixels", _decoding(_draw_log(lambda: drawing_log(width=30_000, height=30_000)))),
        HostileCase("drawing-stamp-20000-high", "refuse", "2048", _decoding(_draw_log(lambda: drawing_log(stamp_size=20_000)))),
        HostileCase("drawing-brush-10-million-wide", "refuse", "512", _decoding(_draw_log(lambda: drawing_log(stroke_width=10_000_000)))),
        HostileCase("drawing-spray-across-and-back", "refuse", "100,000,000", _decoding(_draw_log(lambda: drawing_log(
            tool="spray", points=[[2047 * (i % 2), 1535 * (i % 2), 1.0, i / 100] for i in range(20_000)])))),
        HostileCase("sandtray-30000x30000", "refuse", "2048 x 1536", _decoding(_build_tray(lambda: sandtray_log(width=30_000, height=30_000)))),
        HostileCase("sandtray-figure-a-billion-times-bigger", "refuse", "0.25 to 5", _decoding(_build_tray(lambda: sandtray_log(scale=1e9)))),
        HostileCase("sandtray-a-million-undos", "refuse", "305,001 entries", _decoding(_build_tray(lambda: sandtray_log(events=[{"type": "undo", "t": 0.0}] * 1_000_000)))),
        HostileCase("sandtray-deep-json", "refuse", "64 levels", _decoding(_build_tray(deep_json))),
        HostileCase("sandtray-sand-swept-2000-times", "refuse", "more than Expressive replays", _decoding(_build_tray(sand_swept_across))),
        HostileCase("figure-png-30000x30000", "refuse", "40 million pixels", _decoding(_own_figure(png_bomb))),
        HostileCase("figure-garbage", "refuse", "not a picture", _decoding(_own_figure(garbage))),
        HostileCase("wav-claims-ten-hours", "refuse", "10 minutes", _decoding(_read_sound(lambda: wav_claiming(44_100 * 36_000)))),
        HostileCase("wav-192khz-stereo-10-minutes", "refuse", "48 kHz",
                    _decoding(_read_sound(lambda: wav_claiming(192_000 * 600, channels=2, rate=192_000)))),
        HostileCase("wav-eight-channels", "refuse", "mono or stereo", _decoding(_read_sound(lambda: wav_claiming(44_100, channels=8)))),
        HostileCase("wav-garbage", "refuse", "not a WAV", _decoding(_read_sound(garbage))),
        HostileCase("film-a-million-frames", "refuse", "720", _decoding(_play_film(lambda: film_files(frames=["frame-0001.jpg"] * 1_000_000)))),
        HostileCase("film-frame-jpeg-60000x60000", "refuse", "40 million pixels", _decoding(_play_film(lambda: film_files(jpeg_bomb())))),
        HostileCase("film-deep-json", "refuse", "64 levels", _decoding(_play_film(lambda: {"film.json": deep_json()}))),
        HostileCase("puppet-show-300000-moves", "refuse", "100,009 entries", _decoding(_stage_show(lambda: puppet_show(
            events=[{"type": "move", "t": 0.0, "puppet": 0, "x": 1, "y": 1}] * 300_000)))),
        HostileCase("photo-from-device-jpeg-60000x60000", "refuse", "40 million pixels", _decoding(_photo_from_device(jpeg_bomb))),
        HostileCase("toml-deep-plan", "refuse", "nested too deep", _decoding(_read_plan(deep_toml))),
        HostileCase("name-5-mb", "refuse", "100", _adding_client("R" * 5 * 1024 * 1024)),
        HostileCase("name-escape-sequences", "clean", "", _adding_client(ESCAPES)),
        HostileCase("goal-lone-surrogate", "clean", "", _starting_session("feel \ud800 calm")),
    ]


def case(name: str) -> HostileCase:
    found = {each.name: each for each in cases()}
    if name not in found:
        raise KeyError(f"There is no hostile case {name!r}; there are: {', '.join(found)}.")
    return found[name]


def answer_here(name: str) -> Answer:
    """Answer one case in this process, on a scratch portfolio that is removed after."""
    with tempfile.TemporaryDirectory(prefix="expressive-hostile-") as scratch:
        return case(name).answer(Path(scratch))


def run_in_child(name: str, *, timeout: float = TIME_BUDGET_SECONDS) -> Measured:
    """Answer one case in a child process; its own peak memory (from wait4) and time."""
    command = [sys.executable, "-c", f"from expressive.tools.faults.hostile import _child; _child({name!r})"]
    package_root = str(Path(__file__).resolve().parents[2])
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))}
    started = time.monotonic()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=environment)
    timer = threading.Timer(timeout, child.kill)
    timer.start()
    try:
        output = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)
    finally:
        timer.cancel()
        child.stdout.close()
    child.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.monotonic() - started
    # ru_maxrss counts the memory of the parent the child was forked from (a test run of a
    # gigabyte makes every child look that big), so the child reports its own high-water
    # mark; ru_maxrss (kilobytes on Linux, bytes on macOS) serves only a child that died.
    peak = usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)
    if child.returncode != 0:
        reason = f"took over {timeout:g} s" if seconds >= timeout else f"the child ended with code {child.returncode}"
        return Measured(case(name), None, peak, seconds, reason)
    report = json.loads(output)
    return Measured(case(name), Answer(**report["answer"]), report["peak_bytes"] or peak, seconds)


def _own_peak_bytes() -> int | None:
    """This process's own peak resident memory since it started its program (Linux's
    VmHWM belongs to the address space made at exec, unlike ru_maxrss); None elsewhere."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _child(name: str) -> None:
    answer = answer_here(name)
    sys.stdout.write(json.dumps({"answer": answer.__dict__, "peak_bytes": _own_peak_bytes()}))
