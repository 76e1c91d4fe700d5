"""A mediator's briefing in one self-contained HTML file, with static chart export.

>>> from peacetable.io import load_scenario
>>> from peacetable.report import build_report
>>> report = build_report(load_scenario("tests/model/mini.yaml"), only=("glance", "frontier"))
>>> [section.key for section in report.sections]
['glance', 'frontier']
>>> report.sections[1].answer.startswith("A zone of possible agreement exists")
True

Then ``write_report(report, "briefing.html")`` (or ``render_page(report)`` for the
HTML text) and ``export_images(report, "slides/")``.

See ``docs/report.md``.
"""

from peacetable.report.builder import Omission, Report, build_report, section_modules
from peacetable.report.charts import Chart, Trace
from peacetable.report.context import ReportContext, Section
from peacetable.report.output import export_images, write_report
from peacetable.report.page import render_page

__all__ = [
    "Chart",
    "Omission",
    "Report",
    "ReportContext",
    "Section",
    "Trace",
    "build_report",
    "export_images",
    "render_page",
    "section_modules",
    "write_report",
]
