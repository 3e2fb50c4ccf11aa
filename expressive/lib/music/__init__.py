"""Music without a screen: what the music activity records and what movement plays.

- `scales`: note names, the colour of each note, scales for a keyboard with no wrong notes.
- `performance`: key and pedal events, a `Performance` (a take) and the thread-safe
  `Recorder` that makes one.
- `midifile`: a performance written as a Standard MIDI File, and any such file read back as
  a performance, checked before it is trusted.

Used by the music activity (its studio, viewer and saved log) and the movement activity
(zones that play notes, and the MIDI file of a movement session). Public: plugin authors
may use it, and it is covered by the API version. No Kivy here.
"""
