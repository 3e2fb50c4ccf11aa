from expressive.activities.music.activity import MusicActivity

__all__ = ["MusicActivity"]
