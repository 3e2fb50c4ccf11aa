"""Hostile inputs: each is refused in one sentence naming its bound (or taken in clean),
nothing changes in the portfolio, and no answer costs 1 GB or reaches a traceback."""

import json

import pytest

from expressive import cli
from expressive.tools.faults.hostile import ESCAPES, MEMORY_BUDGET_BYTES, cases, png_bomb, run_in_child
from expressive.limits import (
    MAX_JSON_DEPTH,
    InputRefused,
    check_picture_size,
    checked_text,
    for_display,
    load_json_bounded,
    open_picture_bounded,
)
from expressive.portfolio import Portfolio, PortfolioError


@pytest.mark.parametrize("case", cases(), ids=lambda case: case.name)
def test_every_hostile_input_is_answered_plainly_in_bounded_memory(case):
    measured = run_in_child(case.name)
    assert measured.failure is None
    answer = measured.answer
    assert answer.traceback is None
    assert measured.peak_bytes < MEMORY_BUDGET_BYTES
    if case.expect == "refuse":
        assert answer.refused and answer.unchanged
        assert case.bound in answer.message
        assert "\n" not in answer.message and not answer.message.startswith("Traceback")
    else:
        assert not answer.refused
    assert measured.holds


def test_json_is_measured_before_it_is_decoded():
    assert load_json_bounded(b'{"a": ["[[[[", {"b": "\\"]]"}]}') == {"a": ["[[[[", {"b": '"]]'}]}
    nested = b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH
    assert load_json_bounded(nested) == json.loads(nested)
    for hostile, reason in [
        (b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1), "too-deep"),
        (b"[" * 200_000, "not-json"),  # never closed: not JSON, and no RecursionError either
        (b"[" * 100_000 + b"}" * 100_000, "not-json"),
        (b'"' + b"x" * 2048 + b'"', "too-big"),
        (b"\xff\xfe[1]", "not-json"),
        (b"1" * 5000, "not-json"),  # an integer too long for Python to convert
    ]:
        with pytest.raises(InputRefused) as refused:
            load_json_bounded(hostile, max_bytes=1024 if reason == "too-big" else 1 << 20)
        assert refused.value.reason == reason
        assert str(refused.value).endswith(".")


def test_a_picture_is_measured_by_its_header_before_a_pixel_is_decoded():
    with pytest.raises(InputRefused) as refused:
        check_picture_size(png_bomb(8000, 8000))
    assert str(refused.value) == "This picture is 8000 x 8000 pixels; the most Expressive shows is 40 million pixels."
    assert check_picture_size(png_bomb(100, 50)) == (100, 50)
    with pytest.raises(InputRefused) as damaged:
        open_picture_bounded(png_bomb(100, 50)[:-40])
    assert damaged.value.reason in ("damaged", "not-a-picture")


def test_typed_words_are_bounded_and_cleaned_where_they_are_stored(portfolio_dir):
    assert checked_text("a\ud800b", "goal", 10) == "a\ufffdb"
    assert checked_text("Robin\x1b[2J\u202e\nSmith", "name", 100, one_line=True) == "Robin[2J Smith"
    assert checked_text("line one\nline two", "reflection", 100) == "line one\nline two"
    with Portfolio.open(portfolio_dir) as store:
        client = store.add_client("Robin")
        before = store.clients()
        for hostile in ("x" * 5_000_000, "   ", 42):
            with pytest.raises(PortfolioError):
                store.add_client(hostile)
        session = store.start_session(client.id, plan_id="free", goal="feel \udc80 calm\x07")
        assert session.goal == "feel \ufffd calm"
        with pytest.raises(PortfolioError, match="the most Expressive keeps is 500"):
            store.start_session(client.id, plan_id="free", goal="g" * 501)
        with pytest.raises(PortfolioError, match="note"):
            store.set_therapist_note(client.id, session.id, "n" * 100_001)
        assert store.clients() == before
        assert [s.id for s in store.sessions(client.id)] == [session.id]


def test_the_command_line_never_prints_a_control_character_raw(portfolio_dir, capsys):
    with Portfolio.open(portfolio_dir) as store:
        client = store.add_client("Robin")
    # As a file edited by hand, or restored from elsewhere, could hold it: past the store's cleaning.
    (record,) = portfolio_dir.glob(f"clients/{client.id}/client.json")
    document = json.loads(record.read_text(encoding="utf-8"))
    record.write_text(json.dumps({**document, "name": ESCAPES}), encoding="utf-8")
    assert cli.main(["check", "--portfolio", str(portfolio_dir)]) == 0
    capsys.readouterr()

    assert cli.main(["clients", "--portfolio", str(portfolio_dir)]) == 0
    shown = capsys.readouterr().out
    assert for_display(ESCAPES) in shown
    assert not any(char in shown for char in "\x1b\x07\x9b\u202e")
