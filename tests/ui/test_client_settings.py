"""The therapist's settings for one client, from their portfolio: kept in client.json."""

from expressive.tools.driver import tap
from tests_support import screen


def the_settings(window):
    from expressive.ui.screens.portfolio import ClientSettings

    return next(view for view in window.children if isinstance(view, ClientSettings))


def test_the_tool_level_and_movement_video_are_chosen_and_remembered(app, window):
    client = app.store.add_client("Robin")
    app.open_client(client)
    tap(screen(app, "portfolio").ids.settings)
    settings = the_settings(window)
    assert settings.ids.video_never.state == "down", "video is never kept unless turned on"
    assert settings.ids.level_standard.state == "down"
    tap(settings.ids.level_full)
    tap(settings.ids.video_minute)
    tap(settings.ids.save)
    assert app.store.client(client.id).settings == {"complexity": "full", "movement_video_seconds": 60}
    assert app.client.settings["complexity"] == "full"

    tap(screen(app, "portfolio").ids.settings)
    settings = the_settings(window)
    assert settings.ids.level_full.state == "down" and settings.ids.video_minute.state == "down"
    tap(settings.ids.video_never)
    tap(settings.ids.save)
    assert app.store.client(client.id).settings == {"complexity": "full"}


def test_cancel_changes_nothing(app, window):
    client = app.store.add_client("Sam")
    app.open_client(client)
    tap(screen(app, "portfolio").ids.settings)
    settings = the_settings(window)
    tap(settings.ids.video_five)
    tap(next(child for child in settings.walk() if getattr(child, "text", "") == "Cancel"))
    assert app.store.client(client.id).settings == {}
