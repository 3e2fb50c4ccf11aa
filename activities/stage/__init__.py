"""The puppet stage: the client puts on a puppet show in front of a backdrop, moving the
puppets with their fingers while their voice is recorded; the take becomes a film, and each
puppet's path is kept as a log, so the film can be drawn again.

Its entry point names `expressive.activities.stage.activity:StageActivity` directly, so the
app reads this package (its declaration, activity.toml, and its translations) without
importing anything of the activity.
"""
