"""The drawing activity.

Its entry point names `expressive.activities.drawing.activity:DrawingActivity` directly: the app reads
this package (its declaration, activity.toml, and its translations) at start, and must
not pay for the activity's own imports then.
"""
