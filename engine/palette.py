"""The scene colours: the editor's quick colours, which the edit benchmark's prompts use too.

Each is the colour of a kind of "stuff" as it looks in outdoor photographs, so a stroke
painted with it asks for something the generator has seen. Flat design colours asked for
things no photo has (a stroke of #27ae60 under a light-blue sky gave teal water): measured on
scenery64-local, a sky band over a ground band from random starts missed by 26 grey levels on
average with the old quick colours' blues and greens (83 % met) and by 7.6 with these
(100 % met); docs/editor.md, "Quick colours".
"""

from __future__ import annotations

from typing import NamedTuple


class SceneColor(NamedTuple):
    name: str
    rgb: tuple[int, int, int]


SKY = SceneColor("Sky", (100, 150, 220))
PALE_SKY = SceneColor("Pale sky", (170, 195, 225))
GREY_SKY = SceneColor("Grey sky", (170, 172, 178))
CLOUD = SceneColor("Cloud, snow", (235, 238, 242))
SUNSET = SceneColor("Sunset", (235, 130, 50))
WATER = SceneColor("Water", (45, 95, 160))
GRASS = SceneColor("Grass", (70, 130, 50))
FOREST = SceneColor("Dark forest", (30, 50, 30))
SAND = SceneColor("Sand", (215, 195, 150))
DARK_EARTH = SceneColor("Dark earth", (40, 30, 25))
RED = SceneColor("Red flower", (210, 35, 30))
YELLOW = SceneColor("Yellow flower", (240, 210, 40))

# In the editor's order: skies and water on the first row, grounds and objects on the second.
SCENE_COLORS: tuple[SceneColor, ...] = (SKY, PALE_SKY, GREY_SKY, CLOUD, SUNSET, WATER,
                                        GRASS, FOREST, SAND, DARK_EARTH, RED, YELLOW)
# The brush colour a first launch starts with: a first stroke of pure red turned the whole
# picture red; a sky stroke asks for something every scene has.
DEFAULT_BRUSH = SKY
