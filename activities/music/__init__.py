"""The music activity.

Its class is imported only when first asked for: the app reads this package (its
declaration, activity.toml, and its translations) at start, and must not pay for the
activity's own imports then.
"""


def __getattr__(name: str):
    if name == "MusicActivity":
        from expressive.activities.music.activity import MusicActivity

        return MusicActivity
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
