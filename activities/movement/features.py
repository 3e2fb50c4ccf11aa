"""What the movement analysis says about one moment: how much, how wide, where and how
fast the client moves. Shared by the analysis, the sound zones, the painting and the
saved record. No Kivy here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Features:
    """One analysed frame. Fractions are of the frame: 0 is none, 1 is all of it.

    `time` is seconds from the start of the capture; `quantity` the quantity of motion
    (the share of the frame that moved, smoothed); `expansiveness` the share of the frame
    the moving body's outline spans; `centroid` the middle of the motion as (x, y) with
    x from the left and y from the top, in the frame as the camera saw it (not mirrored),
    or None while nothing moves; `speed` how fast the centroid travels, in frame widths
    per second.
    """

    time: float
    quantity: float
    expansiveness: float
    centroid: tuple[float, float] | None
    speed: float

    def to_json(self) -> dict:
        return {
            "t": round(self.time, 3),
            "quantity": round(self.quantity, 4),
            "expansiveness": round(self.expansiveness, 4),
            "centroid": None if self.centroid is None else [round(self.centroid[0], 4), round(self.centroid[1], 4)],
            "speed": round(self.speed, 4),
        }

    @classmethod
    def from_json(cls, item: dict) -> Features:
        centroid = item["centroid"]
        return cls(item["t"], item["quantity"], item["expansiveness"], None if centroid is None else tuple(centroid), item["speed"])
