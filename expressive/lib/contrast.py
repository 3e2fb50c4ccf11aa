"""Contrast between two colours, as WCAG 2.1 measures it: text needs 4.5:1 against what is
behind it, controls and the colours that tell things apart need 3:1.

Public: activities check their own colours with it; it changes only with the API version.
"""

from __future__ import annotations

from collections.abc import Sequence

TEXT_CONTRAST = 4.5
CONTROL_CONTRAST = 3.0


def relative_luminance(colour: Sequence[float]) -> float:
    """Of an sRGB colour given as 0-1 channels (an alpha channel is ignored)."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in colour[:3])
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: Sequence[float], second: Sequence[float]) -> float:
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def over(colour: Sequence[float], background: Sequence[float]) -> tuple[float, float, float]:
    """What a translucent `colour` looks like drawn over an opaque `background`."""
    alpha = colour[3] if len(colour) > 3 else 1.0
    return tuple(alpha * top + (1 - alpha) * bottom for top, bottom in zip(colour[:3], background[:3]))
