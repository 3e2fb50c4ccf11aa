from expressive.activities.drawing.activity import DrawingActivity

__all__ = ["DrawingActivity"]
