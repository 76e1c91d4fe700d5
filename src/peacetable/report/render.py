"""Interactive rendering of :class:`~peacetable.report.charts.Chart` with plotly.

Only SVG-based plotly traces are used (``scatter`` and ``bar``; no WebGL), so
the charts render in any browser, headless or not, and print as vectors. The
plotly.js bundle is inlined once per page by :func:`plotly_bundle`; each chart
is a ``<div>`` plus a small script (:func:`plotly_html`), with no reference to
any network resource.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from peacetable.report.charts import Chart, Trace, legend_name

#: Font stack of the charts (matches the page).
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', Arial, sans-serif"
#: Interactive-chart configuration: no logo, no cloud link, responsive width.
PLOTLY_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
}


def plotly_bundle() -> str:
    """The plotly.js source of the installed plotly package (inlined once per page).

    Raises
    ------
    ImportError
        When plotly is not installed (``pip install peacetable[report]``).
    """
    from plotly.offline import get_plotlyjs

    js: str = get_plotlyjs()
    # keep the inline script from closing its own <script> element
    return js.replace("</script", "<\\/script")


def _text(value: str) -> str:
    """Plotly reads a subset of HTML in its strings: escape scenario text."""
    return html.escape(value, quote=False)


def _texts(values: Sequence[str]) -> list[str]:
    return [_text(v) for v in values]


def _trace_dict(trace: Trace) -> dict[str, Any]:
    common: dict[str, Any] = {
        "name": _text(legend_name(trace.name)),
        "x": [_text(v) if isinstance(v, str) else v for v in trace.x],
        "y": [float(v) for v in trace.y],
        "opacity": trace.opacity,
        "showlegend": trace.legend,
    }
    if trace.hover is not None:
        common["hovertext"] = _texts(trace.hover)
        common["hoverinfo"] = "text+name"
    if trace.error_minus is not None or trace.error_plus is not None:
        plus = list(trace.error_plus if trace.error_plus is not None else trace.error_minus or [])
        minus = list(trace.error_minus if trace.error_minus is not None else plus)
        common["error_y"] = {
            "type": "data",
            "array": plus,
            "arrayminus": minus,
            "visible": True,
            "color": trace.colour,
            "thickness": 1.5,
            "width": 6,
        }
    if trace.kind == "bar":
        common.update(
            type="bar",
            marker={"color": trace.colour, "line": {"color": "#000000", "width": 0.5}},
        )
        if trace.labels is not None:
            common.update(text=_texts(trace.labels), textposition="outside", cliponaxis=False)
        return common
    mode: str = trace.kind
    if trace.labels is not None:
        mode += "+text"
        common.update(text=_texts(trace.labels), textposition="top center")
    common.update(
        type="scatter",
        mode=mode,
        marker={
            "color": trace.colour,
            "symbol": trace.symbol,
            "size": 4 + 3 * trace.width,
            "line": {"color": "#000000", "width": 0.6},
        },
        line={"color": trace.colour, "dash": trace.dash, "width": trace.width},
        cliponaxis=False,
    )
    return common


def _legend(chart: Chart) -> dict[str, Any]:
    """Legend above the plot for a few short entries, else to its right."""
    entries = [t.name for t in chart.traces if t.legend]
    if len(entries) <= 3 and sum(len(e) for e in entries) < 90:
        return {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0, "xanchor": "left"}
    return {
        "orientation": "v",
        "yanchor": "top",
        "y": 1.0,
        "x": 1.02,
        "xanchor": "left",
        "font": {"size": 11},
    }


def figure_dict(chart: Chart) -> dict[str, Any]:
    """The plotly figure of *chart* as plain data (``{"data": [...], "layout": {...}}``)."""
    axis_font = {"size": 13}
    xaxis: dict[str, Any] = {
        "title": {"text": _text(chart.x_title), "font": axis_font},
        "zeroline": False,
        "automargin": True,
        "showline": True,
        "linecolor": "#444444",
        "gridcolor": "#e5e5e5",
    }
    yaxis: dict[str, Any] = {**xaxis, "title": {"text": _text(chart.y_title), "font": axis_font}}
    if chart.x_range is not None:
        xaxis["range"] = list(chart.x_range)
    if chart.y_range is not None:
        yaxis["range"] = list(chart.y_range)
    if chart.y_ticks is not None:
        yaxis.update(
            tickmode="array",
            tickvals=[v for v, _ in chart.y_ticks],
            ticktext=[_text(t) for _, t in chart.y_ticks],
        )
    if chart.categories is not None:
        xaxis.update(type="category", categoryorder="array", categoryarray=_texts(chart.categories))
    if chart.hide_axes:
        for axis in (xaxis, yaxis):
            axis.update(visible=False, showgrid=False)
    shapes: list[dict[str, Any]] = []
    annotations: list[dict[str, Any]] = []
    for line in chart.reference_lines:
        style = {"color": line.colour, "dash": line.dash, "width": 1.5}
        if line.axis == "y":
            shapes.append(
                {
                    "type": "line",
                    "xref": "paper",
                    "x0": 0,
                    "x1": 1,
                    "yref": "y",
                    "y0": line.value,
                    "y1": line.value,
                    "line": style,
                }
            )
            annotations.append(
                {
                    "xref": "paper",
                    "x": 1,
                    "xanchor": "right",
                    "yref": "y",
                    "y": line.value,
                    "yanchor": "bottom",
                    "text": _text(line.label),
                    "showarrow": False,
                    "font": {"size": 11},
                }
            )
        else:
            shapes.append(
                {
                    "type": "line",
                    "yref": "paper",
                    "y0": 0,
                    "y1": 1,
                    "xref": "x",
                    "x0": line.value,
                    "x1": line.value,
                    "line": style,
                }
            )
            annotations.append(
                {
                    "yref": "paper",
                    "y": 1,
                    "yanchor": "top",
                    "xref": "x",
                    "x": line.value,
                    "xanchor": "left",
                    "text": _text(line.label),
                    "showarrow": False,
                    "textangle": -90,
                    "font": {"size": 11},
                }
            )
    for arrow in chart.arrows:
        annotations.append(
            {
                "x": arrow.x1,
                "y": arrow.y1,
                "ax": arrow.x0,
                "ay": arrow.y0,
                "xref": "x",
                "yref": "y",
                "axref": "x",
                "ayref": "y",
                "showarrow": True,
                "arrowhead": 3,
                "arrowsize": 1.2,
                "arrowwidth": 1.5,
                "arrowcolor": arrow.colour,
                "standoff": 9,
                "startstandoff": 9,
                "text": "",
            }
        )
    layout: dict[str, Any] = {
        "title": {
            "text": _text(chart.title),
            "font": {"size": 15},
            "x": 0,
            "xanchor": "left",
            "xref": "paper",
            "y": 0.98,
            "yref": "container",
            "yanchor": "top",
        },
        "font": {"family": FONT_FAMILY, "size": 12, "color": "#222222"},
        "height": chart.height,
        "margin": {"l": 60, "r": 20, "t": 80, "b": 60},
        "barmode": "group",
        "plot_bgcolor": "#ffffff",
        "paper_bgcolor": "#ffffff",
        "legend": _legend(chart),
        "xaxis": xaxis,
        "yaxis": yaxis,
        "shapes": shapes,
        "annotations": annotations,
        "hovermode": "closest",
    }
    return {"data": [_trace_dict(t) for t in chart.traces], "layout": layout}


def plotly_html(chart: Chart) -> str:
    """The ``<div>`` and script of one interactive chart (plotly.js not included).

    Raises
    ------
    ImportError
        When plotly is not installed.
    """
    import plotly.io as pio

    # Plotly serialises with orjson when it is installed and with json otherwise; the two escape
    # non-ASCII text differently. Pin json so that the same report is the same bytes everywhere.
    engine = pio.json.config.default_engine
    pio.json.config.default_engine = "json"
    try:
        html: str = pio.to_html(
            figure_dict(chart),
            full_html=False,
            include_plotlyjs=False,
            include_mathjax=False,
            div_id=chart.element_id,
            config=PLOTLY_CONFIG,
            default_width="100%",
            default_height=f"{chart.height}px",
            validate=True,
        )
    finally:
        pio.json.config.default_engine = engine
    return html
