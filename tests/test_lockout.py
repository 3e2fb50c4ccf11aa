from expressive.lockout import LONGEST_DELAY_SECONDS, Lockout
from tests_support import StoppedClock



def test_each_wrong_guess_doubles_the_wait_up_to_a_limit():
    clock = StoppedClock(1_000)
    lockout = Lockout(clock=clock)
    assert lockout.seconds_to_wait() == 0
    delays = [lockout.failed() for _ in range(12)]
    assert delays[:4] == [1, 2, 4, 8]
    assert delays[-1] == LONGEST_DELAY_SECONDS
    assert lockout.seconds_to_wait() == LONGEST_DELAY_SECONDS
    clock.now += 100
    assert lockout.seconds_to_wait() == LONGEST_DELAY_SECONDS - 100


def test_a_right_guess_resets_the_count():
    clock = StoppedClock(1_000)
    lockout = Lockout(clock=clock)
    lockout.failed()
    lockout.failed()
    lockout.succeeded()
    assert lockout.seconds_to_wait() == 0
    assert lockout.failed() == 1


def test_the_wait_survives_a_restart(tmp_path):
    clock = StoppedClock(1_000)
    path = tmp_path / "lockout.json"
    first = Lockout(path=path, clock=clock)
    for _ in range(3):
        first.failed()
    restarted = Lockout(path=path, clock=clock)
    assert restarted.failures == 3
    assert restarted.seconds_to_wait() == 4
    restarted.succeeded()
    assert Lockout(path=path, clock=clock).seconds_to_wait() == 0


def test_an_unreadable_state_file_starts_afresh(tmp_path):
    path = tmp_path / "lockout.json"
    path.write_text("{not json")
    assert Lockout(path=path, clock=StoppedClock(1_000)).failures == 0


def test_a_damaged_or_edited_state_file_never_stops_the_app_nor_locks_out_for_long(tmp_path):
    clock = StoppedClock(1_000)
    path = tmp_path / "lockout.json"
    for text in ('{"failures": 1e400, "next_try_at": 0}', '{"failures": 2, "next_try_at": 1e400}',
                 '{"failures": -5, "next_try_at": 0}', "[" * 100_000):
        path.write_text(text)
        assert Lockout(path=path, clock=clock).failed() <= LONGEST_DELAY_SECONDS
    path.write_text('{"failures": 1000000, "next_try_at": 1e12}')
    edited = Lockout(path=path, clock=clock)
    assert edited.seconds_to_wait() == LONGEST_DELAY_SECONDS
    assert edited.failed() == LONGEST_DELAY_SECONDS
