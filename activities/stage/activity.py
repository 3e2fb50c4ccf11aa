"""Puppet stage: the client chooses a backdrop and puppets (the sandtray's figures and their
own drawings cut out), then puts on a show, moving the puppets with their fingers while the
microphone records their voice. The take is kept as a film (expressive.lib.film) with the
log of every puppet's path, so the film can be drawn again from it.

Kivy is imported only in `build()`, `viewer()`, the benchmarks and the screenshot scenes:
the registry and the command line import this module on machines with no window.
"""

from __future__ import annotations

from expressive.api import Activity, ActivityInfo, ArtifactDraft, Host
from expressive.api.i18n import N_


class StageActivity(Activity):
    info = ActivityInfo(
        id="stage",
        title=N_("Puppet stage"),
        icon="drama-masks",
        artifact_kinds=("puppet-play",),
        api_version=(1, 2),
        description=N_("Put on a puppet show with your own voice"),
    )

    def __init__(self, host: Host):
        super().__init__(host)

    def finish(self) -> list[ArtifactDraft]:
        return []
