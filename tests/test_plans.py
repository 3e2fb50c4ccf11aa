import pytest

from expressive.session import RunningSession
from expressive.plans import OPEN_PLAN_ID, PlanError, load_plans, parse_plan


def test_shipped_plans_load_with_the_open_session_first():
    plans = load_plans()
    assert plans[0].id == OPEN_PLAN_ID
    guided = {plan.id: plan for plan in plans}["safe-place"]
    assert [step.kind for step in guided.steps] == ["checkin", "activity", "checkout"]
    assert guided.steps[1].activity == "drawing" and guided.steps[1].prompt
    assert guided.checkout_prompts


@pytest.mark.parametrize(
    "text, message",
    [
        ("id = 'x'\ntitle = 'X'\n[[steps]]\nkind = 'dance'\n", "kind 'dance'"),
        ("id = 'x'\ntitle = 'X'\n[[steps]]\nkind = 'checkin'\n[[steps]]\nkind = 'activity'\n[[steps]]\nkind = 'checkout'\n", "names no activity"),
        ("id = 'x'\ntitle = 'X'\n[[steps]]\nkind = 'choice'\n", "starts with one 'checkin'"),
        ("title = 'X'\n", "'id' is missing"),
        ("id = [", "not valid TOML"),
        ("id = 'x'\ntitle = 'X'\nsteps = [1]\n", "must be a list of"),
        ("id = 'x'\ntitle = 'X'\n[[steps]]\nkind = 'checkin'\nprompt = 3\n", "not text"),
    ],
)
def test_a_broken_plan_is_refused_with_the_reason(text, message):
    with pytest.raises(PlanError, match=message):
        parse_plan(text, "broken.toml")


def test_a_broken_or_duplicate_plan_file_is_left_out_and_the_rest_load(tmp_path, caplog):
    plan = "id = '{id}'\ntitle = '{id}'\n[[steps]]\nkind='checkin'\n[[steps]]\nkind='choice'\n[[steps]]\nkind='checkout'\n"
    (tmp_path / "a.toml").write_text(plan.format(id="same"))
    (tmp_path / "b.toml").write_text(plan.format(id="same"))
    (tmp_path / "c.toml").write_text("id = [")
    (tmp_path / "d.toml").write_text(plan.format(id="other"))
    assert [plan.id for plan in load_plans(tmp_path)] == ["open", "other", "same"], "the open session is always there"
    assert "b.toml is left out: another plan already has the id 'same'" in caplog.text
    assert "c.toml is left out" in caplog.text


def test_a_guided_session_walks_its_steps_in_order():
    plan = {plan.id: plan for plan in load_plans()}["feelings-weather"]
    running = RunningSession(plan=plan, session=None)
    assert running.upcoming().activity == "drawing"
    assert running.prompt_for("drawing").startswith("If your feelings")
    assert running.prompt_for("music") is None
    running.completed("drawing")
    assert running.upcoming().kind == "choice"
    assert running.prompt_for("drawing") is None
    running.completed("anything")
    assert running.upcoming() is None
