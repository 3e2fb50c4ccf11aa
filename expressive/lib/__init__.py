"""Libraries shared by the activities and the host: music, drawing, fonts and printed type.

What more than one activity needs (or the host needs of an activity's work) lives here
rather than in one activity that the others import, so that each activity is a plugin on
its own. Everything here is public: plugin authors may use it, and it is covered by the
API version. No Kivy anywhere in this package: screens stay in the activities.

- `expressive.lib.music`: notes, scales and their colours; performances and their
  recording; Standard MIDI Files.
- `expressive.lib.drawing`: the stroke log of a drawing, its Pillow renderer, replaying it,
  and demo drawings.
- `expressive.lib.figures`: the sandtray's figures (Noto Emoji), a therapist's own, and
  cut-outs of a client's drawings.
- `expressive.lib.film`: films made of frames and a sound (stop-motion, a puppet show):
  their title card, onion skin and strip of frames, the saved parts, and the video
  (H.264 MP4 through PyAV), made at once or later when no encoder was at hand.
- `expressive.lib.fonts`: the fonts Expressive ships, and icon glyphs by name.
- `expressive.lib.typography`: the fonts and paragraph markup of everything printed.
"""
