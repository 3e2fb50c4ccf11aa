from expressive.activities.movement.activity import MovementActivity

__all__ = ["MovementActivity"]
