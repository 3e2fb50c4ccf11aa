"""The film activity: a stop-motion film made frame by frame, from the camera with an onion
skin or from drawn frames, with the client's voice or music, kept as a video, its frames in
their order and its sound.

Its entry point names `expressive.activities.film.activity:FilmActivity` directly, so the app
reads this package (its declaration, activity.toml, and its translations) without importing
anything of the activity.
"""
