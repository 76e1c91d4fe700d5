"""Static re-drawing of :class:`~peacetable.report.charts.Chart` with matplotlib (Agg).

Slides need pictures, and exporting plotly figures needs a browser; these
functions draw the same chart specification with matplotlib's Agg canvas, so
PNG and SVG files are produced with no browser at all. Text alternatives go
into the files' metadata (PNG ``Description`` text chunk, SVG ``<dc:description>``).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from peacetable.report.charts import Chart, Trace, legend_name

_MARKERS = {
    "circle": "o",
    "square": "s",
    "diamond": "D",
    "triangle-up": "^",
    "triangle-down": "v",
    "cross": "P",
    "star": "*",
    "x": "X",
}
_DASHES = {"solid": "-", "dash": "--", "dot": ":"}
#: Dots per inch of the PNG export (slides: 1600 px wide at the default 10-inch width).
PNG_DPI = 160


def _plain(text: str) -> str:
    """Text as matplotlib shows it literally (``$`` would start mathtext)."""
    return text.replace("$", r"\$")


def _x_positions(chart: Chart) -> dict[str, int] | None:
    """Index of each category on a categorical x axis (``None``: numeric axis)."""
    if chart.categories is not None:
        return {c: k for k, c in enumerate(chart.categories)}
    if any(isinstance(v, str) for t in chart.traces for v in t.x):
        order: dict[str, int] = {}
        for t in chart.traces:
            for v in t.x:
                order.setdefault(str(v), len(order))
        return order
    return None


def _xs(trace: Trace, cats: dict[str, int] | None) -> list[float]:
    if cats is None:
        return [float(v) for v in trace.x]
    return [float(cats[str(v)]) for v in trace.x]


def draw(chart: Chart) -> Any:
    """A matplotlib ``Figure`` of *chart* (not attached to pyplot; Agg canvas).

    Raises
    ------
    ImportError
        When matplotlib is not installed.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10.0, max(3.5, chart.height / 80.0)), layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    cats = _x_positions(chart)
    bars = [t for t in chart.traces if t.kind == "bar"]
    width = 0.8 / max(1, len(bars))
    for trace in chart.traces:
        xs = _xs(trace, cats)
        label = _plain(legend_name(trace.name)) if trace.legend else "_nolegend_"
        has_err = trace.error_minus is not None or trace.error_plus is not None
        err = None
        if has_err:
            plus = list(
                trace.error_plus if trace.error_plus is not None else trace.error_minus or []
            )
            minus = list(trace.error_minus if trace.error_minus is not None else plus)
            err = [minus, plus]
        if trace.kind == "bar":
            k = bars.index(trace)
            shift = (k - (len(bars) - 1) / 2) * width
            pos = [x + shift for x in xs]
            ax.bar(
                pos,
                list(trace.y),
                width=width,
                color=trace.colour,
                edgecolor="black",
                linewidth=0.5,
                label=label,
                alpha=trace.opacity,
                yerr=err,
                capsize=3 if err else 0,
            )
            points = list(zip(pos, trace.y, strict=True))
        else:
            marker = _MARKERS.get(trace.symbol, "o") if trace.kind != "lines" else None
            linestyle = _DASHES[trace.dash] if trace.kind != "markers" else "none"
            size = 3 + 1.6 * trace.width
            style: dict[str, Any] = {
                "color": trace.colour,
                "marker": marker,
                "markersize": size,
                "markeredgecolor": "black",
                "markeredgewidth": 0.4,
                "linestyle": linestyle,
                "linewidth": trace.width * 0.75,
                "alpha": trace.opacity,
                "label": label,
            }
            if err is None:
                ax.plot(xs, list(trace.y), **style)
            else:
                ax.errorbar(xs, list(trace.y), yerr=err, capsize=3, **style)
            points = list(zip(xs, trace.y, strict=True))
        for text, (x, y) in zip(trace.labels or (), points, strict=False):
            ax.annotate(
                _plain(text),
                (x, y),
                textcoords="offset points",
                xytext=(0, 6),
                ha="center",
                fontsize=8,
            )
    for line in chart.reference_lines:
        line_style: dict[str, Any] = {
            "color": line.colour,
            "linestyle": _DASHES[line.dash],
            "linewidth": 1.0,
        }
        if line.axis == "y":
            ax.axhline(line.value, **line_style)
            ax.annotate(
                _plain(line.label),
                (1.0, line.value),
                xycoords=("axes fraction", "data"),
                ha="right",
                va="bottom",
                fontsize=8,
            )
        else:
            ax.axvline(line.value, **line_style)
            ax.annotate(
                _plain(line.label),
                (line.value, 1.0),
                xycoords=("data", "axes fraction"),
                ha="left",
                va="top",
                rotation=90,
                fontsize=8,
            )
    for arrow in chart.arrows:
        ax.annotate(
            "",
            xy=(arrow.x1, arrow.y1),
            xytext=(arrow.x0, arrow.y0),
            arrowprops={
                "arrowstyle": "-|>",
                "color": arrow.colour,
                "shrinkA": 9,
                "shrinkB": 9,
                "linewidth": 1.2,
            },
        )
    if cats is not None:
        ax.set_xticks(
            range(len(cats)),
            [_plain(c) for c in cats],
            rotation=20 if len(cats) > 4 else 0,
            ha="right" if len(cats) > 4 else "center",
            fontsize=9,
        )
    if chart.y_ticks is not None:
        ax.set_yticks(
            [v for v, _ in chart.y_ticks], [_plain(t) for _, t in chart.y_ticks], fontsize=8
        )
    if chart.x_range is not None:
        ax.set_xlim(*chart.x_range)
    if chart.y_range is not None:
        ax.set_ylim(*chart.y_range)
    ax.set_title(_plain(chart.title), loc="left", fontsize=12)
    ax.set_xlabel(_plain(chart.x_title))
    ax.set_ylabel(_plain(chart.y_title))
    ax.grid(True, color="#e5e5e5", linewidth=0.6)
    ax.set_axisbelow(True)
    if chart.hide_axes:
        ax.set_axis_off()
    entries = [t.name for t in chart.traces if t.legend]
    if entries and len(entries) <= 3 and sum(len(e) for e in entries) < 90:
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.01), ncol=3, fontsize=8, frameon=False)
        ax.set_title(_plain(chart.title), loc="left", fontsize=12, pad=22)
    elif entries:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    return fig


def render_formats(chart: Chart, formats: Sequence[str]) -> dict[str, bytes]:
    """The chart drawn once and saved in each of *formats* (``"png"``, ``"svg"``).

    Output is deterministic: no dates, fixed SVG ids; the title and text
    alternative are stored as metadata.

    Raises
    ------
    ValueError
        For a format other than ``"png"`` or ``"svg"``.
    """
    import matplotlib

    for fmt in formats:
        if fmt not in ("png", "svg"):
            raise ValueError(f"unsupported image format {fmt!r}; use png or svg")
    fig = draw(chart)
    out: dict[str, bytes] = {}
    for fmt in formats:
        buffer = io.BytesIO()
        meta: dict[str, Any] = {"Title": chart.title, "Description": chart.alt}
        meta.update({"Software": None} if fmt == "png" else {"Date": None})
        with matplotlib.rc_context({"svg.hashsalt": f"peacetable-{chart.key}"}):
            fig.savefig(buffer, format=fmt, dpi=PNG_DPI, metadata=meta)
        out[fmt] = buffer.getvalue()
    return out


def render(chart: Chart, fmt: str) -> bytes:
    """The chart as PNG or SVG bytes (see :func:`render_formats`)."""
    return render_formats(chart, (fmt,))[fmt]
