"""An engine given to the app's sync replaces the one in use: the one before is stopped and
its arrival watcher's thread ends, so walking the Devices screen at several window sizes
(the layout walk gives it a new fake each time) leaves no thread running at exit."""

from types import SimpleNamespace

from expressive.sync.engine import FakeSync


def test_an_engine_given_to_use_stops_the_one_in_use(tmp_path):
    from expressive.ui.syncing import TabletSync

    sync = TabletSync(SimpleNamespace(store=None), home=tmp_path / "sync-home")
    first, second = FakeSync(), FakeSync()
    sync.use_engine(first)
    first_watcher = sync._watcher
    sync.use_engine(second)
    first_watcher.join(timeout=30)
    try:
        assert not first.running and second.running
        assert sync.engine is second and sync.state == "on"
        assert not first_watcher._thread.is_alive()
    finally:
        sync.stop(remember=False)
