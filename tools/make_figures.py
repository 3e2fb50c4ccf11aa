"""Make the sandtray's shipped figures from Debian's Noto Color Emoji font.

    python3 tools/make_figures.py [--font PATH]

Writes every figure of FIGURES below as a trimmed RGBA PNG, its longest side FIGURE_SIDE
pixels, to assets/figures/noto/<id>.png, and the catalogue assets/figures/figures.toml
that the app reads (expressive/lib/figures). Run it again after changing the list; the
files it writes are the same for the same font.

Needs the Debian package fonts-noto-color-emoji (version 2.042; its images are Apache-2.0,
see assets/figures/README.md) and Pillow built with libraqm, whose text layout joins the
zero-width-joiner sequences (families, professions) into one picture; the tool refuses
to run without it rather than write a family as three separate people. Nothing else: it
is a developer's tool, not part of the app, and the app never reads the font.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFont, features

PROJECT = Path(__file__).resolve().parent.parent
OUTPUT = PROJECT / "assets" / "figures"
FONT = Path("/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf")
FONT_VERSION = "2.042"
# The font's colour bitmaps are drawn at this size only (136 x 128 pixels each).
BITMAP_SIZE = 109
FIGURE_SIDE = 128
# A palette of this many colours (with alpha) keeps the shelf under 3 MB; emoji are flat
# enough that the difference does not show at the size figures are drawn.
PALETTE_COLOURS = 128

# The skin tone modifiers, with the words that name them in a figure's name.
SKIN_TONES = (
    ("1F3FB", "light skin"),
    ("1F3FC", "medium-light skin"),
    ("1F3FD", "medium skin"),
    ("1F3FE", "medium-dark skin"),
    ("1F3FF", "dark skin"),
)

# Each row: the codepoints (hex, space-separated, as Unicode's emoji lists write them),
# the English name people read (translated where shown), and flags: "simple" offers the
# figure at the simplest level (big, friendly, clear), "tones" adds it in the five skin
# tones too, "group" draws the people of a family sequence side by side (Noto 2.042 draws a
# family as grey silhouettes on a tile, which in a tray looks like a sign, not people),
# "untile" keeps the white symbol of a purple tile, drawn in the tile's purple (a cross or
# a menorah stands in the sand, not a sign of one). Categories are in shelf order.
FIGURES: dict[str, list[tuple[str, str, str]]] = {
    "people": [
        ("1F476", "baby", "simple tones"),
        ("1F9D2", "child", "tones"),
        ("1F467", "girl", "simple tones"),
        ("1F466", "boy", "simple tones"),
        ("1F9D1", "person", "tones"),
        ("1F469", "woman", "simple tones"),
        ("1F468", "man", "simple tones"),
        ("1F9D3", "older person", "tones"),
        ("1F475", "old woman", "simple"),
        ("1F474", "old man", "simple"),
        ("1F930", "pregnant woman", ""),
        ("1F931", "breastfeeding", ""),
        ("1F9D1 200D 1F9D1 200D 1F9D2", "family: adult, adult, child", "group tones"),
        ("1F468 200D 1F469 200D 1F466", "family: man, woman, boy", "group"),
        ("1F468 200D 1F469 200D 1F467", "family: man, woman, girl", "group"),
        ("1F468 200D 1F469 200D 1F467 200D 1F466", "family: man, woman, girl, boy", "group tones"),
        ("1F468 200D 1F469 200D 1F466 200D 1F466", "family: man, woman, boy, boy", "group"),
        ("1F468 200D 1F469 200D 1F467 200D 1F467", "family: man, woman, girl, girl", "group"),
        ("1F468 200D 1F468 200D 1F466", "family: man, man, boy", "group"),
        ("1F468 200D 1F468 200D 1F467", "family: man, man, girl", "group"),
        ("1F469 200D 1F469 200D 1F466", "family: woman, woman, boy", "group"),
        ("1F469 200D 1F469 200D 1F467", "family: woman, woman, girl", "group tones"),
        ("1F468 200D 1F466", "family: man, boy", "group"),
        ("1F468 200D 1F467", "family: man, girl", "group"),
        ("1F469 200D 1F466", "family: woman, boy", "group tones"),
        ("1F469 200D 1F467", "family: woman, girl", "group"),
        ("1F46B", "woman and man holding hands", ""),
        ("1F46D", "women holding hands", ""),
        ("1F46C", "men holding hands", ""),
        ("1F9D1 200D 1F91D 200D 1F9D1", "people holding hands", "simple"),
        ("1F491", "couple with heart", ""),
        ("1F470", "person with veil", ""),
        ("1F935", "person in tuxedo", ""),
        ("1F464", "shadow of a person", ""),
        ("1F465", "shadows of people", ""),
        ("1F9D1 200D 2695 FE0F", "health worker", ""),
        ("1F9D1 200D 1F3EB", "teacher", ""),
        ("1F9D1 200D 1F393", "student", ""),
        ("1F46E", "police officer", ""),
        ("1F9D1 200D 1F692", "firefighter", ""),
        ("1F9D1 200D 1F33E", "farmer", ""),
        ("1F9D1 200D 1F373", "cook", ""),
        ("1F9D1 200D 1F527", "mechanic", ""),
        ("1F9D1 200D 1F3ED", "factory worker", ""),
        ("1F9D1 200D 1F4BC", "office worker", ""),
        ("1F9D1 200D 1F52C", "scientist", ""),
        ("1F9D1 200D 1F4BB", "technologist", ""),
        ("1F9D1 200D 1F3A4", "singer", ""),
        ("1F9D1 200D 1F3A8", "artist", ""),
        ("1F9D1 200D 2708 FE0F", "pilot", ""),
        ("1F9D1 200D 1F680", "astronaut", ""),
        ("1F9D1 200D 2696 FE0F", "judge", ""),
        ("1F482", "guard", ""),
        ("1F477", "construction worker", ""),
        ("1F575 FE0F", "detective", ""),
        ("1F977", "ninja", ""),
        ("1F934", "prince", ""),
        ("1F478", "princess", ""),
        ("1FAC5", "person with crown", ""),
        ("1F385", "Santa Claus", ""),
        ("1F936", "Mrs. Claus", ""),
        ("1F9D1 200D 1F9AF", "person with white cane", ""),
        ("1F9D1 200D 1F9BD", "person in wheelchair", ""),
        ("1F9CF", "deaf person", ""),
        ("1F6B6", "person walking", ""),
        ("1F3C3", "person running", ""),
        ("1F9CD", "person standing", ""),
        ("1F9CE", "person kneeling", ""),
        ("1F9D8", "person in lotus position", ""),
        ("1F647", "person bowing", ""),
        ("1F64B", "person raising hand", ""),
        ("1F645", "person gesturing no", ""),
        ("1F937", "person shrugging", ""),
        ("1F926", "person facepalming", ""),
        ("1F64D", "person frowning", ""),
        ("1F64E", "person pouting", ""),
        ("1F6CC", "person in bed", ""),
        ("1F9D7", "person climbing", ""),
        ("1F3CA", "person swimming", ""),
        ("1F3C4", "person surfing", ""),
        ("1F938", "person cartwheeling", ""),
        ("26F9 FE0F", "person bouncing ball", ""),
        ("1F6B4", "person biking", ""),
        ("1F483", "woman dancing", ""),
        ("1F57A", "man dancing", ""),
        ("1F46F", "people with bunny ears", ""),
        ("1F93A", "person fencing", ""),
        ("1F5E3 FE0F", "speaking head", ""),
    ],
    "animals": [
        ("1F981", "lion", "simple"),
        ("1F405", "tiger", ""),
        ("1F406", "leopard", ""),
        ("1F418", "elephant", "simple"),
        ("1F992", "giraffe", ""),
        ("1F993", "zebra", ""),
        ("1F98F", "rhinoceros", ""),
        ("1F99B", "hippopotamus", ""),
        ("1F98D", "gorilla", ""),
        ("1F412", "monkey", ""),
        ("1F9A7", "orangutan", ""),
        ("1F43B", "bear", "simple"),
        ("1F43B 200D 2744 FE0F", "polar bear", ""),
        ("1F43C", "panda", ""),
        ("1F428", "koala", ""),
        ("1F998", "kangaroo", ""),
        ("1F42B", "camel", ""),
        ("1F999", "llama", ""),
        ("1F98C", "deer", ""),
        ("1F9AC", "bison", ""),
        ("1F43A", "wolf", ""),
        ("1F98A", "fox", ""),
        ("1F99D", "raccoon", ""),
        ("1F9A8", "skunk", ""),
        ("1F9A1", "badger", ""),
        ("1F994", "hedgehog", ""),
        ("1F43F FE0F", "chipmunk", ""),
        ("1F9AB", "beaver", ""),
        ("1F9A5", "sloth", ""),
        ("1F9A6", "otter", ""),
        ("1F987", "bat", ""),
        ("1F401", "mouse", ""),
        ("1F400", "rat", ""),
        ("1F407", "rabbit", "simple"),
        ("1F40A", "crocodile", ""),
        ("1F422", "turtle", "simple"),
        ("1F98E", "lizard", ""),
        ("1F40D", "snake", "simple"),
        ("1F438", "frog", ""),
        ("1F995", "sauropod", ""),
        ("1F996", "T-Rex", ""),
        ("1F404", "cow", "simple"),
        ("1F402", "ox", ""),
        ("1F403", "water buffalo", ""),
        ("1F416", "pig", "simple"),
        ("1F411", "sheep", ""),
        ("1F40F", "ram", ""),
        ("1F410", "goat", ""),
        ("1F40E", "horse", "simple"),
        ("1FACF", "donkey", ""),
        ("1F414", "chicken", ""),
        ("1F413", "rooster", ""),
        ("1F423", "hatching chick", ""),
        ("1F424", "baby chick", ""),
        ("1F986", "duck", ""),
        ("1F983", "turkey", ""),
        ("1FABF", "goose", ""),
        ("1F415", "dog", "simple"),
        ("1F9AE", "guide dog", ""),
        ("1F429", "poodle", ""),
        ("1F408", "cat", "simple"),
        ("1F408 200D 2B1B", "black cat", ""),
        ("1F439", "hamster", ""),
        ("1F426", "bird", "simple"),
        ("1F985", "eagle", ""),
        ("1F989", "owl", ""),
        ("1F99C", "parrot", ""),
        ("1F99A", "peacock", ""),
        ("1F9A9", "flamingo", ""),
        ("1F9A2", "swan", ""),
        ("1F54A FE0F", "dove", ""),
        ("1F427", "penguin", ""),
        ("1F9A4", "dodo", ""),
        ("1F40B", "whale", ""),
        ("1F433", "spouting whale", ""),
        ("1F42C", "dolphin", ""),
        ("1F988", "shark", ""),
        ("1F41F", "fish", "simple"),
        ("1F420", "tropical fish", ""),
        ("1F421", "blowfish", ""),
        ("1F419", "octopus", ""),
        ("1F991", "squid", ""),
        ("1F980", "crab", ""),
        ("1F99E", "lobster", ""),
        ("1F990", "shrimp", ""),
        ("1F9AD", "seal", ""),
        ("1FABC", "jellyfish", ""),
        ("1F41A", "shell", ""),
        ("1FAB8", "coral", ""),
        ("1F98B", "butterfly", "simple"),
        ("1F41B", "caterpillar", ""),
        ("1F41C", "ant", ""),
        ("1F41D", "bee", ""),
        ("1F41E", "ladybird", ""),
        ("1FAB2", "beetle", ""),
        ("1F997", "cricket", ""),
        ("1FAB3", "cockroach", ""),
        ("1F577 FE0F", "spider", ""),
        ("1F982", "scorpion", ""),
        ("1F99F", "mosquito", ""),
        ("1FAB0", "fly", ""),
        ("1FAB1", "worm", ""),
        ("1F40C", "snail", ""),
        ("1F9A0", "microbe", ""),
    ],
    "fantasy": [
        ("1F409", "dragon", "simple"),
        ("1F432", "dragon face", ""),
        ("1F984", "unicorn", "simple"),
        ("1F47B", "ghost", "simple"),
        ("1F9DF", "zombie", ""),
        ("1F9DB", "vampire", ""),
        ("1F9DA", "fairy", ""),
        ("1F9D9", "mage", ""),
        ("1F9D9 200D 2640 FE0F", "witch", ""),
        ("1F9B8", "superhero", ""),
        ("1F9B9", "supervillain", ""),
        ("1F9DE", "genie", ""),
        ("1F9DC 200D 2640 FE0F", "mermaid", ""),
        ("1F9DC 200D 2642 FE0F", "merman", ""),
        ("1F9DD", "elf", ""),
        ("1F9CC", "troll", ""),
        ("1F479", "ogre", ""),
        ("1F47A", "goblin", ""),
        ("1F47F", "angry devil", ""),
        ("1F608", "smiling devil", ""),
        ("1F47C", "baby angel", ""),
        ("1F480", "skull", ""),
        ("2620 FE0F", "skull and crossbones", ""),
        ("1F47D", "alien", ""),
        ("1F47E", "monster", "simple"),
        ("1F916", "robot", ""),
        ("1F921", "clown", ""),
        ("1F383", "jack-o-lantern", ""),
        ("1F52E", "crystal ball", ""),
        ("1FA84", "magic wand", ""),
        ("1F6F8", "flying saucer", ""),
        ("1FAA6", "headstone", ""),
        ("26B0 FE0F", "coffin", ""),
        ("26B1 FE0F", "funeral urn", ""),
        ("1F9B4", "bone", ""),
        ("1F5FF", "stone head", ""),
        ("1F4A9", "pile of poo", ""),
    ],
    "buildings": [
        ("1F3E0", "house", "simple"),
        ("1F3E1", "house with garden", ""),
        ("1F3D8 FE0F", "houses", ""),
        ("1F3DA FE0F", "derelict house", ""),
        ("1F6D6", "hut", ""),
        ("26FA", "tent", ""),
        ("1F3F0", "castle", "simple"),
        ("1F3EF", "Japanese castle", ""),
        ("26EA", "church", ""),
        ("1F54C", "mosque", ""),
        ("1F54D", "synagogue", ""),
        ("1F6D5", "Hindu temple", ""),
        ("26E9 FE0F", "shinto shrine", ""),
        ("1F54B", "kaaba", ""),
        ("1F492", "wedding chapel", ""),
        ("1F3EB", "school", ""),
        ("1F3E5", "hospital", ""),
        ("1F3E2", "office building", ""),
        ("1F3E6", "bank", ""),
        ("1F3E8", "hotel", ""),
        ("1F3EA", "shop", ""),
        ("1F3EC", "department store", ""),
        ("1F3ED", "factory", ""),
        ("1F3E4", "post office", ""),
        ("1F3DB FE0F", "classical building", ""),
        ("1F3DF FE0F", "stadium", ""),
        ("1F3D7 FE0F", "building under construction", ""),
        ("1F3AA", "circus tent", ""),
        ("1F3A1", "ferris wheel", ""),
        ("1F3A2", "roller coaster", ""),
        ("1F3A0", "carousel horse", ""),
        ("1F6DD", "playground slide", ""),
        ("26F2", "fountain", ""),
        ("1F5FD", "Statue of Liberty", ""),
        ("1F5FC", "tower", ""),
        ("1F309", "bridge", ""),
        ("1F9F1", "wall of bricks", ""),
        ("1F6A7", "barrier", ""),
        ("1FAB5", "logs", ""),
        ("1FA9C", "ladder", ""),
        ("1F6AA", "door", ""),
        ("1FA9F", "window", ""),
        ("1F6E4 FE0F", "railway track", ""),
        ("1F6E3 FE0F", "road", ""),
        ("1F6A6", "traffic light", ""),
        ("26FD", "fuel pump", ""),
        ("1F3D5 FE0F", "camping", ""),
        ("1F3D9 FE0F", "city", ""),
    ],
    "nature": [
        ("1F333", "tree", "simple"),
        ("1F332", "evergreen tree", ""),
        ("1F334", "palm tree", ""),
        ("1F335", "cactus", ""),
        ("1F331", "seedling", ""),
        ("1F33F", "herb", ""),
        ("1F340", "four leaf clover", ""),
        ("1F341", "maple leaf", ""),
        ("1F342", "fallen leaves", ""),
        ("1F344", "mushroom", ""),
        ("1F337", "tulip", "simple"),
        ("1F339", "rose", ""),
        ("1F940", "wilted flower", ""),
        ("1F33B", "sunflower", ""),
        ("1F33C", "blossom", ""),
        ("1F338", "cherry blossom", ""),
        ("1F33A", "hibiscus", ""),
        ("1FAB7", "lotus", ""),
        ("1F490", "bouquet", ""),
        ("1F33E", "sheaf of rice", ""),
        ("1FAB4", "potted plant", ""),
        ("1FAB9", "empty nest", ""),
        ("1FABA", "nest with eggs", ""),
        ("1FAA8", "rock", ""),
        ("1F525", "fire", "simple"),
        ("1F30A", "water wave", "simple"),
        ("1F4A7", "droplet", ""),
        ("2744 FE0F", "snowflake", ""),
        ("26C4", "snowman", ""),
        ("26F0 FE0F", "mountain", ""),
        ("1F3D4 FE0F", "snow-capped mountain", ""),
        ("1F30B", "volcano", ""),
        ("1F3DD FE0F", "desert island", ""),
        ("1F3DC FE0F", "desert", ""),
        ("2600 FE0F", "sun", "simple"),
        ("1F31E", "sun with face", ""),
        ("1F31D", "full moon with face", ""),
        ("1F319", "crescent moon", ""),
        ("2601 FE0F", "cloud", ""),
        ("1F327 FE0F", "rain cloud", ""),
        ("1F329 FE0F", "lightning cloud", ""),
        ("26A1", "lightning", ""),
        ("1F32A FE0F", "tornado", ""),
        ("1F308", "rainbow", ""),
        ("2604 FE0F", "comet", ""),
        ("1F30D", "globe", ""),
        ("1FAB6", "feather", ""),
        ("1F95A", "egg", ""),
    ],
    "vehicles": [
        ("1F697", "car", "simple"),
        ("1F695", "taxi", ""),
        ("1F699", "sport utility vehicle", ""),
        ("1F68C", "bus", ""),
        ("1F693", "police car", ""),
        ("1F691", "ambulance", ""),
        ("1F692", "fire engine", ""),
        ("1F3CE FE0F", "racing car", ""),
        ("1F6FB", "pickup truck", ""),
        ("1F69A", "delivery truck", ""),
        ("1F69B", "lorry", ""),
        ("1F69C", "tractor", ""),
        ("1F6B2", "bicycle", ""),
        ("1F6F5", "motor scooter", ""),
        ("1F3CD FE0F", "motorcycle", ""),
        ("1F6F4", "kick scooter", ""),
        ("1F6F9", "skateboard", ""),
        ("1F6FC", "roller skate", ""),
        ("1F9BD", "wheelchair", ""),
        ("1F682", "locomotive", "simple"),
        ("1F683", "railway carriage", ""),
        ("1F684", "high-speed train", ""),
        ("1F68B", "tram", ""),
        ("1F6A1", "cable car", ""),
        ("2708 FE0F", "aeroplane", "simple"),
        ("1F681", "helicopter", ""),
        ("1F680", "rocket", ""),
        ("1F6F0 FE0F", "satellite", ""),
        ("1FA82", "parachute", ""),
        ("26F5", "sailboat", "simple"),
        ("1F6A4", "speedboat", ""),
        ("1F6A2", "ship", ""),
        ("26F4 FE0F", "ferry", ""),
        ("1F6F6", "canoe", ""),
        ("2693", "anchor", ""),
    ],
    "things": [
        ("1F34E", "apple", ""),
        ("1F34C", "banana", ""),
        ("1F353", "strawberry", ""),
        ("1F35E", "bread", ""),
        ("1F355", "pizza", ""),
        ("1F354", "hamburger", ""),
        ("1F382", "birthday cake", ""),
        ("1F366", "ice cream", ""),
        ("1F36C", "sweet", ""),
        ("1F36D", "lollipop", ""),
        ("1F37C", "baby bottle", ""),
        ("2615", "hot drink", ""),
        ("1F374", "fork and knife", ""),
        ("1F377", "wine glass", ""),
        ("1F37A", "beer", ""),
        ("1F6AC", "cigarette", ""),
        ("1F9F8", "teddy bear", "simple"),
        ("26BD", "football", "simple"),
        ("1F388", "balloon", ""),
        ("1F381", "present", ""),
        ("1FA81", "kite", ""),
        ("1FA80", "yo-yo", ""),
        ("1F9E9", "puzzle piece", ""),
        ("1F3B2", "dice", ""),
        ("1FA86", "nesting dolls", ""),
        ("1FA85", "piñata", ""),
        ("1F6CF FE0F", "bed", "simple"),
        ("1FA91", "chair", ""),
        ("1F6CB FE0F", "couch and lamp", ""),
        ("1F6BD", "toilet", ""),
        ("1F6C1", "bathtub", ""),
        ("1F4F1", "mobile phone", ""),
        ("260E FE0F", "telephone", ""),
        ("1F4FA", "television", ""),
        ("1F4BB", "laptop", ""),
        ("1F3AE", "video game", ""),
        ("1F4DA", "books", ""),
        ("270F FE0F", "pencil", ""),
        ("1F511", "key", ""),
        ("1F512", "lock", ""),
        ("1F4B0", "money bag", ""),
        ("1F48E", "gem", ""),
        ("1F451", "crown", ""),
        ("1F48D", "ring", ""),
        ("1FA9E", "mirror", ""),
        ("23F0", "alarm clock", ""),
        ("231B", "hourglass", ""),
        ("1F4A1", "light bulb", ""),
        ("1F56F FE0F", "candle", ""),
        ("1F526", "torch", ""),
        ("2602 FE0F", "umbrella", ""),
        ("1F392", "school bag", ""),
        ("1F453", "glasses", ""),
        ("1F3A9", "top hat", ""),
        ("1F3B8", "guitar", ""),
        ("1F941", "drum", ""),
        ("1F3BA", "trumpet", ""),
        ("1F9FA", "basket", ""),
        ("1F9F9", "broom", ""),
        ("1FAA3", "bucket", ""),
        ("1F528", "hammer", ""),
        ("1F9F0", "toolbox", ""),
        ("2702 FE0F", "scissors", ""),
        ("1F489", "syringe", ""),
        ("1F48A", "pill", ""),
        ("1FA79", "plaster", ""),
        ("1FA7A", "stethoscope", ""),
        ("1F5E1 FE0F", "dagger", ""),
        ("2694 FE0F", "crossed swords", ""),
        ("1F6E1 FE0F", "shield", ""),
        ("1F3F9", "bow and arrow", ""),
        ("1F4A3", "bomb", ""),
        ("1FA96", "military helmet", ""),
        ("26D3 FE0F", "chains", ""),
        ("1F3C6", "trophy", ""),
        ("1F3C5", "medal", ""),
        ("2709 FE0F", "envelope", ""),
        ("1F4E6", "parcel", ""),
        ("1F4EB", "mailbox", ""),
        ("1F4F7", "camera", ""),
        ("1F9B7", "tooth", ""),
        ("1F9E0", "brain", ""),
        ("1FAC0", "anatomical heart", ""),
        ("1F441 FE0F", "eye", ""),
        ("1F463", "footprints", ""),
    ],
    "symbols": [
        ("2764 FE0F", "red heart", "simple"),
        ("1F9E1", "orange heart", ""),
        ("1F49B", "yellow heart", ""),
        ("1F49A", "green heart", ""),
        ("1F499", "blue heart", ""),
        ("1F49C", "purple heart", ""),
        ("1F90E", "brown heart", ""),
        ("1F5A4", "black heart", ""),
        ("1F90D", "white heart", ""),
        ("1F496", "sparkling heart", ""),
        ("1F494", "broken heart", ""),
        ("2764 FE0F 200D 1FA79", "mending heart", ""),
        ("2764 FE0F 200D 1F525", "heart on fire", ""),
        ("2B50", "star", "simple"),
        ("1F31F", "glowing star", ""),
        ("2728", "sparkles", ""),
        ("271D FE0F", "cross", "untile"),
        ("2626 FE0F", "orthodox cross", "untile"),
        ("2721 FE0F", "star of David", "untile"),
        ("262A FE0F", "star and crescent", "untile"),
        ("1F549 FE0F", "om", "untile"),
        ("2638 FE0F", "wheel of dharma", "untile"),
        ("262F FE0F", "yin yang", "untile"),
        ("1F54E", "menorah", "untile"),
        ("1F52F", "dotted six-pointed star", "untile"),
        ("1FAAF", "khanda", "untile"),
        ("1FAAC", "hamsa", ""),
        ("1F4FF", "prayer beads", ""),
        ("1F64F", "folded hands", ""),
        ("1F9FF", "nazar amulet", ""),
        ("1F6D0", "place of worship", "untile"),
        ("262E FE0F", "peace symbol", "untile"),
        ("267E FE0F", "infinity", "untile"),
        ("1F600", "happy face", ""),
        ("1F60A", "smiling face", ""),
        ("1F610", "neutral face", ""),
        ("2639 FE0F", "sad face", ""),
        ("1F622", "crying face", ""),
        ("1F62D", "sobbing face", ""),
        ("1F620", "angry face", ""),
        ("1F621", "furious face", ""),
        ("1F628", "fearful face", ""),
        ("1F631", "screaming face", ""),
        ("1F61F", "worried face", ""),
        ("1F633", "embarrassed face", ""),
        ("1F634", "sleeping face", ""),
        ("1F917", "hugging face", ""),
        ("1F4AC", "speech bubble", ""),
        ("1F4AD", "thought bubble", ""),
        ("1F4A2", "anger symbol", ""),
        ("1F4A5", "collision", ""),
        ("1F4A4", "sleep", ""),
        ("1F3B5", "musical note", ""),
        ("2753", "question mark", ""),
        ("2757", "exclamation mark", ""),
        ("26A0 FE0F", "warning", ""),
        ("1F6D1", "stop sign", ""),
        ("26D4", "no entry", ""),
        ("2705", "check mark", ""),
        ("274C", "cross mark", ""),
        ("1F3F3 FE0F", "white flag", ""),
        ("1F6A9", "triangular flag", ""),
        ("1F3C1", "chequered flag", ""),
        ("1F3F3 FE0F 200D 1F308", "rainbow flag", ""),
        ("1F3F3 FE0F 200D 26A7 FE0F", "transgender flag", ""),
    ],
}


def figure_id(name: str) -> str:
    """The figure's file name and key: its name in lower case, words joined by hyphens."""
    kept = "".join(char if char.isalnum() else " " for char in name.lower().replace("ñ", "n"))
    return "-".join(kept.split())


def rows() -> list[dict]:
    """Every figure of FIGURES, the skin tone variants after their figure."""
    made = []
    for category, figures in FIGURES.items():
        for codepoints, name, flags in figures:
            simple = "simple" in flags.split()
            made.append({"id": figure_id(name), "name": name, "category": category, "simple": simple,
                         "codepoints": codepoints, "flags": flags})
            if "tones" in flags.split():
                for modifier, tone in SKIN_TONES:
                    made.append({"id": figure_id(f"{name} {tone}"), "name": f"{name}, {tone}", "category": category,
                                 "simple": False, "codepoints": with_skin_tone(codepoints, modifier), "flags": flags})
    return made


def with_skin_tone(codepoints: str, modifier: str) -> str:
    """The sequence with the tone modifier after each person of it (every part between joiners)."""
    return " 200D ".join(f"{part} {modifier}" for part in codepoints.split(" 200D "))


def render(font: ImageFont.FreeTypeFont, codepoints: str, flags: str) -> Image.Image:
    """The figure as one trimmed RGBA picture, its longest side FIGURE_SIDE pixels."""
    if "group" in flags.split():
        picture = group(font, codepoints.split(" 200D "))
    else:
        picture = emoji(font, codepoints)
    if "untile" in flags.split():
        picture = untiled(picture)
    scale = FIGURE_SIDE / max(picture.size)
    size = (max(1, round(picture.width * scale)), max(1, round(picture.height * scale)))
    return picture.resize(size, Image.Resampling.LANCZOS)


def emoji(font: ImageFont.FreeTypeFont, codepoints: str) -> Image.Image:
    """One emoji as the font draws it, trimmed."""
    text = "".join(chr(int(code, 16)) for code in codepoints.split())
    canvas = Image.new("RGBA", (BITMAP_SIZE * 4, BITMAP_SIZE * 2))
    ImageDraw.Draw(canvas).text((BITMAP_SIZE // 2, BITMAP_SIZE // 2), text, font=font, embedded_color=True)
    box = canvas.getchannel("A").getbbox()
    if box is None:
        raise SystemExit(f"{codepoints}: the font draws nothing for it")
    # One emoji bitmap is 136 pixels wide; wider means the sequence fell apart into pieces.
    if box[2] - box[0] > 140:
        raise SystemExit(f"{codepoints}: drawn as several pictures, not one (is Pillow built with libraqm?)")
    return canvas.crop(box)


# Children stand this tall beside the grown-ups of their family; neighbours overlap by this
# share of their width, so a family of four is not a long thin strip.
CHILD_HEIGHT = 0.72
FAMILY_OVERLAP = 0.3
CHILDREN = {"1F466", "1F467", "1F476", "1F9D2"}


def group(font: ImageFont.FreeTypeFont, members: list[str]) -> Image.Image:
    """The people of a family side by side, standing on one line, the children smaller."""
    people = []
    for member in members:
        person = emoji(font, member)
        if member.split()[0] in CHILDREN:
            person = person.resize((round(person.width * CHILD_HEIGHT), round(person.height * CHILD_HEIGHT)),
                                   Image.Resampling.LANCZOS)
        people.append(person)
    steps = [round(person.width * (1 - FAMILY_OVERLAP)) for person in people[:-1]]
    height = max(person.height for person in people)
    canvas = Image.new("RGBA", (sum(steps) + people[-1].width, height))
    left = 0
    for person, step in zip(people, [*steps, 0]):
        canvas.alpha_composite(person, (left, height - person.height))
        left += step
    return canvas


# On Noto's purple tiles the symbol is near white (250, 250, 250) and the tile's sheen is
# light purple, its least channel about 125: whiteness (the least channel) between these
# two is the symbol's anti-aliased edge.
SHEEN_WHITENESS = 140
SYMBOL_WHITENESS = 250


def untiled(picture: Image.Image) -> Image.Image:
    """The white symbol of a coloured tile, drawn in the tile's colour (a little darker),
    the tile taken away: each pixel as opaque as it is white."""
    rgb = picture.convert("RGB")
    _count, tile = max((count, colour) for count, colour in rgb.getcolors(rgb.width * rgb.height)
                       if min(colour) < SHEEN_WHITENESS)
    red, green, blue = rgb.split()
    whiteness = ImageChops.darker(ImageChops.darker(red, green), blue)
    span = SYMBOL_WHITENESS - SHEEN_WHITENESS
    alpha = whiteness.point(lambda value: max(0, min(255, round((value - SHEEN_WHITENESS) * 255 / span))))
    shown = Image.new("RGBA", picture.size, tuple(round(channel * 0.8) for channel in tile))
    shown.putalpha(ImageChops.multiply(alpha, picture.getchannel("A")))
    return shown.crop(alpha.getbbox())


def small_png(picture: Image.Image) -> Image.Image:
    """The picture with a palette of PALETTE_COLOURS colours and alpha, for a small file,
    trimmed again: the palette drops the faintest shadows at the edges."""
    quantized = picture.quantize(PALETTE_COLOURS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    return quantized.crop(quantized.convert("RGBA").getchannel("A").getbbox())


def toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def catalogue_text(made: list[dict]) -> str:
    lines = [
        f"# The sandtray's shipped figures, made by tools/make_figures.py from Noto Color Emoji {FONT_VERSION}",
        "# (images Apache-2.0; see README.md and LICENSE here). Made by the tool: edit the tool, not this file.",
        "# Shelf order is file order. `simple` figures are offered at the simplest level.",
        "",
    ]
    for row in made:
        lines += [
            "[[figure]]",
            f"id = {toml_string(row['id'])}",
            f"name = {toml_string(row['name'])}",
            f"category = {toml_string(row['category'])}",
            f"simple = {'true' if row['simple'] else 'false'}",
            f"file = {toml_string('noto/' + row['id'] + '.png')}",
            f"codepoints = {toml_string(row['codepoints'])}",
            "",
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--font", type=Path, default=FONT)
    arguments = parser.parse_args(argv)
    if not features.check("raqm"):
        raise SystemExit("Pillow here has no libraqm: families and professions would not join into one picture.")
    font = ImageFont.truetype(str(arguments.font), BITMAP_SIZE)
    made = rows()
    ids = [row["id"] for row in made]
    repeated = sorted({figure_id for figure_id in ids if ids.count(figure_id) > 1})
    if repeated:
        raise SystemExit(f"figure ids used twice: {', '.join(repeated)}")
    folder = OUTPUT / "noto"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for row in made:
        small_png(render(font, row["codepoints"], row["flags"])).save(folder / f"{row['id']}.png", optimize=True)
    (OUTPUT / "figures.toml").write_text(catalogue_text(made), encoding="utf-8")
    simple = sum(row["simple"] for row in made)
    print(f"{len(made)} figures ({simple} simple) in {folder}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
