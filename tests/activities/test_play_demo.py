"""The demo sandtray: a believable world built over a few minutes, different in each variant,
saved as the activity saves a tray."""

import pytest

from expressive.activities.play.activity import PlayActivity
from expressive.activities.play.demo import demo_log
from expressive.activities.play.tray import TrayLog, tray_summary
from expressive.api import ArtifactView


@pytest.mark.parametrize("variant", [0, 1, 2])
def test_a_world_with_a_house_a_family_trees_a_fence_a_river_a_half_buried_dragon_and_a_heart(variant):
    log = demo_log(variant)
    assert 120 <= log.duration <= 240, "built over a few minutes"
    facts = tray_summary(log)
    on_tray = [fact.name for fact in facts if not fact.removed]
    assert on_tray[0] == "house" and on_tray[-1] == "red heart"
    assert {"evergreen tree", "tree", "barrier", "dragon"} <= set(on_tray)
    assert len(on_tray) >= 15, "a family, trees and a fence"
    (dragon,) = [fact for fact in facts if fact.name == "dragon"]
    assert dragon.buried == pytest.approx(0.5)
    assert [fact.name for fact in facts if fact.removed] == ["ghost"]
    assert log.state_at().sand.min() < 0.05, "a river pushed through the sand to the water"
    assert any(event["type"] == "undo" for event in log.events)
    assert TrayLog.from_json(log.to_json()).to_json() == log.to_json()


def test_the_variants_differ():
    assert len({demo_log(variant).to_json() for variant in range(4)}) == 4


def test_the_demo_draft_is_a_saved_tray():
    (draft,) = PlayActivity.demo_drafts(1)
    view = ArtifactView.of_draft(draft, "play")
    assert (view.kind, view.product, view.process, view.thumbnail) == ("sandtray", "tray.png", "tray.json", "thumbnail.png")
    assert draft.metadata["figures"] == len([fact for fact in tray_summary(demo_log(1)) if not fact.removed])
