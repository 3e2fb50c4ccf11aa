"""Drawings without a screen: the stroke log and everything made from it with Pillow.

- `strokes`: the drawing document and its event log (`DrawingLog`), with brushes, fills,
  stamps and papers.
- `render`: the one renderer, drawing a log into a picture, a PNG or a thumbnail.
- `templates`: the paper a picture is on (plain colours, line-art templates, photos).
- `replay`: the picture at any moment of a log, fast enough to play, and the replay clock.
- `demo`: example drawings made the way a child makes them.

Used by the drawing activity (its studio and replay viewer), the story activity (a page's
drawn picture and its demo story) and the movement activity (the replay clock). Public:
plugin authors may use it, and it is covered by the API version. No Kivy here.
"""
