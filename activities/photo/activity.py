"""Photos: the client takes photos that matter with the tablet's camera, looks at them
large, keeps or drops them, and draws on them with the drawing studio (the host's
picture-making service). The therapist can bring in a picture from the device.

Kivy is imported only in `build()`, `viewer()`, the benchmarks and the screenshot scenes:
the registry and the command line import this module on machines with no window.
"""

from __future__ import annotations

from expressive.api import Activity, ActivityInfo, Host
from expressive.api.i18n import N_


class PhotoActivity(Activity):
    info = ActivityInfo(
        id="photo",
        title=N_("Photos"),
        icon="camera",
        artifact_kinds=("photos",),
        api_version=(1, 2),
        description=N_("Take photos that matter, and draw on them"),
    )

    def __init__(self, host: Host):
        super().__init__(host)
