"""The activity API: everything an activity (a plugin) may use of Expressive, and the one
surface whose changes are versioned. An activity imports `expressive.api` and its
submodules, the shared libraries under `expressive.lib` and its own modules; nothing else
of the app, whose insides change without notice.

An activity is a subclass of `Activity` with an `info = ActivityInfo(...)`, declared in
the entry-point group "expressive.activities" of its package:

    [project.entry-points."expressive.activities"]
    hello = "hello_activity:HelloActivity"

    from expressive.api import Activity, ActivityInfo, ArtifactDraft

    class HelloActivity(Activity):
        info = ActivityInfo(id="hello", title="Hello", icon="hand-wave",
                            artifact_kinds=("greeting",), api_version=(1, 0))

        def build(self): ...          # the Kivy widget the client works in
        def finish(self): return [ArtifactDraft(...)]

The host lends each run of an activity a `Host`: the client's settings and the session
plan's prompt, `Drafts` for work in progress, the client's own pictures and songs as
`Library`s, the sound output and MIDI input (`host.media`), the therapist (`host.
therapist_present`, `host.ask_therapist`), and the services other activities lend
(`host.services`, `host.picture_maker()`). An activity never writes to the portfolio: it
returns `ArtifactDraft`s and the host saves them. Its `viewer()` later shows a saved piece
through a read-only `ArtifactView`.

Constants:
- `API_VERSION`: the version of this API, (major, minor); it is (1, 2): 1.0 was the first
  published surface, 1.1 added `Host.therapist_folder`, and 1.2 the microphone and the
  camera in `host.media` (`expressive.api.microphone`), `SHOWS_PEOPLE`, `DraftNotKept`
  (what `Drafts.write` raises when the device is full) and the picture maker's `paper`. A minor version only adds names, so an activity written for 1.0 runs
  on every 1.x; a major version may remove or change them, and an activity runs only on
  the major version it was written for. Any other activity is listed as unavailable,
  with both versions named.
- `COMPLEXITY_LEVELS`: the levels a client's settings may ask for, simplest first
  ("simple", "standard", "full"); `host.complexity` is one of them, and an activity shows
  fewer tools at lower levels.
- `MOVEMENT_VIDEO_SETTING`: the client setting that says how many seconds of raw camera
  video a movement activity may keep for them (absent: none).
- `PICTURE_MAKER`: the name of the picture-making service; see `Host.picture_maker`.
- `SHOWS_PEOPLE`: the metadata key of work that may show a person (a photo, a film made
  with the camera); the PDF report and the web portfolio leave it out unless the
  therapist includes it.
- `ASSETS_DIR`: the folder of the data the app ships (fonts, stamps, story shapes), read only.

Deprecation: a name leaving this API first warns with `deprecated()` (a
DeprecationWarning naming its replacement and the major version in which it goes) for
the rest of its major version and the whole of the next one.

Submodules, each importing no Kivy unless said:
- `expressive.api.limits`: the bounds on what comes in, and the bounded decoders.
- `expressive.api.audio`: the sound engine and instruments.
- `expressive.api.midi`: MIDI input and the colours of its sources.
- `expressive.api.camera`: camera frames, video files and the moving test pattern.
- `expressive.api.microphone`: the microphone (`host.media.microphone()`), its stand-in
  that plays a known sound, and WAV files read within bounds.
- `expressive.api.measure`: figures and percentiles for an activity's benchmarks.
- `expressive.api.widgets`: the widget kit (Kivy): theme, fonts, icons, big buttons,
  dialogs, pictures and the therapist-only views.
"""

from expressive.activity import (
    API_VERSION,
    COMPLEXITY_LEVELS,
    MOVEMENT_VIDEO_SETTING,
    PICTURE_MAKER,
    SHOWS_PEOPLE,
    Activity,
    ActivityInfo,
    Command,
    DraftNotKept,
    Drafts,
    Host,
    ImportRefused,
    Library,
    LibraryError,
    LibraryItem,
    MemoryDrafts,
    MemoryLibrary,
    Services,
    Therapist,
    deprecated,
)
from expressive.artifact import ArtifactDraft, ArtifactFile, ArtifactUnreadable, ArtifactView
from expressive.media import MediaServices
from expressive.resources import ASSETS_DIR

__all__ = [
    "API_VERSION",
    "ASSETS_DIR",
    "COMPLEXITY_LEVELS",
    "MOVEMENT_VIDEO_SETTING",
    "PICTURE_MAKER",
    "SHOWS_PEOPLE",
    "Activity",
    "ActivityInfo",
    "ArtifactDraft",
    "ArtifactFile",
    "ArtifactUnreadable",
    "ArtifactView",
    "Command",
    "DraftNotKept",
    "Drafts",
    "Host",
    "ImportRefused",
    "Library",
    "LibraryError",
    "LibraryItem",
    "MediaServices",
    "MemoryDrafts",
    "MemoryLibrary",
    "Services",
    "Therapist",
    "deprecated",
]
