"""Charts drawn on the server as plain data for the SVG templates (no JavaScript, no CDN).

Each chart carries its own text alternative (``title`` and ``description``); the templates put
them in the SVG's ``<title>``/``<desc>`` and show the data table beside the drawing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from soscience.impact.centroids import CENTROIDS
from soscience.impact.figures import CountryCount, Tally

# Horizontal bars: one row per label, so long domain or campus names stay readable.
ROW_HEIGHT = 28
BAR_THICKNESS = 18
LABEL_WIDTH = 250
BAR_AREA = 320
VALUE_GAP = 8
CHART_WIDTH = LABEL_WIDTH + BAR_AREA + 60
LABEL_CHARS = 30


@dataclass(frozen=True)
class Bar:
    label: str
    short_label: str
    value: int | Decimal
    display: str  # the value written for the reader's language
    y: int
    text_y: int
    width: float
    value_x: float


@dataclass(frozen=True)
class BarChart:
    id: str
    title: str
    description: str
    bars: tuple[Bar, ...]
    width: int
    height: int
    label_width: int
    row_height: int
    bar_thickness: int


def _shorten(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


def bar_chart(chart_id: str, title: str, tallies: Sequence[Tally]) -> BarChart:
    """Horizontal bars for labelled counts; an empty series gives a chart without bars."""
    top = max((t.value for t in tallies), default=0)
    bars = []
    for index, tally in enumerate(tallies):
        width = float(tally.value) / float(top) * BAR_AREA if top else 0.0
        y = index * ROW_HEIGHT + (ROW_HEIGHT - BAR_THICKNESS) // 2
        bars.append(
            Bar(
                label=tally.label, short_label=_shorten(tally.label), value=tally.value,
                display=number_format(tally.value),
                y=y, text_y=index * ROW_HEIGHT + ROW_HEIGHT // 2 + 5, width=round(width, 1),
                value_x=round(LABEL_WIDTH + width + VALUE_GAP, 1),
            )
        )  # fmt: skip
    described = "; ".join(f"{t.label}: {number_format(t.value)}" for t in tallies)
    return BarChart(
        id=chart_id, title=title, description=described or _("No data yet."),
        bars=tuple(bars), width=CHART_WIDTH, height=max(len(bars), 1) * ROW_HEIGHT,
        label_width=LABEL_WIDTH, row_height=ROW_HEIGHT, bar_thickness=BAR_THICKNESS,
    )  # fmt: skip


# The world map: an equirectangular projection cropped to the inhabited latitudes.
MAP_WIDTH = 720
MAP_NORTH, MAP_SOUTH = 84.0, -58.0
MAP_HEIGHT = round(MAP_WIDTH * (MAP_NORTH - MAP_SOUTH) / 360)
MIN_RADIUS, MAX_RADIUS = 4.0, 18.0


def project(lat: float, lon: float) -> tuple[float, float]:
    """Longitude and latitude to SVG coordinates (x grows east, y grows south)."""
    x = (lon + 180.0) / 360.0 * MAP_WIDTH
    y = (MAP_NORTH - lat) / (MAP_NORTH - MAP_SOUTH) * MAP_HEIGHT
    return round(x, 1), round(y, 1)


@dataclass(frozen=True)
class Dot:
    code: str
    name: str
    count: int
    x: float
    y: float
    r: float
    label: str


@dataclass(frozen=True)
class WorldMap:
    title: str
    description: str
    width: int
    height: int
    land: tuple[str, ...]
    dots: tuple[Dot, ...]
    unplaced: tuple[CountryCount, ...]


def _radius(count: int, top: int) -> float:
    # Area, not radius, grows with the count, so a country with 4 missions does not look 16
    # times bigger than one with 1.
    return round(MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * math.sqrt(count / top), 1)


def world_map(countries: Sequence[CountryCount]) -> WorldMap:
    """One circle per country at its centroid, sized by its number of missions."""
    from soscience.impact.land import LAND

    top = max((c.count for c in countries), default=0)
    dots, unplaced = [], []
    # Largest first, so small circles are drawn on top and stay visible.
    for country in sorted(countries, key=lambda c: -c.count):
        if country.code not in CENTROIDS:
            unplaced.append(country)
            continue
        x, y = project(*CENTROIDS[country.code])
        label = _("%(country)s: %(count)s") % {
            "country": country.name, "count": _missions_label(country.count)
        }  # fmt: skip
        dots.append(Dot(country.code, country.name, country.count, x, y,
                        _radius(country.count, top), label))  # fmt: skip
    land = tuple(
        "M" + " L".join("{},{}".format(*project(lat, lon)) for lon, lat in shape) + " Z"
        for shape in LAND
    )
    described = "; ".join(d.label for d in dots)
    return WorldMap(
        title=_("Missions by country"), description=described or _("No mission yet."),
        width=MAP_WIDTH, height=MAP_HEIGHT, land=land, dots=tuple(dots),
        unplaced=tuple(unplaced),
    )  # fmt: skip


def _missions_label(count: int) -> str:
    from django.utils.translation import ngettext

    return ngettext("%(n)d mission", "%(n)d missions", count) % {"n": count}
