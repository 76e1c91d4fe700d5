"""Build a briefing: run each section builder whose engine is present and works.

Sections are listed in :data:`SECTIONS`, one module each under
:mod:`peacetable.report.sections`. A section appears only when its engine
imports and answers for this scenario:

* the engine (or its module) is not installed → the section is omitted, with
  the reason listed in the appendix;
* the engine refuses the scenario with a :class:`~peacetable.errors.PeacetableError`
  (e.g. no issue is controlled by one party, so there is no conflict model)
  → omitted, reason listed;
* any other exception is a bug: with ``strict=True`` it propagates; otherwise
  the section is omitted, the error is logged with its traceback and listed in
  the appendix, so it is never silent.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from peacetable.errors import PeacetableError
from peacetable.model import Scenario
from peacetable.report.charts import Chart
from peacetable.report.context import Block, ReportContext, ReportSettings, Section

log = logging.getLogger(__name__)

#: ``(key, title, module under peacetable.report.sections)`` in report order.
SECTIONS: tuple[tuple[str, str, str], ...] = (
    ("glance", "The scenario at a glance", "glance"),
    ("proposals", "The proposals on the table", "proposals"),
    ("frontier", "The frontier of possible agreements", "frontier"),
    ("robustness", "Robustness to uncertain estimates", "robustness"),
    ("ripeness", "Ripeness over time", "ripeness"),
    ("conflict", "Would a deal hold? Conflict stability", "conflict"),
    ("forecast", "Where bargaining probably ends: forecasts", "forecast"),
)

Progress = Callable[[str, str], None]


@dataclass(frozen=True)
class Omission:
    """A section left out of the report, and why.

    ``kind`` is ``"unavailable"`` (engine not installed), ``"not applicable"``
    (the engine refuses this scenario) or ``"error"`` (a bug; logged).
    """

    key: str
    title: str
    kind: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        """Plain data."""
        return {"key": self.key, "title": self.title, "kind": self.kind, "reason": self.reason}


@dataclass(frozen=True)
class Report:
    """A built briefing: its sections, what was omitted, settings and timings.

    Attributes
    ----------
    scenario:
        The scenario reported on.
    settings:
        Sample sizes and seed used.
    sections:
        The sections that were built, in order.
    omitted:
        The sections left out, with reasons.
    seconds:
        Build time of each section (and ``"total"``).
    """

    scenario: Scenario
    settings: ReportSettings
    sections: tuple[Section, ...]
    omitted: tuple[Omission, ...]
    seconds: dict[str, float]

    @property
    def charts(self) -> tuple[Chart, ...]:
        """Every chart, numbered 1, 2, … in report order."""
        return tuple(c for s in self.sections for c in s.charts)

    def to_html(self) -> str:
        """The self-contained HTML briefing (see :mod:`peacetable.report.page`)."""
        from peacetable.report.page import render_page

        return render_page(self)

    def to_dict(self) -> dict[str, Any]:
        """Summary as plain data (sections, charts, omissions, settings, timings)."""
        return {
            "scenario": self.scenario.id,
            "settings": self.settings.to_dict(),
            "sections": [
                {
                    "key": s.key,
                    "title": s.title,
                    "question": s.question,
                    "answer": s.answer,
                    "charts": [c.file_stem for c in s.charts],
                }
                for s in self.sections
            ],
            "omitted": [o.to_dict() for o in self.omitted],
            "seconds": dict(self.seconds),
        }


def _number_charts(sections: list[Section]) -> list[Section]:
    out = []
    n = 0
    for section in sections:
        blocks: list[Block] = []
        for block in section.blocks:
            if isinstance(block, Chart):
                n += 1
                block = dataclasses.replace(block, number=n)
            blocks.append(block)
        out.append(dataclasses.replace(section, blocks=tuple(blocks)))
    return out


def build_report(
    scenario: Scenario,
    settings: ReportSettings | None = None,
    *,
    only: tuple[str, ...] | None = None,
    strict: bool = False,
    progress: Progress | None = None,
) -> Report:
    """Build the briefing of *scenario*.

    Parameters
    ----------
    scenario:
        A validated scenario.
    settings:
        Seed and sample sizes (defaults keep the seed scenario's report well under a minute).
    only:
        Build only these section keys (default: all of :data:`SECTIONS`).
    strict:
        Re-raise unexpected errors of a section builder instead of omitting the section.
    progress:
        Called with ``(key, title)`` before each section is built.

    Returns
    -------
    Report

    Raises
    ------
    InputError
        For an unknown section key in *only*.
    """
    from peacetable.errors import InputError

    settings = settings or ReportSettings()
    known = [key for key, _, _ in SECTIONS]
    for key in only or ():
        if key not in known:
            raise InputError(f"unknown report section {key!r}; sections: {', '.join(known)}")
    ctx = ReportContext(scenario, settings)
    built: list[Section] = []
    omitted: list[Omission] = []
    seconds: dict[str, float] = {}
    t_start = time.perf_counter()
    for key, title, module_name in SECTIONS:
        if only is not None and key not in only:
            continue
        if progress is not None:
            progress(key, title)
        t0 = time.perf_counter()
        try:
            module = importlib.import_module(f"peacetable.report.sections.{module_name}")
            section: Section = module.build(ctx)
        except ImportError as exc:
            missing = exc.name or str(exc)
            if missing == f"peacetable.report.sections.{module_name}":
                reason = "not available in this version of peacetable"
            else:
                reason = f"engine not available (cannot import {missing})"
            omitted.append(Omission(key, title, "unavailable", reason))
        except PeacetableError as exc:
            omitted.append(Omission(key, title, "not applicable", str(exc)))
        except Exception as exc:
            if strict:
                raise
            log.exception("report section %s failed", key)
            omitted.append(Omission(key, title, "error", f"{type(exc).__name__}: {exc}"))
        else:
            built.append(section)
        seconds[key] = time.perf_counter() - t0
    seconds["total"] = time.perf_counter() - t_start
    return Report(scenario, settings, tuple(_number_charts(built)), tuple(omitted), seconds)
