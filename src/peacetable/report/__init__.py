"""A mediator's briefing in one self-contained HTML file, with static chart export.

>>> from peacetable.report import build_report, write_report   # doctest: +SKIP
>>> report = build_report(scenario)                              # doctest: +SKIP
>>> write_report(report, "briefing.html")                        # doctest: +SKIP

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
