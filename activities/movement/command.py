"""`expressive movement VIDEO --client CLIENT`: a video recorded elsewhere (with the
client's consent) is analysed as if it came from the camera, and its movement record kept
in the client's portfolio; an unreadable one changes nothing."""

from __future__ import annotations

import sys

from expressive.api import Command
from expressive.api.i18n import N_, _


def add_arguments(parser) -> None:
    parser.add_argument("video", metavar="VIDEO")
    parser.add_argument("--client", required=True, metavar="CLIENT", help=_("the client's id or name"))


def analyse(args, portfolio) -> int:
    """Analyse the video as if it came from the camera, and keep the result."""
    # Imported here: the command line lists this command without loading the analysis.
    from expressive.activities.movement.measure import ANALYSIS_SIZE
    from expressive.activities.movement.pipeline import analyse_video
    from expressive.api.camera import VideoFileSource

    client = portfolio.client(args.client)
    # Videos are analysed at the size the live camera is.
    source = VideoFileSource(args.video, resolution=ANALYSIS_SIZE)
    source.open()
    if source.problem:
        print("expressive: " + _("{problem} Nothing was changed.").format(problem=_(source.problem)), file=sys.stderr)
        return 1
    pipeline = analyse_video(source)
    if source.problem or pipeline.record.duration == 0:
        problem = _(source.problem or N_("The video has no frames."))
        print("expressive: " + _("{problem} Nothing was changed.").format(problem=problem), file=sys.stderr)
        return 1
    artifact = portfolio.bring_in(client.id, "movement", pipeline.finish())
    print(pipeline.record.summary_text())
    if "music.mid" in {kept.name for kept in artifact.files}:
        kept = _("Kept in {client}'s portfolio ({session}): the movement painting, the features over time and their "
                 "plot, and the music it made.")
    else:
        kept = _("Kept in {client}'s portfolio ({session}): the movement painting, the features over time and their plot.")
    print(kept.format(client=client.name, session=artifact.session_id))
    return 0


ANALYSE_VIDEO = Command(
    name="movement",
    help=N_("analyse a video recorded elsewhere (with the client's consent) and keep its movement record"),
    add_arguments=add_arguments,
    run=analyse,
)
