"""The play activity: a sandtray, with hundreds of little figures, kept as a picture of the
tray and a replayable log of how the world was built.

Its entry point names `expressive.activities.play.activity:PlayActivity` directly, so the app
reads this package (its declaration, activity.toml, and its translations) without importing
anything of the activity.
"""
