"""The photo activity: photos that matter, taken with the tablet's camera (or brought in
by the therapist from the device), looked at large, kept or dropped, and drawn on.

Its entry point names `expressive.activities.photo.activity:PhotoActivity` directly, so the
app reads this package (its declaration, activity.toml, and its translations) without
importing anything of the activity.
"""
