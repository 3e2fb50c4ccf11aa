from expressive.activities.story.activity import StoryActivity

__all__ = ["StoryActivity"]
