"""A demo client with a few past sessions, so a newcomer sees a living portfolio."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from expressive.i18n import N_, _
from expressive.portfolio import Client, Portfolio, PortfolioError
from expressive.registry import discover

log = logging.getLogger(__name__)

DEMO_SESSIONS = (
    # days ago, plan, goal, feeling in, feeling out, title, about, therapist note: the words
    # are saved in the language the demo is made in.
    (21, "open", N_("Get to know the tablet"), 2, 3, N_("My house"), N_("This is where I live with my mum and our cat."),
     N_("First session. Chose bright colours quickly; hesitant to talk, more open while drawing.")),
    (14, "safe-place", N_("Find a calm place inside"), 2, 4, N_("My garden"), N_("The flowers are quiet and nobody shouts there."),
     N_("Drew for a long time without speaking. Breathing slowed when describing the garden.")),
    (7, "feelings-weather", N_("Notice feelings in the body"), 3, 4, N_("Sailing in the sun"), N_("The waves are big but the boat is fine."),
     N_("Named worry as 'big waves' unprompted. Follow up on school next week.")),
)


DEMO_NAME = N_("Robin (demo)")


def make_demo(store: Portfolio, name: str | None = None) -> tuple[Client, int]:
    """Add the demo client (named `name`, else "Robin (demo)" in the language in use); returns
    it and how many pieces of work were saved.

    All or nothing: when a save fails (a full disk), the half-made client is deleted again,
    so the error ("not saved") is true of the whole demo.
    """
    registry = discover()
    client = store.add_client(name or _(DEMO_NAME), year_of_birth=2017, notes=_("An example client made by 'expressive demo'."))
    try:
        return client, _fill_demo(store, registry, client)
    except BaseException:
        try:
            store.delete_client(client.id)
        except PortfolioError:
            pass  # its deletion is finished at the next open
        raise


def _fill_demo(store: Portfolio, registry, client: Client) -> int:
    made = 0
    now = datetime.now(UTC).replace(microsecond=0)
    for variant, (days_ago, plan_id, goal, feeling_in, feeling_out, title, about, note) in enumerate(DEMO_SESSIONS):
        started = now - timedelta(days=days_ago, hours=2)
        session = store.start_session(client.id, plan_id=plan_id, goal=_(goal), feeling_in=feeling_in, started=started)
        for activity_id, activity in registry.activities.items():
            try:
                drafts = activity.demo_drafts(variant)
            except Exception:  # one broken activity must not stop the demo
                log.exception("Activity %s could not make demo work", activity_id)
                continue
            for draft in drafts:
                record = store.save_artifact(
                    client.id, session.id, activity_id, draft, created=started + timedelta(minutes=20)
                )
                # Work that named itself (a story's title) keeps its name.
                store.set_reflection(record, title=draft.title or _(title), about=_(about))
                made += 1
        store.set_therapist_note(client.id, session.id, _(note))
        store.finish_session(client.id, session.id, feeling_out=feeling_out, ended=started + timedelta(minutes=50))
    return made
