"""The film being made: its frames in play order, its speed, its title and its sound. No Kivy.

Each frame's JPEG is written once to the host's drafts (encrypted like finished work) when
it is taken or drawn, under a name from its number; the reel itself is only numbers in play
order, so a copy costs nothing, and the reel's JSON (the activity's snapshot) is small
however long the film. The sound, too, is kept in the drafts, once per recording.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from expressive.api import Drafts
from expressive.api.i18n import N_, _
from expressive.api.limits import MAX_TITLE_CHARS, InputRefused, checked_text, load_json_bounded
from expressive.lib.film import FPS_CHOICES, MAX_FILM_FRAMES, FilmParts

REEL_FORMAT = "expressive-film-reel"
DEFAULT_FPS = 8
# The simplest level has no speed to choose: slow enough to see each frame.
SIMPLE_FPS = 6
ORIGINS = ("camera", "drawn")
SOUND_SOURCES = ("voice", "music")
SOUND_DRAFT = "sound.wav"


def frame_draft_name(number: int) -> str:
    return f"frame-{number:04d}.jpg"


class ReelFull(Exception):
    """The film has as many frames as a film may; str() is one plain sentence."""

    def __init__(self):
        super().__init__(_("This film is as long as a film can be: {count} frames.").format(count=MAX_FILM_FRAMES))


@dataclass(frozen=True)
class Removal:
    """The frame last taken out and where it was, so that it can be put back."""

    index: int
    number: int


class Reel:
    """The frames (numbers, in play order: a copy repeats a number) and which one is chosen;
    what is added or copied goes after the chosen frame. `drafts` keeps each frame's JPEG
    and the sound."""

    def __init__(self, drafts: Drafts, *, fps: int = DEFAULT_FPS, title: str = ""):
        self.drafts = drafts
        self.fps = fps
        self.title = title
        self.frames: list[int] = []
        self.origins: dict[int, str] = {}
        self.chosen: int | None = None
        self.removal: Removal | None = None
        self.sound_source: str | None = None
        self._pictures: dict[int, bytes] = {}
        self._sound: bytes | None = None

    # --- what it holds -------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self.frames)

    @property
    def full(self) -> bool:
        return len(self.frames) >= MAX_FILM_FRAMES

    @property
    def made(self) -> str:
        """"camera" when any frame of the film came from the camera, else "drawn"."""
        return "camera" if any(self.origins[number] == "camera" for number in set(self.frames)) else "drawn"

    @property
    def seconds(self) -> float:
        """How long the frames play (the title card not counted)."""
        return len(self.frames) / self.fps

    def picture(self, number: int) -> bytes:
        """The JPEG of frame `number`, read from the drafts the first time."""
        picture = self._pictures.get(number)
        if picture is None:
            picture = self.drafts.read(frame_draft_name(number))
            if picture is None:
                raise InputRefused(_("A frame of the film is missing from the work in progress."), "damaged")
            self._pictures[number] = picture
        return picture

    def chosen_picture(self) -> bytes | None:
        return None if self.chosen is None else self.picture(self.frames[self.chosen])

    @property
    def sound(self) -> bytes | None:
        return self._sound

    # --- what the client does ------------------------------------------------------------

    def add(self, picture: bytes, origin: str) -> int:
        """A new frame (`picture`: a JPEG of FILM_SIZE) after the chosen one, chosen now;
        its number. ReelFull when the film is as long as it may be."""
        if origin not in ORIGINS:
            raise ValueError(f"origin must be one of {ORIGINS}")
        if self.full:
            raise ReelFull()
        number = max(self.origins, default=0) + 1
        self.drafts.write(frame_draft_name(number), picture)
        self._pictures[number] = picture
        self.origins[number] = origin
        self._insert_after_chosen(number)
        return number

    def copy(self) -> None:
        """The chosen frame once more, after itself (the same picture, not a new file)."""
        if self.chosen is None:
            return
        if self.full:
            raise ReelFull()
        self._insert_after_chosen(self.frames[self.chosen])

    def remove(self) -> None:
        """Take the chosen frame out; the one before it is chosen (the first, when it was first)."""
        if self.chosen is None:
            return
        index = self.chosen
        self.removal = Removal(index, self.frames.pop(index))
        self.chosen = None if not self.frames else max(0, index - 1)

    def put_back(self) -> None:
        """Undo the last removal: the frame goes back where it was, chosen."""
        if self.removal is None or self.full:
            return
        index = min(self.removal.index, len(self.frames))
        self.frames.insert(index, self.removal.number)
        self.chosen = index
        self.removal = None

    def move(self, step: int) -> None:
        """Move the chosen frame `step` places later (negative: earlier), within the film."""
        if self.chosen is None:
            return
        to = min(max(self.chosen + step, 0), len(self.frames) - 1)
        self.frames.insert(to, self.frames.pop(self.chosen))
        self.chosen = to

    def choose(self, index: int) -> None:
        if 0 <= index < len(self.frames):
            self.chosen = index

    def set_fps(self, fps: int) -> None:
        if fps not in FPS_CHOICES:
            raise ValueError(f"fps must be one of {FPS_CHOICES}")
        self.fps = fps

    def set_title(self, title: str) -> None:
        self.title = checked_text(title, N_("title"), MAX_TITLE_CHARS, one_line=True).strip()

    def set_sound(self, wav: bytes | None, source: str | None) -> None:
        """The film's sound (a WAV that starts with the first frame) and where it came from
        ("voice" or "music"), or no sound (None, None)."""
        if (wav is None) != (source is None) or (source is not None and source not in SOUND_SOURCES):
            raise ValueError("a sound needs its source, one of " + ", ".join(SOUND_SOURCES))
        if wav is not None:
            self.drafts.write(SOUND_DRAFT, wav)
        self._sound, self.sound_source = wav, source

    def _insert_after_chosen(self, number: int) -> None:
        index = len(self.frames) if self.chosen is None else self.chosen + 1
        self.frames.insert(index, number)
        self.chosen = index

    # --- the film, and the work in progress ----------------------------------------------

    def parts(self, sound: bytes | None = None) -> FilmParts:
        """The film as `expressive.lib.film` makes it, with `sound` (by default the reel's)."""
        return FilmParts(
            frames=[self.picture(number) for number in self.frames],
            fps=self.fps,
            title=self.title,
            sound=self._sound if sound is None else sound,
            shows_people=self.made == "camera",
            extra={"made": self.made, "sound_source": self.sound_source},
        )

    def to_json(self) -> bytes:
        return json.dumps({
            "format": REEL_FORMAT,
            "fps": self.fps,
            "title": self.title,
            "frames": self.frames,
            "origins": {str(number): origin for number, origin in self.origins.items()},
            "chosen": self.chosen,
            "removal": None if self.removal is None else [self.removal.index, self.removal.number],
            "sound_source": self.sound_source,
        }).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes, drafts: Drafts) -> Reel:
        """The reel `to_json` wrote, its frames and sound from `drafts`. InputRefused (in a
        plain sentence) when it is damaged or names a frame the drafts do not hold."""
        kept = load_json_bounded(data, what=N_("The film kept in progress"))
        damaged = InputRefused(_("The film kept in progress is damaged."), "damaged")
        if not isinstance(kept, dict) or kept.get("format") != REEL_FORMAT:
            raise damaged
        origins = kept.get("origins")
        frames = kept.get("frames")
        if not isinstance(origins, dict) or len(origins) > MAX_FILM_FRAMES or not isinstance(frames, list):
            raise damaged
        try:
            origins = {int(number): origin for number, origin in origins.items()}
        except ValueError:
            raise damaged from None
        removal = kept.get("removal")
        chosen = kept.get("chosen")
        sound_source = kept.get("sound_source")
        if (
            kept.get("fps") not in FPS_CHOICES
            or not isinstance(kept.get("title"), str)
            or len(frames) > MAX_FILM_FRAMES
            or not all(type(number) is int and number in origins for number in frames)
            or not all(origin in ORIGINS for origin in origins.values())
            or not (chosen is None and not frames or type(chosen) is int and 0 <= chosen < len(frames))
            or not (removal is None or isinstance(removal, list) and len(removal) == 2
                    and all(type(part) is int for part in removal) and removal[1] in origins)
            or sound_source not in (None, *SOUND_SOURCES)
        ):
            raise damaged
        reel = cls(drafts, fps=kept["fps"])
        reel.set_title(kept["title"])
        reel.frames, reel.origins, reel.chosen = frames, origins, chosen
        reel.removal = None if removal is None else Removal(*removal)
        for number in set(frames):
            reel.picture(number)  # read now: a frame missing is told at once, not at Done
        if sound_source is not None:
            sound = drafts.read(SOUND_DRAFT)
            if sound is None:
                raise damaged
            reel._sound, reel.sound_source = sound, sound_source
        return reel
