"""Abstract illustrations for the demo essay, drawn by code so the project ships no binaries.

Each one is drawn at twice its size and scaled down, which smooths the edges Pillow's drawing
leaves jagged. The shapes are seeded, so every run draws the same pictures.
"""

from __future__ import annotations

import io
import math
import random
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageDraw

PAPER = (244, 239, 230)
INK = (38, 48, 61)
SLATE = (74, 98, 122)
CLAY = (184, 92, 56)
OCHRE = (214, 162, 72)
SAGE = (137, 158, 128)
ROSE = (214, 170, 150)
MIST = (203, 211, 214)

_SCALE = 2


@dataclass(frozen=True)
class Illustration:
    key: str
    title: str
    alt_text: str
    size: tuple[int, int]
    draw: Callable[[ImageDraw.ImageDraw, int, int, random.Random], None]


def _table(d: ImageDraw.ImageDraw, w: int, h: int, rnd: random.Random) -> None:
    """A round table seen from above, the seats around it drifting apart."""
    cx, cy = w * 0.5, h * 0.54
    d.ellipse([cx - w * 0.2, cy - h * 0.24, cx + w * 0.2, cy + h * 0.24], fill=MIST)
    d.ellipse([cx - w * 0.14, cy - h * 0.16, cx + w * 0.14, cy + h * 0.16], fill=PAPER)
    seats = 11
    for i in range(seats):
        angle = 2 * math.pi * i / seats - math.pi / 2
        drift = 1.0 + (0.35 * rnd.random() if i % 3 == 0 else 0.05 * rnd.random())
        r = w * 0.26 * drift
        x, y = cx + r * math.cos(angle), cy + r * 0.62 * math.sin(angle)
        size = w * 0.028
        colour = CLAY if drift > 1.15 else (SLATE if i % 2 else INK)
        d.ellipse([x - size, y - size, x + size, y + size], fill=colour)
    d.line([(w * 0.08, h * 0.9), (w * 0.92, h * 0.9)], fill=INK, width=max(2, w // 300))


def _network(d: ImageDraw.ImageDraw, w: int, h: int, rnd: random.Random) -> None:
    """Towns joined by many paths that loop back on themselves, one that leaves the circle."""
    towns = [
        (
            w * (0.45 + 0.3 * math.cos(2 * math.pi * i / 7) + rnd.uniform(-0.04, 0.04)),
            h * (0.52 + 0.32 * math.sin(2 * math.pi * i / 7) + rnd.uniform(-0.05, 0.05)),
        )
        for i in range(7)
    ]
    for i, a in enumerate(towns):
        for b in towns[i + 1 :]:
            mid = (
                (a[0] + b[0]) / 2 + rnd.uniform(-80, 80),
                (a[1] + b[1]) / 2 + rnd.uniform(-80, 80),
            )
            d.line([a, mid, b], fill=MIST, width=max(3, w // 250), joint="curve")
    for x, y in towns:
        r = w * 0.03
        d.ellipse([x - r, y - r, x + r, y + r], fill=SLATE, outline=PAPER, width=w // 200)
    start = towns[0]
    d.line([start, (w * 0.95, h * 0.12)], fill=OCHRE, width=max(4, w // 150))
    r = w * 0.022
    d.ellipse([w * 0.95 - r, h * 0.12 - r, w * 0.95 + r, h * 0.12 + r], fill=OCHRE)


def _districts(d: ImageDraw.ImageDraw, w: int, h: int, rnd: random.Random) -> None:
    """A city plan of blocks; a few lit up, most of them grey."""
    cols, rows = 9, 6
    gap = w * 0.012
    cell_w = (w * 0.84 - gap * (cols - 1)) / cols
    cell_h = (h * 0.76 - gap * (rows - 1)) / rows
    for row in range(rows):
        for col in range(cols):
            x = w * 0.08 + col * (cell_w + gap)
            y = h * 0.12 + row * (cell_h + gap)
            pick = rnd.random()
            colour = OCHRE if pick > 0.9 else SAGE if pick > 0.8 else MIST if pick > 0.3 else PAPER
            d.rounded_rectangle(
                [x, y, x + cell_w, y + cell_h],
                radius=w // 120,
                fill=colour,
                outline=MIST,
                width=max(2, w // 400),
            )
    d.line([(w * 0.08, h * 0.5), (w * 0.92, h * 0.46)], fill=CLAY, width=max(4, w // 160))


def _energy(d: ImageDraw.ImageDraw, w: int, h: int, rnd: random.Random) -> None:
    """Many small lights moving around a heavy block."""
    block = [w * 0.56, h * 0.22, w * 0.8, h * 0.82]
    for _ in range(260):
        x, y = rnd.uniform(0.04, 0.96) * w, rnd.uniform(0.06, 0.94) * h
        if block[0] - 20 < x < block[2] + 20 and block[1] - 20 < y < block[3] + 20:
            continue
        r = w * rnd.uniform(0.004, 0.016)
        colour = rnd.choice([CLAY, OCHRE, SAGE, ROSE, SLATE])
        d.ellipse([x - r, y - r, x + r, y + r], fill=colour)
    d.rectangle(block, fill=INK)
    for i in range(1, 6):
        y = block[1] + (block[3] - block[1]) * i / 6
        d.line([(block[0], y), (block[2], y)], fill=SLATE, width=max(2, w // 500))


def _colonnade(d: ImageDraw.ImageDraw, w: int, h: int, rnd: random.Random) -> None:
    """Arches of a public building under a low sun."""
    d.ellipse([w * 0.62, h * 0.08, w * 0.86, h * 0.08 + w * 0.24], fill=OCHRE)
    d.rectangle([0, h * 0.72, w, h], fill=MIST)
    arches = 6
    span = w * 0.8 / arches
    for i in range(arches):
        x0 = w * 0.1 + i * span
        top = h * (0.34 + 0.02 * math.sin(i))
        colour = CLAY if i == 3 else SLATE
        d.rectangle([x0, top, x0 + span, h * 0.72], fill=colour)
        inner = span * 0.22
        d.rectangle([x0 + inner, top + span * 0.5, x0 + span - inner, h * 0.72], fill=PAPER)
        d.pieslice(
            [x0 + inner, top + span * 0.12, x0 + span - inner, top + span * 0.88 - inner * 0.5],
            180,
            360,
            fill=PAPER,
        )
    d.line([(w * 0.06, h * 0.34 - 6), (w * 0.94, h * 0.34 - 6)], fill=INK, width=max(4, w // 200))


ILLUSTRATIONS = [
    Illustration(
        "omslag",
        "Nieuw Publiek Werken — omslag",
        "Abstracte illustratie: een rij bogen van een openbaar gebouw "
        "onder een lage, okergele zon.",
        (1920, 1080),
        _colonnade,
    ),
    Illustration(
        "PubliekeWerken1",
        "Ervaring 1 — de tafel",
        "Abstracte illustratie: een ronde tafel van bovenaf, de stoelen eromheen drijven uiteen.",
        (1600, 1000),
        _table,
    ),
    Illustration(
        "PubliekeWerken2",
        "Ervaring 2 — het netwerk",
        "Abstracte illustratie: gemeenten als stippen, verbonden door veel kronkelende lijnen; "
        "één gele lijn loopt naar buiten.",
        (1600, 1000),
        _network,
    ),
    Illustration(
        "PubliekeWerken3",
        "Ervaring 3 — de wijken",
        "Abstracte illustratie: een stadsplattegrond van blokken, "
        "waarvan er maar enkele oplichten.",
        (1600, 1000),
        _districts,
    ),
    Illustration(
        "PubliekeWerken5",
        "Energie in de samenleving",
        "Abstracte illustratie: honderden kleurige stippen rond een zwaar, donker blok.",
        (1600, 1000),
        _energy,
    ),
]


def render_png(illustration: Illustration) -> bytes:
    width, height = illustration.size
    canvas = Image.new("RGB", (width * _SCALE, height * _SCALE), PAPER)
    illustration.draw(
        ImageDraw.Draw(canvas), width * _SCALE, height * _SCALE, random.Random(illustration.key)
    )
    image = canvas.resize((width, height), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
