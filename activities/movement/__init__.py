"""The movement activity.

Its entry point names `expressive.activities.movement.activity:MovementActivity` directly: the app reads
this package (its declaration, activity.toml, and its translations) at start, and must
not pay for the activity's own imports then.
"""
