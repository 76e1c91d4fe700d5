"""Chart specifications shared by the interactive (plotly) and static (matplotlib) renderers.

A section describes each chart once, as data (:class:`Chart` made of
:class:`Trace` objects); :func:`peacetable.report.render.plotly_html` draws it
for the HTML briefing and :func:`peacetable.report.static.draw` re-draws the
same specification with matplotlib for slides. Keeping one specification
guarantees that the PNG/SVG files show exactly what the briefing shows.

Colours come from the Okabe–Ito palette, which stays distinguishable under
the common forms of colour blindness (Okabe & Ito 2008, *Color Universal
Design*); every series also differs by marker symbol or line dash, so no chart
relies on colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

#: Okabe–Ito colours, in the order series use them (black last: reference lines).
OKABE_ITO: tuple[str, ...] = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#56B4E9",  # sky blue
    "#D55E00",  # vermillion
    "#F0E442",  # yellow
    "#000000",  # black
)
#: Neutral grey for background data (e.g. the whole frontier).
GREY = "#999999"
#: Marker symbols, in the order series use them (plotly names; mapped for matplotlib).
SYMBOLS: tuple[str, ...] = (
    "circle",
    "square",
    "diamond",
    "triangle-up",
    "cross",
    "triangle-down",
    "star",
    "x",
)
#: Axis title of every utility axis.
UTILITY_AXIS = "utility (0–1 scale)"

TraceKind = Literal["bar", "markers", "lines", "lines+markers"]
Dash = Literal["solid", "dash", "dot"]


#: Longest legend entry shown (hover text and alt text keep the full name).
LEGEND_CHARS = 48


def legend_name(name: str) -> str:
    """*name* cut to :data:`LEGEND_CHARS` characters with an ellipsis."""
    return name if len(name) <= LEGEND_CHARS else name[: LEGEND_CHARS - 1].rstrip() + "…"


def colour(k: int) -> str:
    """The *k*-th Okabe–Ito colour (cycling, yellow and black skipped for data)."""
    usable = OKABE_ITO[:6]
    return usable[k % len(usable)]


def symbol(k: int) -> str:
    """The *k*-th marker symbol (cycling)."""
    return SYMBOLS[k % len(SYMBOLS)]


@dataclass(frozen=True)
class Trace:
    """One data series of a chart.

    Attributes
    ----------
    name:
        Legend entry.
    x, y:
        Coordinates; ``x`` may be category labels (strings).
    kind:
        ``"bar"``, ``"markers"``, ``"lines"`` or ``"lines+markers"``.
    colour, symbol, dash:
        Appearance (Okabe–Ito colour, marker symbol, line dash).
    labels:
        Text drawn next to each point (``None``: no labels).
    hover:
        Text shown on hover in the interactive chart (``None``: the values).
    error_minus, error_plus:
        Error bar lengths below/above each ``y`` (``None``: no error bars).
    width:
        Line width in pixels; also the marker size scale.
    opacity:
        0..1.
    legend:
        Whether the trace has a legend entry.
    """

    name: str
    x: Sequence[float | str]
    y: Sequence[float]
    kind: TraceKind = "markers"
    colour: str = OKABE_ITO[0]
    symbol: str = "circle"
    dash: Dash = "solid"
    labels: Sequence[str] | None = None
    hover: Sequence[str] | None = None
    error_minus: Sequence[float] | None = None
    error_plus: Sequence[float] | None = None
    width: float = 2.0
    opacity: float = 1.0
    legend: bool = True


@dataclass(frozen=True)
class ReferenceLine:
    """A horizontal (``axis="y"``) or vertical (``axis="x"``) reference line."""

    axis: Literal["x", "y"]
    value: float
    label: str
    colour: str = "#000000"
    dash: Dash = "dash"


@dataclass(frozen=True)
class Arrow:
    """An arrow from ``(x0, y0)`` to ``(x1, y1)`` (moves in a state graph)."""

    x0: float
    y0: float
    x1: float
    y1: float
    colour: str = "#000000"


@dataclass(frozen=True)
class Chart:
    """A chart, described once for both renderers.

    Attributes
    ----------
    key:
        Short identifier, unique in a report (used for element ids and file names).
    title:
        Title drawn above the chart.
    alt:
        Text alternative: what the chart shows and its main finding, in words.
    caption:
        Caption printed below the chart.
    x_title, y_title:
        Axis titles with units.
    traces:
        The data series, drawn in order.
    reference_lines, arrows:
        Annotations.
    x_range, y_range:
        Fixed axis ranges (``None``: automatic).
    categories:
        Category order of a categorical x axis (``None``: numeric or as given).
    y_ticks:
        Named ticks ``(value, label)`` of the y axis (``None``: automatic numbers).
    height:
        Height in pixels of the interactive chart (the static one scales).
    hide_axes:
        Draw no axes (graphs whose coordinates mean nothing).
    """

    key: str
    title: str
    alt: str
    caption: str
    x_title: str
    y_title: str
    traces: tuple[Trace, ...]
    reference_lines: tuple[ReferenceLine, ...] = ()
    arrows: tuple[Arrow, ...] = ()
    x_range: tuple[float, float] | None = None
    y_range: tuple[float, float] | None = None
    categories: tuple[str, ...] | None = None
    y_ticks: tuple[tuple[float, str], ...] | None = None
    height: int = 380
    hide_axes: bool = False
    number: int = field(default=0, compare=False)

    @property
    def element_id(self) -> str:
        """The HTML id of the chart's plot element."""
        return f"chart-{self.key}"

    @property
    def file_stem(self) -> str:
        """File name (without suffix) of the static export."""
        return f"fig{self.number:02d}-{self.key}"
