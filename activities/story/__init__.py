"""The story activity.

Its entry point names `expressive.activities.story.activity:StoryActivity` directly: the app reads
this package (its declaration, activity.toml, and its translations) at start, and must
not pay for the activity's own imports then.
"""
