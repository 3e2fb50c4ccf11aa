"""The activities' screens for `expressive screenshot` that the README shows: music on the
piano's keys, and the movement's set-up open."""

from __future__ import annotations


from expressive.tools.driver import advance_frames
from expressive.tools.screenshot import stage
from test_activity_popups import is_the_kits_light_sheet



def test_music_piano_shows_the_pianos_keys(one_client_app):
    from expressive.activities.music.studio import PianoKeyboard

    stage(one_client_app, "music_piano")
    studio = one_client_app.root.get_screen("activity").ids.area.children[0]
    assert studio.keys == "piano" and isinstance(studio.surface, PianoKeyboard)


def test_movement_setup_shows_the_set_up_open_over_the_studio(one_client_app, window):
    from expressive.activities.movement.studio import MovementSetup

    stage(one_client_app, "movement_setup")
    advance_frames(2)
    (setup,) = [child for child in window.children if isinstance(child, MovementSetup)]
    try:
        assert is_the_kits_light_sheet(setup)
    finally:
        setup.dismiss(animation=False)
