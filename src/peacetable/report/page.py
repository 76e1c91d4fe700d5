"""The briefing page: one self-contained HTML file (stdlib template, inline CSS and JS).

The page inlines plotly.js once and every chart after it; it references no
network resource (a Content-Security-Policy forbids any), prints cleanly
(``@media print``) and is navigable by keyboard and screen reader: a table of
contents, headings per section, and every chart in a
``<figure role="img" aria-label=…>`` with a caption.
"""

from __future__ import annotations

from string import Template
from typing import TYPE_CHECKING

from peacetable import __version__
from peacetable.report.charts import Chart
from peacetable.report.markup import Markup, bullets, escape, para, strong, table, tag
from peacetable.report.render import plotly_bundle, plotly_html

if TYPE_CHECKING:
    from peacetable.report.builder import Report
    from peacetable.report.context import Section

_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; "
    "style-src 'unsafe-inline'; img-src data: blob:; font-src data:"
)

_CSS = """
:root { --ink: #1f1f1f; --muted: #5a5a5a; --rule: #d9d9d9; --accent: #0072B2;
        --yes: #006e52; --no: #a33c00; --paper: #ffffff; --panel: #f4f6f8; }
* { box-sizing: border-box; }
html { font-size: 16px; }
body { margin: 0; color: var(--ink); background: var(--paper); line-height: 1.5;
       font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif; }
.page { max-width: 60rem; margin: 0 auto; padding: 1.5rem 1.25rem 4rem; }
header.top { border-bottom: 3px solid var(--accent); margin-bottom: 1.5rem; }
header.top .kicker { text-transform: uppercase; letter-spacing: .08em; color: var(--muted);
                     font-size: .8rem; margin: 0; }
h1 { font-size: 1.9rem; margin: .2rem 0 .5rem; line-height: 1.2; }
h2 { font-size: 1.45rem; margin: 2.5rem 0 .6rem; border-bottom: 1px solid var(--rule);
     padding-bottom: .2rem; }
h3 { font-size: 1.12rem; margin: 1.6rem 0 .4rem; }
.meta { color: var(--muted); font-size: .9rem; }
nav.toc { background: var(--panel); padding: .8rem 1.2rem; border-radius: 6px; }
nav.toc h2 { font-size: 1rem; margin: 0 0 .3rem; border: 0; }
nav.toc ol { margin: 0; padding-left: 1.3rem; }
.summary { border-left: 4px solid var(--accent); background: var(--panel);
           padding: .6rem 1rem; margin: 1rem 0; }
.summary dt { font-weight: 600; }
.summary dd { margin: 0 0 .5rem 0; }
.qa { background: var(--panel); border-radius: 6px; padding: .7rem 1rem; margin: .6rem 0 1rem; }
.qa p { margin: .2rem 0; }
.qa .answer { font-size: 1.05rem; }
a { color: var(--accent); }
.table-wrap { overflow-x: auto; margin: .6rem 0 1rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { border-bottom: 1px solid var(--rule); padding: .3rem .5rem; text-align: left;
         vertical-align: top; }
th { background: var(--panel); }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.yes { color: var(--yes); font-weight: 600; white-space: nowrap; }
.no { color: var(--no); font-weight: 600; white-space: nowrap; }
figure.chart { margin: 1rem 0 1.5rem; border: 1px solid var(--rule); border-radius: 6px;
               padding: .5rem; break-inside: avoid; page-break-inside: avoid; }
figure.chart figcaption { font-size: .88rem; color: var(--muted); padding: .3rem .3rem 0; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(24rem, 1fr)); gap: 0 1rem; }
.note { color: var(--muted); font-size: .9rem; }
.appendix { font-size: .92rem; }
code { font-size: .9em; }
@media print {
  @page { margin: 15mm 12mm; }
  html { font-size: 10.5pt; }
  .page { max-width: none; padding: 0; }
  nav.toc { break-after: page; page-break-after: always; }
  section.report-section { break-before: page; page-break-before: always; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  .modebar-container, .modebar { display: none !important; }
  figure.chart { border: 0; }
  .grid { display: block; }
  a { color: inherit; text-decoration: none; }
  .table-wrap { overflow: visible; }
  tr { break-inside: avoid; }
}
"""

# Re-lay out every chart to the page width before printing (and after).
_PRINT_JS = """
(function () {
  function resizeAll() {
    if (!window.Plotly) { return; }
    document.querySelectorAll('.js-plotly-plot').forEach(function (el) {
      window.Plotly.Plots.resize(el);
    });
  }
  window.addEventListener('beforeprint', resizeAll);
  window.addEventListener('afterprint', resizeAll);
})();
"""

_TEMPLATE = Template(
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="$csp">
<meta name="generator" content="peacetable $version">
<title>$title</title>
<style>$css</style>
<script>$plotlyjs</script>
</head>
<body>
<div class="page">
<header class="top">
<p class="kicker">Mediator's briefing</p>
<h1>$heading</h1>
$meta
</header>
<nav class="toc" aria-label="Contents">
<h2>Contents</h2>
$toc
</nav>
<main id="briefing" data-chart-count="$chart_count" data-section-count="$section_count">
$summary
$sections
$appendix
</main>
</div>
<script>$print_js</script>
</body>
</html>
"""
)


def render_chart(chart: Chart) -> Markup:
    """One chart as ``<figure role="img" aria-label=…>`` with its caption."""
    caption = Markup(f"{strong(f'Figure {chart.number}.')} {escape(chart.caption)}")
    return Markup(
        tag(
            "figure",
            Markup(f'<div class="plot">{plotly_html(chart)}</div>{tag("figcaption", caption)}'),
            class_="chart",
            id=f"fig-{chart.number}",
            role="img",
            aria_label=f"Figure {chart.number}: {chart.alt}",
            data_chart=chart.element_id,
        )
    )


def _render_blocks(section: Section) -> Markup:
    parts: list[str] = []
    for block in section.blocks:
        parts.append(render_chart(block) if isinstance(block, Chart) else block)
    return Markup("\n".join(parts))


def render_section(section: Section) -> Markup:
    """A section: heading, question, one-sentence answer, evidence."""
    qa = Markup(
        para(strong("Question: "), section.question, class_="question")
        + para(strong("Answer: "), section.answer, class_="answer")
    )
    body = Markup(
        tag("h2", section.title, id=f"h-{section.key}")
        + tag("div", qa, class_="qa")
        + _render_blocks(section)
    )
    return tag(
        "section",
        body,
        id=section.key,
        class_="report-section",
        aria_labelledby=f"h-{section.key}",
    )


def _appendix(report: Report) -> Markup:
    s = report.settings
    rows = [
        ("seed of every random routine", str(s.seed)),
        ("robustness samples", f"{s.samples:,}"),
        ("ripeness samples", f"{s.ripeness_samples:,}"),
        ("ripeness horizon", f"{s.horizon} months"),
        ("what-would-it-take search", f"up to {s.max_changes} changed provisions"),
        ("report build time", f"{report.seconds.get('total', 0.0):.1f} s"),
        ("peacetable version", __version__),
    ]
    parts = [
        tag("h2", "Appendix: method and settings", id="h-appendix"),
        para(
            "Every number in this briefing is computed from the scenario file by peacetable; "
            "rerunning the same command with the same seed reproduces it exactly. "
            "Utilities are on a 0–1 scale; a party accepts a package when its utility is "
            "at least its no-deal utility (its best alternative to a negotiated agreement)."
        ),
        table(("setting", "value"), rows, caption="Settings"),
    ]
    method_rows = [
        (
            tag("a", sec.title, href=f"#{sec.key}"),
            sec.method or "—",
            f"{report.seconds.get(sec.key, 0.0):.2f} s",
        )
        for sec in report.sections
    ]
    parts.append(
        table(
            ("section", "method", "time"),
            method_rows,
            caption="How each answer was obtained",
            numeric=(2,),
        )
    )
    if report.omitted:
        parts.append(tag("h3", "Sections omitted"))
        parts.append(bullets(f"section {o.title!r} omitted: {o.reason}" for o in report.omitted))
    figures = [(f"Figure {c.number}", c.title, c.alt) for c in report.charts]
    if figures:
        parts.append(tag("h3", "List of figures (text alternatives)"))
        parts.append(table(("figure", "title", "description"), figures))
    sources = report.scenario.sources
    if sources:
        parts.append(tag("h3", "Sources of the scenario"))
        parts.append(
            bullets(
                " — ".join(x for x in (src.title, src.author, src.date, src.url) if x)
                for src in sources
            )
        )
    return tag(
        "section",
        Markup("".join(parts)),
        id="appendix",
        class_="appendix report-section",
        aria_labelledby="h-appendix",
    )


def render_page(report: Report) -> str:
    """The full HTML page of *report*."""
    scenario = report.scenario
    toc_items = [tag("li", tag("a", sec.title, href=f"#{sec.key}")) for sec in report.sections]
    toc_items.append(tag("li", tag("a", "Appendix: method and settings", href="#appendix")))
    toc = Markup(f"<ol>{''.join(toc_items)}</ol>")
    meta_bits = [f"Scenario {scenario.id}"]
    if scenario.date:
        meta_bits.append(f"as of {scenario.date}")
    meta_bits.append(f"peacetable {__version__}, seed {report.settings.seed}")
    meta = para(" · ".join(meta_bits), class_="meta")
    if scenario.description:
        meta = Markup(meta + para(scenario.description))
    summary_items = "".join(
        f"<dt>{tag('a', sec.title, href=f'#{sec.key}')}</dt><dd>{escape(sec.answer)}</dd>"
        for sec in report.sections
    )
    summary = Markup(
        f'<section class="summary" aria-labelledby="h-summary"><h2 id="h-summary">The answers in brief</h2>'
        f"<dl>{summary_items}</dl></section>"
    )
    return _TEMPLATE.substitute(
        csp=_CSP,
        version=escape(__version__),
        title=escape(f"Briefing: {scenario.title}"),
        css=_CSS,
        plotlyjs=plotly_bundle(),
        heading=escape(scenario.title),
        meta=meta,
        toc=toc,
        chart_count=str(len(report.charts)),
        section_count=str(len(report.sections)),
        summary=summary,
        sections="\n".join(render_section(sec) for sec in report.sections),
        appendix=_appendix(report),
        print_js=_PRINT_JS,
    )


__all__ = ["render_chart", "render_page", "render_section"]
