"""A mediator's briefing in one self-contained HTML file, with static chart export.

>>> from peacetable.io import load_scenario
>>> from peacetable.report import ReportSettings, build_report
>>> report = build_report(load_scenario("tests/model/mini.yaml"), only=("glance", "frontier"))
>>> [section.key for section in report.sections]
['glance', 'frontier']
>>> report.sections[1].answer.startswith("A zone of possible agreement exists")
True

Then ``write_report(report, "briefing.html")`` and ``export_images(report, "slides/")``.

See ``docs/report.md``.
"""

from peacetable.report.builder import SECTIONS, Omission, Report, build_report
from peacetable.report.charts import Chart, Trace
from peacetable.report.context import ReportContext, ReportSettings, Section
from peacetable.report.output import export_images, write_report

__all__ = [
    "SECTIONS",
    "Chart",
    "Omission",
    "Report",
    "ReportContext",
    "ReportSettings",
    "Section",
    "Trace",
    "build_report",
    "export_images",
    "write_report",
]
