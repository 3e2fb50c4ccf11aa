"""Colours and sizes shared by every screen, so that all activities look like one app."""

from kivy.metrics import dp

BACKGROUND = (0.98, 0.96, 0.93, 1)
SURFACE = (1, 1, 1, 1)
INK = (0.17, 0.17, 0.2, 1)
MUTED_INK = (0.42, 0.42, 0.46, 1)
PRIMARY = (0.22, 0.45, 0.78, 1)
DONE = (0.2, 0.62, 0.36, 1)
WARNING = (0.85, 0.33, 0.24, 1)
DISABLED = (0.8, 0.8, 0.8, 1)

# Touch targets: 48 dp is the floor for adults, 64 dp for the youngest clients.
TARGET = dp(64)
TARGET_SMALL = dp(48)
GAP = dp(12)
RADIUS = dp(16)
